import { Temporal } from 'temporal-polyfill';

/** Calendar dates in Waymark are Europe/London dates: a scan at 00:30 BST belongs to that London day. */
export const LONDON = 'Europe/London';

/** The Europe/London calendar date (YYYY-MM-DD) of an instant. */
export function londonDate(instant: Date): string {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime())
    .toZonedDateTimeISO(LONDON)
    .toPlainDate()
    .toString();
}

/** True when the string is a real calendar date in ISO form (rejects 2025-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  try {
    return Temporal.PlainDate.from(value, { overflow: 'reject' }).toString() === value;
  } catch {
    return false;
  }
}
