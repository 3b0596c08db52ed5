import { DeleteCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#shared/platform/keys';
import { londonDate } from '#shared/platform/london';
import { endReferral, type ReferralRecord } from '#shared/patients/rules';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, otherNavigatorToken, referPatient, referralBody } from '../../support/fixtures';

/** The referral's lifecycle over HTTP against DynamoDB Local: accept, decline, close, and what closing withdraws. */
let t: TestApp;
let activityIds: string[];
const unknownId = '01J00000000000000000000000';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
  ({ activityIds } = await makeActivities(t));
});

async function refer(token?: string) {
  const res = await t.call('POST', '/v1/referrals', { ...(token ? { token } : { as: 'navigator' as const }), body: referralBody() });
  expect(res.status).toBe(201);
  return { patientId: res.body.patientId as string, referralId: res.body.referralId as string };
}

async function prescribe(patientId: string) {
  const res = await t.call('POST', '/v1/prescriptions', {
    as: 'navigator',
    body: { patientId, startDate: londonDate(t.clock.now()), goals: ['Walk more'], activityIds },
  });
  expect(res.status).toBe(201);
  return res.body as { prescriptionId: string; followUpId: string };
}

const referralOf = async (patientId: string, referralId: string) =>
  ((await t.call('GET', `/v1/patients/${patientId}/referrals`, { as: 'navigator' })).body.items as ReferralRecord[]).find((r) => r.referralId === referralId)!;

/** The local scheduler's stored reminders for a follow-up (any version). */
async function remindersFor(followUpId: string) {
  const result = await t.db.client.send(
    new QueryCommand({
      TableName: t.db.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': 'LOCALSCHEDULES', ':prefix': `followup-${followUpId}-` },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

describe('POST /v1/referrals/{referralId}/accept', () => {
  it('moves a received referral to accepted; again is no change', async () => {
    const { patientId, referralId } = await refer();
    const res = await t.call('POST', `/v1/referrals/${referralId}/accept`, { as: 'navigator' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ referralId, patientId, status: 'accepted', acceptedAt: expect.stringMatching(/^2026-11-23T10:/) });
    const again = await t.call('POST', `/v1/referrals/${referralId}/accept`, { as: 'navigator' });
    expect(again.status).toBe(200);
    expect(again.body.acceptedAt).toBe(res.body.acceptedAt);
    const listed = await t.call('GET', '/v1/referrals?status=accepted&limit=100', { as: 'navigator' });
    expect(listed.body.items.map((r: { referralId: string }) => r.referralId)).toContain(referralId);
  });

  it('a prescribed referral cannot be accepted (409 illegal_referral_transition)', async () => {
    const { patientId, referralId } = await refer();
    await prescribe(patientId);
    const res = await t.call('POST', `/v1/referrals/${referralId}/accept`, { as: 'navigator' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('illegal_referral_transition');
  });

  it('a baseline accepts a received referral (it implies contact)', async () => {
    const { patientId, referralId } = await refer();
    expect((await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody })).status).toBe(201);
    expect((await referralOf(patientId, referralId)).status).toBe('accepted');
  });
});

describe('POST /v1/referrals/{referralId}/decline', () => {
  it('records the reason, the note and SNOMED CT 871711000000103 beside the referral’s concept; then it is final', async () => {
    const { patientId, referralId } = await refer();
    const res = await t.call('POST', `/v1/referrals/${referralId}/decline`, {
      as: 'navigator',
      body: { reason: 'other', note: 'Would rather go to the church lunch club' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'declined',
      endReason: 'other',
      endNote: 'Would rather go to the church lunch club',
      endedBy: 'local-navigator',
      snomedCode: '871731000000106',
      declinedSnomedCode: '871711000000103',
    });
    expect(res.body).not.toHaveProperty('withdrawnPrescriptionId');
    expect(await referralOf(patientId, referralId)).toMatchObject({ status: 'declined', endReason: 'other' });

    for (const [action, body] of [
      ['decline', { reason: 'not_interested' }],
      ['accept', undefined],
      ['close', { reason: 'completed' }],
    ] as const) {
      const after = await t.call('POST', `/v1/referrals/${referralId}/${action}`, { as: 'navigator', ...(body ? { body } : {}) });
      expect(after.status, action).toBe(409);
      expect(after.body.error.code).toBe('referral_ended');
    }
    // No prescription on a declined referral.
    const prescription = await t.call('POST', '/v1/prescriptions', {
      as: 'navigator',
      body: { patientId, startDate: londonDate(t.clock.now()), goals: ['g'], activityIds },
    });
    expect(prescription.status).toBe(409);
    expect(prescription.body.error.code).toBe('referral_ended');
  });

  it('a prescribed referral is closed, not declined', async () => {
    const { patientId, referralId } = await refer();
    await prescribe(patientId);
    const res = await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'illegal_referral_transition', message: expect.stringMatching(/closed, not declined/) });
  });

  it.each([
    [{}, 'reason'],
    [{ reason: 'bored' }, 'reason'],
    [{ reason: 'completed' }, 'reason'], // closing only
    [{ reason: 'other' }, 'note'],
    [{ reason: 'other', note: '   ' }, 'note'],
    [{ reason: 'moved_away', note: 'x'.repeat(2001) }, 'note'],
    [{ reason: 'moved_away', note: 'bell\u0007' }, 'note'],
    [{ reason: 'moved_away', note: 42 }, 'note'],
  ])('%j is a 400 at %s and changes nothing', async (body, path) => {
    const { patientId, referralId } = await refer();
    const res = await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect((await referralOf(patientId, referralId)).status).toBe('received');
  });

  it('a malformed id is a 400, an unknown one a 404, a body that is not JSON a 400', async () => {
    const bad = await t.call('POST', '/v1/referrals/not-an-id/decline', { as: 'navigator', body: { reason: 'moved_away' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toMatchObject({ in: 'path', path: 'referralId' });
    expect((await t.call('POST', `/v1/referrals/${unknownId}/decline`, { as: 'navigator', body: { reason: 'moved_away' } })).status).toBe(404);
    expect((await t.call('POST', `/v1/referrals/${unknownId}/accept`, { as: 'navigator' })).status).toBe(404);
    const { referralId } = await refer();
    expect((await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: '{"reason":' })).status).toBe(400);
    expect((await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator' })).status).toBe(400);
  });

  it('another navigator’s referral is a 404; a manager may not (403); an admin may', async () => {
    const other = await otherNavigatorToken(t, 'navigator-lifecycle');
    const { patientId, referralId } = await refer(other);
    const mine = await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: { reason: 'moved_away' } });
    const unknown = await t.call('POST', `/v1/referrals/${unknownId}/decline`, { as: 'navigator', body: { reason: 'moved_away' } });
    expect(mine.status).toBe(404);
    expect(mine.body).toEqual(unknown.body);
    expect((await t.call('POST', `/v1/referrals/${referralId}/accept`, { as: 'manager' })).status).toBe(403);
    expect((await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'admin', body: { reason: 'mis_referred' } })).status).toBe(200);
    const theirs = (await t.call('GET', `/v1/patients/${patientId}/referrals`, { token: other })).body.items[0];
    expect(theirs).toMatchObject({ status: 'declined', endedBy: 'local-admin' });
  });
});

describe('POST /v1/referrals/{referralId}/close', () => {
  it('withdraws the current prescription in the same transaction: its follow-up cancelled, its reminder removed', async () => {
    const { patientId, referralId } = await refer();
    const { prescriptionId, followUpId } = await prescribe(patientId);
    expect(await remindersFor(followUpId)).toHaveLength(1);
    const res = await t.call('POST', `/v1/referrals/${referralId}/close`, { as: 'navigator', body: { reason: 'moved_away', note: 'Gone to live with her daughter' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'closed', endReason: 'moved_away', withdrawnPrescriptionId: prescriptionId });
    expect(res.body).not.toHaveProperty('declinedSnomedCode');

    const prescription = await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' });
    expect(prescription.body).toMatchObject({ status: 'withdrawn', endDate: londonDate(t.clock.now()) });
    const patient = await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' });
    expect(patient.body).not.toHaveProperty('currentPrescriptionId');
    const cancelled = await t.call('GET', '/v1/followups?status=cancelled&limit=100', { as: 'navigator' });
    expect(cancelled.body.items.map((f: { followUpId: string }) => f.followUpId)).toContain(followUpId);
    expect(await remindersFor(followUpId)).toHaveLength(0);
    // Closed is final.
    expect((await t.call('POST', `/v1/referrals/${referralId}/close`, { as: 'navigator', body: { reason: 'completed' } })).body.error.code).toBe('referral_ended');
  });

  it('a prescribed referral whose prescription already ended closes without touching it', async () => {
    const { patientId, referralId } = await refer();
    const { prescriptionId } = await prescribe(patientId);
    expect((await t.call('PATCH', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator', body: { status: 'completed' } })).status).toBe(200);
    const res = await t.call('POST', `/v1/referrals/${referralId}/close`, { as: 'navigator', body: { reason: 'completed' } });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('withdrawnPrescriptionId');
    expect((await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' })).body.status).toBe('completed');
  });

  it.each(['received', 'accepted'] as const)('a %s referral is declined, not closed (409)', async (status) => {
    const { referralId } = await refer();
    if (status === 'accepted') await t.call('POST', `/v1/referrals/${referralId}/accept`, { as: 'navigator' });
    const res = await t.call('POST', `/v1/referrals/${referralId}/close`, { as: 'navigator', body: { reason: 'completed' } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'illegal_referral_transition', message: expect.stringMatching(/decline it instead/) });
  });

  it('a note is required for other', async () => {
    const { patientId, referralId } = await refer();
    await prescribe(patientId);
    const res = await t.call('POST', `/v1/referrals/${referralId}/close`, { as: 'navigator', body: { reason: 'other' } });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([expect.objectContaining({ path: 'note', message: 'a note is required when the reason is other' })]);
  });
});

describe('referrals stored before the lifecycle', () => {
  /** A patient and referral written as the previous version wrote them: old status names, no owner item. */
  async function legacy(status: 'new' | 'assessed') {
    const made = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody() });
    const { patientId, referralId } = made.body as { patientId: string; referralId: string };
    const referral = await t.services.patients.getReferral(patientId, referralId);
    await t.db.client.send(new PutCommand({ TableName: t.db.tableName, Item: { ...t.services.patients.referralItem(referral!), status } }));
    await t.db.client.send(new DeleteCommand({ TableName: t.db.tableName, Key: keys.referralOwner(referralId) }));
    return { patientId, referralId };
  }

  it('are read with the new names (new is received, assessed is accepted), listed under them, and move on', async () => {
    const fresh = await legacy('new');
    const assessed = await legacy('assessed');
    expect((await referralOf(fresh.patientId, fresh.referralId)).status).toBe('received');
    expect((await referralOf(assessed.patientId, assessed.referralId)).status).toBe('accepted');
    const received = await t.call('GET', '/v1/referrals?status=received&limit=100', { as: 'navigator' });
    expect(received.body.items.map((r: { referralId: string }) => r.referralId)).toContain(fresh.referralId);
    const accepted = await t.call('GET', '/v1/referrals?status=accepted&limit=100', { as: 'navigator' });
    expect(accepted.body.items.map((r: { referralId: string }) => r.referralId)).toContain(assessed.referralId);

    // Found by id without an owner item, and its condition accepts the old name.
    const accept = await t.call('POST', `/v1/referrals/${fresh.referralId}/accept`, { as: 'navigator' });
    expect(accept.status).toBe(200);
    expect(accept.body.status).toBe('accepted');
    const decline = await t.call('POST', `/v1/referrals/${assessed.referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } });
    expect(decline.status).toBe(200);
    // A prescription moves an old "new" referral straight to prescribed.
    const third = await legacy('new');
    await prescribe(third.patientId);
    expect((await referralOf(third.patientId, third.referralId)).status).toBe('prescribed');
  });
});

describe('the transactions’ conditions (DynamoDB Local)', () => {
  it('two declines at once: exactly one wins, and its reason is the one kept', async () => {
    const { patientId, referralId } = await refer();
    const [a, b] = await Promise.all([
      t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } }),
      t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: { reason: 'moved_away' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    expect(['referral_changed', 'referral_ended']).toContain(loser.body.error.code);
    expect((await referralOf(patientId, referralId)).endReason).toBe(winner.body.endReason);
  });

  it('an accept and a decline at once never both change the referral from received', async () => {
    const { patientId, referralId } = await refer();
    const [accept, decline] = await Promise.all([
      t.call('POST', `/v1/referrals/${referralId}/accept`, { as: 'navigator' }),
      t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } }),
    ]);
    expect([accept.status, decline.status].every((status) => status === 200 || status === 409)).toBe(true);
    const stored = await referralOf(patientId, referralId);
    // Either the decline won (and the accept was refused), or the accept came first and the decline followed it.
    if (decline.status === 200) expect(stored.status).toBe('declined');
    else expect(stored.status).toBe('accepted');
  });

  it('a move written from a stale read fails its condition and writes nothing', async () => {
    const { patientId, referralId } = await refer();
    const stale = (await t.services.patients.getReferral(patientId, referralId))!;
    expect((await t.call('POST', `/v1/referrals/${referralId}/accept`, { as: 'navigator' })).status).toBe(200);
    const move = endReferral(stale, 'declined', { reason: 'moved_away' }, { by: 'x', now: t.clock.now() });
    if (move.kind !== 'moved') throw new Error('expected a move');
    expect(await t.services.patients.moveReferral(move.before, move.after, undefined)).toBe('changed');
    expect((await referralOf(patientId, referralId)).status).toBe('accepted');
  });

  it('a navigator’s move is conditioned on the caseload: after a reassignment it fails', async () => {
    const { patientId, referralId } = await refer();
    const read = (await t.services.patients.getReferral(patientId, referralId))!;
    const move = endReferral(read, 'declined', { reason: 'moved_away' }, { by: 'x', now: t.clock.now() });
    if (move.kind !== 'moved') throw new Error('expected a move');
    expect(await t.services.patients.moveReferral(move.before, move.after, 'someone-else')).toBe('changed');
    expect((await referralOf(patientId, referralId)).status).toBe('received');
  });

  it('a close decided before a prescription was written does not leave that prescription behind a closed referral', async () => {
    const { patientId, referralId } = await refer();
    const { prescriptionId } = await prescribe(patientId);
    await t.call('PATCH', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator', body: { status: 'completed' } });
    // The close reads the patient with no current prescription…
    const read = (await t.services.patients.getReferral(patientId, referralId))!;
    const move = endReferral(read, 'closed', { reason: 'completed' }, { by: 'x', now: t.clock.now() });
    if (move.kind !== 'moved') throw new Error('expected a move');
    // …then a second prescription lands before the close is written.
    await prescribe(patientId);
    expect(await t.services.patients.moveReferral(move.before, move.after, undefined, { noCurrentPrescription: true })).toBe('changed');
    expect((await referralOf(patientId, referralId)).status).toBe('prescribed');
  });

  it('a prescription decided before a decline fails its referral check and writes nothing', async () => {
    const patientId = await referPatient(t);
    const [referral] = await t.services.patients.episodes(patientId);
    const check = t.services.patients.referralOpenCheck(referral!);
    await t.call('POST', `/v1/referrals/${referral!.referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } });
    await expect(t.db.client.send(new TransactWriteCommand({ TransactItems: [check] }))).rejects.toThrow(/ConditionalCheckFailed/);
  });
});
