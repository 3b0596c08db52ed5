import { describe, expect, it } from 'vitest';
import {
  COHORTS,
  followUpsInPeriod,
  type CohortPrescription,
  type ProgrammeData,
  type WellbeingScores,
  programmeReport,
} from '#shared/reports/programme';

/**
 * Plain unit tests over small hand-made datasets. Every expected number is worked out by hand in the
 * comment beside it; t quantiles used: t(0.975,1)=12.706, t(0.975,2)=4.303, t(0.975,9)=2.262,
 * t(0.975,29)=2.045.
 */

const NOW = new Date('2027-06-01T12:00:00.000Z');

let sequence = 0;
function rx(overrides: Partial<CohortPrescription> = {}): CohortPrescription {
  sequence += 1;
  return {
    prescriptionId: `rx-${sequence}`,
    patientId: `patient-${sequence}`,
    status: 'active',
    startDate: '2027-01-10',
    categories: [],
    sessionsAttended: 0,
    ...overrides,
  };
}

function scores(satisfied: number, worthwhile: number, happy: number, anxious: number, swemwbsMetric?: number): WellbeingScores {
  const result: WellbeingScores = { ons4: { satisfied, worthwhile, happy, anxious } };
  if (swemwbsMetric !== undefined) result.swemwbsMetric = swemwbsMetric;
  return result;
}

function data(overrides: Partial<ProgrammeData> = {}): ProgrammeData {
  return { from: '2027-01-01', to: '2027-03-31', now: NOW, referrals: [], prescriptions: [], ...overrides };
}

const EMPTY_MEASURE = { n: 0, baselineMean: null, followUpMean: null, meanChange: null, ci95: null };
const EMPTY_WELLBEING = {
  pairs: 0,
  satisfied: EMPTY_MEASURE,
  worthwhile: EMPTY_MEASURE,
  happy: EMPTY_MEASURE,
  anxious: EMPTY_MEASURE,
  swemwbsMetric: EMPTY_MEASURE,
};
const EMPTY_SESSIONS = {
  prescriptions: 0,
  mean: null,
  median: null,
  attendedAtLeastOne: { n: 0, share: null },
  attendedAtLeastSix: { n: 0, share: null },
};

describe('programmeReport — empty data', () => {
  it('reports zeros and nulls without dividing by zero', () => {
    const report = programmeReport(data());
    expect(report).toEqual({
      from: '2027-01-01',
      to: '2027-03-31',
      cohorts: COHORTS,
      referrals: { total: 0, bySource: { gp: 0, nurse: 0, pharmacist: 0, social_care: 0, self: 0, other: 0 } },
      prescriptions: { started: 0, active: 0, paused: 0, withdrawn: 0, completed: 0 },
      sessions: EMPTY_SESSIONS,
      followUps: { completed: 0, onTime: 0, overdue: 0, due: 0, scheduled: 0, held: 0, cancelled: 0 },
      followUpsInPeriod: { completed: 0, completedOnTime: 0, fellDue: 0, fellDueCompleted: 0, dueNow: 0, overdueNow: 0 },
      wellbeing: EMPTY_WELLBEING,
      byCategory: ['social', 'volunteering', 'physical', 'wellbeing', 'advice'].map((category) => ({
        category,
        prescriptions: 0,
        sessions: EMPTY_SESSIONS,
        wellbeing: EMPTY_WELLBEING,
      })),
      referralOutcomes: {
        byStatus: { received: 0, accepted: 0, prescribed: 0, declined: 0, closed: 0 },
        declinedByReason: {
          not_interested: 0, unable_to_contact: 0, did_not_attend: 0, already_supported: 0, mis_referred: 0,
          moved_away: 0, consent_withdrawn: 0, deceased: 0, other: 0,
        },
        closedByReason: {
          not_interested: 0, unable_to_contact: 0, did_not_attend: 0, already_supported: 0, mis_referred: 0,
          moved_away: 0, consent_withdrawn: 0, deceased: 0, other: 0, completed: 0,
        },
      },
      waitingTimes: {
        toFirstContact: { n: 0, medianDays: null, p90Days: null },
        toPrescriptionStart: { n: 0, medianDays: null, p90Days: null },
        toFirstAttendance: { n: 0, medianDays: null, p90Days: null },
      },
      takeUp: { referralsWithPrescription: { n: 0, of: 0, share: null }, prescriptionsWithAttendance: { n: 0, of: 0, share: null } },
      followUpCompletion: { fallenDue: 0, completed: { n: 0, of: 0, share: null }, completedOnTime: { n: 0, of: 0, share: null } },
    });
    // And it is plain JSON: nothing lost in a round trip (no NaN, Infinity or undefined).
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('programmeReport — referrals and statuses', () => {
  it('counts referrals by source, listing every source with zero when none', () => {
    const referrals = (['gp', 'gp', 'gp', 'self', 'other', 'other'] as const).map((source) => ({
      source,
      status: 'received' as const,
      receivedAt: '2027-01-05T10:00:00Z',
    }));
    const report = programmeReport(data({ referrals }));
    // 3 gp + 1 self + 2 other = 6; nurse, pharmacist, social_care none.
    expect(report.referrals).toEqual({
      total: 6,
      bySource: { gp: 3, nurse: 0, pharmacist: 0, social_care: 0, self: 1, other: 2 },
    });
  });

  it('counts the cohort by current prescription status', () => {
    const prescriptions = [rx({ status: 'active' }), rx({ status: 'active' }), rx({ status: 'paused' }), rx({ status: 'completed' })];
    const report = programmeReport(data({ prescriptions }));
    // 4 started: 2 active, 1 paused, 0 withdrawn, 1 completed.
    expect(report.prescriptions).toEqual({ started: 4, active: 2, paused: 1, withdrawn: 0, completed: 1 });
  });
});

describe('programmeReport — sessions', () => {
  it('takes mean, median (even count) and shares over the cohort', () => {
    const prescriptions = [0, 3, 6, 10].map((sessionsAttended) => rx({ sessionsAttended }));
    const { sessions } = programmeReport(data({ prescriptions }));
    expect(sessions.prescriptions).toBe(4);
    expect(sessions.mean).toBe(4.75); // (0+3+6+10)/4 = 19/4 = 4.75
    expect(sessions.median).toBe(4.5); // even count: middle two 3 and 6 → (3+6)/2 = 4.5
    expect(sessions.attendedAtLeastOne).toEqual({ n: 3, share: 0.75 }); // 3, 6, 10 → 3/4
    expect(sessions.attendedAtLeastSix).toEqual({ n: 2, share: 0.5 }); // 6 and 10 (6 counts) → 2/4
  });

  it('rounds the mean to 2 places and shares to 3 places', () => {
    const prescriptions = [0, 1, 7].map((sessionsAttended) => rx({ sessionsAttended }));
    const { sessions } = programmeReport(data({ prescriptions }));
    expect(sessions.mean).toBe(2.67); // 8/3 = 2.6667 → 2.67
    expect(sessions.median).toBe(1); // odd count: middle value 1
    expect(sessions.attendedAtLeastOne).toEqual({ n: 2, share: 0.667 }); // 2/3 = 0.6667 → 0.667
    expect(sessions.attendedAtLeastSix).toEqual({ n: 1, share: 0.333 }); // 1/3 = 0.3333 → 0.333
  });
});

describe('programmeReport — follow-ups', () => {
  const dueAt = '2027-01-01T09:00:00.000Z'; // + 14 × 24h = 2027-01-15T09:00:00.000Z
  const prescriptions = [
    rx({ followUp: { status: 'completed', dueAt, completedAt: '2026-12-30T10:00:00.000Z' } }), // early → on time
    rx({ followUp: { status: 'completed', dueAt, completedAt: '2027-01-15T09:00:00.000Z' } }), // exactly 14 days → on time
    rx({ followUp: { status: 'completed', dueAt, completedAt: '2027-01-15T09:00:00.001Z' } }), // 1 ms after → late
    rx({ followUp: { status: 'due', dueAt } }), // overdue only once now > 2027-01-15T09:00:00.000Z
    rx({ followUp: { status: 'due', dueAt: '2027-01-10T09:00:00.000Z' } }), // overdue after 2027-01-24T09:00Z
    rx({ followUp: { status: 'scheduled', dueAt: '2027-04-01T09:00:00.000Z' } }),
    rx({ followUp: { status: 'held', dueAt: '2027-02-01T09:00:00.000Z' } }),
    rx({ followUp: { status: 'cancelled', dueAt: '2027-02-01T09:00:00.000Z' } }),
    rx(), // no follow-up: not counted anywhere
  ];

  it('counts completed, on time at the 14-day boundary, and each status', () => {
    const { followUps } = programmeReport(data({ prescriptions, now: new Date('2027-01-15T09:00:00.000Z') }));
    expect(followUps.completed).toBe(3);
    expect(followUps.onTime).toBe(2); // early and exactly-14-days; the one 1 ms later is not
    expect(followUps.due).toBe(2);
    expect(followUps.scheduled).toBe(1);
    expect(followUps.held).toBe(1);
    expect(followUps.cancelled).toBe(1);
  });

  it('is not overdue with now exactly 14 days after dueAt', () => {
    const { followUps } = programmeReport(data({ prescriptions, now: new Date('2027-01-15T09:00:00.000Z') }));
    expect(followUps.overdue).toBe(0); // now == dueAt + 14 days is not past it
    expect(followUps.due).toBe(2);
  });

  it('is overdue one millisecond later, and still counted as due', () => {
    const { followUps } = programmeReport(data({ prescriptions, now: new Date('2027-01-15T09:00:00.001Z') }));
    expect(followUps.overdue).toBe(1); // the first due one; the second is due until 2027-01-24
    expect(followUps.due).toBe(2); // due includes the overdue one
  });

  it('counts 14 days as 14 × 24 hours across the clock change', () => {
    // Due 2027-03-20T10:00Z (GMT); 14 × 24h later is 2027-04-03T10:00Z (11:00 BST in London).
    const acrossDst = [
      rx({ followUp: { status: 'completed', dueAt: '2027-03-20T10:00:00.000Z', completedAt: '2027-04-03T10:00:00.000Z' } }),
      rx({ followUp: { status: 'completed', dueAt: '2027-03-20T10:00:00.000Z', completedAt: '2027-04-03T10:00:00.001Z' } }),
    ];
    const { followUps } = programmeReport(data({ prescriptions: acrossDst }));
    expect(followUps.completed).toBe(2);
    expect(followUps.onTime).toBe(1);
  });
});

describe('programmeReport — wellbeing (paired)', () => {
  // Three pairs, plus one prescription with only a baseline and one with only follow-up scores (no pair).
  //           baseline (sat, wor, hap, anx, swemwbs)   follow-up                change
  // P1        3, 4, 5, 7, 18.00                        5, 5, 5, 4, 21.50         +2, +1, 0, −3, +3.50
  // P2        4, 4, 6, 6, 20.00                        8, 6, 6, 5, 24.00         +4, +2, 0, −1, +4.00
  // P3        2, 5, 4, 8, 19.00                        8, 6, 7, 3, (none)        +6, +1, +3, −5, —
  const prescriptions = [
    rx({ baseline: scores(3, 4, 5, 7, 18), followUpScores: scores(5, 5, 5, 4, 21.5) }),
    rx({ baseline: scores(4, 4, 6, 6, 20), followUpScores: scores(8, 6, 6, 5, 24) }),
    rx({ baseline: scores(2, 5, 4, 8, 19), followUpScores: scores(8, 6, 7, 3) }),
    rx({ baseline: scores(0, 0, 0, 10, 7) }),
    rx({ followUpScores: scores(10, 10, 10, 0, 35) }),
  ];
  const { wellbeing } = programmeReport(data({ prescriptions }));

  it('counts only prescriptions with both baseline and follow-up scores', () => {
    expect(wellbeing.pairs).toBe(3);
  });

  it('satisfied: changes 2, 4, 6', () => {
    // mean 4, sd = √(((−2)²+0²+2²)/2) = 2; half-width 4.303×2/√3 = 4.968 → [−0.97, 8.97]
    expect(wellbeing.satisfied).toEqual({
      n: 3,
      baselineMean: 3, // (3+4+2)/3
      followUpMean: 7, // (5+8+8)/3
      meanChange: 4,
      ci95: { low: -0.97, high: 8.97 },
    });
  });

  it('worthwhile: changes 1, 2, 1 (rounded means)', () => {
    // mean 4/3 = 1.3333 → 1.33; sd = √((1/9+4/9+1/9)/2) = √(1/3) = 0.5774;
    // half-width 4.303×0.5774/√3 = 4.303/3 = 1.4342 → [1.3333−1.4342, 1.3333+1.4342] = [−0.1009, 2.7676] → [−0.10, 2.77]
    expect(wellbeing.worthwhile).toEqual({
      n: 3,
      baselineMean: 4.33, // (4+4+5)/3 = 4.3333
      followUpMean: 5.67, // (5+6+6)/3 = 5.6667
      meanChange: 1.33,
      ci95: { low: -0.1, high: 2.77 },
    });
  });

  it('happy: changes 0, 0, 3', () => {
    // mean 1; sd = √((1+1+4)/2) = √3; half-width 4.3027×√3/√3 = 4.3027 → [−3.3027, 5.3027] → [−3.30, 5.30]
    expect(wellbeing.happy).toEqual({
      n: 3,
      baselineMean: 5, // (5+6+4)/3
      followUpMean: 6, // (5+6+7)/3
      meanChange: 1,
      ci95: { low: -3.3, high: 5.3 },
    });
  });

  it('anxious: changes −3, −1, −5 stay negative (an improvement, not flipped)', () => {
    // mean −3; sd = √((0+4+4)/2) = 2; half-width 4.968 → [−7.968, 1.968] → [−7.97, 1.97]
    expect(wellbeing.anxious).toEqual({
      n: 3,
      baselineMean: 7, // (7+6+8)/3
      followUpMean: 4, // (4+5+3)/3
      meanChange: -3,
      ci95: { low: -7.97, high: 1.97 },
    });
  });

  it('SWEMWBS counts only pairs with scores on both sides (n 2 < 3)', () => {
    // changes 3.5, 4.0 → mean 3.75; sd = √((0.25²+0.25²)/1) = 0.35355;
    // half-width 12.706×0.35355/√2 = 12.706×0.25 = 3.1766 → [0.5734, 6.9266] → [0.57, 6.93]
    expect(wellbeing.swemwbsMetric).toEqual({
      n: 2,
      baselineMean: 19, // (18+20)/2
      followUpMean: 22.75, // (21.5+24)/2
      meanChange: 3.75,
      ci95: { low: 0.57, high: 6.93 },
    });
  });

  it('n = 1 gives means but no confidence interval', () => {
    const single = [rx({ baseline: scores(4, 5, 6, 7, 20), followUpScores: scores(6, 5, 8, 5, 23.25) })];
    const report = programmeReport(data({ prescriptions: single }));
    expect(report.wellbeing.pairs).toBe(1);
    expect(report.wellbeing.satisfied).toEqual({ n: 1, baselineMean: 4, followUpMean: 6, meanChange: 2, ci95: null });
    expect(report.wellbeing.anxious).toEqual({ n: 1, baselineMean: 7, followUpMean: 5, meanChange: -2, ci95: null });
    // 23.25 − 20 = 3.25
    expect(report.wellbeing.swemwbsMetric).toEqual({ n: 1, baselineMean: 20, followUpMean: 23.25, meanChange: 3.25, ci95: null });
  });

  it('uses t(0.975, 9) ≈ 2.262 for 10 pairs', () => {
    // happy changes: five of +1 and five of +3 → mean 2; deviations ±1, sum of squares 10, variance 10/9,
    // sd 1.05409; half-width 2.262×1.05409/√10 = 2.262×0.33333 = 0.75405 → [1.2459, 2.7541] → [1.25, 2.75]
    // (z = 1.96 would give [1.35, 2.65]; the population sd would give [1.28, 2.72].)
    const ten = [1, 1, 1, 1, 1, 3, 3, 3, 3, 3].map((change) =>
      rx({ baseline: scores(5, 5, 5, 5), followUpScores: scores(5, 5, 5 + change, 5) }),
    );
    const report = programmeReport(data({ prescriptions: ten }));
    expect(report.wellbeing.happy).toEqual({
      n: 10,
      baselineMean: 5,
      followUpMean: 7, // 5 + 2
      meanChange: 2,
      ci95: { low: 1.25, high: 2.75 },
    });
    // No change at all: sd 0 → the interval collapses onto 0 (and is not −0).
    expect(report.wellbeing.satisfied.ci95).toEqual({ low: 0, high: 0 });
    expect(Object.is(report.wellbeing.satisfied.ci95?.low, 0)).toBe(true);
    // No SWEMWBS on either side → n 0.
    expect(report.wellbeing.swemwbsMetric).toEqual(EMPTY_MEASURE);
  });

  it('uses t(0.975, 29) ≈ 2.045 for 30 pairs', () => {
    // worthwhile changes: fifteen of 0 and fifteen of +2 → mean 1; sum of squares 30, variance 30/29,
    // sd 1.01710; half-width 2.0452×1.01710/√30 = 2.0452×0.18570 = 0.37979 → [0.6202, 1.3798] → [0.62, 1.38]
    // (z = 1.96 would give [0.64, 1.36]; the population sd would give [0.63, 1.37].)
    const thirty = Array.from({ length: 30 }, (_, index) =>
      rx({ baseline: scores(5, 4, 5, 5), followUpScores: scores(5, index < 15 ? 4 : 6, 5, 5) }),
    );
    const report = programmeReport(data({ prescriptions: thirty }));
    expect(report.wellbeing.worthwhile).toEqual({
      n: 30,
      baselineMean: 4,
      followUpMean: 5, // (15×4 + 15×6)/30
      meanChange: 1,
      ci95: { low: 0.62, high: 1.38 },
    });
  });

  it('rounds halves away from zero, only at the end', () => {
    // SWEMWBS changes +1.25 and 0 → mean 0.625 → 0.63; −1.25 and 0 → −0.625 → −0.63 (symmetric).
    const up = [
      rx({ baseline: scores(5, 5, 5, 5, 20), followUpScores: scores(5, 5, 5, 5, 21.25) }),
      rx({ baseline: scores(5, 5, 5, 5, 20), followUpScores: scores(5, 5, 5, 5, 20) }),
    ];
    expect(programmeReport(data({ prescriptions: up })).wellbeing.swemwbsMetric.meanChange).toBe(0.63);
    const down = [
      rx({ baseline: scores(5, 5, 5, 5, 20), followUpScores: scores(5, 5, 5, 5, 18.75) }),
      rx({ baseline: scores(5, 5, 5, 5, 20), followUpScores: scores(5, 5, 5, 5, 20) }),
    ];
    const downReport = programmeReport(data({ prescriptions: down })).wellbeing.swemwbsMetric;
    expect(downReport.meanChange).toBe(-0.63);
    expect(downReport.followUpMean).toBe(19.38); // (18.75+20)/2 = 19.375 → 19.38
    // Changes 1.00 and 1.01 (8.01 − 7.00) → mean 1.005 → 1.01, even though 1.005 is held in binary as 1.00499…
    const noisy = [
      rx({ baseline: scores(5, 5, 5, 5, 7), followUpScores: scores(5, 5, 5, 5, 8) }),
      rx({ baseline: scores(5, 5, 5, 5, 7), followUpScores: scores(5, 5, 5, 5, 8.01) }),
    ];
    const noisyReport = programmeReport(data({ prescriptions: noisy })).wellbeing.swemwbsMetric;
    expect(noisyReport.meanChange).toBe(1.01);
    expect(noisyReport.followUpMean).toBe(8.01); // (8+8.01)/2 = 8.005 → 8.01
  });
});

describe('programmeReport — by category', () => {
  //      categories              sessions  pair (satisfied change)
  // A    social, physical        4         3 → 5  (+2)
  // B    social                  8         3 → 7  (+4)
  // C    advice                  0         —
  // D    (none)                  2         —
  // E    physical, wellbeing     6         —
  const prescriptions = [
    rx({ categories: ['social', 'physical'], sessionsAttended: 4, baseline: scores(3, 5, 5, 5), followUpScores: scores(5, 5, 5, 5) }),
    rx({ categories: ['social'], sessionsAttended: 8, baseline: scores(3, 5, 5, 5), followUpScores: scores(7, 5, 5, 5) }),
    rx({ categories: ['advice'], sessionsAttended: 0 }),
    rx({ categories: [], sessionsAttended: 2 }),
    rx({ categories: ['physical', 'wellbeing'], sessionsAttended: 6 }),
  ];
  const report = programmeReport(data({ prescriptions }));

  it('lists every category in order, counting a prescription in each of its categories', () => {
    expect(report.byCategory.map((entry) => [entry.category, entry.prescriptions])).toEqual([
      ['social', 2], // A, B
      ['volunteering', 0],
      ['physical', 2], // A, E
      ['wellbeing', 1], // E
      ['advice', 1], // C
    ]);
    // 2+0+2+1+1 = 6 category places for a cohort of 5 (A and E twice, D in none).
    expect(report.prescriptions.started).toBe(5);
  });

  it('computes sessions per category, and overall', () => {
    // overall: 4, 8, 0, 2, 6 → mean 20/5 = 4; sorted 0,2,4,6,8 → median 4; ≥1: 4/5 = 0.8; ≥6: 2/5 = 0.4
    expect(report.sessions).toEqual({
      prescriptions: 5,
      mean: 4,
      median: 4,
      attendedAtLeastOne: { n: 4, share: 0.8 },
      attendedAtLeastSix: { n: 2, share: 0.4 },
    });
    const [social, volunteering, physical, wellbeing, advice] = report.byCategory;
    // social: 4, 8 → mean 6, median (4+8)/2 = 6; ≥1 2/2 = 1; ≥6 1/2 = 0.5
    expect(social?.sessions).toEqual({
      prescriptions: 2,
      mean: 6,
      median: 6,
      attendedAtLeastOne: { n: 2, share: 1 },
      attendedAtLeastSix: { n: 1, share: 0.5 },
    });
    expect(volunteering?.sessions).toEqual(EMPTY_SESSIONS);
    // physical: 4, 6 → mean 5, median 5; ≥1 2/2 = 1; ≥6 1/2 = 0.5
    expect(physical?.sessions).toEqual({
      prescriptions: 2,
      mean: 5,
      median: 5,
      attendedAtLeastOne: { n: 2, share: 1 },
      attendedAtLeastSix: { n: 1, share: 0.5 },
    });
    // wellbeing: 6 → 1/1 and 1/1
    expect(wellbeing?.sessions).toEqual({
      prescriptions: 1,
      mean: 6,
      median: 6,
      attendedAtLeastOne: { n: 1, share: 1 },
      attendedAtLeastSix: { n: 1, share: 1 },
    });
    // advice: 0 → 0/1 and 0/1
    expect(advice?.sessions).toEqual({
      prescriptions: 1,
      mean: 0,
      median: 0,
      attendedAtLeastOne: { n: 0, share: 0 },
      attendedAtLeastSix: { n: 0, share: 0 },
    });
  });

  it('computes paired wellbeing per category', () => {
    const [social, volunteering, physical, wellbeing, advice] = report.byCategory;
    // social: changes +2, +4 → mean 3; sd = √((1+1)/1) = 1.4142; half-width 12.706×1.4142/√2 = 12.706
    // → [3 − 12.706, 3 + 12.706] = [−9.706, 15.706] → [−9.71, 15.71]
    expect(social?.wellbeing.pairs).toBe(2);
    expect(social?.wellbeing.satisfied).toEqual({
      n: 2,
      baselineMean: 3,
      followUpMean: 6, // (5+7)/2
      meanChange: 3,
      ci95: { low: -9.71, high: 15.71 },
    });
    // physical: only A is paired → n 1, no interval
    expect(physical?.wellbeing.pairs).toBe(1);
    expect(physical?.wellbeing.satisfied).toEqual({ n: 1, baselineMean: 3, followUpMean: 5, meanChange: 2, ci95: null });
    expect(volunteering?.wellbeing).toEqual(EMPTY_WELLBEING);
    expect(wellbeing?.wellbeing).toEqual(EMPTY_WELLBEING);
    expect(advice?.wellbeing).toEqual(EMPTY_WELLBEING);
    // overall: the same two pairs (only A and B are paired)
    expect(report.wellbeing.satisfied.ci95).toEqual({ low: -9.71, high: 15.71 });
  });
});

describe('followUpsInPeriod — by the follow-ups’ own dates, not the cohort', () => {
  // Period 1..31 Mar 2027 (London; BST from 28 Mar), now 10 Apr 2027 12:00Z.
  const now = new Date('2027-04-10T12:00:00.000Z');
  const followUps = [
    // A: due 1 Feb, completed 2 Mar (29 days late): completed in the period, not on time; fell due before it.
    { status: 'completed' as const, dueAt: '2027-02-01T09:00:00.000Z', completedAt: '2027-03-02T10:00:00.000Z' },
    // B: due 10 Mar, completed 12 Mar: completed on time; fell due in the period and completed.
    { status: 'completed' as const, dueAt: '2027-03-10T09:00:00.000Z', completedAt: '2027-03-12T10:00:00.000Z' },
    // C: due 15 Mar, still due: fell due in the period; due now; 26 days past → overdue.
    { status: 'due' as const, dueAt: '2027-03-15T09:00:00.000Z' },
    // D: due 5 Apr, still due: after the period; due now; 5 days → not overdue.
    { status: 'due' as const, dueAt: '2027-04-05T08:00:00.000Z' },
    // E: completed 31 Mar 23:30 UTC = 1 Apr 00:30 BST: a London day after the period, not counted.
    { status: 'completed' as const, dueAt: '2027-03-31T08:00:00.000Z', completedAt: '2027-03-31T23:30:00.000Z' },
  ];
  it('counts completed by completion day, fell due by due day, due and overdue now', () => {
    // completed: A, B = 2 (on time: B = 1); fell due: B, C, E = 3 (completed since: B, E = 2); due now C, D = 2; overdue C = 1.
    expect(followUpsInPeriod(followUps, '2027-03-01', '2027-03-31', now)).toEqual({
      completed: 2,
      completedOnTime: 1,
      fellDue: 3,
      fellDueCompleted: 2,
      dueNow: 2,
      overdueNow: 1,
    });
  });
  it('reaches the report unchanged, beside the cohort figures', () => {
    expect(programmeReport(data({ from: '2027-03-01', to: '2027-03-31', now, followUps })).followUpsInPeriod.completed).toBe(2);
  });
});
