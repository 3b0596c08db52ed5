import { describe, expect, it } from 'vitest';
import { attendanceChartData, attendanceSummary, wellbeingChartData, wellbeingSummary } from '../../../web/console/lib/charts';
import type { Assessment } from '../../../web/console/lib/types';

const assessment = (recordedAt: string, kind: Assessment['kind'], ons4: Assessment['ons4'], metric?: number): Assessment => ({
  assessmentId: recordedAt,
  patientId: 'P',
  kind,
  ons4,
  ons4Bands: { satisfied: 'low', worthwhile: 'low', happy: 'low', anxious: 'high' },
  ...(metric !== undefined ? { swemwbs: { items: [3, 3, 3, 3, 3, 3, 3], rawTotal: 21, metricScore: metric } } : {}),
  recordedAt,
  recordedBy: 'nav',
});

// Deliberately out of order: the chart must sort by date.
const assessments = [
  assessment('2027-02-08T10:00:00.000Z', 'follow_up', { satisfied: 6, worthwhile: 7, happy: 6, anxious: 4 }),
  assessment('2026-11-15T10:00:00.000Z', 'baseline', { satisfied: 3, worthwhile: 5, happy: 4, anxious: 8 }, 17.43),
];

describe('the wellbeing chart data', () => {
  it('has one point per assessment, oldest first, for each ONS4 item and SWEMWBS', () => {
    const data = wellbeingChartData(assessments);
    expect(data.labels).toEqual(['15 Nov 2026 (Baseline)', '8 Feb 2027 (Follow-up)']);
    expect(data.series.map((s) => [s.key, s.axis, s.data])).toEqual([
      ['satisfied', 'ons4', [3, 6]],
      ['worthwhile', 'ons4', [5, 7]],
      ['happy', 'ons4', [4, 6]],
      ['anxious', 'ons4', [8, 4]],
      ['swemwbs', 'swemwbs', [17.43, null]],
    ]);
  });

  it('says the same in words for screen readers', () => {
    const summary = wellbeingSummary(assessments);
    expect(summary).toContain('2 assessments');
    expect(summary).toContain('Baseline on 15 November 2026: life satisfaction 3, worthwhile 5, happiness 4, anxiety 8, SWEMWBS 17.43.');
    expect(summary).toContain('Follow-up on 8 February 2027: life satisfaction 6, worthwhile 7, happiness 6, anxiety 4.');
    expect(summary).toContain('For anxiety, a lower score is better.');
    expect(summary.indexOf('Baseline')).toBeLessThan(summary.indexOf('Follow-up on'));
    expect(wellbeingSummary([])).toBe('No assessments recorded yet.');
  });
});

describe('the attendance chart data', () => {
  const report = {
    total: { attendances: 7, uniquePatients: 3 },
    rows: [
      { key: '2026-11-02', label: 'w/c 2 Nov 2026', attendances: 4, uniquePatients: 2 },
      { key: '2026-11-09', label: 'w/c 9 Nov 2026', attendances: 3, uniquePatients: 3 },
    ],
  };

  it('draws a bar of attendances per row', () => {
    expect(attendanceChartData(report)).toEqual({ labels: ['w/c 2 Nov 2026', 'w/c 9 Nov 2026'], data: [4, 3] });
  });

  it('summarises the bars in words', () => {
    expect(attendanceSummary(report, 'Week')).toBe('Bar chart of attendances by week, 7 in all. w/c 2 Nov 2026: 4; w/c 9 Nov 2026: 3.');
    expect(attendanceSummary({ total: { attendances: 0, uniquePatients: 0 }, rows: [] }, 'Week')).toBe('No attendances in this period.');
  });
});
