import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { accessibilityViolations, haveChromium, openConsole, type ConsoleSession } from './support';

/**
 * Triage in the browser, against local mode with the demo data: a navigator accepts one new
 * referral and declines another (with a reason, after being told one is needed) from the
 * referrals page; logs a contact on a patient, which shows on their timeline, and edits their
 * details; closes another's prescribed referral from their page, which withdraws their prescription
 * with the close's reason. Each screen is checked with axe.
 */
const WAIT = { timeout: 15_000 };
/** The demo navigator's two referrals still waiting for first contact. */
const TO_ACCEPT = 'Aisha Rahman';
const TO_DECLINE = 'Derek Holloway';
/** A demo patient with a baseline, no prescription yet. */
const TO_CONTACT = 'Bronwen Evans';
/** A demo patient eight days into a prescription. */
const TO_CLOSE = 'Tomasz Nowak';

describe.skipIf(!haveChromium)('triage and contacts in the console', () => {
  let session: ConsoleSession | undefined;
  let page: Page;
  let pageErrors: string[];
  const api = (path: string) => session!.apiGet(path);

  async function expectAccessible(screen: string) {
    expect(await accessibilityViolations(page), `axe on ${screen}`).toEqual([]);
  }

  const triageRow = (name: string) => page.getByRole('table', { name: /Waiting for first contact/ }).getByRole('row', { name: new RegExp(name) });

  beforeAll(async () => {
    session = await openConsole('navigator');
    ({ page, pageErrors } = session);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('accepts a new referral from triage', async () => {
    await page.getByRole('link', { name: 'Referrals' }).click();
    await triageRow(TO_ACCEPT).waitFor(WAIT);
    await triageRow(TO_DECLINE).waitFor(WAIT);
    await expect(triageRow(TO_ACCEPT).getByRole('cell', { name: 'Today' }).count()).resolves.toBe(1);
    await expectAccessible('triage');

    await page.getByRole('button', { name: `Accept referral of ${TO_ACCEPT}` }).click();
    await page.getByRole('heading', { name: `Accept the referral of ${TO_ACCEPT}` }).waitFor(WAIT);
    await expectAccessible('accept confirmation');
    await page.getByRole('button', { name: 'Yes, accept referral' }).click();
    await page.getByText(`Referral of ${TO_ACCEPT} accepted.`).waitFor(WAIT);
    await triageRow(TO_ACCEPT).waitFor({ state: 'detached', ...WAIT });

    const received = await api('/v1/referrals?status=accepted');
    expect(received.items.some((r: any) => `${r.patient?.givenName} ${r.patient?.familyName}` === TO_ACCEPT)).toBe(true);
  }, 60_000);

  it('declines another with a reason', async () => {
    await page.getByRole('button', { name: `Decline referral of ${TO_DECLINE}` }).click();
    await page.getByRole('heading', { name: `Decline the referral of ${TO_DECLINE}` }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Decline referral', exact: true }).click();
    await page.getByRole('alert').getByRole('link', { name: 'Select why the referral is declined' }).waitFor(WAIT);
    await page.getByLabel('Reason for declining').selectOption('other');
    await page.getByRole('button', { name: 'Decline referral', exact: true }).click();
    await page.getByRole('alert').getByRole('link', { name: 'Enter a note saying why, as the reason is other' }).waitFor(WAIT);
    await expectAccessible('decline form with errors');

    await page.getByLabel('Reason for declining').selectOption('not_interested');
    await page.getByRole('button', { name: 'Decline referral', exact: true }).click();
    await page.getByText(`Referral of ${TO_DECLINE} declined.`).waitFor(WAIT);
    await page.getByText('No new referrals are waiting.').waitFor(WAIT);
    await expectAccessible('triage after declining');

    const declined = await api('/v1/referrals?status=declined');
    const referral = declined.items.find((r: any) => `${r.patient?.givenName} ${r.patient?.familyName}` === TO_DECLINE);
    expect(referral).toMatchObject({ endReason: 'not_interested', declinedSnomedCode: '871711000000103' });
  }, 60_000);

  it('logs a contact on a patient, shown on their timeline', async () => {
    await page.getByRole('link', { name: 'Caseload' }).click();
    await page.getByRole('link', { name: TO_CONTACT }).first().waitFor(WAIT);
    await page.getByRole('link', { name: TO_CONTACT }).first().click();
    await page.getByRole('heading', { name: TO_CONTACT, level: 1 }).waitFor(WAIT);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor(WAIT);
    await page.getByText('Baseline assessment recorded').first().waitFor(WAIT);

    await page.getByRole('button', { name: 'Log a contact' }).click();
    await page.getByRole('button', { name: 'Save contact' }).click();
    await page.getByRole('alert').getByRole('link', { name: 'Select the kind of contact' }).waitFor(WAIT);
    await expectAccessible('log a contact with errors');
    await page.getByLabel('Kind of contact').selectOption('phone');
    await page.getByLabel('Left a message').check();
    await page.getByLabel('Note (optional)').fill('Will ring back on Friday');
    await page.getByRole('button', { name: 'Save contact' }).click();
    await page.getByText('Contact logged.').waitFor(WAIT);
    await page.getByRole('heading', { name: 'Phone call: left a message' }).waitFor(WAIT);
    await page.getByText('Will ring back on Friday').waitFor(WAIT);
    await expectAccessible('patient page with the timeline');
  }, 60_000);

  it('edits their details, and closes a prescribed referral from the patient page', async () => {
    await page.getByRole('button', { name: 'Edit details' }).click();
    await page.getByLabel('Phone (optional)').fill('01582 123456');
    await page.getByLabel('Preferred contact (optional)').selectOption('phone');
    // The census questions (decision 89): selects with "Not recorded" and "Prefer not to say"; ethnicity in its groups.
    const about = page.getByRole('group', { name: 'About the person (optional, for reporting)' });
    await about.getByLabel('Sex', { exact: true }).selectOption('prefer_not_to_say');
    await about.getByLabel('Ethnic group', { exact: true }).selectOption({ label: 'Gypsy or Irish Traveller' });
    await about.getByLabel('Disability', { exact: true }).selectOption('yes_limited_a_little');
    await about.getByLabel('IMD decile', { exact: true }).fill('3');
    await expectAccessible('edit details');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Details saved.').waitFor(WAIT);
    // Stored as +441582123456, shown as people in the UK write it.
    await page.getByText('01582 123456').waitFor(WAIT);
    const details = page.locator('section', { has: page.getByRole('heading', { name: 'Details' }) });
    await details.getByText('White: Gypsy or Irish Traveller').waitFor(WAIT);
    await details.getByText('Yes, limited a little').waitFor(WAIT);
    await details.getByText('3 (1 is the most deprived 10%)').waitFor(WAIT);
    expect(await details.textContent()).toMatch(/SexPrefer not to say/);
    expect(await details.textContent()).toMatch(/Gender identityNot recorded/);
    await expectAccessible('details with the demographics');

    await page.getByRole('link', { name: 'Caseload' }).click();
    await page.getByRole('link', { name: TO_CLOSE }).first().click();
    await page.getByRole('heading', { name: TO_CLOSE, level: 1 }).waitFor(WAIT);
    await page.getByRole('button', { name: /^Close the referral received/ }).click();
    await page.getByRole('button', { name: 'Close referral', exact: true }).click();
    await page.getByRole('alert').getByRole('link', { name: 'Select why the referral is closed' }).waitFor(WAIT);
    await page.getByLabel('Reason for closing').selectOption('completed');
    await page.getByRole('button', { name: 'Close referral', exact: true }).click();
    await page.getByText(`Referral of ${TO_CLOSE} closed. Their prescription was withdrawn and its follow-up cancelled.`).waitFor(WAIT);
    await page.getByText('Closed: Completed').waitFor(WAIT);
    // The prescription the close withdrew carries the close's reason (issue 16 point 11).
    await page.getByRole('table').getByRole('cell', { name: 'Withdrawn: Completed', exact: true }).waitFor(WAIT);
    await page.getByRole('heading', { name: 'Referral closed' }).waitFor(WAIT);
    await expectAccessible('patient page after closing');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
