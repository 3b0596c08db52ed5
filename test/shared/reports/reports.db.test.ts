import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ATTENDANCE_COLUMNS, OUTCOME_COLUMNS } from '#shared/reports/exports';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, otherNavigatorToken, referPatient } from '../../support/fixtures';

/**
 * The reports and exports through HTTP on DynamoDB Local. Three patients (two in the default
 * navigator's caseload, one elsewhere) attend two providers' sessions over two London weeks:
 *
 *   Mon 2 Mar   P1, P2, P3 at A-physical (and P1 scanned there twice: one attendance)
 *   Tue 3 Mar   P1 at B-advice
 *   Mon 9 Mar   P1 at A-social, P2 at A-physical
 *
 * 6 attendances by 3 people. P1's follow-up is then completed, giving one paired assessment.
 */
let t: TestApp;
let a: Awaited<ReturnType<typeof makeActivities>>;
let b: Awaited<ReturnType<typeof makeActivities>>;
const patients: { id: string; card: string; prescription: string; followUp: string }[] = [];
const NHS_NUMBER = '9434765919';
const range = 'from=2026-03-01&to=2026-06-30';

async function scan(provider: typeof a, card: string, activityId: string) {
  const res = await t.call('POST', '/v1/scans', {
    as: 'provider',
    providerId: provider.providerId,
    body: { scanId: randomUUID(), cardId: card, venueId: provider.venueId, activityId, scannedAt: t.clock.now().toISOString() },
  });
  expect([200, 201]).toContain(res.status);
  return res;
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  a = await makeActivities(t, { categories: ['physical', 'social'], name: 'Active Luton' });
  b = await makeActivities(t, { categories: ['advice'], name: 'Citizens Advice Luton' });
  const elsewhere = await otherNavigatorToken(t);
  for (const [index, token] of [undefined, undefined, elsewhere].entries()) {
    const id = await referPatient(t, { ...(token ? { token } : {}), ...(index === 0 ? { patient: { nhsNumber: NHS_NUMBER } } : {}) });
    const as = token ? { token } : { as: 'navigator' as const };
    expect((await t.call('POST', `/v1/patients/${id}/assessments`, { ...as, body: baselineBody })).status).toBe(201);
    const prescription = await t.call('POST', '/v1/prescriptions', {
      ...as,
      body: { patientId: id, startDate: '2026-03-02', goals: ['Walk more'], activityIds: [...a.activityIds, ...b.activityIds] },
    });
    expect(prescription.status).toBe(201);
    const card = `REPORT-CARD-${index + 1}`;
    expect((await t.call('POST', '/v1/cards', { ...as, body: { cardId: card, patientId: id } })).status).toBe(201);
    patients.push({ id, card, prescription: prescription.body.prescriptionId, followUp: prescription.body.followUpId });
  }
  const [p1, p2, p3] = patients as [(typeof patients)[0], (typeof patients)[0], (typeof patients)[0]];
  const [physical, social] = a.activityIds as [string, string];
  const advice = b.activityIds[0]!;
  for (const p of [p1, p2, p3]) await scan(a, p.card, physical);
  expect((await scan(a, p1.card, physical)).status).toBe(200); // the same person, place and day: a duplicate
  t.clock.advance('P1D');
  await scan(b, p1.card, advice);
  t.clock.advance('P6D');
  await scan(a, p1.card, social);
  await scan(a, p2.card, physical);

  // Twelve weeks on, P1's follow-up: ONS4 4,5,3,7 → 6,7,5,4.
  t.clock.advance('P80D');
  const done = await t.call('POST', `/v1/followups/${p1.followUp}/complete`, {
    as: 'navigator',
    body: { assessment: { ons4: { satisfied: 6, worthwhile: 7, happy: 5, anxious: 4 }, swemwbs: [4, 4, 4, 4, 4, 4, 4] } },
  });
  expect(done.status).toBe(200);
});

const rowsOf = (res: { body: { rows: { key: string; label: string; attendances: number; uniquePatients: number }[] } }) =>
  res.body.rows.map((r) => [r.label, r.attendances, r.uniquePatients]);

describe('GET /v1/reports/attendance', () => {
  it('by London week: each person once a day at a place, unique people per week', async () => {
    const res = await t.call('GET', `/v1/reports/attendance?${range}&groupBy=week`, { as: 'manager' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ scope: 'programme', groupBy: 'week', total: { attendances: 6, uniquePatients: 3 } });
    // Every week from w/c 23 Feb (Sun 1 Mar's) to w/c 29 Jun: those without attendance are zero rows.
    expect(res.body.rows).toHaveLength(19);
    expect(rowsOf(res).slice(0, 4)).toEqual([
      ['w/c 23 Feb 2026', 0, 0],
      ['w/c 2 Mar 2026', 4, 3],
      ['w/c 9 Mar 2026', 2, 2],
      ['w/c 16 Mar 2026', 0, 0],
    ]);
    expect(res.body.rows.at(-1)).toMatchObject({ key: '2026-06-29', attendances: 0 });
  });

  it('by provider, category and activity', async () => {
    const byProvider = await t.call('GET', `/v1/reports/attendance?${range}&groupBy=provider`, { as: 'manager' });
    expect(rowsOf(byProvider)).toEqual([
      ['Active Luton', 5, 3],
      ['Citizens Advice Luton', 1, 1],
    ]);
    const byCategory = await t.call('GET', `/v1/reports/attendance?${range}&groupBy=category`, { as: 'admin' });
    expect(rowsOf(byCategory)).toEqual([
      ['Information, advice and guidance', 1, 1],
      ['Physical activity', 4, 3],
      ['Social activity', 1, 1],
    ]);
    const byActivity = await t.call('GET', `/v1/reports/attendance?${range}&groupBy=activity`, { as: 'manager' });
    expect(byActivity.body.rows.map((r: { key: string; attendances: number }) => [r.key, r.attendances]).sort()).toEqual(
      [
        [a.activityIds[0], 4],
        [a.activityIds[1], 1],
        [b.activityIds[0], 1],
      ].sort(),
    );
  });

  it('counts only the days asked for (London dates, inclusive)', async () => {
    const res = await t.call('GET', '/v1/reports/attendance?from=2026-03-03&to=2026-03-09&groupBy=week', { as: 'manager' });
    expect(rowsOf(res)).toEqual([
      ['w/c 2 Mar 2026', 1, 1],
      ['w/c 9 Mar 2026', 2, 2],
    ]);
  });

  it('a navigator sees only their caseload’s attendance', async () => {
    const res = await t.call('GET', `/v1/reports/attendance?${range}&groupBy=provider`, { as: 'navigator' });
    expect(res.body).toMatchObject({ scope: 'caseload', total: { attendances: 5, uniquePatients: 2 } });
    expect(rowsOf(res)).toEqual([
      ['Active Luton', 4, 2],
      ['Citizens Advice Luton', 1, 1],
    ]);
  });

  it('a provider sees only its own sessions', async () => {
    const res = await t.call('GET', `/v1/reports/attendance?${range}&groupBy=provider`, { as: 'provider', providerId: b.providerId });
    expect(res.body).toMatchObject({ scope: 'provider', total: { attendances: 1, uniquePatients: 1 } });
    expect(rowsOf(res)).toEqual([['Citizens Advice Luton', 1, 1]]);
  });

  it('reads attendance days by key, never with a Scan, whatever the number of scans', async () => {
    const send = vi.spyOn(t.db.client, 'send');
    try {
      await t.call('GET', `/v1/reports/attendance?${range}&groupBy=week`, { as: 'manager' });
      await t.call('GET', `/v1/reports/programme?${range}`, { as: 'manager' });
      await t.call('GET', `/v1/reports/attendance.csv?${range}`, { as: 'manager' });
      const commands = send.mock.calls.map(([command]) => command as { constructor: { name: string }; input: { Item?: { PK?: string } } });
      expect(commands.length).toBeGreaterThan(0);
      // Reads only, but for each report's audit entry (decision 82), which is a Put to the audit trail.
      const audit = (command: (typeof commands)[number]) => command.constructor.name === 'PutCommand' && String(command.input.Item?.PK).startsWith('AUDIT#');
      expect(commands.filter(audit)).toHaveLength(3);
      expect(commands.filter((command) => !audit(command)).map((command) => command.constructor.name).filter((name) => !['QueryCommand', 'BatchGetCommand'].includes(name))).toEqual([]);
    } finally {
      send.mockRestore();
    }
  });
});

describe('GET /v1/reports/programme', () => {
  it('referrals by source, prescriptions by status, sessions, follow-ups and the paired wellbeing change', async () => {
    const res = await t.call('GET', `/v1/reports/programme?${range}`, { as: 'manager' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('programme');
    expect(res.body.referrals).toEqual({ total: 3, bySource: { gp: 3, nurse: 0, pharmacist: 0, social_care: 0, self: 0, other: 0 } });
    expect(res.body.prescriptions).toEqual({ started: 3, active: 2, paused: 0, completed: 1, withdrawn: 0 });
    // Sessions: P1 3, P2 2, P3 1 → mean 2, median 2; all three came at least once, none six times.
    expect(res.body.sessions).toEqual({
      prescriptions: 3,
      mean: 2,
      median: 2,
      attendedAtLeastOne: { n: 3, share: 1 },
      attendedAtLeastSix: { n: 0, share: 0 },
    });
    expect(res.body.followUps).toMatchObject({ completed: 1, onTime: 1 });
    expect(res.body.wellbeing.pairs).toBe(1);
    expect(res.body.wellbeing.satisfied).toEqual({ n: 1, baselineMean: 4, followUpMean: 6, meanChange: 2, ci95: null });
    expect(res.body.wellbeing.anxious).toMatchObject({ n: 1, meanChange: -3 });
    // SWEMWBS: seven 3s (raw 21, metric 19.25 in the published table) → seven 4s (raw 28, metric 25.03): +5.78.
    expect(res.body.wellbeing.swemwbsMetric).toMatchObject({ n: 1, baselineMean: 19.25, followUpMean: 25.03, meanChange: 5.78 });
    const physical = res.body.byCategory.find((c: { category: string }) => c.category === 'physical');
    expect(physical).toMatchObject({ prescriptions: 3, wellbeing: { pairs: 1 } });
  });

  it('a navigator’s report covers their caseload only', async () => {
    const res = await t.call('GET', `/v1/reports/programme?${range}`, { as: 'navigator' });
    expect(res.body.scope).toBe('caseload');
    expect(res.body.referrals.total).toBe(2);
    expect(res.body.prescriptions.started).toBe(2);
    expect(res.body.sessions.mean).toBe(2.5);
  });

  it('the cohort is the prescriptions started in the range', async () => {
    const res = await t.call('GET', '/v1/reports/programme?from=2026-03-03&to=2026-06-30', { as: 'manager' });
    expect(res.body.prescriptions.started).toBe(0);
    expect(res.body.referrals.total).toBe(0);
  });

  it('is not for providers', async () => {
    expect((await t.call('GET', `/v1/reports/programme?${range}`, { as: 'provider', providerId: a.providerId })).status).toBe(403);
  });
});

describe('bad ranges get a 400 naming the field, on every report', () => {
  const paths = ['/v1/reports/attendance', '/v1/reports/programme', '/v1/reports/attendance.csv', '/v1/reports/outcomes.csv'];
  const cases: [string, string, string][] = [
    ['from=2026-02-30&to=2026-03-01', 'from', 'invalid_format'],
    ['from=2026-03-01&to=yesterday', 'to', 'invalid_format'],
    ['from=2026-03-10&to=2026-03-09', 'to', 'before_from'],
    ['from=2023-03-01&to=2026-03-01', 'to', 'range_too_long'],
  ];
  it.each(paths.flatMap((path) => cases.map(([query, field, code]) => [path, query, field, code] as const)))(
    '%s?%s → 400 %s %s',
    async (path, query, field, code) => {
      const res = await t.call('GET', `${path}?${query}`, { as: 'manager' });
      expect(res.status).toBe(400);
      expect(res.body.error.issues).toContainEqual(expect.objectContaining({ in: 'query', path: field, code }));
    },
  );

  it('a range of exactly three years less a day is fine; an unknown groupBy is not', async () => {
    expect((await t.call('GET', '/v1/reports/attendance?from=2024-01-01&to=2026-12-31', { as: 'manager' })).status).toBe(200);
    const res = await t.call('GET', `/v1/reports/attendance?${range}&groupBy=month`, { as: 'manager' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path: 'groupBy' });
  });

  it('missing from/to on the attendance report is a 400', async () => {
    const res = await t.call('GET', '/v1/reports/attendance', { as: 'manager' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['from', 'to']);
  });
});

/** A CSV body as rows of cells (the exports never put commas or quotes in a cell but names could). */
const parse = (text: string) => text.trim().split('\n').map((line) => line.split(','));

describe('GET /v1/reports/attendance.csv', () => {
  it('streams one pseudonymised row per accepted attendance, as text/csv with a filename', async () => {
    const res = await t.call('GET', `/v1/reports/attendance.csv?${range}`, { as: 'manager' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="waymark-attendance-2026-03-01-to-2026-06-30.csv"');
    const [header, ...rows] = parse(res.text);
    expect(header).toEqual([...ATTENDANCE_COLUMNS]);
    expect(rows).toHaveLength(6);
    const cell = (row: string[], column: (typeof ATTENDANCE_COLUMNS)[number]) => row[ATTENDANCE_COLUMNS.indexOf(column)];
    // Margaret Okafor (born 2 June 1948, LU2 7HA) is 77 in March 2026.
    expect(new Set(rows.map((row) => cell(row, 'age_band')))).toEqual(new Set(['75-84']));
    expect(new Set(rows.map((row) => cell(row, 'postcode_district')))).toEqual(new Set(['LU2']));
    expect(new Set(rows.map((row) => cell(row, 'patient'))).size).toBe(3);
    expect(rows.every((row) => /^P-[0-9A-F]{16}$/.test(cell(row, 'patient')!))).toBe(true);
    expect(rows.map((row) => cell(row, 'date')).sort()).toEqual(['2026-03-02', '2026-03-02', '2026-03-02', '2026-03-03', '2026-03-09', '2026-03-09']);
    expect(rows.filter((row) => cell(row, 'week_commencing') === '2026-03-09')).toHaveLength(2);
    expect(rows.every((row) => cell(row, 'on_prescription') === 'yes')).toBe(true);
  });

  it('carries no name, NHS number, date of birth, postcode, contact detail, note, card or patient id', async () => {
    const res = await t.call('GET', `/v1/reports/attendance.csv?${range}`, { as: 'manager' });
    const outcomes = await t.call('GET', `/v1/reports/outcomes.csv?${range}`, { as: 'manager' });
    for (const text of [res.text, outcomes.text]) {
      for (const identifying of [
        'Margaret',
        'Okafor',
        NHS_NUMBER,
        '1948-06-02',
        'LU2 7HA',
        'margaret@example.org',
        '7700',
        'husband',
        'Bute House',
        'REPORT-CARD',
        ...patients.map((p) => p.id),
        ...patients.map((p) => p.prescription),
      ]) {
        expect(text.toLowerCase()).not.toContain(identifying.toLowerCase());
      }
    }
  });

  it('gives a patient the same pseudonym in every export of the programme, and another in another programme', async () => {
    const pseudonyms = async (app: TestApp) => {
      const text = (await app.call('GET', `/v1/reports/attendance.csv?${range}`, { as: 'manager' })).text;
      return parse(text)
        .slice(1)
        .map((row) => row[0])
        .sort();
    };
    const first = await pseudonyms(t);
    expect(await pseudonyms(t)).toEqual(first);
    const outcomes = parse((await t.call('GET', `/v1/reports/outcomes.csv?${range}`, { as: 'manager' })).text).slice(1);
    expect(new Set(outcomes.map((row) => row[0]))).toEqual(new Set(first));

    const otherProgramme = await createTestApp({ db: t.db, now: t.clock.now().toISOString(), pseudonymKey: { programmeId: 'other-programme', secret: 'test-secret' } });
    const theirs = await pseudonyms(otherProgramme);
    expect(theirs).toHaveLength(first.length);
    expect(theirs.filter((p) => first.includes(p))).toEqual([]);
  });

  it('is for managers and admins only', async () => {
    expect((await t.call('GET', `/v1/reports/attendance.csv?${range}`, { as: 'navigator' })).status).toBe(403);
    expect((await t.call('GET', `/v1/reports/attendance.csv?${range}`, { as: 'provider', providerId: a.providerId })).status).toBe(403);
  });
});

describe('GET /v1/reports/outcomes.csv', () => {
  it('one row per prescription: category mix, sessions, baseline and follow-up scores; the last year by default', async () => {
    const res = await t.call('GET', '/v1/reports/outcomes.csv', { as: 'admin' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="waymark-outcomes-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [header, ...rows] = parse(res.text);
    expect(header).toEqual([...OUTCOME_COLUMNS]);
    expect(rows).toHaveLength(3);
    const records = rows.map((row) => Object.fromEntries(OUTCOME_COLUMNS.map((column, i) => [column, row[i]])));
    const done = records.find((r) => r.status === 'completed')!;
    expect(done).toMatchObject({
      start_date: '2026-03-02',
      categories: 'advice;physical;social',
      sessions_attended: '3',
      follow_up_status: 'completed',
      age_band: '75-84',
      postcode_district: 'LU2',
      baseline_satisfied: '4',
      baseline_anxious: '7',
      baseline_swemwbs_metric: '19.25',
      follow_up_satisfied: '6',
      follow_up_anxious: '4',
      follow_up_swemwbs_metric: '25.03',
    });
    expect(done.prescription).toMatch(/^R-[0-9A-F]{16}$/);
    // Not yet followed up: the baseline is there, the follow-up cells are empty.
    const open = records.find((r) => r.status === 'active')!;
    expect(open).toMatchObject({ baseline_satisfied: '4', follow_up_satisfied: '', follow_up_status: expect.any(String) });
  });
});
