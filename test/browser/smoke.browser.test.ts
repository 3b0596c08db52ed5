import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { haveChromium, launchChromium, startSystem } from './support';

describe.skipIf(!haveChromium)('the web apps in Chromium (served by local mode)', () => {
  let system: LocalSystem;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ system, url } = await startSystem());
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('serves the console at / and the scanner at /scan/, with the local sign-in config', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url}/`);
    // The console names its page once it has rendered ("Sign in – Waymark"), so either may be seen.
    await expect(page.title()).resolves.toMatch(/^(.+ – )?Waymark$/);
    await page.goto(`${url}/scan`);
    expect(new URL(page.url()).pathname).toBe('/scan/');
    await expect(page.title()).resolves.toBe('Waymark scanner');
    const config = await page.evaluate(async () => (await fetch('/config.json')).json());
    expect(config).toEqual({ mode: 'local' });
    expect(errors).toEqual([]);
    await page.close();
  });
});
