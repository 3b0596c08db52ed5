import { beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME_COLUMNS } from '#shared/reports/exports';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, referPatient } from '../../support/fixtures';

/**
 * An ordinary history that once broke reporting for everyone: referral → baseline → prescription
 * → withdrawn → a second prescription the same day. Both prescriptions pair with the one baseline,
 * so the reports read that assessment's key twice, which BatchGetItem refuses unless the shared
 * batch read de-duplicates it.
 */
let t: TestApp;
const range = 'from=2026-04-01&to=2026-04-30';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-06T10:00:00Z' });
  const { activityIds } = await makeActivities(t);
  const patientId = await referPatient(t);
  expect((await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody })).status).toBe(201);
  const body = { patientId, startDate: '2026-04-06', goals: ['Walk more'], activityIds };
  const first = await t.call('POST', '/v1/prescriptions', { as: 'navigator', body });
  expect(first.status).toBe(201);
  const withdrawn = await t.call('PATCH', `/v1/prescriptions/${first.body.prescriptionId}`, { as: 'navigator', body: { status: 'withdrawn' } });
  expect(withdrawn.status).toBe(200);
  expect((await t.call('POST', '/v1/prescriptions', { as: 'navigator', body })).status).toBe(201);
});

describe('two prescriptions sharing one baseline', () => {
  it('the programme report answers and counts both', async () => {
    const res = await t.call('GET', `/v1/reports/programme?${range}`, { as: 'manager' });
    expect(res.status).toBe(200);
    expect(res.body.prescriptions).toMatchObject({ started: 2, withdrawn: 1, active: 1 });
  });

  it('the outcomes CSV has a row for each, both with the baseline scores', async () => {
    const res = await t.call('GET', `/v1/reports/outcomes.csv?${range}`, { as: 'manager' });
    expect(res.status).toBe(200);
    const [header, ...rows] = res.text.trim().split(/\r?\n/);
    expect(header).toBe(OUTCOME_COLUMNS.join(','));
    expect(rows).toHaveLength(2);
    const satisfied = OUTCOME_COLUMNS.indexOf('baseline_satisfied');
    expect(rows.map((row) => row.split(',')[satisfied])).toEqual(['4', '4']);
  });
});
