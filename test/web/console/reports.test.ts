import { describe, expect, it } from 'vitest';
import {
  directionOf,
  endReasonRows,
  followUpsInPeriodCounts,
  prescriptionsByStatus,
  referralOutcomeRows,
  referralsBySource,
  reportQuery,
  takeUpRows,
  validateReportQuery,
  waitingTimeRows,
  wellbeingRows,
} from '../../../web/console/lib/reports';
import type { MeasureChange, ProgrammeReport } from '../../../web/console/lib/types';

const change = (meanChange: number | null, n = 3): MeasureChange => ({
  n,
  baselineMean: meanChange === null ? null : 5,
  followUpMean: meanChange === null ? null : 5 + meanChange,
  meanChange,
  ci95: null,
});

describe('report settings', () => {
  it('defaults to the last 12 weeks, grouped by week', () => {
    expect(reportQuery({}, '2026-11-23')).toEqual({ from: '2026-09-01', to: '2026-11-23', groupBy: 'week' });
  });

  it('takes valid settings from the address and ignores bad ones', () => {
    expect(reportQuery({ from: '2026-01-01', to: '2026-06-30', groupBy: 'category' }, '2026-11-23')).toEqual({
      from: '2026-01-01',
      to: '2026-06-30',
      groupBy: 'category',
    });
    expect(reportQuery({ from: '2026-02-30', groupBy: 'colour' }, '2026-11-23')).toEqual({ from: '2026-09-01', to: '2026-11-23', groupBy: 'week' });
  });

  it('checks the period as the API does', () => {
    expect(validateReportQuery({ from: '2026-11-23', to: '2026-11-22', groupBy: 'week' }).fields.to).toMatch(/after From/);
    expect(validateReportQuery({ from: '2023-11-24', to: '2026-11-23', groupBy: 'week' }).fields.to).toMatch(/3 years/);
    expect(validateReportQuery({ from: '', to: '2026-11-23', groupBy: 'week' }).fields.from).toBeDefined();
    expect(validateReportQuery({ from: '2026-11-23', to: '2026-11-23', groupBy: 'week' }).fields).toEqual({});
  });
});

describe('programme report tables', () => {
  it('counts referrals by each source and prescriptions by status', () => {
    const report = {
      referrals: { total: 13, bySource: { gp: 6, nurse: 2, pharmacist: 2, social_care: 1, self: 1, other: 1 } },
      prescriptions: { started: 10, active: 5, paused: 1, withdrawn: 1, completed: 3 },
    } as ProgrammeReport;
    expect(referralsBySource(report)).toEqual([
      { label: 'GP', count: 6 },
      { label: 'Practice nurse', count: 2 },
      { label: 'Pharmacist', count: 2 },
      { label: 'Social care', count: 1 },
      { label: 'Self-referral', count: 1 },
      { label: 'Other', count: 1 },
    ]);
    expect(prescriptionsByStatus(report).map((r) => r.count)).toEqual([10, 5, 1, 3, 1]);
  });

  it('treats a fall in anxiety as an improvement', () => {
    expect(directionOf(change(-2), true)).toBe('improved');
    expect(directionOf(change(2), true)).toBe('worsened');
    expect(directionOf(change(2), false)).toBe('improved');
    expect(directionOf(change(0), false)).toBe('no change');
    expect(directionOf(change(null, 0), false)).toBe('not enough data');
    const rows = wellbeingRows({
      pairs: 3,
      satisfied: change(2.33),
      worthwhile: change(2),
      happy: change(-1),
      anxious: change(-2),
      swemwbsMetric: change(3.4),
    });
    expect(rows.map((r) => [r.key, r.direction])).toEqual([
      ['satisfied', 'improved'],
      ['worthwhile', 'improved'],
      ['happy', 'worsened'],
      ['anxious', 'improved'],
      ['swemwbsMetric', 'improved'],
    ]);
    expect(rows[3]?.label).toMatch(/lower is better/);
  });
});

describe('follow-ups in the period', () => {
  it('labels each count by the follow-ups’ own dates', () => {
    const report = {
      followUpsInPeriod: { completed: 1, completedOnTime: 1, fellDue: 3, fellDueCompleted: 1, dueNow: 2, overdueNow: 0 },
    } as ProgrammeReport;
    expect(followUpsInPeriodCounts(report)).toEqual([
      { label: 'Completed in the period', count: 1 },
      { label: 'Completed in the period, on time', count: 1 },
      { label: 'Fell due in the period', count: 3 },
      { label: 'Fell due in the period, completed since', count: 1 },
      { label: 'Due now', count: 2 },
      { label: 'Overdue now (more than 14 days)', count: 0 },
    ]);
  });
});

describe('programme report: referral outcomes, waiting times and take-up', () => {
  const zeroReasons = { not_interested: 0, unable_to_contact: 0, did_not_attend: 0, already_supported: 0, mis_referred: 0, moved_away: 0, consent_withdrawn: 0, deceased: 0, other: 0 };
  const report = {
    referralOutcomes: {
      byStatus: { received: 1, accepted: 2, prescribed: 3, declined: 4, closed: 5 },
      declinedByReason: { ...zeroReasons, not_interested: 3, moved_away: 1 },
      closedByReason: { ...zeroReasons, completed: 5 },
    },
    waitingTimes: {
      toFirstContact: { n: 4, medianDays: 1, p90Days: 10 },
      toPrescriptionStart: { n: 3, medianDays: 12, p90Days: 21 },
      toFirstAttendance: { n: 0, medianDays: null, p90Days: null },
    },
    takeUp: { referralsWithPrescription: { n: 8, of: 15, share: 0.533 }, prescriptionsWithAttendance: { n: 2, of: 3, share: 0.667 } },
    followUpCompletion: { fallenDue: 3, completed: { n: 2, of: 3, share: 0.667 }, completedOnTime: { n: 1, of: 3, share: 0.333 } },
  } as unknown as ProgrammeReport;

  it('referrals by status, and by reason only for the reasons someone had', () => {
    expect(referralOutcomeRows(report).map((r) => r.count)).toEqual([1, 2, 3, 4, 5]);
    expect(endReasonRows(report, 'declined')).toEqual([
      { label: 'Not interested', count: 3 },
      { label: 'Moved away', count: 1 },
    ]);
    expect(endReasonRows(report, 'closed')).toEqual([{ label: 'Completed', count: 5 }]);
  });

  it('waiting times in days, a dash when no one reached the step', () => {
    expect(waitingTimeRows(report)).toEqual([
      { label: 'To first contact', n: 4, median: '1 day', p90: '10 days' },
      { label: 'To prescription start', n: 3, median: '12 days', p90: '21 days' },
      { label: 'To first attended session', n: 0, median: '–', p90: '–' },
    ]);
  });

  it('take-up and follow-up completion as n of m', () => {
    expect(takeUpRows(report).map((r) => [r.n, r.of, r.share])).toEqual([
      [8, 15, 0.533],
      [2, 3, 0.667],
      [2, 3, 0.667],
      [1, 3, 0.333],
    ]);
  });
});
