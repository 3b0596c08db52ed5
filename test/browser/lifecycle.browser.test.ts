import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { accessibilityViolations, haveChromium, openConsole, type ConsoleSession } from './support';

/**
 * One referral's whole lifecycle in the console, on one demo person: from the triage list to
 * their page, a phone call that reached them (which accepts the referral), a baseline, a
 * prescription, and closing the referral (which withdraws the prescription). On the way, the
 * assessment button follows the record: it asks for a baseline until one is recorded, and from then
 * on (also after a reload, from the record alone) offers "Record an assessment", which starts at a
 * follow-up. Then another person's prescription is withdrawn on its own, which asks for a coded
 * reason first. Each screen is checked with axe.
 */
const WAIT = { timeout: 15_000 };
/** A demo referral waiting for first contact: no assessment yet. */
const PERSON = 'Aisha Rahman';
const ACTIVITY = 'Nordic walking for beginners';
/** A demo patient eight days into a prescription. */
const WITHDRAWN_PERSON = 'Tomasz Nowak';

describe.skipIf(!haveChromium)('a referral from triage to closed, in the console', () => {
  let session: ConsoleSession | undefined;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    session = await openConsole('navigator');
    ({ page, pageErrors } = session);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  const expectAccessible = async (screen: string) => expect(await accessibilityViolations(page), `axe on ${screen}`).toEqual([]);
  const triageRow = () => page.getByRole('table', { name: /Waiting for first contact/ }).getByRole('row', { name: new RegExp(PERSON) });

  it('from triage, a phone call that reaches them accepts the referral', async () => {
    await page.getByRole('link', { name: 'Referrals' }).click();
    await triageRow().waitFor(WAIT);
    await triageRow().getByRole('link', { name: PERSON }).click();
    await page.getByRole('heading', { name: PERSON, level: 1 }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Log a contact' }).click();
    await page.getByLabel('Kind of contact').selectOption('phone');
    await page.getByLabel('Reached them').check();
    await page.getByRole('button', { name: 'Save contact' }).click();
    await page.getByText('Contact logged. It reached them, so their referral is now accepted.').waitFor(WAIT);
    await expectAccessible('patient page after the first contact');
    await page.getByRole('link', { name: 'Referrals' }).click();
    await page.getByRole('heading', { name: 'All referrals' }).waitFor(WAIT);
    await page.getByRole('table', { name: /All referrals/ }).getByRole('row', { name: new RegExp(`${PERSON}.*Accepted`) }).waitFor(WAIT);
    expect(await triageRow().count()).toBe(0);
  }, 60_000);

  it('asks for a baseline until one exists, then for an assessment, also after a reload', async () => {
    await page.getByRole('link', { name: 'Caseload' }).click();
    await page.getByRole('link', { name: PERSON }).first().click();
    await page.getByRole('heading', { name: PERSON, level: 1 }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Record baseline assessment' }).click();
    expect(await page.getByLabel('Baseline (before or at the start of a prescription)').isChecked()).toBe(true);
    const ons4 = ['how satisfied are you', 'things you do in your life are worthwhile', 'how happy did you feel', 'how anxious did you feel'];
    for (const [index, words] of ons4.entries()) {
      await page.getByRole('group', { name: new RegExp(words) }).getByLabel(String([4, 5, 4, 6][index]), { exact: true }).check();
    }
    await page.getByRole('button', { name: 'Save assessment' }).click();
    await page.getByRole('button', { name: 'Record an assessment' }).waitFor(WAIT);
    expect(await page.getByRole('button', { name: 'Record baseline assessment' }).count()).toBe(0);
    await expectAccessible('patient page after a baseline');

    await page.reload();
    await page.getByRole('heading', { name: PERSON, level: 1 }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Record an assessment' }).click();
    expect(await page.getByLabel('Follow-up (at the end of a prescription)').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Cancel' }).click();
  }, 60_000);

  it('a prescription, then closing the referral withdraws it', async () => {
    await page.getByRole('button', { name: 'Write prescription' }).click();
    await page.getByLabel(new RegExp(`^${ACTIVITY} — `)).first().check();
    await page.getByLabel('Goals').fill('Walk with others twice a week');
    await page.getByRole('button', { name: 'Save prescription' }).click();
    await page.getByLabel('Goals').waitFor({ state: 'detached', ...WAIT });
    await page.getByText('No current prescription.').waitFor({ state: 'detached', ...WAIT });
    await expectAccessible('patient page with a prescription');

    await page.getByRole('button', { name: /^Close the referral received/ }).click();
    await page.getByLabel('Reason for closing').selectOption('moved_away');
    await page.getByRole('button', { name: 'Close referral', exact: true }).click();
    await page.getByText(`Referral of ${PERSON} closed. Their prescription was withdrawn and its follow-up cancelled.`).waitFor(WAIT);
    await page.getByText('Closed: Moved away').waitFor(WAIT);
    await expectAccessible('patient page after closing');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('withdraws another person’s prescription, asking why first', async () => {
    await page.getByRole('link', { name: 'Caseload' }).click();
    await page.getByRole('link', { name: WITHDRAWN_PERSON }).first().click();
    await page.getByRole('heading', { name: WITHDRAWN_PERSON, level: 1 }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Withdraw prescription', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, withdraw prescription' }).click();
    await page.getByRole('alert').getByRole('link', { name: 'Select why the prescription is withdrawn' }).waitFor(WAIT);
    await expectAccessible('withdrawing, with an error');
    await page.getByLabel('Reason for withdrawing').selectOption('unwell');
    await page.getByRole('button', { name: 'Yes, withdraw prescription' }).click();
    await page.getByText('Prescription withdrawn (Too unwell to continue). Its follow-up is cancelled.').waitFor(WAIT);
    await page.getByText('Withdrawn: Too unwell to continue').first().waitFor(WAIT);
    await expectAccessible('patient page after withdrawing');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
