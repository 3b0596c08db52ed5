import { describe, expect, it } from 'vitest';
import { COHORTS, daysBetween, nearestRank, programmeReport, type CohortPrescription, type ReferralJourney } from '#shared/reports/programme';
import { episodePrescription, referralOfPrescription } from '#shared/reports/rules';

/**
 * The programme report's referral outcomes, waiting times, take-up and follow-up completion, over
 * small hand-made data. Every expected number is worked out by hand beside it.
 */

const NOW = new Date('2027-06-01T12:00:00.000Z');
const data = (referrals: ReferralJourney[], prescriptions: CohortPrescription[] = []) => ({ from: '2027-01-01', to: '2027-03-31', now: NOW, referrals, prescriptions });

let sequence = 0;
function rx(overrides: Partial<CohortPrescription> = {}): CohortPrescription {
  sequence += 1;
  return { prescriptionId: `rx-${sequence}`, patientId: `p-${sequence}`, status: 'active', startDate: '2027-01-10', categories: [], sessionsAttended: 0, ...overrides };
}

describe('nearestRank', () => {
  it('is the ⌈p·n⌉-th smallest value', () => {
    expect(nearestRank([], 50)).toBeNull();
    expect(nearestRank([9], 50)).toBe(9);
    expect(nearestRank([9], 90)).toBe(9);
    // [4, 2] sorted [2, 4]: median rank ⌈1⌉ = 1 → 2; p90 rank ⌈1.8⌉ = 2 → 4.
    expect(nearestRank([4, 2], 50)).toBe(2);
    expect(nearestRank([4, 2], 90)).toBe(4);
    // [7, 1, 3] sorted [1, 3, 7]: median rank ⌈1.5⌉ = 2 → 3; p90 rank ⌈2.7⌉ = 3 → 7.
    expect(nearestRank([7, 1, 3], 50)).toBe(3);
    expect(nearestRank([7, 1, 3], 90)).toBe(7);
    // Ten values: median rank 5 → 5; p90 rank 9 → 34 (not 55, and not interpolated).
    const ten = [55, 0, 34, 1, 21, 2, 13, 3, 8, 5];
    expect(nearestRank(ten, 50)).toBe(5);
    expect(nearestRank(ten, 90)).toBe(34);
    // Eleven values: p90 rank ⌈9.9⌉ = 10 → 55.
    expect(nearestRank([...ten, 89], 90)).toBe(55);
  });
});

describe('daysBetween: whole days between London dates', () => {
  it('counts London calendar days, not 24-hour spans or UTC dates', () => {
    // 23:30Z on 1 June is 00:30 BST on 2 June: a call at 09:00 BST the same morning is day 0.
    expect(daysBetween('2027-06-01T23:30:00Z', '2027-06-02T08:00:00Z')).toBe(0);
    // In winter London is UTC: 23:30Z on 4 Jan to 00:30Z on 5 Jan crosses midnight, one day.
    expect(daysBetween('2027-01-04T23:30:00Z', '2027-01-05T00:30:00Z')).toBe(1);
    // To a London date: received Mon 4 Jan, started Mon 11 Jan → 7.
    expect(daysBetween('2027-01-04T09:00:00Z', '2027-01-11')).toBe(7);
    // Across the clocks going forward (28 Mar 2027): 27 Mar → 29 Mar is 2 days.
    expect(daysBetween('2027-03-27T12:00:00Z', '2027-03-29T12:00:00Z')).toBe(2);
    // A prescription dated back before the referral arrived: 0, never negative.
    expect(daysBetween('2027-01-10T09:00:00Z', '2027-01-08')).toBe(0);
  });
});

/**
 * Six referrals received in January 2027 (London is on GMT):
 *   R1 Mon 4 Jan 09:00  contact Tue 5 Jan (1)  prescription starts 11 Jan (7)  first attended 13 Jan (9)   prescribed
 *   R2 Mon 4 Jan 16:00  contact Mon 4 Jan (0)  starts 25 Jan (21)              first attended 1 Feb (28)   closed: completed
 *   R3 Wed 6 Jan 09:00  contact Sat 9 Jan (3)  starts 18 Jan (12)              not attended yet            prescribed
 *   R4 Wed 6 Jan 09:00  contact Sat 16 Jan (10) no prescription                                            declined: not_interested
 *   R5 Thu 7 Jan        never reached                                                                      declined: unable_to_contact
 *   R6 Fri 8 Jan        not yet contacted                                                                  received
 */
const JOURNEYS: ReferralJourney[] = [
  { source: 'gp', status: 'prescribed', receivedAt: '2027-01-04T09:00:00Z', firstContactAt: '2027-01-05T10:00:00Z', prescriptionStart: '2027-01-11', firstAttendedOn: '2027-01-13' },
  { source: 'gp', status: 'closed', endReason: 'completed', receivedAt: '2027-01-04T16:00:00Z', firstContactAt: '2027-01-04T17:00:00Z', prescriptionStart: '2027-01-25', firstAttendedOn: '2027-02-01' },
  { source: 'self', status: 'prescribed', receivedAt: '2027-01-06T09:00:00Z', firstContactAt: '2027-01-09T09:00:00Z', prescriptionStart: '2027-01-18' },
  { source: 'nurse', status: 'declined', endReason: 'not_interested', receivedAt: '2027-01-06T09:00:00Z', firstContactAt: '2027-01-16T09:00:00Z' },
  { source: 'gp', status: 'declined', endReason: 'unable_to_contact', receivedAt: '2027-01-07T09:00:00Z' },
  { source: 'other', status: 'received', receivedAt: '2027-01-08T09:00:00Z' },
];

describe('programmeReport — referral outcomes', () => {
  it('counts referrals by status now, declined and closed ones by reason', () => {
    const { referralOutcomes } = programmeReport(data(JOURNEYS));
    // R6 received; R1, R3 prescribed; R4, R5 declined; R2 closed.
    expect(referralOutcomes.byStatus).toEqual({ received: 1, accepted: 0, prescribed: 2, declined: 2, closed: 1 });
    expect(referralOutcomes.declinedByReason).toMatchObject({ not_interested: 1, unable_to_contact: 1, moved_away: 0, other: 0 });
    expect(Object.values(referralOutcomes.declinedByReason).reduce((a, b) => a + b)).toBe(2);
    expect(referralOutcomes.declinedByReason).not.toHaveProperty('completed');
    expect(referralOutcomes.closedByReason).toMatchObject({ completed: 1, not_interested: 0 });
    expect(Object.values(referralOutcomes.closedByReason).reduce((a, b) => a + b)).toBe(1);
  });
});

describe('programmeReport — waiting times', () => {
  it('median and 90th percentile by nearest rank, over the referrals that reached each step', () => {
    const { waitingTimes } = programmeReport(data(JOURNEYS));
    // To first contact: R1 1, R2 0, R3 3, R4 10 → [0, 1, 3, 10]; median rank 2 → 1; p90 rank ⌈3.6⌉ = 4 → 10.
    expect(waitingTimes.toFirstContact).toEqual({ n: 4, medianDays: 1, p90Days: 10 });
    // To prescription start: R1 7, R2 21, R3 12 → [7, 12, 21]; median rank 2 → 12; p90 rank 3 → 21.
    expect(waitingTimes.toPrescriptionStart).toEqual({ n: 3, medianDays: 12, p90Days: 21 });
    // To first attended session: R1 9, R2 28 → [9, 28]; median rank 1 → 9; p90 rank 2 → 28.
    expect(waitingTimes.toFirstAttendance).toEqual({ n: 2, medianDays: 9, p90Days: 28 });
  });
});

describe('programmeReport — take-up and follow-up completion', () => {
  it('shares of referrals with a prescription and of prescriptions with an attended session', () => {
    const prescriptions = [rx({ sessionsAttended: 0 }), rx({ sessionsAttended: 2 }), rx({ sessionsAttended: 5 })];
    const { takeUp } = programmeReport(data(JOURNEYS, prescriptions));
    // R1, R2 (closed after a prescription), R3 of 6 referrals → 3/6 = 0.5.
    expect(takeUp.referralsWithPrescription).toEqual({ n: 3, of: 6, share: 0.5 });
    // 2 of 3 prescriptions had a session → 0.6667 → 0.667.
    expect(takeUp.prescriptionsWithAttendance).toEqual({ n: 2, of: 3, share: 0.667 });
  });

  it('completion over the cohort’s follow-ups that have fallen due (completed or due now)', () => {
    const due = '2027-04-05T08:00:00.000Z';
    const prescriptions = [
      rx({ followUp: { status: 'completed', dueAt: due, completedAt: '2027-04-10T10:00:00.000Z' } }), // 5 days after due: on time
      rx({ followUp: { status: 'completed', dueAt: due, completedAt: '2027-04-25T10:00:00.000Z' } }), // 20 days after: late
      rx({ followUp: { status: 'due', dueAt: due } }),
      rx({ followUp: { status: 'scheduled', dueAt: '2027-07-01T08:00:00.000Z' } }), // not fallen due
      rx({ followUp: { status: 'cancelled', dueAt: due } }), // withdrawn: never fell due
      rx(), // no follow-up
    ];
    const { followUpCompletion } = programmeReport(data([], prescriptions));
    // Fallen due: 2 completed + 1 due = 3. Completed 2/3 = 0.667; on time 1/3 = 0.333.
    expect(followUpCompletion).toEqual({ fallenDue: 3, completed: { n: 2, of: 3, share: 0.667 }, completedOnTime: { n: 1, of: 3, share: 0.333 } });
  });

  it('labels each new figure with the records it counts', () => {
    const report = programmeReport(data([]));
    expect(report.cohorts).toBe(COHORTS);
    expect(COHORTS.referralOutcomes).toMatch(/^Referrals received in the period/);
    expect(COHORTS.waitingTimes).toMatch(/^Referrals received in the period/);
    expect(COHORTS.takeUp).toMatch(/prescriptions started in the period/);
    expect(COHORTS.followUpCompletion).toMatch(/^Prescriptions started in the period/);
  });
});

describe('which prescription and referral belong together', () => {
  const prescriptions = [
    { prescriptionId: 'rx-b', createdAt: '2027-02-01T10:00:00Z', startDate: '2027-02-08' },
    { prescriptionId: 'rx-a', createdAt: '2026-10-01T10:00:00Z', startDate: '2026-10-05', firstAttendedOn: '2026-10-06' },
    { prescriptionId: 'rx-c', createdAt: '2027-03-01T10:00:00Z', startDate: '2027-03-01' },
  ];
  it('a referral’s first prescription is the earliest written from its arrival to its end', () => {
    // An earlier episode (Sep–Nov 2026) owns rx-a; the current one (from Jan 2027, open) rx-b then rx-c.
    expect(episodePrescription({ createdAt: '2026-09-20T09:00:00Z', endedAt: '2026-12-01T09:00:00Z' }, prescriptions)?.prescriptionId).toBe('rx-a');
    expect(episodePrescription({ createdAt: '2027-01-10T09:00:00Z' }, prescriptions)?.prescriptionId).toBe('rx-b');
    // Ended before any prescription was written in it: none.
    expect(episodePrescription({ createdAt: '2026-12-05T09:00:00Z', endedAt: '2026-12-20T09:00:00Z' }, prescriptions)).toBeUndefined();
  });

  it('a prescription’s referral is the latest received at or before it was written', () => {
    const referrals = [
      { referralId: 'r-1', createdAt: '2026-09-20T09:00:00Z', status: 'closed' },
      { referralId: 'r-2', createdAt: '2027-01-10T09:00:00Z', status: 'prescribed' },
    ];
    expect(referralOfPrescription({ createdAt: '2026-10-01T10:00:00Z' }, referrals)?.referralId).toBe('r-1');
    expect(referralOfPrescription({ createdAt: '2027-02-01T10:00:00Z' }, referrals)?.referralId).toBe('r-2');
    expect(referralOfPrescription({ createdAt: '2026-01-01T10:00:00Z' }, referrals)).toBeUndefined();
  });
});
