import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { makeActivities, referPatient } from '../../support/fixtures';

/**
 * The programme report finds an episode's first prescription through the prescriptions' reporting
 * index over every start date that episode's prescriptions can have (START_DATE_WINDOW around
 * their writing): here one starts 84 days before the period (backdated) and one 155 days after it
 * (ahead), both written for referrals received in the period. A narrower read would miss them.
 */
let t: TestApp;
const range = 'from=2026-03-01&to=2026-03-31';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-30T10:00:00Z' });
  const a = await makeActivities(t, { categories: ['social'], name: 'Window Club' });
  for (const startDate of ['2026-01-05', '2026-09-01']) {
    const patientId = await referPatient(t);
    const prescription = await t.call('POST', '/v1/prescriptions', { as: 'navigator', body: { patientId, startDate, goals: ['Meet people'], activityIds: a.activityIds } });
    expect(prescription.status, prescription.text).toBe(201);
  }
  // And one referral that never led to a prescription.
  await referPatient(t);
});

describe('GET /v1/reports/programme: the episode’s prescription, wherever it starts', () => {
  it('counts the backdated and the far-ahead start, and their waiting times', async () => {
    const res = await t.call('GET', `/v1/reports/programme?${range}`, { as: 'manager' });
    expect(res.status).toBe(200);
    expect(res.body.takeUp.referralsWithPrescription).toEqual({ n: 2, of: 3, share: 0.667 });
    expect(res.body.waitingTimes.toPrescriptionStart.n).toBe(2);
    // 30 Mar → 1 Sep is 155 days; the backdated one (5 Jan) counts however the figure treats a start before the referral.
    expect(res.body.waitingTimes.toPrescriptionStart.p90Days).toBe(155);
    expect(res.body.waitingTimes.toFirstAttendance.n).toBe(0);
  });
});
