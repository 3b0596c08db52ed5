/**
 * Calendar dates for the console. The API speaks in London calendar dates (`YYYY-MM-DD`) and
 * UTC instants; people read "23 November 2026". Pure functions: "now" is always passed in.
 */
export const LONDON = 'Europe/London';

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Whether `value` is a real calendar date written YYYY-MM-DD (so 2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  const match = CALENDAR_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function toUtcMidnight(date: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function fromUtcMidnight(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The London calendar date at an instant (GMT or BST as the date requires). */
export function londonDate(instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: LONDON,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** `date` moved by a whole number of days (negative goes back). */
export function addDays(date: string, days: number): string {
  return fromUtcMidnight(toUtcMidnight(date) + days * DAY_MS);
}

/** Days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcMidnight(to) - toUtcMidnight(from)) / DAY_MS);
}

/** The reports' default range: the last 12 weeks (84 days) up to and including today. */
export function defaultReportRange(today: string): { from: string; to: string } {
  return { from: addDays(today, -83), to: today };
}

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "23 November 2026" for a calendar date; anything that is not one comes back as it is. */
export function formatDate(date: string | undefined, style: 'long' | 'short' = 'long'): string {
  if (!date) return '';
  if (!isCalendarDate(date)) return date;
  return (style === 'long' ? longDate : shortDate).format(new Date(toUtcMidnight(date)));
}

/** "23 November 2026 at 9:00am" for an instant, in London time. */
export function formatDateTime(instant: string | undefined): string {
  if (!instant) return '';
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  const time = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: LONDON })
    .format(at)
    .replace(/\s/g, '')
    .toLowerCase();
  return `${formatDate(londonDate(at))} at ${time}`;
}

/** The London date of an instant, written for people: "23 November 2026". */
export function formatInstantDate(instant: string | undefined, style: 'long' | 'short' = 'long'): string {
  if (!instant) return '';
  const at = new Date(instant);
  return Number.isNaN(at.getTime()) ? instant : formatDate(londonDate(at), style);
}

/** Age in whole years on `today`, from a date of birth. */
export function ageOn(dateOfBirth: string, today: string): number | undefined {
  if (!isCalendarDate(dateOfBirth) || !isCalendarDate(today)) return undefined;
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export interface ReportPreset {
  label: string;
  from: string;
  to: string;
}

/**
 * The ranges commissioners ask about: this and last month, the last full quarter, and the UK
 * financial year (1 April to 31 March), this one so far and the last one. Ranges end no later
 * than today.
 */
export function reportPresets(today: string): ReportPreset[] {
  const [year, month] = today.split('-').map(Number) as [number, number];
  const first = (y: number, m: number) => {
    const shifted = new Date(Date.UTC(y, m - 1, 1));
    return fromUtcMidnight(shifted.getTime());
  };
  const lastDayBefore = (date: string) => addDays(date, -1);
  const thisMonth = first(year, month);
  const lastMonth = first(year, month - 1);
  const quarterStartMonth = Math.floor((month - 1) / 3) * 3 + 1;
  const thisQuarter = first(year, quarterStartMonth);
  const lastQuarter = first(year, quarterStartMonth - 3);
  const financialYearStart = month >= 4 ? first(year, 4) : first(year - 1, 4);
  const lastFinancialYearStart = first(Number(financialYearStart.slice(0, 4)) - 1, 4);
  return [
    { label: 'This month', from: thisMonth, to: today },
    { label: 'Last month', from: lastMonth, to: lastDayBefore(thisMonth) },
    { label: 'Last quarter', from: lastQuarter, to: lastDayBefore(thisQuarter) },
    { label: 'This financial year', from: financialYearStart, to: today },
    { label: 'Last financial year', from: lastFinancialYearStart, to: lastDayBefore(financialYearStart) },
  ];
}
