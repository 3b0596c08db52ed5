import { defaultReportRange, isCalendarDate, daysBetween } from './dates';
import { REFERRAL_SOURCES } from './format';
import type { FieldMap, FormProblems } from './issues';
import { CLOSE_REASONS, DECLINE_REASONS, endReasonLabel } from './lifecycle';
import type { AttendanceReport, MeasureChange, ProgrammeReport, WellbeingChange } from './types';

export type GroupBy = AttendanceReport['groupBy'];

export const GROUP_BY: readonly { value: GroupBy; label: string }[] = [
  { value: 'week', label: 'Week' },
  { value: 'provider', label: 'Provider' },
  { value: 'category', label: 'Category' },
  { value: 'activity', label: 'Activity' },
];

export const groupByLabel = (groupBy: GroupBy) => GROUP_BY.find((g) => g.value === groupBy)?.label ?? 'Group';

export interface ReportQuery {
  from: string;
  to: string;
  groupBy: GroupBy;
}

/** The report settings from the page's address, falling back to the last 12 weeks by week. */
export function reportQuery(query: Record<string, string | undefined>, today: string): ReportQuery {
  const range = defaultReportRange(today);
  const groupBy = GROUP_BY.some((g) => g.value === query.groupBy) ? (query.groupBy as GroupBy) : 'week';
  return {
    from: query.from && isCalendarDate(query.from) ? query.from : range.from,
    to: query.to && isCalendarDate(query.to) ? query.to : range.to,
    groupBy,
  };
}

export const REPORT_FIELDS: FieldMap = {
  from: { id: 'from', label: 'From' },
  to: { id: 'to', label: 'To' },
  groupBy: { id: 'groupBy', label: 'Group by' },
};

/** The API allows at most 3 years (less a day) between from and to. */
export function validateReportQuery(query: ReportQuery): FormProblems {
  const fields: Record<string, string> = {};
  if (!isCalendarDate(query.from)) fields.from = 'Enter a real date for From';
  if (!isCalendarDate(query.to)) fields.to = 'Enter a real date for To';
  if (!fields.from && !fields.to) {
    if (query.to < query.from) fields.to = 'To must be the same as or after From';
    else if (daysBetween(query.from, query.to) >= 3 * 365) fields.to = 'The period must be shorter than 3 years';
  }
  return { fields, general: [] };
}

export interface CountRow {
  label: string;
  count: number;
}

export function referralsBySource(report: ProgrammeReport): CountRow[] {
  return REFERRAL_SOURCES.map((source) => ({ label: source.label, count: report.referrals.bySource[source.value] }));
}

export function prescriptionsByStatus(report: ProgrammeReport): CountRow[] {
  const p = report.prescriptions;
  return [
    { label: 'Started in the period', count: p.started },
    { label: 'Active', count: p.active },
    { label: 'Paused', count: p.paused },
    { label: 'Completed', count: p.completed },
    { label: 'Withdrawn', count: p.withdrawn },
  ];
}

export function followUpCounts(report: ProgrammeReport): CountRow[] {
  const f = report.followUps;
  return [
    { label: 'Completed', count: f.completed },
    { label: 'Completed on time', count: f.onTime },
    { label: 'Overdue', count: f.overdue },
    { label: 'Due now', count: f.due },
    { label: 'Scheduled', count: f.scheduled },
    { label: 'On hold (prescription paused)', count: f.held },
    { label: 'Cancelled', count: f.cancelled },
  ];
}

/** Follow-ups by their own dates in the period, whichever prescriptions they belong to. */
export function followUpsInPeriodCounts(report: ProgrammeReport): CountRow[] {
  const f = report.followUpsInPeriod;
  return [
    { label: 'Completed in the period', count: f.completed },
    { label: 'Completed in the period, on time', count: f.completedOnTime },
    { label: 'Fell due in the period', count: f.fellDue },
    { label: 'Fell due in the period, completed since', count: f.fellDueCompleted },
    { label: 'Due now', count: f.dueNow },
    { label: 'Overdue now (more than 14 days)', count: f.overdueNow },
  ];
}

export type Direction = 'improved' | 'worsened' | 'no change' | 'not enough data';

export interface WellbeingRow {
  key: keyof Omit<WellbeingChange, 'pairs'>;
  label: string;
  change: MeasureChange;
  /** Whether the mean moved the good way (for anxiety, a fall is an improvement). */
  direction: Direction;
}

const MEASURES: readonly { key: WellbeingRow['key']; label: string; lowerIsBetter: boolean }[] = [
  { key: 'satisfied', label: 'Life satisfaction (ONS4, 0–10)', lowerIsBetter: false },
  { key: 'worthwhile', label: 'Worthwhile (ONS4, 0–10)', lowerIsBetter: false },
  { key: 'happy', label: 'Happiness (ONS4, 0–10)', lowerIsBetter: false },
  { key: 'anxious', label: 'Anxiety (ONS4, 0–10; lower is better)', lowerIsBetter: true },
  { key: 'swemwbsMetric', label: 'SWEMWBS metric score (7–35)', lowerIsBetter: false },
];

export function directionOf(change: MeasureChange, lowerIsBetter: boolean): Direction {
  if (change.meanChange === null || change.n === 0) return 'not enough data';
  if (change.meanChange === 0) return 'no change';
  const better = lowerIsBetter ? change.meanChange < 0 : change.meanChange > 0;
  return better ? 'improved' : 'worsened';
}

export function wellbeingRows(wellbeing: WellbeingChange): WellbeingRow[] {
  return MEASURES.map((m) => ({
    key: m.key,
    label: m.label,
    change: wellbeing[m.key],
    direction: directionOf(wellbeing[m.key], m.lowerIsBetter),
  }));
}

const REFERRAL_STATUS_ROWS: readonly { key: keyof ProgrammeReport['referralOutcomes']['byStatus']; label: string }[] = [
  { key: 'received', label: 'Received, not yet contacted' },
  { key: 'accepted', label: 'Accepted (contact made)' },
  { key: 'prescribed', label: 'Prescribed' },
  { key: 'declined', label: 'Declined' },
  { key: 'closed', label: 'Closed' },
];

/** Referrals received in the period by their status now. */
export function referralOutcomeRows(report: ProgrammeReport): CountRow[] {
  return REFERRAL_STATUS_ROWS.map((row) => ({ label: row.label, count: report.referralOutcomes.byStatus[row.key] }));
}

/** Declined or closed referrals by reason, in the console's order of reasons, leaving out reasons nobody had. */
export function endReasonRows(report: ProgrammeReport, kind: 'declined' | 'closed'): CountRow[] {
  const counts: Record<string, number> = kind === 'declined' ? report.referralOutcomes.declinedByReason : report.referralOutcomes.closedByReason;
  const reasons = kind === 'declined' ? DECLINE_REASONS : CLOSE_REASONS;
  return reasons.flatMap((reason) => ((counts[reason.value] ?? 0) > 0 ? [{ label: endReasonLabel(reason.value), count: counts[reason.value]! }] : []));
}

export interface WaitRow {
  label: string;
  n: number;
  median: string;
  p90: string;
}

const days = (value: number | null) => (value === null ? '–' : `${value} ${value === 1 ? 'day' : 'days'}`);

/** Waiting times from referral received, for a table: how many reached each step, median and 90th percentile. */
export function waitingTimeRows(report: ProgrammeReport): WaitRow[] {
  const w = report.waitingTimes;
  return [
    { label: 'To first contact', stats: w.toFirstContact },
    { label: 'To prescription start', stats: w.toPrescriptionStart },
    { label: 'To first attended session', stats: w.toFirstAttendance },
  ].map(({ label, stats }) => ({ label, n: stats.n, median: days(stats.medianDays), p90: days(stats.p90Days) }));
}

export interface ShareRow {
  label: string;
  n: number;
  of: number;
  share: number | null;
}

/** Take-up and follow-up completion, each as "n of m (share)". */
export function takeUpRows(report: ProgrammeReport): ShareRow[] {
  const { takeUp, followUpCompletion: f } = report;
  return [
    { label: 'Referrals received in the period that led to a prescription', ...takeUp.referralsWithPrescription },
    { label: 'Prescriptions started in the period with at least one attended session', ...takeUp.prescriptionsWithAttendance },
    { label: 'Their follow-ups that have fallen due: completed', ...f.completed },
    { label: 'Their follow-ups that have fallen due: completed on time (within 14 days)', ...f.completedOnTime },
  ];
}
