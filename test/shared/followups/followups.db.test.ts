import { beforeAll, describe, expect, it, vi } from 'vitest';
import { followUpReminderHandler } from '#shared/followups/handlers';
import { LocalFollowUpScheduler } from '#local/scheduler';
import { createTestApp, type TestApp } from '../../support/app';
import { addNavigator, baselineBody, makeActivities, otherNavigatorToken, referPatient } from '../../support/fixtures';

/**
 * Follow-ups end to end against DynamoDB Local, with local mode's scheduler firing the same
 * reminder handler the Lambda runs. The clock starts at 10:00 GMT on Monday 2 March 2026; a
 * 12-week prescription starting then is due at 09:00 BST (08:00Z) on Monday 25 May.
 */
let t: TestApp;
let activityIds: string[];
const ons4 = { satisfied: 7, worthwhile: 7, happy: 6, anxious: 3 };

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  t.scheduler.start(followUpReminderHandler(t.services.followUpDue));
  ({ activityIds } = await makeActivities(t));
  return () => t.scheduler.stop();
});

async function prescribed(token?: string) {
  const patientId = await referPatient(t, token ? { token } : {});
  await t.call('POST', `/v1/patients/${patientId}/assessments`, { ...(token ? { token } : { as: 'navigator' as const }), body: baselineBody });
  const res = await t.call('POST', '/v1/prescriptions', {
    ...(token ? { token } : { as: 'navigator' as const }),
    body: { patientId, startDate: '2026-03-02', goals: ['g'], activityIds },
  });
  expect(res.status).toBe(201);
  return { patientId, prescriptionId: res.body.prescriptionId as string, followUpId: res.body.followUpId as string };
}

const setClock = (now: string) => t.call('POST', '/v1/dev/clock', { body: { now } });
const inbox = async (status: string, token?: string) =>
  (await t.call('GET', `/v1/followups?status=${status}&limit=100`, token ? { token } : { as: 'navigator' })).body.items as {
    followUpId: string;
    status: string;
    dueAt: string;
    overdue: boolean;
    patient?: { givenName: string };
    prescription?: { sessionsAttended: number; endDate: string };
  }[];
const find = async (status: string, followUpId: string, token?: string) => (await inbox(status, token)).find((f) => f.followUpId === followUpId);

describe('the 12-week follow-up', () => {
  it('is scheduled with its prescription, falls due when the clock reaches 09:00 London the day after it ends, and is completed', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const { followUpId, prescriptionId } = await prescribed();
    expect(await find('scheduled', followUpId)).toMatchObject({ status: 'scheduled', dueAt: '2026-05-25T08:00:00Z', overdue: false });

    await setClock('2026-05-25T07:59:00Z');
    await t.scheduler.tick();
    expect(await find('due', followUpId)).toBeUndefined();

    await t.call('POST', '/v1/dev/clock', { body: { advance: 'PT1M' } });
    await t.scheduler.tick();
    const due = await find('due', followUpId);
    expect(due).toMatchObject({ status: 'due', patient: { givenName: 'Margaret' }, prescription: { sessionsAttended: 0, endDate: '2026-05-24' } });

    const done = await t.call('POST', `/v1/followups/${followUpId}/complete`, { as: 'navigator', body: { assessment: { ons4, swemwbs: [4, 4, 4, 4, 4, 4, 4] } } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', early: false, assessmentId: expect.any(String) });
    expect((await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' })).body.status).toBe('completed');
    const again = await t.call('POST', `/v1/followups/${followUpId}/complete`, { as: 'navigator', body: { assessment: { ons4 } } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('follow_up_completed');
  });

  it('moving the dev clock over HTTP fires due schedules within a second', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const { followUpId } = await prescribed();
    await t.call('POST', '/v1/dev/clock', { body: { advance: 'P84D' } });
    await vi.waitFor(async () => expect(await find('due', followUpId)).toBeDefined(), { timeout: 1000, interval: 50 });
  });

  it('a withdrawn prescription never prompts, however far the clock moves', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const { followUpId, prescriptionId } = await prescribed();
    await t.call('PATCH', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator', body: { status: 'withdrawn' } });
    expect(await find('cancelled', followUpId)).toBeDefined();
    await setClock('2026-09-01T10:00:00Z');
    await t.scheduler.tick();
    await t.services.followUpDue.sweep();
    expect(await find('due', followUpId)).toBeUndefined();
    const completing = await t.call('POST', `/v1/followups/${followUpId}/complete`, { as: 'navigator', body: { assessment: { ons4 } } });
    expect(completing.status).toBe(409);
  });

  it('pausing holds it; resuming reschedules it by the days paused, and the old reminder is ignored', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const { followUpId, prescriptionId, patientId } = await prescribed();
    await setClock('2026-03-16T10:00:00Z');
    await t.call('PATCH', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator', body: { status: 'paused' } });
    expect(await find('held', followUpId)).toBeDefined();
    await setClock('2026-03-26T10:00:00Z');
    await t.call('PATCH', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator', body: { status: 'active' } });
    expect(await find('scheduled', followUpId)).toMatchObject({ dueAt: '2026-06-04T08:00:00Z' });

    // The first version's reminder arriving late (EventBridge may deliver it once more) changes nothing.
    await setClock('2026-05-26T10:00:00Z');
    const stale = await followUpReminderHandler(t.services.followUpDue)({ followUpId, prescriptionId, patientId, version: 1 });
    expect(stale).toBe('ignored');
    expect(await find('scheduled', followUpId)).toBeDefined();

    await setClock('2026-06-04T08:00:00Z');
    await t.scheduler.tick();
    expect(await find('due', followUpId)).toBeDefined();
  });

  it('completing before it is due is allowed and recorded as early', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const { followUpId, prescriptionId } = await prescribed();
    await setClock('2026-05-01T10:00:00Z');
    const res = await t.call('POST', `/v1/followups/${followUpId}/complete`, { as: 'navigator', body: { assessment: { ons4 } } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', early: true });
    expect((await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' })).body.status).toBe('completed');
  });

  it('is flagged overdue once due for more than 14 days', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const { followUpId } = await prescribed();
    await setClock('2026-06-08T07:59:58Z'); // 14 days after 08:00Z on 25 May, less two seconds (the test clock runs on)
    await t.scheduler.tick();
    expect((await find('due', followUpId))!.overdue).toBe(false);
    await setClock('2026-06-08T08:00:01Z');
    expect((await find('due', followUpId))!.overdue).toBe(true);
  });
});

describe('never skipped', () => {
  it('if creating the reminder fails, the prescription is still created and the sweep later makes it due', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const schedule = vi.spyOn(t.scheduler, 'schedule').mockRejectedValueOnce(new Error('ServiceUnavailable'));
    const error = vi.spyOn(t.services.logger, 'error');
    const { followUpId } = await prescribed();
    schedule.mockRestore();
    expect(error).toHaveBeenCalledWith(expect.stringContaining('sweep'), expect.objectContaining({ followUpId }));
    await setClock('2026-05-25T09:15:00Z');
    await t.scheduler.tick();
    expect(await find('due', followUpId)).toBeUndefined(); // no reminder was ever made
    expect(await t.services.followUpDue.sweep()).toBeGreaterThanOrEqual(1);
    expect(await find('due', followUpId)).toBeDefined();
    error.mockRestore();
  });

  it('a reminder delivered twice marks it due once; a malformed one is dropped', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const { followUpId, prescriptionId, patientId } = await prescribed();
    // Deliver by hand: the running local scheduler would otherwise race us to it.
    await t.scheduler.stop();
    const handler = followUpReminderHandler(t.services.followUpDue);
    try {
      await setClock('2026-05-25T08:00:00Z');
      const event = { followUpId, prescriptionId, patientId, version: 1 };
      expect(await handler(event)).toBe('due');
      expect(await handler(event)).toBe('ignored');
      expect(await handler({ followUpId })).toBe('malformed');
    } finally {
      t.scheduler.start(handler);
    }
  });
});

describe('local mode’s scheduler', () => {
  it('keeps its schedules in DynamoDB Local: a restarted scheduler fires what the first one stored', async () => {
    await t.scheduler.stop();
    const handler = followUpReminderHandler(t.services.followUpDue);
    try {
      await setClock('2026-03-02T10:00:00Z');
      const { followUpId } = await prescribed();
      // "Restart": a new scheduler over the same table and clock, as npm start makes on its next run.
      const restarted = new LocalFollowUpScheduler(t.db, t.clock, t.services.logger);
      restarted.start(handler);
      try {
        await setClock('2026-05-25T08:00:01Z');
        await restarted.tick();
        await vi.waitFor(async () => expect(await find('due', followUpId)).toBeDefined(), { timeout: 2000, interval: 50 });
      } finally {
        await restarted.stop();
      }
    } finally {
      t.scheduler.start(handler);
    }
  });
});

describe('the inbox', () => {
  it('shows a navigator their own caseload only; managers see all or one navigator’s', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const other = await otherNavigatorToken(t, 'navigator-inbox');
    const theirs = await prescribed(other);
    expect(await find('scheduled', theirs.followUpId)).toBeUndefined();
    expect(await find('scheduled', theirs.followUpId, other)).toBeDefined();
    const managers = await t.call('GET', '/v1/followups?status=scheduled&navigator=navigator-inbox', { as: 'manager' });
    expect(managers.body.items.map((f: { followUpId: string }) => f.followUpId)).toEqual([theirs.followUpId]);
    expect((await t.call('GET', '/v1/followups?navigator=navigator-inbox', { token: (await otherNavigatorToken(t, 'someone')) })).status).toBe(403);
    const completing = await t.call('POST', `/v1/followups/${theirs.followUpId}/complete`, { as: 'navigator', body: { assessment: { ons4 } } });
    expect(completing.status).toBe(404);
    expect((await t.call('GET', '/v1/followups', { as: 'provider', providerId: '01J00000000000000000000001' })).status).toBe(403);
  });

  it('moves with a reassigned caseload', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const leaving = await otherNavigatorToken(t, 'navigator-leaving-fu');
    const taking = await otherNavigatorToken(t, 'navigator-taking-fu');
    await addNavigator(t, 'navigator-taking-fu');
    const { followUpId } = await prescribed(leaving);
    await t.call('POST', '/v1/caseloads/reassign', { as: 'manager', body: { from: 'navigator-leaving-fu', to: 'navigator-taking-fu' } });
    expect(await find('scheduled', followUpId, leaving)).toBeUndefined();
    expect(await find('scheduled', followUpId, taking)).toBeDefined();
  });

  it.each(['status=late', 'limit=0', 'cursor=not-a-cursor'])('refuses %s with 400', async (query) => {
    expect((await t.call('GET', `/v1/followups?${query}`, { as: 'navigator' })).status).toBe(400);
  });

  it.each([
    ['a due time that is not one', { dueAt: 'x', followUpId: '01J00000000000000000000000', patientId: '01J00000000000000000000000' }],
    ['ids that are not ULIDs', { dueAt: '2026-05-25T08:00:00Z', followUpId: 'x', patientId: 'y' }],
  ])('a forged cursor with %s is a 400 invalid_cursor, never a 500', async (_label, forged) => {
    const cursor = Buffer.from(JSON.stringify(forged)).toString('base64url');
    const res = await t.call('GET', `/v1/followups?status=scheduled&cursor=${cursor}`, { as: 'navigator' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path: 'cursor', code: 'invalid_cursor' });
  });

  it('rejects an invalid follow-up assessment with field issues and completes nothing', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const { followUpId } = await prescribed();
    const res = await t.call('POST', `/v1/followups/${followUpId}/complete`, { as: 'navigator', body: { assessment: { ons4: { ...ons4, happy: 11 } } } });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('assessment.ons4.happy');
    expect(await find('scheduled', followUpId)).toBeDefined();
  });
});
