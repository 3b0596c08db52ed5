import { beforeAll, describe, expect, it, vi } from 'vitest';
import { OUTCOME_COLUMNS } from '#shared/reports/exports';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, otherNavigatorToken, referPatient } from '../../support/fixtures';

/**
 * A follow-up assessment is one use case wherever it is entered: recorded from the patient page
 * it completes the due follow-up and its prescription exactly as the inbox does. And a mistaken
 * assessment can be corrected, keeping what it replaced.
 */
let t: TestApp;
let activityIds: string[];
const followUpAnswers = { kind: 'follow_up', ons4: { satisfied: 7, worthwhile: 8, happy: 7, anxious: 3 }, swemwbs: [4, 4, 4, 4, 4, 4, 4] };

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  ({ activityIds } = await makeActivities(t));
});

async function setClock(now: string) {
  expect((await t.call('POST', '/v1/dev/clock', { body: { now } })).status).toBe(200);
}

async function prescribed() {
  await setClock('2026-03-02T10:00:00Z');
  const patientId = await referPatient(t);
  const baseline = await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
  const res = await t.call('POST', '/v1/prescriptions', { as: 'navigator', body: { patientId, startDate: '2026-03-02', goals: ['g'], activityIds } });
  expect(res.status).toBe(201);
  return { patientId, baselineId: baseline.body.assessmentId as string, prescriptionId: res.body.prescriptionId as string, followUpId: res.body.followUpId as string };
}

const inbox = async (status: string) =>
  ((await t.call('GET', `/v1/followups?status=${status}&limit=100`, { as: 'navigator' })).body.items as { followUpId: string }[]).map((f) => f.followUpId);

describe('a follow-up assessment recorded from the patient page', () => {
  it('completes the due follow-up and its prescription, as the inbox would; the inbox cannot complete it twice', async () => {
    const { patientId, prescriptionId, followUpId } = await prescribed();
    await setClock('2026-05-26T10:00:00Z'); // past 09:00 on the day after the 12 weeks
    await t.scheduler.tick();
    await t.services.followUpDue.sweep();
    expect(await inbox('due')).toContain(followUpId);

    const res = await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: followUpAnswers });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'follow_up', followUpId, prescriptionId, attachedTo: { kind: 'follow_up', followUpId, prescriptionId } });

    expect(await inbox('due')).not.toContain(followUpId);
    expect(await inbox('completed')).toContain(followUpId);
    expect((await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' })).body.status).toBe('completed');

    const fromInbox = await t.call('POST', `/v1/followups/${followUpId}/complete`, { as: 'navigator', body: { assessment: { ons4: followUpAnswers.ons4 } } });
    expect(fromInbox.status).toBe(409);
    const kinds = (await t.call('GET', `/v1/patients/${patientId}/assessments`, { as: 'navigator' })).body.items.map((a: { kind: string }) => a.kind);
    expect(kinds).toEqual(['baseline', 'follow_up']);

    // The outcomes CSV pairs it with the baseline, as for one completed from the inbox.
    const csv = await t.call('GET', '/v1/reports/outcomes.csv?from=2026-03-01&to=2026-03-31', { as: 'manager' });
    const [header, ...rows] = csv.text.trim().split(/\r?\n/);
    const column = (name: (typeof OUTCOME_COLUMNS)[number]) => header!.split(',').indexOf(name);
    const row = rows.map((r) => r.split(',')).find((cells) => cells[column('follow_up_status')] === 'completed' && cells[column('follow_up_satisfied')] === '7');
    expect(row).toBeDefined();
    expect(row![column('baseline_satisfied')]).toBe('4');
    expect(row![column('follow_up_completed_on')]).toBe('2026-05-26');
  });

  it('one not yet due is left alone, and the answer says so and when it is due', async () => {
    const { patientId, prescriptionId, followUpId } = await prescribed();
    await setClock('2026-04-01T10:00:00Z');
    const res = await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: followUpAnswers });
    expect(res.status).toBe(201);
    expect(res.body.attachedTo).toEqual({ kind: 'none', reason: 'not_yet_due', followUpId, dueAt: '2026-05-25T08:00:00Z' });
    expect(res.body.followUpId).toBeUndefined();
    expect((await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' })).body.status).toBe('active');
    expect(await inbox('scheduled')).toContain(followUpId);
  });

  it('with no follow-up open it stands alone, and says so', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const patientId = await referPatient(t);
    const res = await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: followUpAnswers });
    expect(res.status).toBe(201);
    expect(res.body.attachedTo).toEqual({ kind: 'none', reason: 'none_open' });
  });
});

describe('POST /v1/patients/{id}/assessments/{id}/amendments', () => {
  it('corrects the answers, re-scores them, and keeps what they replaced with who, when and why', async () => {
    await setClock('2026-03-02T10:00:00Z');
    const patientId = await referPatient(t);
    const recorded = await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
    const assessmentId = recorded.body.assessmentId as string;
    await setClock('2026-03-03T09:00:00Z');
    const res = await t.call('POST', `/v1/patients/${patientId}/assessments/${assessmentId}/amendments`, {
      as: 'navigator',
      body: { reason: 'Happiness and anxiety typed the wrong way round', ons4: { satisfied: 4, worthwhile: 5, happy: 7, anxious: 3 }, swemwbs: [3, 3, 3, 3, 3, 3, 3] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      assessmentId,
      kind: 'baseline',
      ons4: { satisfied: 4, worthwhile: 5, happy: 7, anxious: 3 },
      ons4Bands: { happy: 'high', anxious: 'low' },
      swemwbs: { rawTotal: 21, metricScore: 19.25 },
      revision: 1,
      amendments: [
        {
          amendedAt: expect.stringMatching(/^2026-03-03T09:00/),
          amendedBy: 'local-navigator',
          reason: 'Happiness and anxiety typed the wrong way round',
          previous: { ons4: baselineBody.ons4, activeDays: 1, selfCareConfidence: 4, swemwbs: { rawTotal: 21 } },
        },
      ],
    });
    expect(res.body.activeDays).toBeUndefined(); // sent in full: a dropped answer is dropped
    const listed = (await t.call('GET', `/v1/patients/${patientId}/assessments`, { as: 'navigator' })).body.items;
    expect(listed).toEqual([res.body]);

    const again = await t.call('POST', `/v1/patients/${patientId}/assessments/${assessmentId}/amendments`, {
      as: 'navigator',
      body: { reason: 'Second thoughts', ons4: baselineBody.ons4 },
    });
    expect(again.body).toMatchObject({ revision: 2, ons4: baselineBody.ons4 });
    expect(again.body.amendments).toHaveLength(2);
  });

  it('needs a reason and valid answers (400), a known assessment of a visible patient (404), and writes nothing otherwise', async () => {
    const patientId = await referPatient(t);
    const recorded = await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
    const path = `/v1/patients/${patientId}/assessments/${recorded.body.assessmentId}/amendments`;
    const noReason = await t.call('POST', path, { as: 'navigator', body: { ons4: baselineBody.ons4 } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.issues.map((i: { path: string }) => i.path)).toContain('reason');
    const blankReason = await t.call('POST', path, { as: 'navigator', body: { reason: '   ', ons4: baselineBody.ons4 } });
    expect(blankReason.status).toBe(400);
    const badScore = await t.call('POST', path, { as: 'navigator', body: { reason: 'typo', ons4: { ...baselineBody.ons4, happy: 11 } } });
    expect(badScore.body.error.issues.map((i: { path: string }) => i.path)).toContain('ons4.happy');

    const unknown = await t.call('POST', `/v1/patients/${patientId}/assessments/01J00000000000000000000000/amendments`, {
      as: 'navigator',
      body: { reason: 'typo', ons4: baselineBody.ons4 },
    });
    expect(unknown.status).toBe(404);
    const elsewhere = await t.call('POST', path, { token: await otherNavigatorToken(t), body: { reason: 'typo', ons4: baselineBody.ons4 } });
    expect(elsewhere.status).toBe(404);
    const manager = await t.call('POST', path, { as: 'manager', body: { reason: 'typo', ons4: baselineBody.ons4 } });
    expect(manager.status).toBe(403);

    const [stored] = (await t.call('GET', `/v1/patients/${patientId}/assessments`, { as: 'navigator' })).body.items;
    expect(stored).toEqual(recorded.body);
  });

  it('the reason and the answers are never logged; the audit entry carries ids only', async () => {
    const patientId = await referPatient(t);
    const recorded = await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
    const spies = (['info', 'warn', 'error'] as const).map((level) => vi.spyOn(t.services.logger, level));
    try {
      const res = await t.call('POST', `/v1/patients/${patientId}/assessments/${recorded.body.assessmentId}/amendments`, {
        as: 'navigator',
        body: { reason: 'SECRET-REASON-TEXT', ons4: baselineBody.ons4 },
      });
      expect(res.status).toBe(200);
      const logged = JSON.stringify(spies.map((spy) => spy.mock.calls));
      expect(logged).not.toContain('SECRET-REASON-TEXT');
      expect(logged).not.toMatch(/satisfied|ons4/);
      // The audit trail is entries in the table (decision 82): ids only there too.
      const entries = JSON.stringify((await t.call('GET', `/v1/patients/${patientId}/audit`, { as: 'admin' })).body.items);
      expect(entries).toContain('amend_assessment');
      expect(entries).not.toContain('SECRET-REASON-TEXT');
      expect(entries).not.toMatch(/satisfied|ons4/);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
