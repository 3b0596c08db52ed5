import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { haveChromium, launchChromium, startSystem } from './support';

/**
 * The README's time travel, in the browser: after `POST /v1/dev/clock {advance}` the scanner
 * stamps its scans with the dev clock (the server's time), not the device's, so they are accepted
 * and counted on the dev clock's day — sent at once, kept offline and sent later, and after the
 * clock moves again while the scanner is open. The console's "today" follows it as well.
 */
const PROVIDER = 'Wardown Walkers';
const VENUE = 'Wardown Park Pavilion';
const ACTIVITY = 'Nordic walking for beginners';
/** Demo patients 8 and 10 days into twelve weeks: still active 16 days on. */
const CARDS = ['LUTON-DEMO-04', 'LUTON-DEMO-05'];
const LONDON = 'Europe/London';
const WAIT = { timeout: 15_000 };
/** How far a stamp may be from the dev clock read around it (the app's reading is a round trip old). */
const CLOSE_MS = 2 * 60_000;

const londonDay = (instant: string) => Temporal.Instant.from(instant).toZonedDateTimeISO(LONDON).toPlainDate().toString();

describe.skipIf(!haveChromium)('the scanner follows the dev clock', () => {
  let system: LocalSystem;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  /** The scannedAt of every scan the page sent, one at a time or in a batch. */
  const sent: string[] = [];

  async function devClock(change?: { advance: string } | { now: string }): Promise<string> {
    const response = await fetch(`${url}/v1/dev/clock`, change ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change) } : {});
    expect(response.status).toBe(200);
    return ((await response.json()) as { now: string }).now;
  }

  async function attendanceOn(day: string): Promise<number> {
    const minted = await fetch(`${url}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'manager' }) });
    const auth = { authorization: `Bearer ${((await minted.json()) as { token: string }).token}` };
    const providers = (await (await fetch(`${url}/v1/providers?limit=100`, { headers: auth })).json()) as { items: { providerId: string; name: string }[] };
    const walkers = providers.items.find((provider) => provider.name === PROVIDER)!;
    const attendance = await fetch(`${url}/v1/providers/${walkers.providerId}/attendance?from=${day}&to=${day}`, { headers: auth });
    expect(attendance.status).toBe(200);
    return ((await attendance.json()) as { total: number }).total;
  }

  async function scan(card: string) {
    await page.getByLabel('Card number').fill(card);
    await page.getByRole('button', { name: 'Record' }).click();
  }

  beforeAll(async () => {
    ({ system, url } = await startSystem());
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: LONDON });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (request.method() !== 'POST' || (path !== '/v1/scans' && path !== '/v1/scans/batch')) return;
      const body = request.postDataJSON() as { scannedAt?: string; scans?: { scannedAt: string }[] };
      sent.push(...(body.scans ? body.scans.map((s) => s.scannedAt) : [body.scannedAt!]));
    });
    // Start the day at 10:00 London tomorrow (by the dev clock), so the half hour moved below stays on one day.
    const tomorrow = Temporal.PlainDate.from(londonDay(await devClock())).add({ days: 1 });
    await devClock({ now: tomorrow.toZonedDateTime({ timeZone: LONDON, plainTime: '10:00' }).toInstant().toString() });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('after the clock is advanced, a scan is accepted and counted on the dev clock’s day', async () => {
    // 15 days, not 14: across the spring clock change 14 London days are an hour short of 14 × 24 h,
    // and a scan stamped by the device's clock would still be inside the 14 days the API allows.
    const now = await devClock({ advance: 'P15D' });
    const today = londonDay(now);

    await page.goto(`${url}/scan/`);
    await page.getByRole('heading', { name: 'Sign in this device' }).waitFor(WAIT);
    await page.getByLabel('Provider').selectOption({ label: PROVIDER });
    await page.getByRole('button', { name: 'Use this device' }).click();
    await page.getByLabel('Venue').selectOption({ label: VENUE });
    await page.getByLabel('Activity').selectOption({ label: ACTIVITY });
    await page.getByRole('button', { name: 'Start scanning' }).click();

    await scan(CARDS[0]!);
    const status = page.getByRole('status');
    await status.getByText(/^(Accepted|Not accepted)$/).waitFor(WAIT);
    expect(await status.innerText()).not.toMatch(/Not accepted/);
    await status.getByText('Accepted', { exact: true }).waitFor(WAIT);

    expect(sent).toHaveLength(1);
    expect(londonDay(sent[0]!)).toBe(today);
    expect(Math.abs(Date.parse(sent[0]!) - Date.parse(await devClock()))).toBeLessThan(CLOSE_MS);
    expect(await attendanceOn(today)).toBe(1);
  });

  it('offline, a scan is stamped with the last known dev time, and accepted when sent later', async () => {
    await context.setOffline(true);
    await scan(CARDS[1]!);
    await page.getByRole('status').getByText('Saved — it will be sent when you are back online').waitFor(WAIT);
    const before = sent.length;
    await context.setOffline(false);
    await page.getByText(/^Sent 1 saved scan/).waitFor({ timeout: 30_000 });
    expect(await page.getByText(/^Sent 1 saved scan/).innerText()).toBe('Sent 1 saved scan: 1 accepted');

    expect(sent.length).toBe(before + 1);
    const stamped = sent.at(-1)!;
    const now = await devClock();
    expect(Math.abs(Date.parse(stamped) - Date.parse(now))).toBeLessThan(CLOSE_MS);
    expect(await attendanceOn(londonDay(now))).toBe(2);
  });

  it('the clock moved while the scanner is open: it reads the server’s time again when shown', async () => {
    await devClock({ advance: 'PT30M' });
    const read = page.waitForResponse((response) => new URL(response.url()).pathname === '/v1/dev/clock' && response.request().method() === 'GET');
    // What a phone does when it is woken up and the scanner is in view again.
    await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { dispatchEvent(event: unknown): boolean } }).document;
      doc.dispatchEvent(new Event('visibilitychange'));
    });
    await read;
    await page.waitForTimeout(200); // the answer is applied as soon as it is read

    const before = sent.length;
    await scan(CARDS[0]!);
    await page.getByRole('status').getByText('Already recorded today').waitFor(WAIT);
    expect(sent.length).toBe(before + 1);
    expect(Math.abs(Date.parse(sent.at(-1)!) - Date.parse(await devClock()))).toBeLessThan(CLOSE_MS);
  });

  it('the console’s “today” is the dev clock’s too: the reports’ default range ends on it', async () => {
    const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: LONDON });
    const consolePage = await consoleContext.newPage();
    consolePage.on('pageerror', (error) => pageErrors.push(error.message));
    await consolePage.goto(`${url}/`);
    await consolePage.getByLabel('Role').selectOption('manager');
    await consolePage.getByRole('button', { name: 'Sign in' }).click();
    await consolePage.getByRole('link', { name: 'Reports' }).click();
    await consolePage.getByLabel('To').waitFor(WAIT);
    expect(await consolePage.getByLabel('To').inputValue()).toBe(londonDay(await devClock()));
    await consoleContext.close();
  });

  it('raised no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
