import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { orukDir, withFreshIds } from '../support/reference';
import { accessibilityViolations, haveChromium, openConsole, type ConsoleSession } from './support';

/**
 * The ORUK import screen in the browser, against local mode with the demo data: a manager uploads
 * the published example feed (read from the reference folder, never copied in) and sees the
 * report; the provider arrives pending; the same file again changes nothing; a feed derived from
 * the full example, with a UK address, brings a venue with its town and county; a file that is
 * not JSON and a feed the server refuses each show what is wrong, and nothing is imported. Each
 * screen is checked with axe. Skipped where there is no Chromium or no reference folder.
 */
const WAIT = { timeout: 15_000 };
const example = (name: string): string => readFileSync(join(orukDir!, 'examples', name), 'utf8');


describe.skipIf(!haveChromium || !orukDir)('the ORUK import screen in the console', () => {
  let session: ConsoleSession | undefined;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    session = await openConsole('manager');
    ({ page, pageErrors } = session);
    await page.getByRole('heading', { name: 'Providers', level: 1 }).waitFor(WAIT);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  const openImport = async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Providers' }).click();
    await page.getByRole('link', { name: 'Import from an ORUK feed' }).click();
    await page.getByRole('heading', { name: 'Import from an ORUK feed', level: 1 }).waitFor(WAIT);
  };
  const upload = async (name: string, text: string) => {
    await page.getByLabel('Feed file (JSON)').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await page.getByRole('button', { name: 'Import' }).click();
  };
  const report = () => page.getByTestId('import-report');

  it('imports service_list.json: the report, and the provider listed as pending; again, nothing changes', async () => {
    await openImport();
    expect(await accessibilityViolations(page), 'axe on the import form').toEqual([]);
    await upload('service_list.json', example('service_list.json'));
    await report().getByRole('heading', { name: 'Import report' }).waitFor(WAIT);
    await expect(report().getByRole('status').textContent()).resolves.toBe('1 created, 0 updated, 0 unchanged, 1 skipped.');
    const provider = report().getByRole('row', { name: /Example Organization Inc\./ });
    await expect(provider.getByText('Created').count()).resolves.toBe(1);
    // The service is skipped, saying why.
    const activity = report().getByRole('table', { name: /Activities/ }).getByRole('row', { name: /Community Counselling/ });
    await expect(activity.getByText('Skipped').count()).resolves.toBe(1);
    await expect(activity.getByText(/The service has no location|No category/).count()).resolves.toBe(1);
    expect(await accessibilityViolations(page), 'axe on the report').toEqual([]);

    // The same file again: the same provider, unchanged, never a duplicate.
    await upload('service_list.json', example('service_list.json'));
    await report().getByText('0 created, 0 updated, 1 unchanged, 1 skipped.').waitFor(WAIT);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Providers' }).click();
    // The report's own row must be gone first, or it could be the row found.
    await report().waitFor({ state: 'detached', ...WAIT });
    const row = page.getByRole('row', { name: /Example Organization Inc\./ });
    await row.getByText('Pending').waitFor(WAIT);
    await expect(row.count()).resolves.toBe(1);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('a feed with a UK address brings a venue with its town and county, and its activity', async () => {
    const service = withFreshIds(JSON.parse(example('service_full.json')));
    service.organization.name = 'Imported Counselling Trust';
    Object.assign(service.service_at_locations[0].location.addresses[0], { postal_code: 'LU1 2AB', city: 'Luton', state_province: 'Bedfordshire', country: 'GB' });
    delete service.schedules[0].valid_to;
    await openImport();
    await page.getByLabel('Category for services the feed does not classify').selectOption('wellbeing');
    await upload('counselling.json', JSON.stringify(service));
    await report().getByText('3 created, 0 updated, 0 unchanged, 0 skipped.').waitFor(WAIT);
    expect(await accessibilityViolations(page), 'axe on the report').toEqual([]);

    await report().getByRole('link', { name: 'Imported Counselling Trust' }).click();
    await page.getByRole('heading', { name: 'Imported Counselling Trust', level: 1 }).waitFor(WAIT);
    const venue = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'MyCity Civic Center' }) });
    await venue.waitFor(WAIT);
    await expect(venue.innerText()).resolves.toContain('Luton, Bedfordshire');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('a file that is not JSON, and a feed the server refuses, each say what is wrong; nothing is imported', async () => {
    await openImport();
    await upload('notes.json', 'this is not { json');
    const problems = page.getByRole('alert').filter({ hasText: 'The feed was not imported' });
    await problems.waitFor(WAIT);
    await expect(problems.getByText('The file is not JSON. Choose the ORUK feed’s .json file.').count()).resolves.toBe(1);
    expect(await accessibilityViolations(page), 'axe on a file that is not JSON').toEqual([]);

    // Valid JSON, but not a feed the import can read: the server's 400 names the place in the file.
    const broken = JSON.parse(example('service_list.json'));
    broken.contents[0].organization = { id: 'not-a-uuid', name: '' };
    await upload('broken.json', JSON.stringify(broken));
    await problems.getByTestId('import-problems').getByText(/organization/).first().waitFor(WAIT);
    await expect(problems.getByText('Nothing was changed.').count()).resolves.toBe(1);
    await expect(report().count()).resolves.toBe(0);
    expect(await accessibilityViolations(page), 'axe on a refused feed').toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
