import { describe, expect, it } from 'vitest';
import { isCalendarDate, londonDate } from '#shared/platform/london';

describe('londonDate', () => {
  it.each([
    // BST (UTC+1): 23:00Z is already the next London day.
    ['2026-07-14T22:59:59Z', '2026-07-14'],
    ['2026-07-14T23:00:00Z', '2026-07-15'],
    // GMT: London and UTC agree.
    ['2026-12-14T23:59:59Z', '2026-12-14'],
    ['2026-12-15T00:00:00Z', '2026-12-15'],
    // Spring forward (29 March 2026, 01:00Z) and fall back (25 October 2026, 01:00Z).
    ['2026-03-28T23:30:00Z', '2026-03-28'],
    ['2026-03-29T23:30:00Z', '2026-03-30'],
    ['2026-10-24T23:30:00Z', '2026-10-25'],
    ['2026-10-25T23:30:00Z', '2026-10-25'],
  ])('%s is %s in London', (instant, date) => {
    expect(londonDate(new Date(instant))).toBe(date);
  });
});

describe('isCalendarDate', () => {
  it.each(['2026-01-31', '2028-02-29', '2026-12-01'])('accepts %s', (value) => expect(isCalendarDate(value)).toBe(true));
  it.each(['2026-02-29', '2026-13-01', '2026-04-31', '26-01-01', '2026-1-1', '2026-01-01T00:00:00Z', ''])(
    'rejects %j',
    (value) => expect(isCalendarDate(value)).toBe(false),
  );
});
