import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { pdfText } from '../shared/gp-messages/support';
import { accessibilityViolations, haveChromium, launchChromium, startSystem } from './support';

/**
 * The GP outbox in the browser, against local mode with the demo data: a navigator previews a
 * finished patient's summary, downloads the PDF (and reads it back), and marks it sent; it moves
 * to the Sent tab. Each screen is checked with axe.
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
});
