import { beforeAll, describe, expect, it } from 'vitest';
import { applyChange } from '#shared/prescriptions/rules';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, otherNavigatorToken, referPatient } from '../../support/fixtures';

let t: TestApp;
let activityIds: string[];
beforeAll(async () => {
  // 10:00 GMT on Monday 2 March 2026: 12 weeks later the clocks have gone forward.
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  ({ activityIds } = await makeActivities(t, { categories: ['physical', 'social'] }));
});

const prescribe = (patientId: string, overrides: Record<string, unknown> = {}, as: { token: string } | { as: 'navigator' } = { as: 'navigator' }) =>
  t.call('POST', '/v1/prescriptions', {
    ...as,
    body: { patientId, startDate: '2026-03-02', goals: ['Walk to the shops'], activityIds, ...overrides },
  });

describe('POST /v1/prescriptions', () => {
  it('writes a 12-week prescription: endDate, followUpDueAt at 09:00 BST, activities, no attendance yet', async () => {
    const patientId = await referPatient(t);
    await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
    const res = await prescribe(patientId);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      patientId,
      status: 'active',
      startDate: '2026-03-02',
      weeks: 12,
      endDate: '2026-05-24',
      followUpDueAt: '2026-05-25T08:00:00Z',
      sessionsAttended: 0,
      currentWeek: 1,
      weeksRemaining: 11,
      hasBaseline: true,
      goals: ['Walk to the shops'],
    });
    expect(res.body.activities.map((a: { category: string; providerName: string }) => [a.category, a.providerName])).toEqual([
      ['physical', 'Test provider'],
      ['social', 'Test provider'],
    ]);
    expect((await t.call('GET', `/v1/prescriptions/${res.body.prescriptionId}`, { as: 'navigator' })).body).toEqual(res.body);
    const patient = await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' });
    expect(patient.body.currentPrescriptionId).toBe(res.body.prescriptionId);
    const prescribed = await t.call('GET', '/v1/referrals?status=prescribed&limit=100', { as: 'navigator' });
    expect(prescribed.body.items.map((r: { patientId: string }) => r.patientId)).toContain(patientId);
  });

  it('is allowed without a baseline, and says so', async () => {
    const res = await prescribe(await referPatient(t), { weeks: 4 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ hasBaseline: false, weeks: 4, endDate: '2026-03-29', followUpDueAt: '2026-03-30T08:00:00Z' });
  });

  it('one active or paused prescription per patient: the second is 409', async () => {
    const patientId = await referPatient(t);
    expect((await prescribe(patientId)).status).toBe(201);
    const second = await prescribe(patientId);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('prescription_exists');
    expect((await t.call('GET', `/v1/patients/${patientId}/prescriptions`, { as: 'navigator' })).body.items).toHaveLength(1);
  });

  it('of concurrent requests for the same patient exactly one succeeds', async () => {
    const patientId = await referPatient(t);
    const results = await Promise.all(Array.from({ length: 8 }, () => prescribe(patientId)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect((await t.call('GET', `/v1/patients/${patientId}/prescriptions`, { as: 'navigator' })).body.items).toHaveLength(1);
  });

  it('names every unknown activity and every activity whose provider is not accredited on the start date, writing nothing', async () => {
    const suspended = await makeActivities(t, { status: 'suspended' });
    const expiring = await makeActivities(t, { validUntil: '2026-03-10' });
    const patientId = await referPatient(t);
    const res = await prescribe(patientId, {
      startDate: '2026-03-11',
      activityIds: [activityIds[0], '01J00000000000000000000000', suspended.activityIds[0], expiring.activityIds[0]],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string; code: string }) => `${i.path}:${i.code}`)).toEqual([
      'activityIds.1:unknown_activity',
      'activityIds.2:provider_not_accredited',
      'activityIds.3:provider_not_accredited',
    ]);
    expect((await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body.currentPrescriptionId).toBeUndefined();
    // Accredited until the 10th is fine for a start on the 10th.
    expect((await prescribe(patientId, { startDate: '2026-03-10', activityIds: expiring.activityIds })).status).toBe(201);
  });

  it.each([
    [{ weeks: 3 }, 'weeks'],
    [{ weeks: 17 }, 'weeks'],
    [{ weeks: 12.5 }, 'weeks'],
    [{ startDate: '2026-02-30' }, 'startDate'],
    [{ startDate: '2025-11-01' }, 'startDate'],
    [{ startDate: '2027-03-01' }, 'startDate'],
    [{ goals: [] }, 'goals'],
    [{ activityIds: [] }, 'activityIds'],
    [{ activityIds: ['x'] }, 'activityIds.0'],
    [{ patientId: 'nope' }, 'patientId'],
  ])('rejects %j at %s', async (overrides, path) => {
    const patientId = await referPatient(t);
    const res = await prescribe(patientId, overrides);
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  it('repeated activity ids are refused', async () => {
    const res = await prescribe(await referPatient(t), { activityIds: [activityIds[0], activityIds[0]] });
    expect(res.status).toBe(400);
  });

  it('is 404 for a patient outside the caseload, and for an unknown patient', async () => {
    const other = await otherNavigatorToken(t);
    expect((await prescribe(await referPatient(t), {}, { token: other })).status).toBe(404);
    expect((await prescribe('01J00000000000000000000000')).status).toBe(404);
  });
});

describe('PATCH /v1/prescriptions/{id}', () => {
  it('pause and resume move endDate and followUpDueAt by the days paused; the clock decides the days', async () => {
    const created = await prescribe(await referPatient(t));
    const id = created.body.prescriptionId;
    await t.call('POST', '/v1/dev/clock', { body: { now: '2026-03-16T10:00:00Z' } });
    const paused = await t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: { status: 'paused' } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'paused', pausedOn: '2026-03-16', endDate: '2026-05-24' });
    expect(paused.body).not.toHaveProperty('currentWeek');
    await t.call('POST', '/v1/dev/clock', { body: { advance: 'P10D' } });
    const resumed = await t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: { status: 'active' } });
    expect(resumed.body).toMatchObject({ status: 'active', pausedDays: 10, endDate: '2026-06-03', followUpDueAt: '2026-06-04T08:00:00Z' });
    expect(resumed.body).not.toHaveProperty('pausedOn');
    const longer = await t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: { weeks: 16 } });
    expect(longer.body).toMatchObject({ weeks: 16, endDate: '2026-07-01', followUpDueAt: '2026-07-02T08:00:00Z' });
    await t.call('POST', '/v1/dev/clock', { body: { now: '2026-03-02T10:00:00Z' } });
  });

  it('withdrawing frees the patient for a new prescription; a withdrawn one cannot come back (409)', async () => {
    const patientId = await referPatient(t);
    const id = (await prescribe(patientId)).body.prescriptionId;
    const withdrawn = await t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: { status: 'withdrawn' } });
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', endDate: '2026-03-02' });
    expect((await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body.currentPrescriptionId).toBeUndefined();
    const back = await t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: { status: 'active' } });
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe('prescription_closed');
    expect((await prescribe(patientId)).status).toBe(201);
    expect((await t.call('GET', `/v1/patients/${patientId}/prescriptions`, { as: 'navigator' })).body.items.map((p: { status: string }) => p.status)).toEqual([
      'withdrawn',
      'active',
    ]);
  });

  it('repeating the current status is harmless; an empty or invalid change is 400', async () => {
    const id = (await prescribe(await referPatient(t))).body.prescriptionId;
    const same = await t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: { status: 'active' } });
    expect(same.status).toBe(200);
    expect((await t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: {} })).status).toBe(400);
    expect((await t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: { status: 'finished' } })).status).toBe(400);
    expect((await t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: { weeks: 20 } })).status).toBe(400);
  });

  it('of two concurrent different changes, one wins and the other is 409 prescription_changed', async () => {
    const id = (await prescribe(await referPatient(t))).body.prescriptionId;
    const results = await Promise.all([
      t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: { weeks: 8 } }),
      t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: { weeks: 10 } }),
      t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'navigator', body: { weeks: 14 } }),
    ]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const final = await t.call('GET', `/v1/prescriptions/${id}`, { as: 'navigator' });
    const winners = results.filter((r) => r.status === 200).map((r) => r.body.weeks);
    expect(winners).toContain(final.body.weeks);
  });

  it('is 404 outside the caseload; managers read but may not change', async () => {
    const id = (await prescribe(await referPatient(t))).body.prescriptionId;
    const other = await otherNavigatorToken(t);
    expect((await t.call('GET', `/v1/prescriptions/${id}`, { token: other })).status).toBe(404);
    expect((await t.call('PATCH', `/v1/prescriptions/${id}`, { token: other, body: { status: 'paused' } })).status).toBe(404);
    expect((await t.call('GET', `/v1/prescriptions/${id}`, { as: 'manager' })).status).toBe(200);
    expect((await t.call('PATCH', `/v1/prescriptions/${id}`, { as: 'manager', body: { status: 'paused' } })).status).toBe(403);
    expect((await t.call('GET', '/v1/prescriptions/01J00000000000000000000000', { as: 'navigator' })).status).toBe(404);
  });
});

describe('the caseload is checked again when a prescription change lands', () => {
  it.each([
    ['a pause', { status: 'paused' as const }],
    ['a withdrawal', { status: 'withdrawn' as const }],
  ])('%s whose patient left the navigator’s caseload mid-request is refused (409 patient_changed) and changes nothing', async (_label, change) => {
    const patientId = await referPatient(t);
    const created = await prescribe(patientId);
    const prescriptionId = created.body.prescriptionId as string;
    const before = (await t.services.prescriptions.get(prescriptionId))!;
    const after = applyChange(before, change, '2026-03-02', t.clock.now());
    // As if the handler's caseload check had passed for "someone-else" and the patient was then moved.
    const refused = await t.services.prescriptions.update(before, after, { sub: 'someone-else', role: 'navigator' });
    expect(refused).toEqual({ code: 'patient_changed', message: expect.any(String) });
    const stored = await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' });
    expect(stored.body.status).toBe('active');
    expect((await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body.currentPrescriptionId).toBe(prescriptionId);
  });

  it('the navigator whose caseload it is may make the same change', async () => {
    const patientId = await referPatient(t);
    const prescriptionId = (await prescribe(patientId)).body.prescriptionId as string;
    const before = (await t.services.prescriptions.get(prescriptionId))!;
    const after = applyChange(before, { status: 'paused' }, '2026-03-02', t.clock.now());
    expect(await t.services.prescriptions.update(before, after, { sub: 'local-navigator', role: 'navigator' })).toBeUndefined();
  });
});
