import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { accessibilityViolations, haveChromium, launchChromium, startSystem } from './support';

/**
 * The public referral form in a real browser, on a 320-pixel phone: errors first (the GOV.UK
 * summary linking to each field), then a self-referral that is sent and confirmed; then, in the
 * console, a manager sees it in the unassigned triage queue with how long it has waited and
 * assigns it to the demo navigator, whose triage list then has it. Each screen is checked with axe.
 */
const WAIT = { timeout: 15_000 };
const PERSON = { given: 'Wilhelmina', family: 'Publicform' };

describe.skipIf(!haveChromium)('the public referral form', () => {
  let system: LocalSystem;
  let url: string;
  let browser: Browser;
  let phone: Page;
  const pageErrors: string[] = [];

  async function api(role: string, path: string) {
    const minted = await fetch(`${url}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
    const { token } = (await minted.json()) as { token: string };
    return (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
  }

  beforeAll(async () => {
    ({ system, url } = await startSystem());
    browser = await launchChromium();
    phone = await (await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true })).newPage();
    phone.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('shows every problem in a summary linking to its field, and fits a 320-pixel screen', async () => {
    await phone.goto(`${url}/refer`);
    await phone.getByRole('heading', { name: 'Refer to social prescribing' }).waitFor(WAIT);
    expect(new URL(phone.url()).pathname).toBe('/refer/');
    await phone.getByRole('button', { name: 'Send referral' }).click();
    const summary = phone.getByRole('alert');
    await summary.getByRole('heading', { name: 'There is a problem' }).waitFor(WAIT);
    for (const message of ['Select who is making this referral', 'Enter the first name', 'Enter the last name', 'Enter the date of birth', 'Confirm the person agrees']) {
      await summary.getByRole('link', { name: new RegExp(message) }).waitFor(WAIT);
    }
    await summary.getByRole('link', { name: /Enter the first name/ }).click();
    expect(await phone.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('givenName');
    expect(await accessibilityViolations(phone), 'axe on the form with errors').toEqual([]);
    // Nothing wider than the phone: no sideways scrolling.
    expect(await phone.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    // Labels and autocomplete for a self-referral.
    await phone.getByLabel('I am referring myself').check();
    await expect(phone.getByLabel('First name').getAttribute('autocomplete')).resolves.toBe('given-name');
    await expect(phone.getByLabel('Postcode (optional)').getAttribute('autocomplete')).resolves.toBe('postal-code');
  }, 60_000);

  it('sends a self-referral and confirms it, and an answer from the API lands on its field', async () => {
    await phone.getByLabel('First name').fill(PERSON.given);
    await phone.getByLabel('Last name').fill(PERSON.family);
    await phone.getByLabel('Date of birth').fill('1958-03-21');
    await phone.getByLabel('Phone number (optional)').fill('12345');
    await phone.getByLabel('What would help?').fill('loneliness, walking');
    await phone.getByLabel('I agree to be contacted about this referral').check();
    await phone.getByRole('button', { name: 'Send referral' }).click();
    // The phone number is checked by the API: its message lands on the field.
    await phone.getByRole('alert').getByRole('link', { name: /Phone number/ }).waitFor(WAIT);
    await phone.getByLabel('Phone number (optional)').fill('07700 900321');
    await phone.getByRole('button', { name: 'Send referral' }).click();
    await phone.getByRole('heading', { name: 'Referral sent' }).waitFor(WAIT);
    expect(await accessibilityViolations(phone), 'axe on the confirmation').toEqual([]);
    const queue = await api('manager', '/v1/referrals/unassigned');
    expect(queue.items.find((r: any) => r.patient?.familyName === PERSON.family)).toMatchObject({ source: 'self', status: 'received', channel: 'public_form' });
  }, 60_000);

  it('a manager sees it in the unassigned triage queue and assigns it to a navigator, whose triage then has it', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${url}/`);
    await page.getByLabel('Role').selectOption('manager');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Triage' }).click(WAIT);
    const row = page.getByRole('table', { name: /Waiting for a navigator/ }).getByRole('row', { name: new RegExp(PERSON.family) });
    await row.waitFor(WAIT);
    await expect(row.getByRole('cell', { name: 'Today' }).count()).resolves.toBe(1);
    expect(await accessibilityViolations(page), 'axe on the unassigned queue').toEqual([]);

    await page.getByRole('button', { name: `Assign referral of ${PERSON.given} ${PERSON.family}` }).click();
    await page.getByRole('heading', { name: `Assign the referral of ${PERSON.given} ${PERSON.family}` }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Assign referral', exact: true }).click();
    await page.getByText('Select a navigator').first().waitFor(WAIT);
    const navigator = page.getByLabel('Navigator');
    const options = await navigator.locator('option').allTextContents();
    expect(options.length).toBeGreaterThan(1);
    await navigator.selectOption({ index: 1 });
    expect(await accessibilityViolations(page), 'axe on the assign form').toEqual([]);
    await page.getByRole('button', { name: 'Assign referral', exact: true }).click();
    await page.getByText(new RegExp(`Referral of ${PERSON.given} ${PERSON.family} assigned to`)).waitFor(WAIT);
    await row.waitFor({ state: 'detached', ...WAIT });

    const queue = await api('manager', '/v1/referrals/unassigned');
    expect(queue.items.some((r: any) => r.patient?.familyName === PERSON.family)).toBe(false);
    const all = await api('manager', '/v1/referrals?status=received&limit=100');
    const assigned = all.items.find((r: any) => r.patient?.familyName === PERSON.family);
    expect(assigned.navigator).toEqual(expect.any(String));
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
