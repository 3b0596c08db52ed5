import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import {
  applyPrescriptionChange,
  complete,
  FOLLOW_UP_STATUSES,
  isOverdue,
  londonWallClock,
  markDue,
  newFollowUp,
  followUpChange,
  type FollowUpChange,
  OVERDUE_AFTER_DAYS,
  scheduleName,
  type FollowUpRecord,
  type FollowUpStatus,
} from '#shared/followups/rules';
import { applyChange, newPrescription } from '#shared/prescriptions/rules';

const DAY_MS = 86_400_000;
const created = new Date('2026-03-02T10:00:00Z');
/** 09:00 London on 8 June 2026 (BST), as followUpDueAtOf writes it (no milliseconds). */
const dueAt = '2026-06-08T08:00:00Z';
const dueMs = Date.parse(dueAt);
const at = (ms: number) => new Date(ms);

const ids = {
  followUp: '01J00000000000000000000010',
  prescription: '01J00000000000000000000005',
  patient: '01J00000000000000000000004',
};

function followUp(fields: Partial<FollowUpRecord> = {}): FollowUpRecord {
  return {
    ...newFollowUp(
      { prescriptionId: ids.prescription, patientId: ids.patient, followUpDueAt: dueAt },
      { followUpId: ids.followUp, navigator: 'nav-1', now: created },
    ),
    ...fields,
  };
}

/** A follow-up already due since its dueAt (as markDue leaves it). */
const dueFollowUp = (fields: Partial<FollowUpRecord> = {}) =>
  followUp({ status: 'due', becameDueAt: dueAt, version: 3, ...fields });

describe('constants', () => {
  it('has the five statuses and a 14-day overdue threshold', () => {
    expect(FOLLOW_UP_STATUSES).toEqual(['scheduled', 'held', 'due', 'completed', 'cancelled']);
    expect(OVERDUE_AFTER_DAYS).toBe(14);
  });
});

describe('newFollowUp', () => {
  it('is scheduled at version 1, due when the prescription says', () => {
    const prescription = newPrescription(
      { patientId: ids.patient, startDate: '2026-03-02', weeks: 12, goals: ['walk'], activityIds: ['A'] },
      { prescriptionId: ids.prescription, now: created, createdBy: 'nav-1', hasBaseline: true },
    );
    const record = newFollowUp(prescription, { followUpId: ids.followUp, navigator: 'nav-1', now: created });
    expect(record).toEqual({
      followUpId: ids.followUp,
      prescriptionId: ids.prescription,
      patientId: ids.patient,
      navigator: 'nav-1',
      status: 'scheduled',
      dueAt: prescription.followUpDueAt,
      version: 1,
      createdAt: '2026-03-02T10:00:00.000Z',
      updatedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(record.dueAt).toBe('2026-05-25T08:00:00Z');
  });
});

describe('applyPrescriptionChange', () => {
  const now = new Date('2026-04-01T12:00:00Z'); // before dueAt
  const later = '2026-06-18T08:00:00Z';
  const changes: Record<FollowUpChange['action'], FollowUpChange> = {
    none: { action: 'none' },
    schedule: { action: 'schedule', dueAt: later },
    cancel: { action: 'cancel' },
    hold: { action: 'hold' },
    reschedule: { action: 'reschedule', dueAt: later },
  };
  const start = (status: FollowUpStatus) =>
    followUp({ status, version: 3, ...(status === 'due' ? { becameDueAt: dueAt } : {}) });

  type Expected = { status: FollowUpStatus; dueAt: string } | undefined;
  const moved = (status: FollowUpStatus, to = dueAt): Expected => ({ status, dueAt: to });
  // Every action × every status.
  const table: [FollowUpStatus, FollowUpChange['action'], Expected][] = [
    ['scheduled', 'none', undefined],
    ['scheduled', 'schedule', undefined],
    ['scheduled', 'cancel', moved('cancelled')],
    ['scheduled', 'hold', moved('held')],
    ['scheduled', 'reschedule', moved('scheduled', later)],
    ['held', 'none', undefined],
    ['held', 'schedule', undefined],
    ['held', 'cancel', moved('cancelled')],
    ['held', 'hold', undefined],
    ['held', 'reschedule', moved('scheduled', later)],
    ['due', 'none', undefined],
    ['due', 'schedule', undefined],
    ['due', 'cancel', moved('cancelled')],
    ['due', 'hold', moved('held')],
    ['due', 'reschedule', moved('scheduled', later)], // to a future time: scheduled again
    ['completed', 'none', undefined],
    ['completed', 'schedule', undefined],
    ['completed', 'cancel', undefined],
    ['completed', 'hold', undefined],
    ['completed', 'reschedule', undefined],
    ['cancelled', 'none', undefined],
    ['cancelled', 'schedule', undefined],
    ['cancelled', 'cancel', undefined],
    ['cancelled', 'hold', undefined],
    ['cancelled', 'reschedule', undefined],
  ];

  it.each(table)('%s + %s → %j', (status, action, expected) => {
    const before = start(status);
    const snapshot = structuredClone(before);
    const after = applyPrescriptionChange(before, changes[action], now);
    expect(before).toEqual(snapshot); // never mutates its input
    if (expected === undefined) {
      expect(after).toBeUndefined();
      return;
    }
    expect(after).toMatchObject({ ...expected, version: 4, updatedAt: now.toISOString() });
    // Everything else is kept.
    expect(after).toMatchObject({
      followUpId: ids.followUp,
      prescriptionId: ids.prescription,
      patientId: ids.patient,
      navigator: 'nav-1',
      createdAt: before.createdAt,
    });
  });

  it('reschedule drops becameDueAt; hold and cancel keep it', () => {
    const due = dueFollowUp();
    expect(applyPrescriptionChange(due, changes.reschedule, now)).not.toHaveProperty('becameDueAt');
    expect(applyPrescriptionChange(due, changes.hold, now)?.becameDueAt).toBe(dueAt);
    expect(applyPrescriptionChange(due, changes.cancel, now)?.becameDueAt).toBe(dueAt);
  });

  it.each([
    ['well in the past', '2026-05-01T08:00:00Z'],
    ['its current dueAt', dueAt],
    ['1 ms before now', '2026-06-10T11:59:59.999Z'],
    ['exactly now (milliseconds written)', '2026-06-10T12:00:00.000Z'],
    ['exactly now', '2026-06-10T12:00:00Z'],
  ])('a due follow-up rescheduled to a time already passed (%s) stays due', (_label, to) => {
    const nowAfterDue = new Date('2026-06-10T12:00:00Z');
    expect(applyPrescriptionChange(dueFollowUp(), { action: 'reschedule', dueAt: to }, nowAfterDue)).toBeUndefined();
    // Within the same second, too.
    expect(applyPrescriptionChange(dueFollowUp(), { action: 'reschedule', dueAt: to }, new Date('2026-06-10T12:00:00.500Z'))).toBeUndefined();
  });

  it('a due follow-up rescheduled to a future time is scheduled again, no longer due', () => {
    const nowAfterDue = new Date('2026-06-10T12:00:00Z');
    const after = applyPrescriptionChange(dueFollowUp(), { action: 'reschedule', dueAt: '2026-06-10T12:00:01Z' }, nowAfterDue);
    expect(after).toMatchObject({ status: 'scheduled', dueAt: '2026-06-10T12:00:01Z', version: 4 });
    expect(after).not.toHaveProperty('becameDueAt');
  });

  it('a held or scheduled follow-up rescheduled into the past is still scheduled (its reminder makes it due)', () => {
    const nowAfterDue = new Date('2026-06-10T12:00:00Z');
    for (const status of ['held', 'scheduled'] as const) {
      expect(applyPrescriptionChange(start(status), { action: 'reschedule', dueAt }, nowAfterDue)).toMatchObject({
        status: 'scheduled',
        dueAt,
        version: 4,
      });
    }
  });
});

describe('markDue', () => {
  it('a scheduled follow-up at its version, once dueAt has come, is due (version unchanged)', () => {
    const now = at(dueMs + 60_000);
    const before = followUp({ version: 2 });
    expect(markDue(before, 2, now)).toEqual({
      ...before,
      status: 'due',
      becameDueAt: now.toISOString(),
      updatedAt: now.toISOString(),
      version: 2,
    });
  });

  it.each([
    ['an older version (stale reminder)', 1],
    ['a newer version', 3],
  ])('ignores a reminder for %s', (_label, version) => {
    expect(markDue(followUp({ version: 2 }), version, at(dueMs + 60_000))).toBeUndefined();
  });

  it.each(['held', 'due', 'completed', 'cancelled'] as const)('ignores a %s follow-up', (status) => {
    expect(markDue(followUp({ status }), 1, at(dueMs + DAY_MS))).toBeUndefined();
  });

  // dueAt as followUpDueAtOf writes it ('…T08:00:00Z') and as Date#toISOString writes it
  // ('…T08:00:00.000Z'): the same instant, so the same answer. (Compared as strings, 'Z' sorts
  // after '.', and '…T08:00:00Z' would look later than every time within its own second.)
  const formats = [dueAt, '2026-06-08T08:00:00.000Z'];

  it.each(formats)('is due at exactly dueAt %s', (due) => {
    expect(markDue(followUp({ dueAt: due }), 1, at(dueMs))?.status).toBe('due');
  });

  it.each(formats)('is due within the first second after dueAt %s', (due) => {
    for (const ms of [1, 500, 999, 1000]) expect(markDue(followUp({ dueAt: due }), 1, at(dueMs + ms))?.status).toBe('due');
  });

  it.each(formats)('is not due 1 ms before dueAt %s', (due) => {
    expect(markDue(followUp({ dueAt: due }), 1, at(dueMs - 1))).toBeUndefined();
  });

  it('a repeated reminder after it became due is ignored', () => {
    const due = markDue(followUp(), 1, at(dueMs + 60_000))!;
    expect(markDue(due, 1, at(dueMs + 120_000))).toBeUndefined();
  });
});

describe('complete', () => {
  it('records the assessment and bumps the version', () => {
    const now = at(dueMs + DAY_MS);
    const before = dueFollowUp();
    expect(complete(before, 'ASSESS-1', now)).toEqual({
      ...before,
      status: 'completed',
      completedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      early: false,
      assessmentId: 'ASSESS-1',
      version: 4,
    });
  });

  it.each([
    ['a week before dueAt', dueAt, dueMs - 7 * DAY_MS, true],
    ['1 ms before dueAt', dueAt, dueMs - 1, true],
    ['exactly at dueAt', dueAt, dueMs, false],
    ['exactly at dueAt (milliseconds written)', '2026-06-08T08:00:00.000Z', dueMs, false],
    ['1 ms after dueAt', dueAt, dueMs + 1, false],
    ['999 ms after dueAt', dueAt, dueMs + 999, false],
    ['1 ms before dueAt (milliseconds written)', '2026-06-08T08:00:00.000Z', dueMs - 1, true],
    ['a second after dueAt', dueAt, dueMs + 1000, false],
    ['a month after dueAt', dueAt, dueMs + 30 * DAY_MS, false],
  ])('completed %s: early %s', (_label, due, nowMs, early) => {
    const done = complete(followUp({ dueAt: due }), 'ASSESS-1', at(nowMs));
    expect(done).toMatchObject({ status: 'completed', early, assessmentId: 'ASSESS-1', version: 2 });
  });
});

describe('isOverdue', () => {
  it.each([
    ['just due', 0, false],
    ['13 days', 13 * DAY_MS, false],
    ['exactly 14 days', 14 * DAY_MS, false],
    ['14 days + 1 ms', 14 * DAY_MS + 1, true],
    ['30 days', 30 * DAY_MS, true],
  ])('a due follow-up due for %s: %s', (_label, elapsed, overdue) => {
    expect(isOverdue({ status: 'due', dueAt }, at(dueMs + elapsed))).toBe(overdue);
  });

  it.each(['scheduled', 'held', 'completed', 'cancelled'] as const)('a %s follow-up is never overdue', (status) => {
    expect(isOverdue({ status, dueAt }, at(dueMs + 60 * DAY_MS))).toBe(false);
  });
});

describe('scheduleName', () => {
  const valid = /^[0-9a-zA-Z\-_.]+$/;
  it.each([
    [ids.followUp, 1],
    [ids.followUp, 999],
    [ulid(), 1],
    [ulid(), 999],
  ])('%s v%i is a valid EventBridge Scheduler name', (id, version) => {
    const name = scheduleName(id, version);
    expect(name.length).toBeGreaterThanOrEqual(1);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(valid);
  });

  it('differs by version (one schedule per follow-up and version)', () => {
    expect(scheduleName(ids.followUp, 1)).toBe('followup-01J00000000000000000000010-v1');
    expect(scheduleName(ids.followUp, 2)).not.toBe(scheduleName(ids.followUp, 1));
  });
});

describe('londonWallClock', () => {
  it.each([
    // BST: 08:00Z is 09:00 London.
    ['2026-07-15T08:00:00Z', '2026-07-15T09:00:00'],
    // GMT: 09:00Z is 09:00 London.
    ['2026-01-15T09:00:00Z', '2026-01-15T09:00:00'],
    // Spring forward, Sunday 29 March 2026: at 01:00Z the clocks go from 01:00 GMT to 02:00 BST.
    ['2026-03-29T00:59:59Z', '2026-03-29T00:59:59'],
    ['2026-03-29T01:00:00Z', '2026-03-29T02:00:00'],
    ['2026-03-29T08:00:00Z', '2026-03-29T09:00:00'],
    ['2026-03-28T09:00:00Z', '2026-03-28T09:00:00'],
    // Fall back, Sunday 25 October 2026: at 01:00Z the clocks go from 02:00 BST to 01:00 GMT.
    ['2026-10-25T00:59:59Z', '2026-10-25T01:59:59'],
    ['2026-10-25T01:00:00Z', '2026-10-25T01:00:00'],
    ['2026-10-25T09:00:00Z', '2026-10-25T09:00:00'],
    ['2026-10-24T08:00:00Z', '2026-10-24T09:00:00'],
    // Milliseconds are dropped (truncated, not rounded).
    ['2026-07-15T08:00:00.000Z', '2026-07-15T09:00:00'],
    ['2026-07-15T08:00:00.999Z', '2026-07-15T09:00:00'],
    ['2026-01-15T09:00:59.500Z', '2026-01-15T09:00:59'],
  ])('%s → %s', (instant, wallClock) => {
    expect(londonWallClock(instant)).toBe(wallClock);
  });
});

describe('end to end: a paused and resumed prescription moves its follow-up', () => {
  it('holds, reschedules, ignores the old reminder, becomes due at the new time and completes', () => {
    const prescription = newPrescription(
      { patientId: ids.patient, startDate: '2026-03-02', weeks: 12, goals: ['walk'], activityIds: ['A'] },
      { prescriptionId: ids.prescription, now: created, createdBy: 'nav-1', hasBaseline: true, followUpId: ids.followUp },
    );
    expect(followUpChange(undefined, prescription)).toEqual({ action: 'schedule', dueAt: '2026-05-25T08:00:00Z' });
    const v1 = newFollowUp(prescription, { followUpId: ids.followUp, navigator: 'nav-1', now: created });
    expect(v1).toMatchObject({ status: 'scheduled', version: 1, dueAt: '2026-05-25T08:00:00Z' });

    // Paused on 20 March.
    const pauseAt = new Date('2026-03-20T10:00:00Z');
    const paused = applyChange(prescription, { status: 'paused' }, '2026-03-20', pauseAt);
    const hold = followUpChange(prescription, paused);
    expect(hold).toEqual({ action: 'hold' });
    const v2 = applyPrescriptionChange(v1, hold, pauseAt)!;
    expect(v2).toMatchObject({ status: 'held', version: 2, dueAt: '2026-05-25T08:00:00Z' });

    // Resumed 10 days later: everything moves 10 days.
    const resumeAt = new Date('2026-03-30T10:00:00Z');
    const resumed = applyChange(paused, { status: 'active' }, '2026-03-30', resumeAt);
    expect(resumed).toMatchObject({ pausedDays: 10, endDate: '2026-06-03', followUpDueAt: '2026-06-04T08:00:00Z' });
    const reschedule = followUpChange(paused, resumed);
    expect(reschedule).toEqual({ action: 'reschedule', dueAt: '2026-06-04T08:00:00Z' });
    const v3 = applyPrescriptionChange(v2, reschedule, resumeAt)!;
    expect(v3).toMatchObject({ status: 'scheduled', version: 3, dueAt: '2026-06-04T08:00:00Z' });
    expect(Date.parse(v3.dueAt) - Date.parse(v1.dueAt)).toBe(10 * DAY_MS);

    // The old reminder (version 1) fires at the old dueAt, and any redelivery later: ignored.
    expect(markDue(v3, 1, new Date('2026-05-25T08:00:30Z'))).toBeUndefined();
    expect(markDue(v3, 1, new Date('2026-06-04T08:00:30Z'))).toBeUndefined();
    expect(markDue(v3, 2, new Date('2026-06-04T08:00:30Z'))).toBeUndefined();
    // The new reminder, early, is ignored too.
    expect(markDue(v3, 3, new Date('2026-06-04T07:59:59.999Z'))).toBeUndefined();

    // The new reminder at exactly the new dueAt (09:00 London).
    const due = markDue(v3, 3, new Date(v3.dueAt))!;
    expect(due).toMatchObject({ status: 'due', version: 3, becameDueAt: '2026-06-04T08:00:00.000Z' });
    expect(isOverdue(due, new Date('2026-06-10T08:00:00Z'))).toBe(false);

    const done = complete(due, 'ASSESS-1', new Date('2026-06-05T14:00:00Z'));
    expect(done).toMatchObject({ status: 'completed', version: 4, early: false, assessmentId: 'ASSESS-1' });
    expect(isOverdue(done, new Date('2026-07-01T08:00:00Z'))).toBe(false);
    // Closed: nothing moves it again.
    expect(applyPrescriptionChange(done, { action: 'cancel' }, new Date('2026-06-06T10:00:00Z'))).toBeUndefined();
  });
});

describe('followUpChange — the one place the follow-up moves', () => {
  const now = new Date('2026-03-02T10:00:00Z');
  const make = (startDate: string, weeks = 12) =>
    newPrescription(
      { patientId: 'P', startDate, weeks, goals: ['walk'], activityIds: ['A'] },
      { prescriptionId: 'X', now, createdBy: 'nav', hasBaseline: true },
    );
  const active = make('2026-03-02');
  it('schedules a new prescription at its followUpDueAt', () => {
    expect(followUpChange(undefined, active)).toEqual({ action: 'schedule', dueAt: '2026-05-25T08:00:00Z' });
  });
  it('holds on pause, reschedules on resume to the moved time, cancels on withdraw', () => {
    const paused = applyChange(active, { status: 'paused' }, '2026-03-20', now);
    expect(followUpChange(active, paused)).toEqual({ action: 'hold' });
    const resumed = applyChange(paused, { status: 'active' }, '2026-03-27', now);
    expect(followUpChange(paused, resumed)).toEqual({ action: 'reschedule', dueAt: '2026-06-01T08:00:00Z' });
    expect(followUpChange(resumed, applyChange(resumed, { status: 'withdrawn' }, '2026-03-28', now))).toEqual({ action: 'cancel' });
  });
  it('reschedules a weeks change and an early completion; nothing for a no-op', () => {
    expect(followUpChange(active, applyChange(active, { weeks: 6 }, '2026-03-05', now))).toEqual({
      action: 'reschedule',
      dueAt: '2026-04-13T08:00:00Z',
    });
    expect(followUpChange(active, applyChange(active, { status: 'completed' }, '2026-03-05', now))).toEqual({
      action: 'reschedule',
      dueAt: '2026-03-06T09:00:00Z',
    });
    expect(followUpChange(active, active)).toEqual({ action: 'none' });
  });
});
