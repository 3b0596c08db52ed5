import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { accessibilityViolations, haveChromium, launchChromium, startSystem } from './support';

/**
 * The patient page's assessment button follows the record: it asks for a baseline until one is
 * recorded, and from then on (also after a reload, from the record alone) offers "Record an
 * assessment", whose form starts at a follow-up.
 */
const WAIT = { timeout: 15_000 };
/** A demo referral waiting for first contact: no assessment yet. */
const PERSON = 'Aisha Rahman';

describe.skipIf(!haveChromium)('recording a baseline from the patient page', () => {
  let system: LocalSystem;
  let url: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ system, url } = await startSystem());
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${url}/`);
    await page.getByLabel('Role').selectOption('navigator');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Caseload' }).waitFor(WAIT);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

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
    expect(await accessibilityViolations(page), 'axe on the patient page after a baseline').toEqual([]);

    await page.reload();
    await page.getByRole('heading', { name: PERSON, level: 1 }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Record an assessment' }).click();
    expect(await page.getByLabel('Follow-up (at the end of a prescription)').isChecked()).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
