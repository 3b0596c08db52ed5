import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { accessibilityViolations, haveChromium, openConsole, type ConsoleSession } from './support';

/**
 * Consent in the browser (web/console/pages/patient-consent.tsx, PUT
 * /v1/patients/{id}/consents/{purpose}), against local mode with the demo data: a navigator records
 * each of the three decisions for a patient who has not been asked yet, sees each shown with when
 * and by whom, then withdraws one. The record is read back through the API, and each state is
 * checked with axe.
 */
const WAIT = { timeout: 15_000 };
/** A demo patient of the demo navigator with a baseline and no consent decisions yet. */
const PATIENT = 'Bronwen Evans';
const PURPOSES = [
  { label: 'Share attendance with providers', field: 'shareAttendance' },
  { label: 'Send a summary to their GP', field: 'gpSummary' },
  { label: 'Be included in evaluation exports', field: 'evaluation' },
] as const;

describe.skipIf(!haveChromium)('consent on the patient page', () => {
  let session: ConsoleSession | undefined;
  let page: Page;
  let patientId: string;
  let pageErrors: string[];
  const api = (path: string) => session!.apiGet(path);
  const consentTable = () => page.getByRole('table', { name: /Consent decisions/ });
  const row = (label: string) => consentTable().getByRole('row', { name: new RegExp(label) });
  const answer = (label: string, text: string) => row(label).getByRole('cell', { name: text, exact: true });
  const choose = (label: string, choice: 'Yes' | 'No') => row(label).getByRole('group', { name: label }).getByRole('button', { name: choice, exact: true });

  async function expectAccessible(screen: string) {
    expect(await accessibilityViolations(page), `axe on ${screen}`).toEqual([]);
  }

  beforeAll(async () => {
    session = await openConsole('navigator');
    ({ page, pageErrors } = session);
    const caseload = await api(`/v1/patients?q=${encodeURIComponent(PATIENT)}`);
    patientId = caseload.items[0].patientId;
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('shows the three decisions as not asked yet, with Yes and No to record each', async () => {
    await page.getByRole('link', { name: 'Caseload' }).click();
    await page.getByRole('link', { name: PATIENT }).first().waitFor(WAIT);
    await page.getByRole('link', { name: PATIENT }).first().click();
    await page.getByRole('heading', { name: 'Consent' }).waitFor(WAIT);
    for (const { label } of PURPOSES) {
      await answer(label, 'Not asked yet').waitFor(WAIT);
      await expect(choose(label, 'Yes').isEnabled()).resolves.toBe(true);
      await expect(choose(label, 'No').isEnabled()).resolves.toBe(true);
    }
    expect((await api(`/v1/patients/${patientId}`)).consents).toBeUndefined();
    await expectAccessible('consent, none recorded');
  }, 60_000);

  it('records each of the three, each shown as yes, recorded today by you', async () => {
    for (const { label } of PURPOSES) {
      await choose(label, 'Yes').click();
      await page.getByText(`Recorded: yes to “${label}”.`).waitFor(WAIT);
      await answer(label, 'Yes').waitFor(WAIT);
      await expect(row(label).getByRole('cell', { name: / by you$/ }).count()).resolves.toBe(1);
      // The decision already recorded cannot be recorded again; the other one can.
      await expect(choose(label, 'Yes').isDisabled()).resolves.toBe(true);
      await expect(choose(label, 'No').isEnabled()).resolves.toBe(true);
    }
    const { consents } = await api(`/v1/patients/${patientId}`);
    for (const { field } of PURPOSES) {
      expect(consents[field], field).toEqual({ given: true, recordedAt: expect.any(String), recordedBy: 'local-navigator' });
    }
    await expectAccessible('consent, all three recorded');
  }, 60_000);

  it('withdraws one: it shows no, the others stay yes, and the record says so', async () => {
    const withdrawn = PURPOSES[2];
    await choose(withdrawn.label, 'No').click();
    await page.getByText(`Recorded: no to “${withdrawn.label}”.`).waitFor(WAIT);
    await answer(withdrawn.label, 'No').waitFor(WAIT);
    await expect(choose(withdrawn.label, 'No').isDisabled()).resolves.toBe(true);
    await expect(choose(withdrawn.label, 'Yes').isEnabled()).resolves.toBe(true);
    for (const { label } of PURPOSES.slice(0, 2)) await expect(answer(label, 'Yes').count()).resolves.toBe(1);

    const { consents } = await api(`/v1/patients/${patientId}`);
    expect(consents.evaluation.given).toBe(false);
    expect([consents.shareAttendance.given, consents.gpSummary.given]).toEqual([true, true]);
    // It stays so after the page is loaded again.
    await page.reload();
    await answer(withdrawn.label, 'No').waitFor(WAIT);
    await expectAccessible('consent after one is withdrawn');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
