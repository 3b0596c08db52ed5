import { describe, expect, it } from 'vitest';
import { directionOf, followUpsInPeriodCounts, prescriptionsByStatus, referralsBySource, reportQuery, validateReportQuery, wellbeingRows } from '../../../web/console/lib/reports';
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
