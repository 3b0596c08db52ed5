import jsQR from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { accessibilityViolations, drawnImage, haveChromium, launchChromium, startSystem } from './support';

/**
 * The console's Devices page, as a manager: enrol a device for a demo provider (its QR code must
 * read back as the enrolment link, its typed code must be the API's), see it in the list, and
 * revoke it after a confirmation; and, as an admin, a list longer than a page. The device is enrolled through the API here, not by the
 * scanner; the scanner's own enrolment is tested with the scanner.
 */
const PROVIDER = 'Wardown Walkers';
const DEVICE = 'Pavilion tablet';
const SECOND_PROVIDER = 'Marsh Farm Community Café';
const WAIT = { timeout: 15_000 };

describe.skipIf(!haveChromium)('a provider’s devices in the console', () => {
  let system: LocalSystem;
  let url: string;
  let browser: Browser;
  const pageErrors: string[] = [];

  async function expectAccessible(page: Page, screen: string) {
    expect(await accessibilityViolations(page), `axe on ${screen}`).toEqual([]);
  }

  async function devToken(role: string): Promise<string> {
    const minted = await fetch(`${url}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
    return ((await minted.json()) as { token: string }).token;
  }

  /** The QR image's pixels as the browser drew them, decoded as a phone camera would. */
  async function readQr(page: Page): Promise<string | undefined> {
    const { width, height, pixels } = await drawnImage(page, 'enrolment-qr');
    return jsQR(Uint8ClampedArray.from(pixels), width, height)?.data;
  }

  beforeAll(async () => {
    ({ system, url } = await startSystem());
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('a manager enrols a device, sees its QR code and typed code, and revokes it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${url}/`);
    await page.getByLabel('Role').selectOption('manager');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Providers' }).click();
    await page.getByRole('link', { name: PROVIDER }).click();
    await page.getByRole('heading', { name: PROVIDER, level: 1 }).waitFor(WAIT);
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    await page.getByRole('heading', { name: `Devices for ${PROVIDER}`, level: 1 }).waitFor(WAIT);
    await page.getByText('No devices yet.').waitFor(WAIT);
    expect(await page.title()).toBe(`Devices for ${PROVIDER} – Waymark`);
    expect(await page.getByRole('link', { name: 'Providers' }).getAttribute('aria-current')).toBe('page');

    // The name is asked for first, GOV.UK-style.
    await page.getByRole('button', { name: 'Get an enrolment code' }).click();
    await page.getByText('There is a problem').waitFor(WAIT);
    await page.getByRole('link', { name: 'Enter a name for the device' }).waitFor(WAIT);
    await expectAccessible(page, 'devices with an error');

    await page.getByLabel('Device name').fill(DEVICE);
    const [created] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith('/devices')),
      page.getByRole('button', { name: 'Get an enrolment code' }).click(),
    ]);
    expect(created.status()).toBe(201);
    const enrolment = (await created.json()) as { deviceId: string; enrolmentCode: string; enrolmentUrl: string };

    await page.getByRole('heading', { name: `Enrol ${DEVICE}` }).waitFor(WAIT);
    const qr = page.getByRole('img', { name: `QR code to enrol ${DEVICE}` });
    await qr.waitFor(WAIT);
    const box = (await qr.boundingBox())!;
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(240);
    expect(await readQr(page)).toBe(enrolment.enrolmentUrl);
    expect(await page.getByTestId('enrolment-code').textContent()).toBe(enrolment.enrolmentCode);
    await page.getByText(/London time/).first().waitFor(WAIT);
    await page.getByRole('row', { name: new RegExp(DEVICE) }).getByText('Waiting to be enrolled').waitFor(WAIT);
    await expectAccessible(page, 'devices with an enrolment code');

    // The device redeems its code (as the scanner would), and the list says it is enrolled.
    const enrolled = await fetch(`${url}/v1/devices/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: enrolment.enrolmentCode }),
    });
    expect(enrolled.status).toBe(200);
    await page.reload();
    const row = page.getByRole('row', { name: new RegExp(DEVICE) });
    await row.getByText('Enrolled', { exact: true }).waitFor(WAIT);
    await expect(page.getByTestId('enrolment-qr').count()).resolves.toBe(0);

    await page.getByRole('button', { name: `Revoke ${DEVICE}` }).click();
    const question = page.getByRole('heading', { name: `Revoke ${DEVICE}? Its next scan will be refused.` });
    await question.waitFor(WAIT);
    expect(await question.evaluate((element) => element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
    await expectAccessible(page, 'devices, confirming a revoke');
    await page.getByRole('button', { name: 'No, keep it' }).click();
    await question.waitFor({ state: 'detached', ...WAIT });
    await page.getByRole('button', { name: `Revoke ${DEVICE}` }).click();
    await page.getByRole('button', { name: `Yes, revoke ${DEVICE}` }).click();
    await page.getByText(`${DEVICE} has been revoked. Its next scan will be refused.`, { exact: false }).waitFor(WAIT);
    await row.getByText('Revoked', { exact: true }).waitFor(WAIT);
    await row.getByText(/^Revoked by staff, /).waitFor(WAIT);
    await expect(page.getByRole('button', { name: `Revoke ${DEVICE}` }).count()).resolves.toBe(0);
    await expectAccessible(page, 'devices after a revoke');
    await context.close();
  }, 60_000);

  it('lists a long list a page at a time, with More', async () => {
    const token = await devToken('manager');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const providers = (await (await fetch(`${url}/v1/providers?limit=100`, { headers: auth })).json()) as { items: { providerId: string; name: string }[] };
    const provider = providers.items.find((p) => p.name === SECOND_PROVIDER)!;
    for (let i = 1; i <= 51; i++) {
      const made = await fetch(`${url}/v1/providers/${provider.providerId}/devices`, { method: 'POST', headers: auth, body: JSON.stringify({ name: `Tablet ${i}` }) });
      expect(made.status).toBe(201);
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${url}/`);
    await page.getByLabel('Role').selectOption('admin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Caseload' }).waitFor(WAIT);
    await page.goto(`${url}/#/providers/${provider.providerId}/devices`);
    await page.getByText('50 devices').waitFor(WAIT);
    await page.getByRole('button', { name: 'More devices' }).click();
    await page.getByText('51 devices').waitFor(WAIT);
    await page.getByRole('row', { name: /Tablet 51/ }).waitFor(WAIT);
    await expect(page.getByRole('button', { name: 'More devices' }).count()).resolves.toBe(0);
    await context.close();
  }, 60_000);

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
