import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { makeActivities, referralBody } from '../../support/fixtures';

/**
 * A withdrawal's coded reason (issue 16 point 11): `PATCH {status: withdrawn, reason}` stores and
 * answers it; a referral closed with its prescription current gives that prescription the close's
 * reason; a reason with any other change, or one off the list, is a 400 naming `reason`.
 */
let t: TestApp;
let activityIds: string[];
beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  ({ activityIds } = await makeActivities(t, { categories: ['social'] }));
});

async function prescribed() {
  const referred = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody() });
  expect(referred.status).toBe(201);
  const res = await t.call('POST', '/v1/prescriptions', {
    as: 'navigator',
    body: { patientId: referred.body.patientId, startDate: '2026-03-02', goals: ['Meet people'], activityIds },
  });
  expect(res.status).toBe(201);
  return { patientId: referred.body.patientId as string, referralId: referred.body.referralId as string, prescriptionId: res.body.prescriptionId as string };
}

const change = (prescriptionId: string, body: Record<string, unknown>) => t.call('PATCH', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator', body });
const reasonIssue = expect.objectContaining({ in: 'body', path: 'reason' });

describe('PATCH /v1/prescriptions/{id} with a withdrawal reason', () => {
  it('stores the reason with the withdrawal and answers it, on the change, a read by id and the patient’s list', async () => {
    const { patientId, prescriptionId } = await prescribed();
    const res = await change(prescriptionId, { status: 'withdrawn', reason: 'activity_unsuitable' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'withdrawn', withdrawalReason: 'activity_unsuitable' });
    expect((await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' })).body.withdrawalReason).toBe('activity_unsuitable');
    const listed = await t.call('GET', `/v1/patients/${patientId}/prescriptions`, { as: 'navigator' });
    expect(listed.body.items[0]).toMatchObject({ prescriptionId, withdrawalReason: 'activity_unsuitable' });
    // Stored on the record itself, read back through the store's parse.
    expect((await t.services.prescriptions.get(prescriptionId))?.withdrawalReason).toBe('activity_unsuitable');
  });

  it('a reason a referral shares works too; without one the withdrawal has none (existing clients)', async () => {
    const shared = await prescribed();
    expect((await change(shared.prescriptionId, { status: 'withdrawn', reason: 'moved_away' })).body.withdrawalReason).toBe('moved_away');
    const bare = await prescribed();
    const res = await change(bare.prescriptionId, { status: 'withdrawn' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('withdrawn');
    expect(res.body).not.toHaveProperty('withdrawalReason');
  });

  it.each([
    ['a pause', { status: 'paused', reason: 'unwell' }],
    ['a completion', { status: 'completed', reason: 'unwell' }],
    ['a length change alone', { weeks: 8, reason: 'unwell' }],
    ['an unknown reason', { status: 'withdrawn', reason: 'bored' }],
    ['`completed`, which is a status, not a withdrawal', { status: 'withdrawn', reason: 'completed' }],
    ['a note instead of a code', { status: 'withdrawn', reason: 'Feeling too low to go' }],
  ])('%s is a 400 naming reason, and changes nothing', async (_label, body) => {
    const { prescriptionId } = await prescribed();
    const res = await change(prescriptionId, body);
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toContainEqual(reasonIssue);
    const stored = await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' });
    expect(stored.body).toMatchObject({ status: 'active', weeks: 12 });
    expect(stored.body).not.toHaveProperty('withdrawalReason');
  });

  it('a withdrawn prescription cannot be withdrawn again with another reason (409); its reason stays', async () => {
    const { prescriptionId } = await prescribed();
    expect((await change(prescriptionId, { status: 'withdrawn', reason: 'unwell' })).status).toBe(200);
    const again = await change(prescriptionId, { status: 'withdrawn', reason: 'other' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('prescription_closed');
    expect((await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' })).body.withdrawalReason).toBe('unwell');
  });
});

describe('a referral closed with its prescription current', () => {
  it.each(['moved_away', 'completed', 'deceased'] as const)('closed as %s: the prescription is withdrawn with that reason', async (reason) => {
    const { patientId, referralId, prescriptionId } = await prescribed();
    const closed = await t.call('POST', `/v1/referrals/${referralId}/close`, { as: 'navigator', body: { reason, note: 'A note that stays on the referral' } });
    expect(closed.status).toBe(200);
    const prescription = await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' });
    expect(prescription.body).toMatchObject({ status: 'withdrawn', withdrawalReason: reason });
    expect(JSON.stringify(prescription.body)).not.toContain('A note that stays');
    expect((await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body.currentPrescriptionId).toBeUndefined();
  });
});
