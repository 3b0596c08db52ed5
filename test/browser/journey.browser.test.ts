import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalSystem } from '#local/server';
import { accessibilityViolations, haveChromium, launchChromium, qrVideo, screenshot, startSystem } from './support';

/**
 * A whole patient journey in the browser, against local mode with the demo data: a navigator
 * refers a patient, prescribes a walk and issues a card; Wardown Walkers' scanner records the
 * card typed and then read by the camera (a QR clip played as the camera); offline, three more
 * people are scanned and queued, sent once when the connection returns; a manager sees them all
 * in the attendance report. Every main screen is checked with axe.
 */
const CARD = 'E2E-CARD-0001';
const PROVIDER = 'Wardown Walkers';
const VENUE = 'Wardown Park Pavilion';
const ACTIVITY = 'Nordic walking for beginners';
/** Demo patients with an active prescription (any activity at an accredited provider is accepted). */
const OFFLINE_CARDS = ['LUTON-DEMO-04', 'LUTON-DEMO-05', 'LUTON-DEMO-06'];
const WAIT = { timeout: 15_000 };
/** A demo patient whose twelve weeks have ended, so their follow-up is due. */
const DUE_PERSON = 'Michael O’Brien';

describe.skipIf(!haveChromium)('a patient journey through both apps', () => {
  let system: LocalSystem;
  let url: string;
  let browser: Browser;
  let consoleContext: BrowserContext;
  let scanContext: BrowserContext;
  const pageErrors: string[] = [];

  const track = (page: Page) => page.on('pageerror', (error) => pageErrors.push(error.message));

  /** What the API says, with a token minted from local mode's issuer. */
  async function api(path: string, role = 'manager') {
    const minted = await fetch(`${url}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
    const { token } = (await minted.json()) as { token: string };
    return (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
  }

  async function expectAccessible(page: Page, screen: string) {
    expect(await accessibilityViolations(page), `axe on ${screen}`).toEqual([]);
  }

  beforeAll(async () => {
    ({ system, url } = await startSystem());
    browser = await launchChromium(qrVideo(CARD));
    consoleContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    scanContext = await browser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['camera'], hasTouch: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('a navigator refers a patient, writes a prescription and issues a card', async () => {
    const page = await consoleContext.newPage();
    track(page);
    await page.goto(`${url}/`);
    await page.getByLabel('Role').selectOption('navigator');
    await expectAccessible(page, 'console sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Caseload' }).waitFor(WAIT);
    await page.getByRole('link', { name: 'Caseload' }).click();
    await page.getByText('Margaret').first().waitFor(WAIT);
    await screenshot(page, 'console-caseload');
    await expectAccessible(page, 'caseload');

    await page.getByRole('link', { name: 'New referral' }).click();
    await page.getByLabel('Given name').fill('Ada');
    await page.getByLabel('Family name').fill('Byron');
    await page.getByLabel('Date of birth').fill('1952-12-10');
    await page.getByLabel('Postcode').fill('LU1 3AB');
    await page.getByLabel('Referral source').selectOption('gp');
    await page.getByLabel('Reasons').fill('isolation, exercise');
    await page.getByLabel('Ethnic group', { exact: true }).selectOption('asian_indian');
    await page.getByLabel('Gender identity', { exact: true }).selectOption('same_as_sex_registered_at_birth');
    await expectAccessible(page, 'new referral');
    await page.getByRole('button', { name: 'Create referral' }).click();
    await page.getByRole('heading', { name: 'Ada Byron' }).waitFor(WAIT);
    await page.getByText('Asian, Asian British or Asian Welsh: Indian').waitFor(WAIT);

    await page.getByRole('button', { name: 'Write prescription' }).click();
    await page.getByLabel(new RegExp(`^${ACTIVITY} — ${PROVIDER}, ${VENUE}`)).check();
    await screenshot(page, 'console-prescription');
    await page.getByLabel('Goals').fill('Walk with others twice a week');
    await page.getByRole('button', { name: 'Save prescription' }).click();
    await page.getByLabel('Goals').waitFor({ state: 'detached', ...WAIT });
    await page.getByText('No current prescription.').waitFor({ state: 'detached', ...WAIT });

    await page.getByLabel('Card number').fill(CARD);
    await page.getByRole('button', { name: 'Issue card' }).click();
    await page.getByRole('button', { name: 'Print card' }).waitFor(WAIT);
    await screenshot(page, 'console-patient');
    await expectAccessible(page, 'patient page');

    // Their plan to take home: goals, where and when, the card; printing shows the plan alone.
    await page.getByRole('link', { name: 'Their plan to print' }).click();
    const plan = page.getByRole('article', { name: 'My plan' });
    await plan.getByText(CARD).waitFor(WAIT);
    await expect.poll(() => plan.textContent()).toMatch(/Walk with others twice a week/);
    expect(await plan.textContent()).toContain(`With ${PROVIDER}, at ${VENUE}`);
    expect(await plan.textContent()).not.toMatch(/isolation|exercise/);
    await expectAccessible(page, 'my plan');
    await screenshot(page, 'console-plan');
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation').first().isVisible()).toBe(false);
    expect(await plan.isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await page.close();
  });

  it('a follow-up recorded from the patient page completes the due follow-up, and it leaves the inbox', async () => {
    const page = await consoleContext.newPage();
    page.setDefaultTimeout(15_000);
    track(page);
    await page.goto(`${url}/`);
    const role = page.getByLabel('Role');
    await role.or(page.getByRole('button', { name: 'Sign out' })).first().waitFor(WAIT);
    if (await role.isVisible()) {
      await role.selectOption('navigator');
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    await page.getByRole('link', { name: 'Follow-ups' }).click();
    // Michael O’Brien's twelve weeks ended four days ago: his follow-up is due.
    await page.getByRole('link', { name: DUE_PERSON }).first().waitFor(WAIT);
    await page.getByRole('link', { name: DUE_PERSON }).first().click();
    await page.getByRole('heading', { name: DUE_PERSON }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Record an assessment' }).click();
    await page.getByLabel('Follow-up (at the end of a prescription)').check();
    const ons4 = ['how satisfied are you', 'things you do in your life are worthwhile', 'how happy did you feel', 'how anxious did you feel'];
    for (const [index, words] of ons4.entries()) {
      await page.getByRole('group', { name: new RegExp(words) }).getByLabel(String([7, 7, 6, 3][index]), { exact: true }).check();
    }
    await page.getByRole('button', { name: 'Save assessment' }).click();
    await page.getByText(/completed this person’s follow-up and their prescription/).waitFor(WAIT);
    // The change since their baseline, measure by measure, beside the scores.
    await page.getByRole('heading', { name: 'Change since baseline' }).waitFor(WAIT);
    const change = page.getByTestId('wellbeing-change');
    await expect.poll(() => change.getByRole('row', { name: /Life satisfaction/ }).textContent()).toMatch(/7/);
    await expectAccessible(page, 'patient page after a follow-up');

    // A mistaken answer is corrected with a reason; the original stays with the assessment.
    await page.getByRole('button', { name: /^Correct the follow-up of/ }).click();
    await page.getByRole('heading', { name: /^Correct the follow-up of/ }).waitFor(WAIT);
    await page.getByRole('group', { name: /how happy did you feel/ }).getByLabel('8', { exact: true }).check();
    await page.getByRole('button', { name: 'Save correction' }).click();
    await page.getByRole('link', { name: 'Say why the assessment is being corrected' }).waitFor(WAIT);
    await expectAccessible(page, 'assessment correction with an error');
    await page.getByLabel('Why it is being corrected').fill('Happiness was entered as 6; they said 8');
    await page.getByRole('button', { name: 'Save correction' }).click();
    await page.getByText(/Assessment corrected/).waitFor(WAIT);
    await page.getByText('(corrected once)').waitFor(WAIT);
    const assessments = (await api(`/v1/patients/${page.url().split('/').pop()}/assessments`, 'navigator')).items as {
      kind: string;
      ons4: { happy: number };
      amendments?: { reason: string; previous: { ons4: { happy: number } } }[];
    }[];
    const corrected = assessments.find((a) => a.kind === 'follow_up' && a.amendments);
    expect(corrected?.ons4.happy).toBe(8);
    expect(corrected?.amendments?.[0]?.previous.ons4.happy).toBe(6);

    await page.getByRole('link', { name: 'Follow-ups' }).click();
    await page.getByRole('heading', { name: 'Due', exact: true }).waitFor(WAIT);
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('link', { name: DUE_PERSON }).count()).toBe(0);
    const completed = (await api('/v1/followups?status=completed&limit=100', 'navigator')).items as { patientName?: string; patient?: { name?: string } }[];
    expect(JSON.stringify(completed)).toContain('O’Brien');
    await page.close();
  });

  it('the scanner records the card typed, then read by the camera (a duplicate), at once and in big words', async () => {
    const page = await scanContext.newPage();
    track(page);
    await page.goto(`${url}/scan/`);
    await page.getByRole('heading', { name: 'Sign in this device' }).waitFor(WAIT);
    await page.getByLabel('Provider').selectOption({ label: PROVIDER });
    await expectAccessible(page, 'scanner sign-in');
    await page.getByRole('button', { name: 'Use this device' }).click();
    await page.getByLabel('Venue').selectOption({ label: VENUE });
    await page.getByLabel('Activity').selectOption({ label: ACTIVITY });
    await page.getByRole('button', { name: 'Start scanning' }).click();

    // A double tap on Record, as a hurried volunteer does: one scan, and the answer stays "Accepted".
    await page.getByLabel('Card number').fill(CARD);
    await page.getByRole('button', { name: 'Record' }).dblclick();
    const status = page.getByRole('status');
    await status.getByText('Accepted', { exact: true }).waitFor(WAIT);
    await status.getByText('1 session attended').waitFor(WAIT);
    expect(await page.getByLabel('Card number').inputValue()).toBe('');
    // ...and a barcode reader that sends Enter twice more changes nothing either.
    await page.getByLabel('Card number').press('Enter');
    await page.getByLabel('Card number').press('Enter');
    await page.waitForTimeout(300);
    await expect(status.getByText('Accepted', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Check the card number').count()).resolves.toBe(0);
    expect(await page.getByRole('listitem').filter({ hasText: CARD }).count()).toBe(1);
    await screenshot(page, 'scanner-accepted');
    await expectAccessible(page, 'scanner');

    await page.getByRole('button', { name: 'Scan with camera' }).click();
    await status.getByText('Already recorded today').waitFor({ timeout: 30_000 });
    await page.close();
  });

  it('offline, three scans wait in the queue; back online they are sent and recorded once each', async () => {
    const page = await scanContext.newPage();
    track(page);
    await page.goto(`${url}/scan/`);
    await page.getByLabel('Card number').waitFor(WAIT); // the device and session were remembered
    await scanContext.setOffline(true);
    for (const card of OFFLINE_CARDS) {
      await page.getByLabel('Card number').fill(card);
      await page.getByRole('button', { name: 'Record' }).click();
      await page.getByRole('status').getByText('Saved — it will be sent when you are back online').waitFor(WAIT);
    }
    await page.getByText('3 scans waiting to send').waitFor(WAIT);
    await screenshot(page, 'scanner-offline');

    await scanContext.setOffline(false);
    await page.getByText(/Sent 3 saved scans/).waitFor({ timeout: 30_000 });
    await page.getByText(/scans? waiting to send/).waitFor({ state: 'hidden', ...WAIT });

    // Reloading sends nothing again: the queue is empty, and each scanId counts once anyway.
    await page.reload();
    await page.getByLabel('Card number').waitFor(WAIT);
    const providers = (await api('/v1/providers?limit=100')).items as { providerId: string; name: string }[];
    const walkers = providers.find((p) => p.name === PROVIDER)!;
    const today = (await api('/v1/dev/clock')).now.slice(0, 10);
    const attendance = await api(`/v1/providers/${walkers.providerId}/attendance?from=${today}&to=${today}`);
    expect(attendance.total).toBe(1 + OFFLINE_CARDS.length);
    await page.close();
  });

  it('a manager sees them in the attendance report', async () => {
    const page = await consoleContext.newPage();
    track(page);
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Role').selectOption('manager');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Reports' }).click();
    const today = (await api('/v1/dev/clock')).now.slice(0, 10);
    await page.getByLabel('From').fill(today);
    await page.getByLabel('To').fill(today);
    await page.getByLabel('Group by').selectOption({ label: 'Provider' });
    await page.getByRole('button', { name: 'Show report' }).click();
    const row = page.getByRole('row', { name: new RegExp(PROVIDER) });
    await row.waitFor(WAIT);
    expect(await row.getByRole('cell').allTextContents()).toContain(String(1 + OFFLINE_CARDS.length));
    await screenshot(page, 'console-reports');
    await expectAccessible(page, 'reports');

    // A preset period, then the one-page summary for commissioners: the figures without the controls.
    await page.getByRole('navigation', { name: 'Report periods' }).getByRole('link', { name: 'This month' }).click();
    await page.getByText(new RegExp(`^From 1 [A-Z][a-z]+ ${today.slice(0, 4)} to`)).waitFor(WAIT);
    expect(await page.getByRole('link', { name: 'This month' }).getAttribute('aria-current')).toBe('true');
    await row.waitFor(WAIT);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('heading', { name: 'Programme', exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Show report' }).isVisible()).toBe(false);
    expect(await page.getByRole('navigation', { name: 'Report periods' }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    await page.getByRole('link', { name: 'Providers' }).click();
    await page.getByText(PROVIDER).first().waitFor(WAIT);
    await screenshot(page, 'console-providers');
    await expectAccessible(page, 'providers');

    // The manager suspends the provider's accreditation; the API then says so.
    await page.getByRole('link', { name: PROVIDER }).click();
    await page.getByLabel('Accreditation status').selectOption({ label: 'Suspended' });
    await page.getByRole('button', { name: 'Save accreditation' }).click();
    await page.getByText('Accreditation updated.').waitFor(WAIT);
    const providers = (await api('/v1/providers?limit=100')).items as { name: string; accreditation: { status: string } }[];
    expect(providers.find((p) => p.name === PROVIDER)?.accreditation.status).toBe('suspended');
    await page.close();
  });

  it('an admin invites a person on the People page, with the errors shown first', async () => {
    const page = await consoleContext.newPage();
    track(page);
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Role').selectOption('admin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('heading', { name: 'Invite a person' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('There is a problem').waitFor(WAIT);
    await expectAccessible(page, 'people with errors');
    await page.getByLabel('Email address').fill('robin.new@example.org');
    await page.getByLabel('First name').fill('Robin');
    await page.getByLabel('Last name').fill('Newcombe');
    await page.getByLabel('Role', { exact: true }).selectOption('navigator');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Robin Newcombe has been invited as navigator.').waitFor(WAIT);
    await page.getByRole('row', { name: /Robin Newcombe/ }).waitFor(WAIT);
    await expectAccessible(page, 'people');
    await page.getByRole('button', { name: 'Disable Robin Newcombe' }).click();
    await page.getByText('Robin Newcombe has been disabled and signed out.').waitFor(WAIT);
    await page.close();
  });

  it('raised no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
