import { describe, expect, it } from 'vitest';
import {
  applyChange,
  changeRefusal,
  daysBetween,
  endDateOf,
  followUpDueAtOf,
  newPrescription,
  weekOf,
  weeksRemaining,
  type PrescriptionRecord,
} from '#shared/prescriptions/rules';
import { CLOSE_REASONS, DECLINE_REASONS } from '#shared/patients/schema';
import { ChangePrescriptionBody, RECORDED_WITHDRAWAL_REASONS, WITHDRAWAL_REASONS } from '#shared/prescriptions/schema';

const now = new Date('2026-03-02T10:00:00Z');
const make = (startDate: string, weeks = 12) =>
  newPrescription(
    { patientId: 'P', startDate, weeks, goals: ['walk'], activityIds: ['A'] },
    { prescriptionId: 'X', now, createdBy: 'nav', hasBaseline: true },
  );


describe('endDate: startDate + 7 × weeks − 1', () => {
  it.each([
    ['2026-03-02', 12, '2026-05-24'],
    ['2026-01-05', 4, '2026-02-01'],
    ['2026-01-05', 16, '2026-04-26'],
    ['2028-02-01', 4, '2028-02-28'], // leap year: Feb has 29 days, the 28th is day 28
    ['2026-12-21', 2, '2027-01-03'], // over the year end
  ])('%s for %i weeks ends %s', (start, weeks, end) => {
    expect(endDateOf(start, weeks)).toBe(end);
  });

  it('days paused push it later', () => {
    expect(endDateOf('2026-03-02', 12, 10)).toBe('2026-06-03');
  });
});

describe('followUpDueAt: 09:00 London on the day after endDate', () => {
  it.each([
    // Winter (GMT): 09:00Z.
    ['2026-01-31', '2026-02-01T09:00:00Z'],
    // The day after is the spring-forward Sunday (29 March 2026): BST from 01:00 → 08:00Z.
    ['2026-03-28', '2026-03-29T08:00:00Z'],
    // The day before the change: still GMT.
    ['2026-03-27', '2026-03-28T09:00:00Z'],
    // Summer (BST): 08:00Z.
    ['2026-07-14', '2026-07-15T08:00:00Z'],
    // The day after is the fall-back Sunday (25 October 2026): GMT from 02:00 BST → 09:00Z.
    ['2026-10-24', '2026-10-25T09:00:00Z'],
    // The day before that: still BST.
    ['2026-10-23', '2026-10-24T08:00:00Z'],
  ])('endDate %s → %s', (endDate, due) => {
    expect(followUpDueAtOf(endDate)).toBe(due);
  });

  it('a 12-week prescription starting in winter and ending in summer is due at 08:00Z', () => {
    const p = make('2026-02-02');
    expect(p.endDate).toBe('2026-04-26');
    expect(p.followUpDueAt).toBe('2026-04-27T08:00:00Z');
  });
});

describe('status changes', () => {
  it('pausing and resuming moves endDate and followUpDueAt by the days paused', () => {
    const active = make('2026-03-02'); // ends 2026-05-24
    const paused = applyChange(active, { status: 'paused' }, '2026-03-20', now);
    expect(paused).toMatchObject({ status: 'paused', pausedOn: '2026-03-20', endDate: '2026-05-24', version: 2 });
    const resumed = applyChange(paused, { status: 'active' }, '2026-04-03', now);
    expect(resumed).toMatchObject({ status: 'active', pausedDays: 14, endDate: '2026-06-07', followUpDueAt: '2026-06-08T08:00:00Z' });
    expect(resumed).not.toHaveProperty('pausedOn');
    // A second pause adds to the first.
    const again = applyChange(applyChange(resumed, { status: 'paused' }, '2026-04-10', now), { status: 'active' }, '2026-04-13', now);
    expect(again).toMatchObject({ pausedDays: 17, endDate: '2026-06-10' });
  });

  it('a pause and resume on the same day moves nothing', () => {
    const active = make('2026-03-02');
    const resumed = applyChange(applyChange(active, { status: 'paused' }, '2026-03-20', now), { status: 'active' }, '2026-03-20', now);
    expect(resumed.endDate).toBe(active.endDate);
  });

  it('a weeks change moves the dates, keeping days paused', () => {
    const p = applyChange(make('2026-03-02'), { weeks: 8 }, '2026-03-05', now);
    expect(p).toMatchObject({ weeks: 8, endDate: '2026-04-26', followUpDueAt: '2026-04-27T08:00:00Z' });
  });

  it('withdrawing or completing early ends it today; after its end date keeps the end date', () => {
    expect(applyChange(make('2026-03-02'), { status: 'withdrawn' }, '2026-03-10', now).endDate).toBe('2026-03-10');
    expect(applyChange(make('2026-03-02'), { status: 'completed' }, '2026-03-10', now).followUpDueAt).toBe('2026-03-11T09:00:00Z');
    expect(applyChange(make('2026-03-02'), { status: 'completed' }, '2026-06-01', now).endDate).toBe('2026-05-24');
  });

  it('completing while paused counts the pause first', () => {
    const paused = applyChange(make('2026-03-02'), { status: 'paused' }, '2026-05-20', now);
    const done = applyChange(paused, { status: 'completed' }, '2026-06-10', now);
    expect(done).toMatchObject({ status: 'completed', pausedDays: 21, endDate: '2026-06-10' });
  });

  it('the same status again is no change at all (a retried request)', () => {
    const active = make('2026-03-02');
    expect(applyChange(active, { status: 'active' }, '2026-03-05', now)).toBe(active);
  });

  it.each([
    ['withdrawn', { status: 'active' as const }, 'prescription_closed'],
    ['completed', { status: 'paused' as const }, 'prescription_closed'],
    ['completed', { weeks: 10 }, 'prescription_closed'],
  ])('a %s prescription refuses %j with 409', (status, change, code) => {
    const closed = { ...make('2026-03-02'), status } as PrescriptionRecord;
    expect(changeRefusal(closed, change)?.code).toBe(code);
    // Applying a refused change is a caller's bug, never a silent change.
    expect(() => applyChange(closed, change, '2026-03-05', now)).toThrow(code);
  });

  it.each([
    ['active', { status: 'active' as const }, undefined],
    ['active', { status: 'paused' as const }, undefined],
    ['paused', { status: 'active' as const }, undefined],
  ])('an %s prescription allows %j', (status, change, refusal) => {
    expect(changeRefusal({ status } as PrescriptionRecord, change)).toBe(refusal);
  });
});

describe('weeks and days', () => {
  it('counts London calendar days across a clock change', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-03-30', '2026-03-28')).toBe(-2);
  });
  it('weekOf and weeksRemaining', () => {
    const p = make('2026-03-02'); // ends 2026-05-24
    expect(weekOf(p, '2026-03-01')).toBeUndefined();
    expect(weekOf(p, '2026-03-02')).toBe(1);
    expect(weekOf(p, '2026-03-09')).toBe(2);
    expect(weekOf(p, '2026-05-24')).toBe(12);
    expect(weekOf(p, '2026-05-25')).toBeUndefined();
    expect(weeksRemaining(p, '2026-03-02')).toBe(11);
    expect(weeksRemaining(p, '2026-05-18')).toBe(0);
    expect(weeksRemaining(p, '2026-06-30')).toBe(0);
  });
  it('after a pause, the week and the weeks left still add up to the prescription', () => {
    // Paused for 14 days from 2026-03-16 (in week 3) and resumed 2026-03-30: it ends two weeks later.
    const resumed = { ...make('2026-03-02'), pausedDays: 14, endDate: '2026-06-07' };
    expect(weekOf(resumed, '2026-03-30')).toBe(3);
    expect(weeksRemaining(resumed, '2026-03-30')).toBe(9);
    for (const day of ['2026-03-30', '2026-04-20', '2026-06-01', '2026-06-07']) {
      expect(weekOf(resumed, day)! + weeksRemaining(resumed, day), day).toBe(12);
    }
  });
});

describe('a withdrawal’s reason', () => {
  it('is recorded with the withdrawal, from active or paused', () => {
    expect(applyChange(make('2026-03-02'), { status: 'withdrawn', reason: 'unwell' }, '2026-03-10', now).withdrawalReason).toBe('unwell');
    const paused = applyChange(make('2026-03-02'), { status: 'paused' }, '2026-03-05', now);
    expect(applyChange(paused, { status: 'withdrawn', reason: 'moved_away' }, '2026-03-10', now)).toMatchObject({ status: 'withdrawn', withdrawalReason: 'moved_away', pausedDays: 5 });
  });

  it('is absent from a withdrawal without one, and never recorded by another change', () => {
    expect(applyChange(make('2026-03-02'), { status: 'withdrawn' }, '2026-03-10', now)).not.toHaveProperty('withdrawalReason');
    expect(applyChange(make('2026-03-02'), { status: 'paused', reason: 'unwell' }, '2026-03-10', now)).not.toHaveProperty('withdrawalReason');
    expect(applyChange(make('2026-03-02'), { status: 'completed', reason: 'unwell' }, '2026-03-10', now)).not.toHaveProperty('withdrawalReason');
  });
});

describe('ChangePrescriptionBody: reason', () => {
  const issuesOf = (body: unknown) => {
    const parsed = ChangePrescriptionBody.safeParse(body);
    return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
  };

  it('takes every withdrawal reason with status withdrawn, and none is required', () => {
    for (const reason of WITHDRAWAL_REASONS) expect(issuesOf({ status: 'withdrawn', reason }), reason).toEqual([]);
    expect(issuesOf({ status: 'withdrawn' })).toEqual([]);
  });

  it('reuses the referral’s reasons and adds the prescription’s own; `completed` is a status, not a reason', () => {
    expect(WITHDRAWAL_REASONS).toEqual(expect.arrayContaining([...DECLINE_REASONS, 'unwell', 'activity_unsuitable', 'activity_unavailable']));
    expect(WITHDRAWAL_REASONS).not.toContain('completed');
    // Yet every referral end reason can be recorded on the prescription its close withdraws.
    expect(RECORDED_WITHDRAWAL_REASONS).toEqual(expect.arrayContaining([...CLOSE_REASONS]));
  });

  it.each([
    [{ status: 'paused', reason: 'unwell' }],
    [{ status: 'active', reason: 'unwell' }],
    [{ status: 'completed', reason: 'other' }],
    [{ weeks: 8, reason: 'unwell' }],
    [{ status: 'withdrawn', reason: 'bored' }],
    [{ status: 'withdrawn', reason: 'completed' }],
    [{ status: 'withdrawn', reason: '' }],
  ])('%j is refused on reason', (body) => {
    expect(issuesOf(body)).toContain('reason');
  });
});
