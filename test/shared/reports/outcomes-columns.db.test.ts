import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExportsApp } from '#shared/app/app';
import { localDependencies } from '#local/wiring';
import { OUTCOME_COLUMNS } from '#shared/reports/exports';
import { pseudonymFor } from '#shared/reports/pseudonym';
import { createTestApp, type TestApp } from '../../support/app';
import { makeActivities, referralBody } from '../../support/fixtures';

/**
 * The outcomes export's referral, date and answer columns, and `?bom=1` on both CSVs, from a
 * history made through the API on DynamoDB Local:
 *
 *   Tue 30 Jun 23:30Z (Wed 1 Jul 00:30 in London)
 *     A: referred by a nurse for "Isolation", "low-mood", " Long term  condition", "isolation" and
 *        "Misses Jim at the allotment"; a baseline with SWEMWBS, active days and self-care confidence
 *     B: referred by themselves for "Debt" and "benefits"; a baseline of ONS4 only
 *     C: referred by a GP (isolation, exercise); no baseline
 *   Wed 1 Jul 09:00Z  a 4-week prescription each, starting that day; A attends Café Ōtautahi;
 *                     C's prescription withdrawn (unwell); B's referral closed (moved away), withdrawing theirs
 *   Wed 29 Jul 12:00Z A's follow-up completed with all the answers
 */
let t: TestApp;
const key = { programmeId: 'outcome-columns', secret: 'test-secret' };
const range = 'from=2026-07-01&to=2026-07-31';
const FREE_TEXT = 'Misses Jim at the allotment';
const ids = { a: '', b: '', c: '' };
const CAFE = 'Café Ōtautahi';

async function refer(overrides: Record<string, unknown>) {
  const res = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody(overrides) });
  expect(res.status).toBe(201);
  return { patientId: res.body.patientId as string, referralId: res.body.referralId as string };
}

async function prescribe(patientId: string, activityIds: string[]) {
  const res = await t.call('POST', '/v1/prescriptions', {
    as: 'navigator',
    body: { patientId, startDate: '2026-07-01', weeks: 4, goals: ['Walk more'], activityIds },
  });
  expect(res.status).toBe(201);
  return { prescriptionId: res.body.prescriptionId as string, followUpId: res.body.followUpId as string };
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-06-30T23:30:00Z', pseudonymKey: key });
  const cafe = await makeActivities(t, { categories: ['social'], name: CAFE });
  const a = await refer({ source: 'nurse', reasons: ['Isolation', 'low-mood', ' Long term  condition', 'isolation', FREE_TEXT] });
  const b = await refer({ source: 'self', reasons: ['Debt', 'benefits'] });
  const c = await refer({});
  Object.assign(ids, { a: a.patientId, b: b.patientId, c: c.patientId });
  const baseline = (patientId: string, body: Record<string, unknown>) =>
    t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: { kind: 'baseline', ...body } });
  expect(
    (await baseline(a.patientId, { ons4: { satisfied: 4, worthwhile: 5, happy: 3, anxious: 7 }, swemwbs: [1, 2, 3, 4, 5, 1, 2], activeDays: 2, selfCareConfidence: 5 }))
      .status,
  ).toBe(201);
  expect((await baseline(b.patientId, { ons4: { satisfied: 6, worthwhile: 6, happy: 6, anxious: 2 } })).status).toBe(201);

  t.clock.set(new Date('2026-07-01T09:00:00Z'));
  const pa = await prescribe(a.patientId, cafe.activityIds);
  await prescribe(b.patientId, cafe.activityIds);
  const pc = await prescribe(c.patientId, cafe.activityIds);
  expect((await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'COLUMNS-CARD-A', patientId: a.patientId } })).status).toBe(201);
  const scan = await t.call('POST', '/v1/scans', {
    as: 'provider',
    providerId: cafe.providerId,
    body: { scanId: randomUUID(), cardId: 'COLUMNS-CARD-A', venueId: cafe.venueId, activityId: cafe.activityIds[0], scannedAt: t.clock.now().toISOString() },
  });
  expect(scan.status).toBe(201);
  expect((await t.call('PATCH', `/v1/prescriptions/${pc.prescriptionId}`, { as: 'navigator', body: { status: 'withdrawn', reason: 'unwell' } })).status).toBe(200);
  const closed = await t.call('POST', `/v1/referrals/${b.referralId}/close`, { as: 'navigator', body: { reason: 'moved_away', note: 'Gone to live with her daughter' } });
  expect(closed.status).toBe(200);

  t.clock.set(new Date('2026-07-29T12:00:00Z'));
  const done = await t.call('POST', `/v1/followups/${pa.followUpId}/complete`, {
    as: 'navigator',
    body: { assessment: { ons4: { satisfied: 6, worthwhile: 7, happy: 5, anxious: 4 }, swemwbs: [2, 3, 4, 5, 5, 2, 3], activeDays: 4, selfCareConfidence: 7 } },
  });
  expect(done.status).toBe(200);
});

/** The raw bytes of a CSV answer (a test client's `text` would drop a byte-order mark, as any UTF-8 decoder does). */
async function download(path: string, app: { request: TestApp['app']['request'] } = t.app) {
  const token = await t.tokenFor('manager');
  const res = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
}
const decode = (bytes: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
const startsWithBom = (bytes: Uint8Array) => bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

type Outcome = Record<(typeof OUTCOME_COLUMNS)[number], string>;
async function outcomes(): Promise<{ header: string[]; rows: Map<string, Outcome>; text: string }> {
  const res = await t.call('GET', `/v1/reports/outcomes.csv?${range}`, { as: 'manager' });
  expect(res.status).toBe(200);
  const [header, ...cells] = parse(res.text) as string[][];
  const rows = cells.map((row) => Object.fromEntries(header!.map((column, i) => [column, row[i]!])) as Outcome);
  return { header: header!, rows: new Map(rows.map((row) => [row.patient, row])), text: res.text };
}
const pseudonym = (patientId: string) => pseudonymFor(key, 'patient', patientId);
const columnsOf = (prefix: string) => [1, 2, 3, 4, 5, 6, 7].map((n) => `${prefix}_swemwbs_${n}` as keyof Outcome);

describe('outcomes.csv: referral, dates and every answer', () => {
  it('the header is OUTCOME_COLUMNS, and there is one row per prescription', async () => {
    const { header, rows } = await outcomes();
    expect(header).toEqual([...OUTCOME_COLUMNS]);
    expect(header).toEqual(expect.arrayContaining(['referral_date', 'referral_source', 'referral_reasons', 'baseline_date', 'follow_up_date', 'baseline_swemwbs_1', 'follow_up_swemwbs_7', 'baseline_active_days', 'follow_up_self_care_confidence']));
    // Right after the referral's reason, the rest in their order.
    expect(header.indexOf('withdrawal_reason')).toBe(header.indexOf('referral_reason') + 1);
    expect(header.filter((column) => column !== 'withdrawal_reason')).toEqual(OUTCOME_COLUMNS.filter((column) => column !== 'withdrawal_reason'));
    expect([...rows.keys()].sort()).toEqual([ids.a, ids.b, ids.c].map(pseudonym).sort());
  });

  it('a followed-up prescription: the referral’s London date, source and coded reasons; both assessments’ dates and answers', async () => {
    const a = (await outcomes()).rows.get(pseudonym(ids.a))!;
    expect(a).toMatchObject({
      status: 'completed',
      referral_outcome: 'prescribed',
      referral_reason: '',
      withdrawal_reason: '',
      // Received at 23:30Z on 30 June: already 1 July in London.
      referral_date: '2026-07-01',
      referral_source: 'nurse',
      // Normalised, de-duplicated, sorted; the free-text tag is only `other`.
      referral_reasons: 'isolation;long_term_condition;low_mood;other',
      baseline_date: '2026-07-01',
      follow_up_date: '2026-07-29',
      baseline_active_days: '2',
      follow_up_active_days: '4',
      baseline_self_care_confidence: '5',
      follow_up_self_care_confidence: '7',
      baseline_swemwbs_metric: expect.stringMatching(/^\d+(\.\d+)?$/),
      follow_up_satisfied: '6',
    });
    expect(columnsOf('baseline').map((column) => a[column])).toEqual(['1', '2', '3', '4', '5', '1', '2']);
    expect(columnsOf('follow_up').map((column) => a[column])).toEqual(['2', '3', '4', '5', '5', '2', '3']);
  });

  it('empty cells when a question was not asked, no follow-up happened or there was no baseline', async () => {
    const { rows } = await outcomes();
    const b = rows.get(pseudonym(ids.b))!;
    expect(b).toMatchObject({
      status: 'withdrawn',
      referral_outcome: 'closed',
      referral_reason: 'moved_away',
      // Withdrawn by its referral's close: the close's reason.
      withdrawal_reason: 'moved_away',
      referral_date: '2026-07-01',
      referral_source: 'self',
      referral_reasons: 'benefits;debt',
      baseline_date: '2026-07-01',
      baseline_satisfied: '6',
      baseline_swemwbs_metric: '',
      baseline_active_days: '',
      baseline_self_care_confidence: '',
      follow_up_date: '',
      follow_up_active_days: '',
      follow_up_self_care_confidence: '',
    });
    expect(columnsOf('baseline').map((column) => b[column])).toEqual(Array(7).fill(''));
    expect(columnsOf('follow_up').map((column) => b[column])).toEqual(Array(7).fill(''));

    const c = rows.get(pseudonym(ids.c))!;
    expect(c).toMatchObject({ status: 'withdrawn', withdrawal_reason: 'unwell', referral_reason: '', referral_source: 'gp', referral_reasons: 'exercise;isolation', baseline_date: '', follow_up_date: '', baseline_satisfied: '' });
    expect([...columnsOf('baseline'), ...columnsOf('follow_up')].map((column) => c[column])).toEqual(Array(14).fill(''));
  });

  it('no free-text reason, note or close note leaves, in any form', async () => {
    const { text } = await outcomes();
    for (const typed of [FREE_TEXT, 'Jim', 'allotment', 'Long term', 'low-mood', 'Isolation', 'Debt', 'daughter', 'husband']) {
      expect(text, typed).not.toContain(typed);
    }
  });
});

describe('?bom=1 on the evaluator CSVs', () => {
  it.each(['attendance.csv', 'outcomes.csv'])('%s: with bom=1 the bytes start with EF BB BF; without, plain UTF-8', async (file) => {
    const withBom = await download(`/v1/reports/${file}?${range}&bom=1`);
    expect(withBom.status).toBe(200);
    expect(startsWithBom(withBom.bytes)).toBe(true);
    expect(decode(withBom.bytes.slice(3))).toMatch(/^patient,/);
    const plain = await download(`/v1/reports/${file}?${range}`);
    expect(plain.status).toBe(200);
    expect(startsWithBom(plain.bytes)).toBe(false);
    expect(decode(plain.bytes)).toMatch(/^patient,/);
    // The same file but for the mark.
    expect(decode(withBom.bytes.slice(3))).toBe(decode(plain.bytes));
  });

  it('a name in UTF-8 survives, after the mark', async () => {
    const { bytes } = await download(`/v1/reports/attendance.csv?${range}&bom=1`);
    const [header, row] = parse(decode(bytes.slice(3))) as string[][];
    expect(row![header!.indexOf('provider')]).toBe(CAFE);
    // Ō is two bytes in UTF-8 (C5 8C): written as UTF-8, not a legacy code page.
    expect(Buffer.from(bytes).includes(Buffer.from([0xc5, 0x8c]))).toBe(true);
  });

  it('the default outcomes range takes bom=1 too', async () => {
    const { status, bytes } = await download('/v1/reports/outcomes.csv?bom=1');
    expect(status).toBe(200);
    expect(startsWithBom(bytes)).toBe(true);
  });

  it.each(['attendance.csv', 'outcomes.csv'])('%s: a bom other than 1 is a 400 naming the field', async (file) => {
    for (const value of ['0', 'true', 'yes', '', '11']) {
      const res = await t.call('GET', `/v1/reports/${file}?${range}&bom=${value}`, { as: 'manager' });
      expect(res.status, `bom=${value}`).toBe(400);
      expect(res.body.error.issues).toContainEqual(expect.objectContaining({ in: 'query', path: 'bom' }));
    }
  });

  it('the streaming exports function’s app takes it the same way', async () => {
    const app = createExportsApp(localDependencies(t.db, t.clock, t.issuer, 'SILENT', key));
    const withBom = await download(`/v1/reports/outcomes.csv?${range}&bom=1`, app);
    expect(withBom.status).toBe(200);
    expect(startsWithBom(withBom.bytes)).toBe(true);
    const plain = await download(`/v1/reports/attendance.csv?${range}`, app);
    expect(startsWithBom(plain.bytes)).toBe(false);
    expect((await download(`/v1/reports/attendance.csv?${range}&bom=2`, app)).status).toBe(400);
  });
});
