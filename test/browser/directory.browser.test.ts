import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { orukDir } from '../support/reference';
import { accessibilityViolations, haveChromium, launchChromium, startSystem } from './support';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/**
 * Local mode with the demo data, over real HTTP: `/oruk/services` answers a schema-valid ORUK
 * page of the demo registry (the done-when), and a manager's "listed in the directory"
 * switch on the provider page takes a provider out of the feed and back.
 */
const PROVIDER = 'Wardown Walkers';
const WAIT = { timeout: 15_000 };

describe.skipIf(!haveChromium || !orukDir)('the public directory feed of the demo registry, and the listing switch', () => {
  let system: LocalSystem;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;

  const services = async () => {
    const res = await fetch(`${url}/oruk/services?per_page=200`);
    expect(res.status).toBe(200);
    return (await res.json()) as { total_items: number; contents: { name: string; organization: { name: string } }[] };
  };

  beforeAll(async () => {
    ({ system, url } = await startSystem());
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('answers GET /oruk/services with a schema-valid page of the accredited demo providers, to any origin', async () => {
    const res = await fetch(`${url}/oruk/services`);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const page = (await res.json()) as { contents: unknown[] };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const item = JSON.parse(readFileSync(join(orukDir!, 'schema', 'compiled', 'service_list.json'), 'utf8'));
    const validate = ajv.compile({
      type: 'object',
      required: ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty', 'contents'],
      properties: { contents: { type: 'array', items: item } },
    });
    expect(validate(page) ? [] : validate.errors).toEqual([]);
    const organisations = new Set((page.contents as { organization: { name: string } }[]).map((service) => service.organization.name));
    // The demo's suspended and lapsed providers are not published.
    expect(organisations.has('Bury Park Boxing Club')).toBe(false);
    expect(organisations.has('Leagrave Singers')).toBe(false);
    expect(organisations.has(PROVIDER)).toBe(true);
  });

  it('a manager switches a provider out of the directory and back on its page', async () => {
    const before = await services();
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    await page.goto(`${url}/`);
    await page.getByLabel('Role').selectOption('manager');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Providers' }).click();
    await page.getByRole('link', { name: PROVIDER }).click();
    const listed = page.getByRole('switch', { name: 'Listed in the directory' });
    await listed.waitFor(WAIT);
    expect(await listed.isChecked()).toBe(true);
    expect(await accessibilityViolations(page), 'axe on the provider page').toEqual([]);

    await listed.uncheck();
    await page.getByText('Taken out of the public directory.').waitFor(WAIT);
    expect(await page.getByRole('switch', { name: 'Listed in the directory' }).isChecked()).toBe(false);
    const without = await services();
    expect(without.contents.some((service) => service.organization.name === PROVIDER)).toBe(false);
    expect(without.total_items).toBeLessThan(before.total_items);

    await page.getByRole('switch', { name: 'Listed in the directory' }).check();
    await page.getByText('Listed in the public directory.').waitFor(WAIT);
    expect((await services()).total_items).toBe(before.total_items);
    await page.close();
  });
});
