import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { accessibilityViolations, haveChromium, launchChromium, startSystem } from './support';

/**
 * The caseload in the browser, against local mode with the demo data: the navigation's counts,
 * each patient's state from one request, search by name (apostrophes and case ignored) and by NHS
 * number with spaces, the stage and follow-up filters, a sort; then a manager opens one
 * navigator's caseload with the picker. Each screen is checked with axe.
 */
const WAIT = { timeout: 15_000 };

describe.skipIf(!haveChromium)('the caseload: search, filters and counts', () => {
  let system: LocalSystem;
  let url: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const patientRequests: string[] = [];

  async function api(path: string, role = 'navigator') {
    const minted = await fetch(`${url}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
    const { token } = (await minted.json()) as { token: string };
    return (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
  }

  async function expectAccessible(screen: string) {
    expect(await accessibilityViolations(page), `axe on ${screen}`).toEqual([]);
  }

  const table = () => page.getByRole('table');
  const rowNames = async () => (await table().getByRole('rowheader').getByRole('link').allTextContents()).map((name) => name.trim());

  async function search(fill: () => Promise<unknown>) {
    await fill();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
  }

  beforeAll(async () => {
    ({ system, url } = await startSystem());
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/v1/patients') || path.startsWith('/v1/prescriptions')) patientRequests.push(path);
    });
    await page.goto(`${url}/`);
    await page.getByLabel('Role').selectOption('navigator');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Caseload' }).waitFor(WAIT);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('shows the counts in the navigation and every patient’s state from one request', async () => {
    const counts = await api('/v1/caseload/counts');
    expect(counts.dueFollowUps).toBeGreaterThan(0);
    expect(counts.newReferrals).toBeGreaterThan(0);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: `Follow-ups ${counts.dueFollowUps} due` }).waitFor(WAIT);
    await nav.getByRole('link', { name: `Referrals ${counts.newReferrals} new` }).waitFor(WAIT);

    await table().getByRole('row', { name: /Michael O’Brien/ }).waitFor(WAIT);
    const michael = table().getByRole('row', { name: /Michael O’Brien/ });
    await expect(michael.getByText('Prescribed').count()).resolves.toBe(1);
    await expect(michael.getByText('Due', { exact: true }).count()).resolves.toBe(1);
    await expect(table().getByRole('row', { name: /Tomasz Nowak/ }).getByText(/Active: week 2 of 12/).count()).resolves.toBe(1);
    // One list request, no request per patient.
    expect(patientRequests.filter((path) => path !== '/v1/patients')).toEqual([]);
    await expectAccessible('caseload');
  }, 60_000);

  it('searches by name and by NHS number', async () => {
    await search(() => page.getByLabel('Name or NHS number').fill("o'b"));
    await page.getByText('1 person match').waitFor(WAIT);
    expect(await rowNames()).toEqual(['Michael O’Brien']);
    await expectAccessible('caseload search');

    const [tomasz] = (await api('/v1/patients?q=tomasz')).items;
    const spaced = `${tomasz.nhsNumber.slice(0, 3)} ${tomasz.nhsNumber.slice(3, 6)} ${tomasz.nhsNumber.slice(6)}`;
    await search(() => page.getByLabel('Name or NHS number').fill(spaced));
    await table().getByRole('row', { name: /Tomasz Nowak/ }).waitFor(WAIT);
    expect(await rowNames()).toEqual(['Tomasz Nowak']);

    await search(() => page.getByLabel('Name or NHS number').fill('nobody-like-this'));
    await page.getByText('Nobody in the caseload matches.').waitFor(WAIT);
    await page.getByRole('button', { name: 'Clear search' }).click();
    await table().getByRole('row', { name: /Aisha Rahman/ }).waitFor(WAIT);
  }, 60_000);

  it('filters by stage and by follow-up due, sorts, and refuses a bad number of days', async () => {
    await search(() => page.getByLabel('Stage').selectOption('received'));
    // The count line may still be the last search's while the table reloads: wait for the rows themselves.
    await expect.poll(async () => (await rowNames()).sort(), WAIT).toEqual(['Aisha Rahman', 'Derek Holloway']);

    await page.getByLabel('Stage').selectOption('');
    await search(() => page.getByLabel('Follow-up due').check());
    await table().getByRole('row', { name: /Michael O’Brien/ }).waitFor(WAIT);
    expect(await rowNames()).toContain('Michael O’Brien');
    expect(await rowNames()).not.toContain('Tomasz Nowak');

    await page.getByLabel('Follow-up due').uncheck();
    await search(() => page.getByLabel('Sort by').selectOption('name'));
    await page.getByText(/people match/).waitFor(WAIT);
    await expect.poll(async () => (await rowNames()).length, WAIT).toBeGreaterThan(2);
    const names = await rowNames();
    const family = (name: string) => name.split(' ').slice(1).join(' ');
    expect(names.map(family)).toEqual([...names.map(family)].sort((a, b) => a.localeCompare(b)));

    await search(() => page.getByLabel('No contact for more than (days)').fill('0'));
    await page.getByText('Enter a whole number of days from 1 to 365').first().waitFor(WAIT);
    await expectAccessible('caseload with a mistake');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('a manager opens one navigator’s caseload', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Role').selectOption('manager');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Caseloads' }).click();
    await page.getByLabel('Navigator').waitFor(WAIT);
    await search(() => page.getByLabel('Navigator').selectOption({ label: 'Jordan Ellis' }));
    await page.getByText('Nobody in the caseload matches.').waitFor(WAIT);
    await search(() => page.getByLabel('Navigator').selectOption({ label: 'Alex Morgan' }));
    await table().getByRole('row', { name: /Michael O’Brien/ }).waitFor(WAIT);
    await expectAccessible('a manager’s view of one caseload');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
