import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { accessibilityViolations, drawnImage, haveChromium, imageVideo, launchChromium, startSystem } from './support';

/**
 * People and devices, end to end in local mode with the demo data: an admin invites a navigator
 * and a member of a provider's staff; a manager enrols a scanning device for the provider, and
 * the scanner — a second browser whose camera is shown the QR code the console drew — enrols by
 * scanning it and records a card; the manager revokes the device and its next scan is refused;
 * and the navigators' 09:00 email for a due follow-up is in the local outbox.
 */
const PROVIDER = 'Wardown Walkers';
const VENUE = 'Wardown Park Pavilion';
const ACTIVITY = 'Nordic walking for beginners';
const DEVICE = 'Pavilion door tablet';
/** Demo cards of people with an active prescription. */
const CARDS = ['LUTON-DEMO-04', 'LUTON-DEMO-05'];
const WAIT = { timeout: 30_000 };

// Two browsers, one reading a QR code through a fake camera: slow on a busy 2-core machine.
describe.skipIf(!haveChromium)('an admin’s team and a provider’s enrolled scanner', { timeout: 120_000 }, () => {
  let system: LocalSystem;
  let url: string;
  let consoleBrowser: Browser;
  let scannerBrowser: Browser | undefined;
  let consoleContext: BrowserContext;
  let consolePage: Page;
  let scannerPage: Page;
  const pageErrors: string[] = [];
  const track = (page: Page) => page.on('pageerror', (error) => pageErrors.push(error.message));

  async function api(path: string, init: { method?: string; body?: unknown; role?: string } = {}) {
    const minted = await fetch(`${url}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: init.role ?? 'manager' }) });
    const { token } = (await minted.json()) as { token: string };
    const res = await fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    return res.json() as Promise<any>;
  }

  async function signInToConsole(role: 'admin' | 'manager') {
    await consolePage.goto(`${url}/`);
    // The console shows its first page once it has read the server's clock: wait for it, signed in or not.
    const signOut = consolePage.getByRole('button', { name: 'Sign out' });
    await signOut.or(consolePage.getByLabel('Role')).first().waitFor(WAIT);
    if (await signOut.isVisible()) await signOut.click();
    await consolePage.getByLabel('Role').selectOption(role);
    await consolePage.getByRole('button', { name: 'Sign in' }).click();
  }

  beforeAll(async () => {
    ({ system, url } = await startSystem());
    consoleBrowser = await launchChromium();
    consoleContext = await consoleBrowser.newContext({ viewport: { width: 1280, height: 900 } });
    consolePage = await consoleContext.newPage();
    track(consolePage);
  }, 120_000);

  afterAll(async () => {
    await scannerBrowser?.close();
    await consoleBrowser?.close();
    await system?.stop();
  });

  it('an admin invites a navigator and a member of the provider’s staff', async () => {
    await signInToConsole('admin');
    await consolePage.getByRole('link', { name: 'People' }).click();
    await consolePage.getByRole('heading', { name: 'Invite a person' }).waitFor(WAIT);
    const invite = async (email: string, given: string, family: string, role: string, provider?: string) => {
      await consolePage.getByLabel('Email address').fill(email);
      await consolePage.getByLabel('First name').fill(given);
      await consolePage.getByLabel('Last name').fill(family);
      await consolePage.getByLabel('Role', { exact: true }).selectOption(role);
      if (provider) await consolePage.getByLabel('Provider', { exact: true }).selectOption({ label: provider });
      await consolePage.getByRole('button', { name: 'Send invitation' }).click();
      await consolePage.getByRole('row', { name: new RegExp(`${given} ${family}`) }).waitFor(WAIT);
    };
    await invite('jordan.reeve@example.org', 'Jordan', 'Reeve', 'navigator');
    await invite('sam.walkers@example.org', 'Sam', 'Okoro', 'provider', PROVIDER);
    const people = await api('/v1/people?limit=100');
    const byEmail = (email: string) => people.items.find((person: { email: string }) => person.email === email);
    expect(byEmail('jordan.reeve@example.org')).toMatchObject({ role: 'navigator', status: 'enabled' });
    const providers = await api('/v1/providers?limit=100');
    const walkers = providers.items.find((provider: { name: string }) => provider.name === PROVIDER);
    expect(byEmail('sam.walkers@example.org')).toMatchObject({ role: 'provider', providerId: walkers.providerId, status: 'enabled' });
  });

  it('a manager enrols a device; the scanner scans the console’s QR code, enrols, and records a card', async () => {
    await signInToConsole('manager');
    await consolePage.getByRole('link', { name: 'Providers' }).click();
    await consolePage.getByRole('link', { name: PROVIDER }).click();
    await consolePage.getByRole('link', { name: 'Devices' }).click();
    await consolePage.getByRole('heading', { name: `Devices for ${PROVIDER}` }).waitFor(WAIT);
    await consolePage.getByLabel('Device name').fill(DEVICE);
    await consolePage.getByRole('button', { name: 'Get an enrolment code' }).click();
    await consolePage.getByTestId('enrolment-qr').waitFor(WAIT);
    expect(await accessibilityViolations(consolePage), 'axe on the enrolment code').toEqual([]);

    // The scanner's camera is shown exactly what the console drew.
    scannerBrowser = await launchChromium(imageVideo(await drawnImage(consolePage, 'enrolment-qr')));
    const scannerContext = await scannerBrowser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['camera'], hasTouch: true });
    scannerPage = await scannerContext.newPage();
    track(scannerPage);
    await scannerPage.goto(`${url}/scan/`);
    await scannerPage.getByRole('button', { name: 'Enrol with a code from the console' }).click();
    await scannerPage.getByRole('heading', { name: 'Enrol this device' }).waitFor(WAIT);
    expect(await accessibilityViolations(scannerPage), 'axe on the scanner’s enrolment').toEqual([]);
    await scannerPage.getByRole('button', { name: 'Scan the QR code' }).click();

    await scannerPage.getByText(DEVICE).first().waitFor({ timeout: 60_000 });
    await scannerPage.getByLabel('Venue').selectOption({ label: VENUE });
    await scannerPage.getByLabel('Activity').selectOption({ label: ACTIVITY });
    await scannerPage.getByRole('button', { name: 'Start scanning' }).click();
    await scannerPage.getByLabel('Card number').fill(CARDS[0]!);
    await scannerPage.getByRole('button', { name: 'Record' }).click();
    await scannerPage.getByRole('status').getByText('Accepted', { exact: true }).waitFor(WAIT);

    // The console lists it as enrolled, seen just now.
    await consolePage.reload();
    await consolePage.locator('tr', { hasText: DEVICE }).getByText('Enrolled', { exact: true }).waitFor(WAIT);
  });

  it('once the manager revokes it, the scanner’s next scan is refused and it says so', async () => {
    await consolePage.getByRole('button', { name: `Revoke ${DEVICE}` }).click();
    await consolePage.getByRole('button', { name: `Yes, revoke ${DEVICE}` }).click();
    await consolePage.getByText(`${DEVICE} has been revoked.`).waitFor(WAIT);

    await scannerPage.getByLabel('Card number').fill(CARDS[1]!);
    await scannerPage.getByRole('button', { name: 'Record' }).click();
    await scannerPage.getByRole('alert').getByText('This device has been revoked.').waitFor(WAIT);
    expect(await accessibilityViolations(scannerPage), 'axe on the revoked scanner').toEqual([]);
    // Nothing was recorded for the refused scan: only the first card's visit is in today's attendance.
    const providers = await api('/v1/providers?limit=100');
    const walkers = providers.items.find((provider: { name: string }) => provider.name === PROVIDER);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(system.clock.now());
    const attendance = await api(`/v1/providers/${walkers.providerId}/attendance?from=${today}&to=${today}`);
    expect(attendance.total).toBe(1);
  });

  it('the navigators’ 09:00 email for their due follow-ups is in the outbox, with counts and no patient', async () => {
    // The demo caseload has follow-ups due; the next 09:00 London on the dev clock sends the digest.
    const now = system.clock.now();
    const next = new Date(now.getTime() + 24 * 60 * 60 * 1000);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(next);
    await fetch(`${url}/v1/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ now: `${day}T09:30:00Z` }) });
    let messages: { to: string; subject: string; text: string }[] = [];
    for (let tries = 0; tries < 40 && messages.length === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      messages = ((await (await fetch(`${url}/v1/dev/outbox`)).json()) as { items: typeof messages }).items;
    }
    const alex = messages.find((message) => message.text.includes('Alex'));
    expect(alex, JSON.stringify(messages)).toBeDefined();
    expect(alex!.text).toMatch(/\d+ (follow-ups?|due)/);
    expect(alex!.text).not.toContain('Michael');
  });

  it('raised no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
