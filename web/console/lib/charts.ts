import { ASSESSMENT_KIND_LABELS, ONS4_QUESTIONS, type Ons4Key } from './assessment';
import { formatInstantDate } from './dates';
import { formatNumber } from './format';
import type { Assessment, AttendanceReport } from './types';

/**
 * The numbers behind the console's charts, shaped without any chart library, so the chart and
 * its text alternative are made from the same data (and can be tested).
 */
export interface Series {
  key: Ons4Key | 'swemwbs';
  label: string;
  /** One value per label; null where the assessment has no such score. */
  data: (number | null)[];
  /** `ons4` is the 0–10 axis; `swemwbs` the 7–35 metric axis. */
  axis: 'ons4' | 'swemwbs';
  colour: string;
  dashed: boolean;
}

export interface WellbeingChartData {
  labels: string[];
  series: Series[];
}

/** Colours that pass 3:1 against white and stay apart for common colour blindness (with dashes). */
const SERIES_STYLE: Record<Series['key'], { colour: string; dashed: boolean }> = {
  satisfied: { colour: '#1d70b8', dashed: false },
  worthwhile: { colour: '#00703c', dashed: false },
  happy: { colour: '#4c2c92', dashed: true },
  anxious: { colour: '#d4351c', dashed: true },
  swemwbs: { colour: '#0b0c0c', dashed: false },
};

/** Assessments in the order they were recorded. */
export function chronological(assessments: readonly Assessment[]): Assessment[] {
  return [...assessments].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
}

export function wellbeingChartData(assessments: readonly Assessment[]): WellbeingChartData {
  const ordered = chronological(assessments);
  const labels = ordered.map((a) => `${formatInstantDate(a.recordedAt, 'short')} (${ASSESSMENT_KIND_LABELS[a.kind]})`);
  const series: Series[] = ONS4_QUESTIONS.map((q) => ({
    key: q.key,
    label: `${q.short} (0–10)`,
    data: ordered.map((a) => a.ons4[q.key]),
    axis: 'ons4' as const,
    ...SERIES_STYLE[q.key],
  }));
  series.push({
    key: 'swemwbs',
    label: 'SWEMWBS metric score (7–35)',
    data: ordered.map((a) => a.swemwbs?.metricScore ?? null),
    axis: 'swemwbs',
    ...SERIES_STYLE.swemwbs,
  });
  return { labels, series };
}

/** The chart's text alternative: every score it draws, in words. */
export function wellbeingSummary(assessments: readonly Assessment[]): string {
  const ordered = chronological(assessments);
  if (ordered.length === 0) return 'No assessments recorded yet.';
  const parts = ordered.map((a) => {
    const scores = ONS4_QUESTIONS.map((q) => `${q.short.toLowerCase()} ${a.ons4[q.key]}`);
    if (a.swemwbs) scores.push(`SWEMWBS ${formatNumber(a.swemwbs.metricScore, 2)}`);
    return `${ASSESSMENT_KIND_LABELS[a.kind]} on ${formatInstantDate(a.recordedAt)}: ${scores.join(', ')}.`;
  });
  return `Wellbeing scores over time, ${ordered.length} assessment${ordered.length === 1 ? '' : 's'}. ${parts.join(' ')} For anxiety, a lower score is better.`;
}

export interface BarChartData {
  labels: string[];
  data: number[];
}

export function attendanceChartData(report: Pick<AttendanceReport, 'rows'>): BarChartData {
  return { labels: report.rows.map((row) => row.label), data: report.rows.map((row) => row.attendances) };
}

export function attendanceSummary(report: Pick<AttendanceReport, 'rows' | 'total'>, groupLabel: string): string {
  if (report.rows.length === 0) return 'No attendances in this period.';
  const rows = report.rows.map((row) => `${row.label}: ${row.attendances}`).join('; ');
  return `Bar chart of attendances by ${groupLabel.toLowerCase()}, ${report.total.attendances} in all. ${rows}.`;
}
