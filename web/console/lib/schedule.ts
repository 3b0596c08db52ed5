import type { FieldMap } from './issues';
import type { Activity } from './types';

/** An activity's weekly sessions: showing them, and the form's rows for entering them. */
export type WeeklySession = NonNullable<Activity['schedule']>[number];
export type Weekday = WeeklySession['day'];

export const WEEKDAYS: readonly { value: Weekday; label: string; plural: string }[] = [
  { value: 'monday', label: 'Monday', plural: 'Mondays' },
  { value: 'tuesday', label: 'Tuesday', plural: 'Tuesdays' },
  { value: 'wednesday', label: 'Wednesday', plural: 'Wednesdays' },
  { value: 'thursday', label: 'Thursday', plural: 'Thursdays' },
  { value: 'friday', label: 'Friday', plural: 'Fridays' },
  { value: 'saturday', label: 'Saturday', plural: 'Saturdays' },
  { value: 'sunday', label: 'Sunday', plural: 'Sundays' },
];

/** The API's limit on sessions a week. */
export const MAX_SESSIONS = 14;

const dayIndex = (day: string) => WEEKDAYS.findIndex((d) => d.value === day);
const dayOf = (day: string) => WEEKDAYS[dayIndex(day)];

/** Monday first, then by start time. */
export function inWeekOrder<T extends WeeklySession>(sessions: readonly T[]): T[] {
  return [...sessions].sort((a, b) => dayIndex(a.day) - dayIndex(b.day) || a.startTime.localeCompare(b.startTime));
}

/**
 * When an activity runs, in words: "Tuesdays 10:00–11:30, Thursdays 14:00–15:00"; two on one
 * day read "Tuesdays 10:00–11:00 and 18:00–19:00". `none` when it has no sessions.
 */
export function formatSchedule(schedule: readonly WeeklySession[] | undefined, none = 'No set times'): string {
  if (!schedule || schedule.length === 0) return none;
  const days: { day: string; times: string[] }[] = [];
  for (const session of inWeekOrder(schedule)) {
    const times = `${session.startTime}–${session.endTime}`;
    const last = days[days.length - 1];
    if (last && last.day === session.day) last.times.push(times);
    else days.push({ day: session.day, times: [times] });
  }
  return days.map(({ day, times }) => `${dayOf(day)?.plural ?? day} ${times.join(' and ')}`).join(', ');
}

/** One row of the form: what was typed, not yet checked. */
export interface SessionForm {
  day: Weekday | '';
  startTime: string;
  endTime: string;
}

export const emptySession = (): SessionForm => ({ day: '', startTime: '', endTime: '' });

export const sessionsOf = (schedule: readonly WeeklySession[] | undefined): SessionForm[] =>
  inWeekOrder(schedule ?? []).map(({ day, startTime, endTime }) => ({ day, startTime, endTime }));

/**
 * A time as typed, as the API's HH:MM (24-hour), or undefined if it is not one:
 * "9:30", "09.30", "0930" and " 14:05 " are all accepted.
 */
export function parseClockTime(text: string): string | undefined {
  const match = /^(\d{1,2})(?:[:.]?(\d{2}))$/.exec(text.trim());
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** The ids of one row's inputs, and of the group (for problems with the whole week). */
export const sessionIds = (prefix: string, index: number) => ({
  day: `${prefix}Session${index + 1}Day`,
  start: `${prefix}Session${index + 1}Start`,
  end: `${prefix}Session${index + 1}End`,
});
export const sessionsGroupId = (prefix: string) => `${prefix}Sessions`;

/** The input ids in the order they appear, for the error summary. */
export const sessionFieldOrder = (prefix: string, count: number): string[] => [
  sessionsGroupId(prefix),
  ...Array.from({ length: count }, (_, index) => Object.values(sessionIds(prefix, index))).flat(),
];

/** Where the API's `schedule.N.field` issues land. */
export function scheduleFields(prefix: string, count: number): FieldMap {
  const fields: FieldMap = { schedule: { id: sessionsGroupId(prefix), label: 'Weekly sessions' } };
  for (let index = 0; index < count; index++) {
    const ids = sessionIds(prefix, index);
    const n = index + 1;
    fields[`schedule.${index}`] = { id: ids.start, label: `Session ${n}` };
    fields[`schedule.${index}.day`] = { id: ids.day, label: `Day of session ${n}` };
    fields[`schedule.${index}.startTime`] = { id: ids.start, label: `Start time of session ${n}` };
    fields[`schedule.${index}.endTime`] = { id: ids.end, label: `End time of session ${n}` };
  }
  return fields;
}

/**
 * Problems with the rows, by input id, in GOV.UK's words: each row needs a day and two real
 * times with the end after the start, no session may overlap an earlier one on the same day
 * (one may start as another ends), and there are at most MAX_SESSIONS.
 */
export function validateSessions(sessions: readonly SessionForm[], prefix: string): Record<string, string> {
  const fields: Record<string, string> = {};
  if (sessions.length > MAX_SESSIONS) fields[sessionsGroupId(prefix)] = `Add no more than ${MAX_SESSIONS} sessions a week`;
  const checked: { index: number; day: string; start: string; end: string }[] = [];
  sessions.forEach((session, index) => {
    const ids = sessionIds(prefix, index);
    const n = index + 1;
    if (!session.day) fields[ids.day] = `Select the day of session ${n}`;
    const start = parseClockTime(session.startTime);
    const end = parseClockTime(session.endTime);
    if (!session.startTime.trim()) fields[ids.start] = `Enter the start time of session ${n}`;
    else if (!start) fields[ids.start] = `Enter the start time of session ${n} as a 24-hour time, like 09:30 or 14:00`;
    if (!session.endTime.trim()) fields[ids.end] = `Enter the end time of session ${n}`;
    else if (!end) fields[ids.end] = `Enter the end time of session ${n} as a 24-hour time, like 11:00 or 15:30`;
    else if (start && end <= start) fields[ids.end] = `The end time of session ${n} must be after its start time`;
    if (!session.day || !start || !end || end <= start) return;
    const clash = checked.find((other) => other.day === session.day && other.start < end && start < other.end);
    if (clash) {
      const day = dayOf(session.day)?.label ?? session.day;
      fields[ids.start] = `Session ${n} must not overlap session ${clash.index + 1} (${day} ${clash.start} to ${clash.end})`;
    }
    checked.push({ index, day: session.day, start, end });
  });
  return fields;
}

/** The API's schedule from rows that passed `validateSessions`. */
export function toSchedule(sessions: readonly SessionForm[]): WeeklySession[] {
  return sessions.map((session) => {
    const startTime = parseClockTime(session.startTime);
    const endTime = parseClockTime(session.endTime);
    if (!session.day || !startTime || !endTime) throw new Error('toSchedule called with an unchecked session');
    return { day: session.day, startTime, endTime };
  });
}
