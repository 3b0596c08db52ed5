import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { pdfText } from '../shared/gp-messages/support';
import { accessibilityViolations, haveChromium, launchChromium, startSystem } from './support';

/**
 * The GP outbox in the browser, against local mode with the demo data: a navigator previews a
 * finished patient's summary, downloads the PDF (and reads it back), and marks it sent; it moves
 * to the Sent tab. A person without consent declined: their page says why no summary goes to the
 * GP, and none reaches the outbox; with consent, their page links to the summary in the outbox.
 * Each screen is checked with axe.
 */
const WAIT = { timeout: 15_000 };

describe.skipIf(!haveChromium)('the GP outbox in the console', () => {
  let system: LocalSystem;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    let url: string;
    ({ system, url } = await startSystem());
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${url}/`);
    await page.getByLabel('Role').selectOption('navigator');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'GP outbox' }).waitFor(WAIT);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('previews a summary, downloads its PDF and marks it sent', async () => {
    await page.getByRole('link', { name: 'GP outbox' }).click();
    const row = page.getByRole('row', { name: /Margaret Doyle/ });
    await row.waitFor(WAIT);
    await expect(page.getByRole('row', { name: /Helen Price/ }).count()).resolves.toBe(1);
    await expect(row.getByRole('cell', { name: 'Prescription completed' }).count()).resolves.toBe(1);
    expect(await accessibilityViolations(page), 'axe on the outbox').toEqual([]);

    await row.getByRole('button', { name: /Preview/ }).click();
    await page.getByRole('heading', { name: 'Social prescribing completed: follow-up held' }).waitFor(WAIT);
    await expect(page.getByText('Name: Margaret Doyle').count()).resolves.toBe(1);
    expect(await accessibilityViolations(page), 'axe on the preview').toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('button', { name: 'Download PDF letter' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^gp-summary-[0-9A-Z]{26}\.pdf$/);
    const text = await pdfText(new Uint8Array(readFileSync((await download.path())!)));
    expect(text).toContain('Name: Margaret Doyle');

    await page.getByRole('button', { name: 'Mark as sent' }).click();
    await page.getByText('Select how you sent it').first().waitFor(WAIT);
    await page.getByLabel('NHSmail').check();
    await page.getByLabel('Reference (optional)').fill('practice inbox');
    await page.getByRole('button', { name: 'Mark as sent' }).click();
    await page.getByText('Marked as sent (NHSmail).').waitFor(WAIT);
    await page.getByRole('row', { name: /Margaret Doyle/ }).waitFor({ state: 'detached', ...WAIT });

    await page.getByRole('link', { name: 'Sent' }).click();
    const sent = page.getByRole('row', { name: /Margaret Doyle/ });
    await sent.waitFor(WAIT);
    await expect(sent.getByText('NHSmail').count()).resolves.toBe(1);
    expect(await accessibilityViolations(page), 'axe on the sent tab').toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  const openPatient = async (name: string) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Caseload/ }).click();
    await page.getByRole('link', { name }).first().click();
    await page.getByRole('heading', { name, level: 1 }).waitFor(WAIT);
    await page.getByRole('heading', { name: 'Referrals', level: 2 }).waitFor(WAIT);
  };
  const decline = async () => {
    await page.getByRole('button', { name: /^Decline the referral/ }).click();
    await page.getByLabel('Reason for declining').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Decline referral' }).click();
  };

  it('a person who has not consented: their page says no summary goes to the GP, and why; none reaches the outbox', async () => {
    await openPatient('Derek Holloway');
    const reason = 'No summary will be sent to the GP: Derek Holloway has not agreed to share a summary with their GP.';
    await page.getByText(reason).waitFor(WAIT);
    expect(await accessibilityViolations(page), 'axe on the patient page saying why').toEqual([]);

    await decline();
    const notice = page.getByRole('status').filter({ hasText: 'Referral of Derek Holloway declined.' });
    await notice.getByText(/No summary was prepared for the GP: Derek Holloway has not agreed to share a summary with their GP\./).waitFor(WAIT);
    await page.getByRole('row', { name: /Declined/ }).getByText('No summary was prepared for their GP.').waitFor(WAIT);
    expect(await accessibilityViolations(page), 'axe after the decline').toEqual([]);
    // The reason's link takes them to the consent section.
    await notice.getByRole('link', { name: 'Record their consent' }).click();
    await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement?: { id: string } } }).document.activeElement?.id)).resolves.toBe('consent-heading');
    expect(page.url()).toMatch(/#\/patients\/[0-9A-Z]{26}$/);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'GP outbox' }).click();
    await page.getByRole('heading', { name: 'Ready to send' }).waitFor(WAIT);
    await page.getByRole('row', { name: /Helen Price/ }).waitFor(WAIT);
    await expect(page.getByRole('row', { name: /Derek Holloway/ }).count()).resolves.toBe(0);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('with consent recorded, declining prepares a summary, and the page links to it in the outbox', async () => {
    await openPatient('Aisha Rahman');
    await page.getByText(/No summary will be sent to the GP: Aisha Rahman/).waitFor(WAIT);
    await page.getByRole('group', { name: 'Send a summary to their GP' }).getByRole('button', { name: 'Yes' }).click();
    await page.getByText('Recorded: yes to “Send a summary to their GP”.').waitFor(WAIT);
    await page.getByText(/No summary will be sent to the GP/).waitFor({ state: 'detached', ...WAIT });

    await decline();
    const notice = page.getByRole('status').filter({ hasText: 'Referral of Aisha Rahman declined.' });
    await notice.getByText(/A summary for their GP is ready to send\./).waitFor(WAIT);
    const inRow = page.getByRole('row', { name: /Declined/ }).getByRole('link', { name: 'Open it in the GP outbox' });
    await inRow.waitFor(WAIT);
    expect(await accessibilityViolations(page), 'axe with the link to the summary').toEqual([]);

    await notice.getByRole('link', { name: 'Open it in the GP outbox' }).click();
    await page.getByRole('heading', { name: 'The summary' }).waitFor(WAIT);
    await page.getByText('Name: Aisha Rahman').waitFor(WAIT);
    await expect(page.getByRole('row', { name: /Aisha Rahman/ }).getByText('Referral declined').count()).resolves.toBe(1);
    expect(await accessibilityViolations(page), 'axe on the outbox opened from the link').toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
