import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, referPatient } from '../../support/fixtures';

/**
 * Defect 4 of the daily-use issue: three prescriptions start on Mon 5 Jan 2026 (12 weeks, last day
 * Sun 29 Mar; follow-ups due 09:00 BST Mon 30 Mar). On 1 Apr the sweep marks them due and one is
 * completed. A report for 30 Mar..30 Apr — no prescription started in it — must still show one
 * completed (on time), three that fell due (one since completed) and two due now, none overdue.
 */
let t: TestApp;
const followUps: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ now: '2026-01-05T10:00:00Z' });
  const a = await makeActivities(t, { categories: ['physical'], name: 'Active Luton' });
  for (let i = 0; i < 3; i += 1) {
    const id = await referPatient(t);
    expect((await t.call('POST', `/v1/patients/${id}/assessments`, { as: 'navigator', body: baselineBody })).status).toBe(201);
    const prescription = await t.call('POST', '/v1/prescriptions', {
      as: 'navigator',
      body: { patientId: id, startDate: '2026-01-05', goals: ['Walk more'], activityIds: a.activityIds },
    });
    expect(prescription.status).toBe(201);
    followUps.push(prescription.body.followUpId);
  }
  t.clock.set(new Date('2026-04-01T08:00:00Z'));
  await t.services.followUpDue.sweep();
  const done = await t.call('POST', `/v1/followups/${followUps[0]}/complete`, {
    as: 'navigator',
    body: { assessment: { ons4: { satisfied: 6, worthwhile: 7, happy: 5, anxious: 4 } } },
  });
  expect(done.status).toBe(200);
});

describe('the programme report counts follow-ups by their own dates', () => {
  it('shows the inbox’s due follow-ups and today’s completion, though no prescription started in the range', async () => {
    const inbox = await t.call('GET', '/v1/followups?status=due', { as: 'manager' });
    expect(inbox.status).toBe(200);
    const res = await t.call('GET', '/v1/reports/programme?from=2026-03-30&to=2026-04-30', { as: 'manager' });
    expect(res.status).toBe(200);
    expect(res.body.prescriptions.started).toBe(0);
    expect(res.body.followUps).toMatchObject({ completed: 0, due: 0 });
    expect(res.body.followUpsInPeriod).toEqual({ completed: 1, completedOnTime: 1, fellDue: 3, fellDueCompleted: 1, dueNow: 2, overdueNow: 0 });
    expect(res.body.cohorts.prescriptions).toMatch(/started in the period/);
  });

  it('a range before the completion counts none completed, but due now is still due now', async () => {
    const res = await t.call('GET', '/v1/reports/programme?from=2026-03-01&to=2026-03-29', { as: 'manager' });
    expect(res.body.followUpsInPeriod).toEqual({ completed: 0, completedOnTime: 0, fellDue: 0, fellDueCompleted: 0, dueNow: 2, overdueNow: 0 });
  });
});
