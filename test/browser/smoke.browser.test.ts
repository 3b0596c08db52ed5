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

  it('asks for nothing it does not have: no 404 on either app, a favicon included', async () => {
    const page = await browser.newPage();
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) missing.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    for (const path of ['/', '/scan/']) {
      await page.goto(`${url}${path}`);
      await page.waitForLoadState('networkidle');
      // A string, as the test is compiled without the DOM's types.
      const icon = (await page.evaluate(`document.querySelector('link[rel="icon"]')?.href`)) as string | undefined;
      expect(icon, `the icon of ${path}`).toBeTruthy();
      expect((await fetch(icon!)).status, `the icon of ${path}`).toBe(200);
    }
    expect(missing).toEqual([]);
    await page.close();
  });
});
