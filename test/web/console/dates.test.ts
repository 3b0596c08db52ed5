import { describe, expect, it } from 'vitest';
import {
  addDays,
  ageOn,
  daysBetween,
  defaultReportRange,
  formatDate,
  formatDateTime,
  formatInstantDate,
  isCalendarDate,
  londonDate,
  reportPresets,
} from '../../../web/console/lib/dates';

describe('calendar dates', () => {
  it('accepts only real dates written YYYY-MM-DD', () => {
    expect(isCalendarDate('2026-11-23')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('23/11/2026')).toBe(false);
    expect(isCalendarDate('')).toBe(false);
  });

  it('moves dates by days across months, years and the clock change', () => {
    expect(addDays('2026-11-23', 7)).toBe('2026-11-30');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-03-27', 2)).toBe('2027-03-29'); // BST starts on 28 March 2027
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-11-23', '2026-12-23')).toBe(30);
    expect(daysBetween('2026-12-23', '2026-11-23')).toBe(-30);
  });

  it('reads the London date of an instant in GMT and in BST', () => {
    expect(londonDate(new Date('2026-11-23T23:30:00Z'))).toBe('2026-11-23'); // GMT
    expect(londonDate(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02'); // BST: 00:30 next day
  });

  it('defaults reports to the last 12 weeks up to today', () => {
    const range = defaultReportRange('2026-11-23');
    expect(range).toEqual({ from: '2026-09-01', to: '2026-11-23' });
    expect(daysBetween(range.from, range.to) + 1).toBe(84);
  });

  it('writes dates the GOV.UK way', () => {
    expect(formatDate('2026-11-23')).toBe('23 November 2026');
    expect(formatDate('2026-11-23', 'short')).toBe('23 Nov 2026');
    expect(formatDate('not a date')).toBe('not a date');
    expect(formatDate(undefined)).toBe('');
    expect(formatDateTime('2027-02-07T09:00:00Z')).toBe('7 February 2027 at 9:00am');
    expect(formatDateTime('2027-07-07T08:00:00Z')).toBe('7 July 2027 at 9:00am'); // 09:00 BST
    expect(formatInstantDate('2026-07-01T23:30:00Z')).toBe('2 July 2026');
  });

  it('counts age in whole years, birthdays included', () => {
    expect(ageOn('1961-03-14', '2026-03-13')).toBe(64);
    expect(ageOn('1961-03-14', '2026-03-14')).toBe(65);
    expect(ageOn('nope', '2026-03-14')).toBeUndefined();
  });
});

describe('report presets', () => {
  const ranges = (today: string) => Object.fromEntries(reportPresets(today).map((p) => [p.label, `${p.from}..${p.to}`]));
  it('gives months, the last full quarter and the UK financial year, up to today', () => {
    expect(ranges('2026-12-02')).toEqual({
      'This month': '2026-12-01..2026-12-02',
      'Last month': '2026-11-01..2026-11-30',
      'Last quarter': '2026-07-01..2026-09-30',
      'This financial year': '2026-04-01..2026-12-02',
      'Last financial year': '2025-04-01..2026-03-31',
    });
  });
  it('crosses the year and the financial year correctly in January to March', () => {
    expect(ranges('2027-02-15')).toEqual({
      'This month': '2027-02-01..2027-02-15',
      'Last month': '2027-01-01..2027-01-31',
      'Last quarter': '2026-10-01..2026-12-31',
      'This financial year': '2026-04-01..2027-02-15',
      'Last financial year': '2025-04-01..2026-03-31',
    });
    expect(ranges('2028-03-31')['Last month']).toBe('2028-02-01..2028-02-29');
    expect(ranges('2026-04-01')['This financial year']).toBe('2026-04-01..2026-04-01');
    expect(ranges('2026-01-10')['Last quarter']).toBe('2025-10-01..2025-12-31');
  });
});
