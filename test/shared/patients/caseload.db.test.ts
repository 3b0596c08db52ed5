import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, freshNhsNumber, makeActivities, otherNavigatorToken, referralBody } from '../../support/fixtures';
import { londonDate } from '#shared/platform/london';

/**
 * The caseload summary kept on the patient item (decision 74): right after each kind of write,
 * read back through GET /v1/patients (one Query), and the list's search, filters, sort and access.
 */
let t: TestApp;
let activityIds: string[];
let counter = 0;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  ({ activityIds } = await makeActivities(t));
});

/** A navigator of their own; `token` is their sub, and tok() mints a token on the clock as it is now (it jumps). */
async function navigator() {
  const sub = `caseload-nav-${++counter}`;
  return { sub, token: sub };
}
const tok = (sub: string) => otherNavigatorToken(t, sub);

async function refer(token: string, patient: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/referrals', { token: await tok(token), body: referralBody({ patient: { nhsNumber: freshNhsNumber(), ...patient } }) });
  expect(res.status).toBe(201);
  return { patientId: res.body.patientId as string, referralId: res.body.referralId as string };
}

async function summaryOf(token: string, patientId: string) {
  const res = await t.call('GET', '/v1/patients?limit=100', { token: await tok(token) });
  expect(res.status).toBe(200);
  const row = res.body.items.find((item: { patientId: string }) => item.patientId === patientId);
  expect(row).toBeDefined();
  return row.summary;
}

async function prescribe(token: string, patientId: string) {
  const res = await t.call('POST', '/v1/prescriptions', { token: await tok(token), body: { patientId, startDate: londonDate(t.clock.now()), goals: ['walk'], activityIds } });
  expect(res.status).toBe(201);
  return res.body as { prescriptionId: string; followUpId: string; followUpDueAt: string; endDate: string };
}

describe('the summary after each kind of write', () => {
  it('a referral: received, waiting; contacts move the last contact and a reached one accepts', async () => {
    const { token } = await navigator();
    const { patientId } = await refer(token);
    expect(await summaryOf(token, patientId)).toEqual({ referralStatus: 'received', referralReceivedAt: expect.any(String), daysWaiting: 0 });

    t.clock.advance('P3D');
    const tried = t.clock.now().toISOString();
    expect((await t.call('POST', `/v1/patients/${patientId}/contacts`, { token: await tok(token), body: { at: tried, kind: 'phone', outcome: 'no_answer' } })).status).toBe(201);
    expect(await summaryOf(token, patientId)).toMatchObject({ referralStatus: 'received', daysWaiting: 3, lastContactAt: tried, daysSinceContact: 0 });

    // A contact dated earlier than the last does not move it back, but reaching them accepts.
    const earlier = new Date(t.clock.now().getTime() - 86_400_000).toISOString();
    expect((await t.call('POST', `/v1/patients/${patientId}/contacts`, { token: await tok(token), body: { at: earlier, kind: 'visit', outcome: 'reached' } })).status).toBe(201);
    expect(await summaryOf(token, patientId)).toMatchObject({ referralStatus: 'accepted', daysWaiting: 3, lastContactAt: tried });
  });

  it('a baseline accepts; a prescription is week 1 of 12, then its follow-up falls due and becomes overdue', async () => {
    const { token } = await navigator();
    const { patientId } = await refer(token);
    expect((await t.call('POST', `/v1/patients/${patientId}/assessments`, { token: await tok(token), body: baselineBody })).status).toBe(201);
    expect((await summaryOf(token, patientId)).referralStatus).toBe('accepted');

    const prescription = await prescribe(token, patientId);
    const written = await summaryOf(token, patientId);
    expect(written).toMatchObject({
      referralStatus: 'prescribed',
      prescription: { prescriptionId: prescription.prescriptionId, status: 'active', weeks: 12, week: 1, endDate: prescription.endDate },
      followUp: { dueAt: prescription.followUpDueAt, state: 'scheduled' },
    });
    expect(written.daysWaiting).toBeUndefined();

    t.clock.advance('P15D');
    expect((await summaryOf(token, patientId)).prescription.week).toBe(3);
    t.clock.set(new Date(Date.parse(prescription.followUpDueAt) + 60_000));
    expect(await summaryOf(token, patientId)).toMatchObject({ prescription: { week: 12 }, followUp: { state: 'due' } });
    t.clock.advance('P15D');
    expect((await summaryOf(token, patientId)).followUp.state).toBe('overdue');

    // Completing the follow-up completes the prescription: no follow-up waits any more.
    const done = await t.call('POST', `/v1/followups/${prescription.followUpId}/complete`, { token: await tok(token), body: { assessment: { ons4: baselineBody.ons4 } } });
    expect(done.status).toBe(200);
    const after = await summaryOf(token, patientId);
    expect(after.prescription).toMatchObject({ status: 'completed' });
    expect(after.prescription.week).toBeUndefined();
    expect(after.followUp).toBeUndefined();
  });

  it('pausing, resuming and withdrawing a prescription; closing the referral', async () => {
    const { token } = await navigator();
    const { patientId, referralId } = await refer(token);
    const { prescriptionId } = await prescribe(token, patientId);
    expect((await t.call('PATCH', `/v1/prescriptions/${prescriptionId}`, { token: await tok(token), body: { status: 'paused' } })).status).toBe(200);
    expect((await summaryOf(token, patientId)).prescription.status).toBe('paused');
    t.clock.advance('P7D');
    expect((await t.call('PATCH', `/v1/prescriptions/${prescriptionId}`, { token: await tok(token), body: { status: 'active' } })).status).toBe(200);
    const resumed = await summaryOf(token, patientId);
    // Paused for a week: still in week 1, and the follow-up moved by the pause.
    expect(resumed.prescription).toMatchObject({ status: 'active', week: 1 });
    expect(resumed.followUp.state).toBe('scheduled');

    const closed = await t.call('POST', `/v1/referrals/${referralId}/close`, { token: await tok(token), body: { reason: 'moved_away' } });
    expect(closed.status).toBe(200);
    expect(closed.body.withdrawnPrescriptionId).toBe(prescriptionId);
    const after = await summaryOf(token, patientId);
    expect(after).toMatchObject({ referralStatus: 'closed', prescription: { status: 'withdrawn' } });
    expect(after.followUp).toBeUndefined();
  });

  it('a decline; then a new episode starts a fresh summary', async () => {
    const { token } = await navigator();
    const nhsNumber = freshNhsNumber();
    const { patientId, referralId } = await refer(token, { nhsNumber });
    expect((await t.call('POST', `/v1/referrals/${referralId}/decline`, { token: await tok(token), body: { reason: 'not_interested' } })).status).toBe(200);
    expect((await summaryOf(token, patientId)).referralStatus).toBe('declined');

    t.clock.advance('P2D');
    const again = await t.call('POST', '/v1/referrals', { token: await tok(token), body: referralBody({ patient: { nhsNumber } }) });
    expect(again.status).toBe(201);
    expect(again.body.patientId).toBe(patientId);
    expect(await summaryOf(token, patientId)).toEqual({ referralStatus: 'received', referralReceivedAt: expect.any(String), daysWaiting: 0 });
  });

  it('withdrawing with PATCH ends the prescription in the summary', async () => {
    const { token } = await navigator();
    const { patientId } = await refer(token);
    const { prescriptionId } = await prescribe(token, patientId);
    expect((await t.call('PATCH', `/v1/prescriptions/${prescriptionId}`, { token: await tok(token), body: { status: 'withdrawn' } })).status).toBe(200);
    const after = await summaryOf(token, patientId);
    expect(after).toMatchObject({ referralStatus: 'prescribed', prescription: { status: 'withdrawn' } });
    expect(after.followUp).toBeUndefined();
  });

  it('the list is one Query, however many patients it shows (no request per patient)', async () => {
    const { token } = await navigator();
    for (let i = 0; i < 3; i++) {
      const { patientId } = await refer(token);
      await prescribe(token, patientId);
    }
    const send = vi.spyOn(t.db.client, 'send');
    try {
      const res = await t.call('GET', '/v1/patients', { token: await tok(token) });
      expect(res.body.items).toHaveLength(3);
      expect(res.body.items.every((item: { summary: { prescription?: unknown } }) => item.summary.prescription)).toBe(true);
      // Reads only: the audit trail's own write is not the list's.
      const reads = send.mock.calls.map(([command]) => command.constructor.name).filter((name) => /Get|Query|Scan/.test(name));
      expect(reads).toEqual(['QueryCommand']);
    } finally {
      send.mockRestore();
    }
  });
});

describe('search, filters and sort', () => {
  let token: string;
  let sub: string;
  const ids: Record<string, string> = {};
  const nhs = freshNhsNumber();

  beforeAll(async () => {
    ({ token, sub } = await navigator());
    ids.zoe = (await refer(token, { givenName: 'Zoë', familyName: 'Smith-Jones', nhsNumber: nhs })).patientId;
    t.clock.advance('P1D');
    ids.owen = (await refer(token, { givenName: 'Owen', familyName: 'O’Brien' })).patientId;
    t.clock.advance('P1D');
    ids.ada = (await refer(token, { givenName: 'Ada', familyName: 'Zeller' })).patientId;
    await prescribe(token, ids.ada);
    t.clock.advance('P10D');
    await t.call('POST', `/v1/patients/${ids.owen}/contacts`, { token: await tok(token), body: { at: t.clock.now().toISOString(), kind: 'phone', outcome: 'reached' } });
  });

  const names = async (query: string) => {
    const res = await t.call('GET', `/v1/patients?${query}`, { token: await tok(token) });
    expect(res.status).toBe(200);
    return res.body.items.map((item: { givenName: string }) => item.givenName);
  };

  it('finds by the start of either name, ignoring case and accents, and by NHS number with spaces', async () => {
    expect(await names('q=zoe')).toEqual(['Zoë']);
    expect(await names('q=JONES')).toEqual(['Zoë']);
    expect(await names(`q=${encodeURIComponent("o'b")}`)).toEqual(['Owen']);
    expect(await names('q=smi%20zo')).toEqual(['Zoë']);
    expect(await names('q=mith')).toEqual([]);
    expect(await names(`q=${encodeURIComponent(`${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`)}`)).toEqual(['Zoë']);
    expect(await names(`q=${nhs.slice(0, 9)}`)).toEqual([]);
  });

  it('never logs what was searched for', async () => {
    const lines: string[] = [];
    const spies = (['info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(t.services.logger, level).mockImplementation((...args: unknown[]) => void lines.push(JSON.stringify(args))),
    );
    try {
      expect(await names('q=Zo%C3%AB%20Smith')).toEqual(['Zoë']);
      expect(await names(`q=${nhs}`)).toEqual(['Zoë']);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toMatch(new RegExp(`Zo|Smith|${nhs}`));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('filters by stage, due follow-up and no contact for N days', async () => {
    expect(await names('stage=prescribed')).toEqual(['Ada']);
    expect(await names('stage=accepted')).toEqual(['Owen']);
    expect(await names('followUpDue=true')).toEqual([]);
    // Zoë (12 days) and Ada (11) were never contacted; Owen was today.
    expect(await names('noContactDays=5')).toEqual(['Zoë', 'Ada']);
    expect(await names('noContactDays=5&sort=name')).toEqual(['Zoë', 'Ada']);
    expect(await names('noContactDays=11&stage=received')).toEqual(['Zoë']);
  });

  it('sorts by name, days waiting, last contact and follow-up due', async () => {
    expect(await names('sort=name')).toEqual(['Owen', 'Zoë', 'Ada']);
    expect(await names('sort=days_waiting')).toEqual(['Zoë', 'Owen', 'Ada']);
    expect(await names('sort=last_contact')).toEqual(['Zoë', 'Ada', 'Owen']);
    expect(await names('sort=follow_up_due')).toEqual(['Ada', 'Owen', 'Zoë']);
  });

  it('pages a sorted list with its own cursor', async () => {
    const first = await t.call('GET', '/v1/patients?sort=name&limit=2', { token: await tok(token) });
    expect(first.body.items.map((i: { givenName: string }) => i.givenName)).toEqual(['Owen', 'Zoë']);
    const second = await t.call('GET', `/v1/patients?sort=name&limit=2&cursor=${first.body.nextCursor}`, { token: await tok(token) });
    expect(second.body.items.map((i: { givenName: string }) => i.givenName)).toEqual(['Ada']);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it.each([
    ['stage=new', 'stage'],
    ['stage=', 'stage'],
    ['sort=age', 'sort'],
    ['followUpDue=yes', 'followUpDue'],
    ['noContactDays=0', 'noContactDays'],
    ['noContactDays=2.5', 'noContactDays'],
    ['noContactDays=366', 'noContactDays'],
    ['q=', 'q'],
    [`q=${'a'.repeat(101)}`, 'q'],
    ['sort=name&cursor=bm90LW9ucw', 'cursor'],
  ])('400 with the field for %s', async (query, field) => {
    const res = await t.call('GET', `/v1/patients?${query}`, { token: await tok(token) });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(field);
  });

  it('counts due follow-ups and new referrals for the navigation', async () => {
    const res = await t.call('GET', '/v1/caseload/counts', { token: await tok(token) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ navigator: sub, dueFollowUps: 0, newReferrals: 1 });
    t.clock.advance('P90D');
    expect((await t.call('GET', '/v1/caseload/counts', { token: await tok(token) })).body).toEqual({ navigator: sub, dueFollowUps: 1, newReferrals: 1 });
    expect(await names('followUpDue=true')).toEqual(['Ada']);
  });

  it('a navigator cannot open another’s caseload or counts; a manager can open anyone’s', async () => {
    const other = await navigator();
    expect((await t.call('GET', `/v1/patients?navigator=${sub}`, { token: await tok(other.token) })).status).toBe(403);
    expect((await t.call('GET', `/v1/patients?navigator=${sub}&q=zoe`, { token: await tok(other.token) })).status).toBe(403);
    expect((await t.call('GET', `/v1/caseload/counts?navigator=${sub}`, { token: await tok(other.token) })).status).toBe(403);
    expect((await t.call('GET', '/v1/patients', { token: await tok(other.token) })).body.items).toEqual([]);
    expect((await t.call('GET', `/v1/patients?navigator=${sub}`, { token: await tok(token) })).status).toBe(200);

    const manager = await t.call('GET', `/v1/patients?navigator=${sub}&sort=name`, { as: 'manager' });
    expect(manager.status).toBe(200);
    expect(manager.body.items.map((i: { givenName: string }) => i.givenName)).toEqual(['Owen', 'Zoë', 'Ada']);
    const counts = await t.call('GET', `/v1/caseload/counts?navigator=${sub}`, { as: 'manager' });
    expect(counts.body).toMatchObject({ navigator: sub, newReferrals: 1 });
    expect((await t.call('GET', `/v1/patients?navigator=${other.sub}`, { as: 'manager' })).body.items).toEqual([]);
    expect((await t.call('GET', '/v1/caseload/counts', { as: 'provider', providerId: 'p' })).status).toBe(403);
  });
});

describe('the programme report of one caseload', () => {
  it('a navigator opens their own caseload’s report, never another’s; a manager opens any navigator’s', async () => {
    const mine = await navigator();
    const theirs = await navigator();
    const from = londonDate(t.clock.now());
    await prescribe(mine.token, (await refer(mine.token)).patientId);
    await prescribe(mine.token, (await refer(mine.token)).patientId);
    await prescribe(theirs.token, (await refer(theirs.token)).patientId);
    const range = `from=${from}&to=${from}`;

    const own = await t.call('GET', `/v1/reports/programme?${range}`, { token: await tok(mine.token) });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ scope: 'caseload', prescriptions: { started: 2 }, referrals: { total: 2 } });
    expect((await t.call('GET', `/v1/reports/programme?${range}&navigator=${mine.sub}`, { token: await tok(mine.token) })).status).toBe(200);
    const other = await t.call('GET', `/v1/reports/programme?${range}&navigator=${theirs.sub}`, { token: await tok(mine.token) });
    expect(other.status).toBe(403);

    const chosen = await t.call('GET', `/v1/reports/programme?${range}&navigator=${theirs.sub}`, { as: 'manager' });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ scope: 'caseload', prescriptions: { started: 1 }, referrals: { total: 1 } });
    const everyone = await t.call('GET', `/v1/reports/programme?${range}`, { as: 'manager' });
    expect(everyone.body.scope).toBe('programme');
    expect(everyone.body.prescriptions.started).toBeGreaterThanOrEqual(3);
    expect((await t.call('GET', `/v1/reports/programme?${range}&navigator=`, { as: 'manager' })).status).toBe(400);
  });
});
