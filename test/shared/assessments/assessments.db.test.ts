import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, otherNavigatorToken, referPatient } from '../../support/fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
});

const count = async (patientId: string) =>
  ((await t.call('GET', `/v1/patients/${patientId}/assessments`, { as: 'navigator' })).body.items as unknown[]).length;

describe('POST /v1/patients/{id}/assessments', () => {
  it('records a baseline scored by the published tables and moves the referral to accepted (contact was made)', async () => {
    const patientId = await referPatient(t);
    const res = await t.call('POST', `/v1/patients/${patientId}/assessments`, {
      as: 'navigator',
      body: { ...baselineBody, notes: 'Prefers mornings' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      patientId,
      kind: 'baseline',
      ons4: { satisfied: 4, worthwhile: 5, happy: 3, anxious: 7 },
      ons4Bands: { satisfied: 'low', worthwhile: 'medium', happy: 'low', anxious: 'high' },
      // Raw 21 is 19.25 on the metric scale (reference table).
      swemwbs: { items: [3, 3, 3, 3, 3, 3, 3], rawTotal: 21, metricScore: 19.25 },
      activeDays: 1,
      selfCareConfidence: 4,
      recordedBy: 'local-navigator',
      recordedAt: expect.stringMatching(/^2026-11-23T10:00/), // the test clock runs on from 10:00
    });
    const patient = await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' });
    expect(patient.body.baselineAssessmentId).toBe(res.body.assessmentId);
    const referrals = await t.call('GET', '/v1/referrals?status=accepted&limit=100', { as: 'navigator' });
    expect(referrals.body.items.map((r: { patientId: string }) => r.patientId)).toContain(patientId);
  });

  it('records a follow-up without touching the baseline, and lists both in order', async () => {
    const patientId = await referPatient(t);
    const baseline = await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
    const followUp = await t.call('POST', `/v1/patients/${patientId}/assessments`, {
      as: 'navigator',
      body: { kind: 'follow_up', ons4: { satisfied: 7, worthwhile: 8, happy: 7, anxious: 3 }, swemwbs: [4, 4, 4, 4, 4, 4, 4] },
    });
    expect(followUp.body.swemwbs).toMatchObject({ rawTotal: 28, metricScore: 25.03 });
    const list = await t.call('GET', `/v1/patients/${patientId}/assessments`, { as: 'navigator' });
    expect(list.body.items.map((a: { kind: string }) => a.kind)).toEqual(['baseline', 'follow_up']);
    expect((await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body.baselineAssessmentId).toBe(baseline.body.assessmentId);
  });

  it.each([
    [{ kind: 'midway' }, 'kind'],
    [{ ons4: { satisfied: 11, worthwhile: 5, happy: 5, anxious: 5 } }, 'ons4.satisfied'],
    [{ ons4: { satisfied: 5, worthwhile: 5, happy: 5 } }, 'ons4.anxious'],
    [{ ons4: { satisfied: 5.5, worthwhile: 5, happy: 5, anxious: 5 } }, 'ons4.satisfied'],
    [{ swemwbs: [3, 3, 3, 3, 3, 3] }, 'swemwbs'],
    [{ swemwbs: [3, 3, 3, 3, 3, 3, 6] }, 'swemwbs.6'],
    [{ swemwbs: [0, 3, 3, 3, 3, 3, 3] }, 'swemwbs.0'],
    [{ activeDays: 8 }, 'activeDays'],
    [{ selfCareConfidence: -1 }, 'selfCareConfidence'],
    [{ notes: 'x'.repeat(2001) }, 'notes'],
  ])('rejects %j at %s and records nothing', async (patch, path) => {
    const patientId = await referPatient(t);
    const res = await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: { ...baselineBody, ...patch } });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(await count(patientId)).toBe(0);
  });

  it('is 404 for an unknown patient and for one outside the caseload, for writing and reading', async () => {
    const patientId = await referPatient(t);
    const other = await otherNavigatorToken(t);
    expect((await t.call('POST', `/v1/patients/${patientId}/assessments`, { token: other, body: baselineBody })).status).toBe(404);
    expect((await t.call('GET', `/v1/patients/${patientId}/assessments`, { token: other })).status).toBe(404);
    expect((await t.call('POST', '/v1/patients/01J00000000000000000000000/assessments', { as: 'navigator', body: baselineBody })).status).toBe(404);
    expect(await count(patientId)).toBe(0);
  });

  it('managers read assessments but may not record them', async () => {
    const patientId = await referPatient(t);
    expect((await t.call('GET', `/v1/patients/${patientId}/assessments`, { as: 'manager' })).status).toBe(200);
    expect((await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'manager', body: baselineBody })).status).toBe(403);
  });
});
