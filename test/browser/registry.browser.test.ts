import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { accessibilityViolations, haveChromium, launchChromium, startSystem } from './support';

/**
 * A provider's week in the console, against local mode with the demo data: a manager adds an
 * activity that runs twice a week (the form's errors first), sees when it runs on the provider
 * page, renames a venue and an activity; a navigator then sees when each activity runs in the
 * prescription's activity picker. The screens are checked with axe.
 */
const PROVIDER = 'Lea Valley Mind';
const VENUE = 'Wellbeing Centre, George Street';
const OLD_HALL = 'Stopsley Community Hall';
const NEW_HALL = 'Stopsley Community Centre';
const WHEN = 'Tuesdays 10:00–11:30, Thursdays 14:00–15:00';
const WAIT = { timeout: 15_000 };

describe.skipIf(!haveChromium)('weekly schedules and editing the registry in the console', () => {
  let system: LocalSystem;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  const pageErrors: string[] = [];

  async function token(role: string) {
    const minted = await fetch(`${url}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
    return ((await minted.json()) as { token: string }).token;
  }

  /** What the API says (or does), with a token minted from local mode's issuer. */
  async function api(path: string, role = 'manager', body?: unknown) {
    const res = await fetch(`${url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${await token(role)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return res.json() as Promise<any>;
  }

  async function expectAccessible(page: Page, screen: string) {
    expect(await accessibilityViolations(page), `axe on ${screen}`).toEqual([]);
  }

  /** A console page whose steps fail naming what they waited for, well inside the test's time. */
  async function newPage() {
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  async function signInAs(page: Page, role: string) {
    await page.goto(`${url}/`);
    const signOut = page.getByRole('button', { name: 'Sign out' });
    await page.getByLabel('Role').or(signOut).first().waitFor(WAIT);
    if (await signOut.isVisible()) await signOut.click();
    await page.getByLabel('Role').selectOption(role);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor(WAIT);
  }

  beforeAll(async () => {
    ({ system, url } = await startSystem());
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('a manager adds an activity with two weekly sessions and sees when it runs', async () => {
    const page = await newPage();
    await signInAs(page, 'manager');
    await page.getByRole('link', { name: 'Providers' }).click();
    await page.getByRole('link', { name: PROVIDER }).click();
    await page.getByRole('heading', { name: 'Add an activity' }).waitFor(WAIT);

    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Add activity' }) });
    await form.getByLabel('Venue').selectOption({ label: VENUE });
    await form.getByLabel('Activity name').fill('Chair yoga');
    await form.getByLabel('Category').selectOption({ label: 'Wellbeing and mental health' });
    const first = form.getByRole('group', { name: 'Session 1' });
    await first.getByLabel('Day').selectOption({ label: 'Tuesday' });
    await first.getByLabel('Start time').fill('10:00');
    await first.getByLabel('End time').fill('11:30');
    await form.getByRole('button', { name: 'Add another session' }).click();
    const second = form.getByRole('group', { name: 'Session 2' });
    await second.getByLabel('Day').selectOption({ label: 'Tuesday' });
    await second.getByLabel('Start time').fill('11:00');
    await second.getByLabel('End time').fill('10:00');
    await form.getByRole('button', { name: 'Add activity' }).click();

    // The console's own checks, GOV.UK style: a summary linking to each field, the message by it.
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.getByRole('link', { name: 'The end time of session 2 must be after its start time' }).waitFor(WAIT);
    await expectAccessible(page, 'provider page, activity form with errors');
    await second.getByLabel('End time').fill('12:00');
    await form.getByRole('button', { name: 'Add activity' }).click();
    await summary.getByRole('link', { name: 'Session 2 must not overlap session 1 (Tuesday 10:00 to 11:30)' }).waitFor(WAIT);
    await second.getByLabel('Day').selectOption({ label: 'Thursday' });
    await second.getByLabel('Start time').fill('14:00');
    await second.getByLabel('End time').fill('15:00');
    await form.getByRole('button', { name: 'Add activity' }).click();

    await page.getByText('Activity “Chair yoga” added.').waitFor(WAIT);
    const row = page.getByRole('row', { name: /Chair yoga/ });
    await row.getByRole('cell', { name: WHEN }).waitFor(WAIT);
    // The demo's activities show theirs too.
    await page.getByRole('row', { name: /Mindfulness for beginners/ }).getByRole('cell', { name: 'Mondays 18:00–19:30' }).waitFor(WAIT);
    await expectAccessible(page, 'provider page');

    const providers = (await api('/v1/providers?limit=100')).items as { providerId: string; name: string }[];
    const providerId = providers.find((p) => p.name === PROVIDER)!.providerId;
    const activities = (await api(`/v1/providers/${providerId}/activities?limit=100`)).items as { name: string; schedule?: unknown[] }[];
    expect(activities.find((a) => a.name === 'Chair yoga')?.schedule).toEqual([
      { day: 'tuesday', startTime: '10:00', endTime: '11:30' },
      { day: 'thursday', startTime: '14:00', endTime: '15:00' },
    ]);
    await page.close();
  });

  it('a manager renames a venue and edits an activity, and the tables show it', async () => {
    const page = await newPage();
    await signInAs(page, 'manager');
    await page.getByRole('link', { name: 'Providers' }).click();
    await page.getByRole('link', { name: PROVIDER }).click();

    await page.getByRole('button', { name: `Edit ${OLD_HALL}` }).click();
    const venueForm = page.getByRole('form', { name: `Edit venue: ${OLD_HALL}` });
    await venueForm.getByLabel('Venue name').fill('');
    await venueForm.getByRole('button', { name: 'Save venue' }).click();
    await page.getByRole('alert').getByRole('link', { name: 'Enter the venue name' }).waitFor(WAIT);
    await expectAccessible(page, 'edit venue with errors');
    // Its town starts as the demo's; one too long is refused in the form, a new one saved.
    expect(await venueForm.getByLabel('Town or city (optional)').inputValue()).toBe('Luton');
    await venueForm.getByLabel('Town or city (optional)').fill('x'.repeat(61));
    await venueForm.getByRole('button', { name: 'Save venue' }).click();
    await page.getByRole('alert').getByRole('link', { name: 'Town or city must be 60 characters or fewer' }).waitFor(WAIT);
    await venueForm.getByLabel('Town or city (optional)').fill('Stopsley');
    await venueForm.getByLabel('Venue name').fill(NEW_HALL);
    await venueForm.getByRole('button', { name: 'Save venue' }).click();
    await page.getByText(`Venue “${NEW_HALL}” saved.`).waitFor(WAIT);
    await page.getByRole('row', { name: new RegExp(`^${NEW_HALL}`) }).waitFor(WAIT);
    await expect(page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: NEW_HALL }) }).innerText()).resolves.toContain('Stopsley, Bedfordshire');
    expect(await page.getByRole('row', { name: new RegExp(OLD_HALL) }).count()).toBe(0);
    // Its activity now names it too.
    await page.getByRole('row', { name: /Men’s shed/ }).getByRole('cell', { name: NEW_HALL }).waitFor(WAIT);

    // The activity's form starts from the activity as it is: its sessions included.
    await page.getByRole('button', { name: 'Edit Chair yoga' }).click();
    const activityForm = page.getByRole('form', { name: 'Edit activity: Chair yoga' });
    expect(await activityForm.getByRole('group', { name: 'Session 2' }).getByLabel('Start time').inputValue()).toBe('14:00');
    await activityForm.getByLabel('Activity name').fill('Chair yoga (gentle)');
    await activityForm.getByLabel('Capacity (optional)').fill('10');
    await expectAccessible(page, 'edit activity');
    await activityForm.getByRole('button', { name: 'Save activity' }).click();
    await page.getByText('Activity “Chair yoga (gentle)” saved.').waitFor(WAIT);
    const row = page.getByRole('row', { name: /Chair yoga \(gentle\)/ });
    await row.getByRole('cell', { name: WHEN }).waitFor(WAIT);
    await row.getByRole('cell', { name: '10', exact: true }).waitFor(WAIT);
    await page.close();
  });

  it('a navigator sees when each activity runs in the prescription’s activity picker', async () => {
    const referral = await api('/v1/referrals', 'navigator', {
      patient: { givenName: 'Winifred', familyName: 'Atwell', dateOfBirth: '1949-02-27', postcode: 'LU2 7HA' },
      source: 'gp',
      reasons: ['isolation'],
    });
    const page = await newPage();
    await signInAs(page, 'navigator');
    await page.goto(`${url}/#/patients/${referral.patientId}`);
    await page.getByRole('heading', { name: 'Winifred Atwell' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Write prescription' }).click();

    const chairYoga = page.getByLabel(new RegExp(`^Chair yoga \\(gentle\\) — ${PROVIDER}, ${VENUE}`));
    await chairYoga.waitFor(WAIT);
    const describedBy = await chairYoga.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe(WHEN);
    const nordic = page.getByLabel(/^Nordic walking for beginners — Wardown Walkers/);
    expect(await page.locator(`[id="${await nordic.getAttribute('aria-describedby')}"]`).textContent()).toBe('Thursdays 10:00–11:30');
    await page.getByText(WHEN).first().waitFor(WAIT);
    await expectAccessible(page, 'prescription activity picker');

    // Choosing it and filtering it out keeps when it runs in view.
    await chairYoga.check();
    await page.getByLabel('Provider', { exact: true }).selectOption({ label: 'Wardown Walkers' });
    await page.getByText(`Chair yoga (gentle) — ${PROVIDER}, ${VENUE} (${WHEN})`).waitFor(WAIT);
    await page.close();
  });

  it('raised no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
