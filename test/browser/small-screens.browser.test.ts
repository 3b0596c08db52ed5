import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { haveChromium, launchChromium, startSystem } from './support';

/**
 * The console on a 320 px phone (WCAG 1.4.10 reflow), the printed card's number, and a form
 * half filled in: no page scrolls sideways, a card number breaks only at its hyphens, and leaving
 * a changed form asks first.
 */
const WAIT = { timeout: 15_000 };
const LONG_CARD = 'WAYMARKLONGRUN01-A';

describe.skipIf(!haveChromium)('the console on small screens and with unsaved forms', { timeout: 120_000 }, () => {
  let system: LocalSystem;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  const pageErrors: string[] = [];

  async function api(path: string, role: string, body?: unknown) {
    const minted = await fetch(`${url}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
    const { token } = (await minted.json()) as { token: string };
    const res = await fetch(`${url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return res.json() as Promise<any>;
  }

  async function newPage(): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  async function signIn(page: Page, role: string) {
    await page.goto(`${url}/`);
    const signOut = page.getByRole('button', { name: 'Sign out' });
    await page.getByLabel('Role').or(signOut).first().waitFor(WAIT);
    if (await signOut.isVisible()) return;
    await page.getByLabel('Role').selectOption(role);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signOut.waitFor(WAIT);
  }

  // Page scripts are strings: the tests are compiled without the DOM's types.
  const sideways = (page: Page) => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>;

  beforeAll(async () => {
    ({ system, url } = await startSystem());
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('no page scrolls sideways at 320 px: caseload, follow-ups, a patient with a card', async () => {
    const referral = await api('/v1/referrals', 'navigator', {
      patient: { givenName: 'Narrow', familyName: 'Screen', dateOfBirth: '1950-01-01' },
      source: 'self',
      reasons: ['isolation'],
    });
    const issued = await api('/v1/cards', 'navigator', { cardId: LONG_CARD, patientId: referral.patientId });
    expect(issued.cardId).toBe(LONG_CARD);
    const page = await newPage();
    await signIn(page, 'navigator');
    for (const [hash, ready] of [
      ['#/caseload', page.getByRole('heading', { level: 1 })],
      ['#/followups', page.getByRole('table').first()],
      ['#/followups?status=completed', page.getByRole('table').first()],
      [`#/patients/${referral.patientId}`, page.getByRole('button', { name: 'Print card' })],
    ] as const) {
      await page.goto(`${url}/${hash}`);
      await ready.waitFor(WAIT);
      await page.waitForLoadState('networkidle');
      // What sticks out, to name it when this fails.
      const wide = (await page.evaluate(`[...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.table-wrap'))
        .map((e) => e.tagName + '.' + e.className)
        .slice(0, 8)`)) as string[];
      expect(await sideways(page), `sideways scroll on ${hash}: ${wide.join(', ')}`).toBeLessThanOrEqual(0);
    }

    // The card's number breaks only at its hyphen: each run is on one line.
    const lines = (await page.evaluate(`(() => {
      const text = document.querySelector('.card-face__number').firstChild;
      const runs = [];
      let at = 0;
      for (const run of text.data.split('-')) {
        const range = document.createRange();
        range.setStart(text, at);
        range.setEnd(text, at + run.length);
        runs.push(new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size);
        at += run.length + 1;
      }
      return runs;
    })()`)) as number[];
    expect(lines).toEqual([1, 1]);
    await page.close();
  });

  it('leaving a half-filled form asks first, and staying keeps what was typed', async () => {
    const page = await newPage();
    await signIn(page, 'navigator');
    await page.goto(`${url}/#/referrals/new`);
    await page.getByLabel('Given name').fill('Half');
    let asked = '';
    page.once('dialog', async (dialog) => {
      asked = dialog.type();
      await dialog.dismiss();
    });
    await page.getByRole('link', { name: 'Caseload' }).first().click();
    await expect.poll(() => asked).toBe('confirm');
    expect(await page.getByLabel('Given name').inputValue()).toBe('Half');
    expect(new URL(page.url()).hash).toBe('#/referrals/new');

    // A reload asks through the browser's own "leave site?" prompt.
    page.once('dialog', async (dialog) => {
      asked = dialog.type();
      await dialog.accept();
    });
    await page.reload();
    expect(asked).toBe('beforeunload');
    await page.close();
  });

  it('raised no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
