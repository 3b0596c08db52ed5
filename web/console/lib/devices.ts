import type { components } from '../../shared/openapi';
import { LONDON, addDays, formatDateTime, londonDate } from './dates';
import type { FieldMap, FormProblems } from './issues';

/**
 * A provider's scanning devices: the words for their states, the enrolment code as people read
 * it, and the one field of the form that enrols one. Pure: "now" is always passed in.
 */
export type Device = components['schemas']['Device'];
export type DeviceEnrolment = components['schemas']['DeviceEnrolment'];
export type DeviceStatus = Device['status'];
export type DeviceEndReason = NonNullable<Device['endReason']>;

/** The API's limit on a device's name. */
export const DEVICE_NAME_MAX = 60;

/** Wrong tries of a typed code before it is void (the API's rule, said in words). */
export const ENROLMENT_TRIES = 5;

export const DEVICE_FIELDS: FieldMap = {
  name: { id: 'deviceName', label: 'Device name' },
};

/** Control characters (tab and line breaks among them), which the API refuses in a name. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** Half of a surrogate pair on its own (no lookbehind: the console still runs on Safari 16.0). */
function hasBrokenCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) return true;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    }
  }
  return false;
}

/** The enrol form's checks, the same the API makes, in the console's words. */
export function validateDeviceName(name: string): FormProblems {
  const value = name.trim();
  const fields: Record<string, string> = {};
  if (!value) fields.deviceName = 'Enter a name for the device';
  else if (value.length > DEVICE_NAME_MAX) fields.deviceName = `Device name must be ${DEVICE_NAME_MAX} characters or fewer`;
  else if (CONTROL.test(value) || hasBrokenCharacter(value)) fields.deviceName = 'Device name must be one line of ordinary text';
  return { fields, general: [] };
}

export const toCreateDevice = (name: string): components['schemas']['CreateDevice'] => ({ name: name.trim() });

type Tone = 'green' | 'yellow' | 'red' | 'grey' | 'blue';

const STATUS_VIEWS: Record<DeviceStatus, { label: string; tone: Tone }> = {
  pending: { label: 'Waiting to be enrolled', tone: 'blue' },
  active: { label: 'Enrolled', tone: 'green' },
  revoked: { label: 'Revoked', tone: 'grey' },
  expired: { label: 'Code expired', tone: 'yellow' },
  void: { label: 'Code void (too many wrong tries)', tone: 'red' },
};

/** The tag a device's status shows as. */
export const deviceStatusView = (status: DeviceStatus): { label: string; tone: Tone } => STATUS_VIEWS[status] ?? { label: status, tone: 'grey' };

const END_REASONS: Record<DeviceEndReason, string> = {
  revoked_by_staff: 'Revoked by staff',
  refresh_token_reused: 'Revoked by Waymark: its sign-in was used from somewhere else',
  enrolment_attempts_exceeded: `Its code was typed wrongly ${ENROLMENT_TRIES} times`,
};

/** Why a device stopped working, and when; empty while it still works (or waits). */
export function endedText(device: Pick<Device, 'status' | 'endReason' | 'endedAt' | 'enrolmentExpiresAt'>): string {
  if (device.status === 'expired') {
    const when = formatDateTime(device.enrolmentExpiresAt);
    return `Its code was not used within 24 hours${when ? ` (expired ${when})` : ''}`;
  }
  if (!device.endReason) return device.endedAt ? `Ended ${formatDateTime(device.endedAt)}` : '';
  const why = END_REASONS[device.endReason] ?? 'Ended';
  return device.endedAt ? `${why}, ${formatDateTime(device.endedAt)}` : why;
}

/** Revoking makes sense for a device that works, or whose code still does. */
export const mayRevoke = (device: Pick<Device, 'status'>): boolean => device.status === 'active' || device.status === 'pending';

/** The confirmation's question. */
export function revokeQuestion(device: Pick<Device, 'name' | 'status'>): string {
  return device.status === 'pending'
    ? `Revoke ${device.name}? Its enrolment code will stop working.`
    : `Revoke ${device.name}? Its next scan will be refused.`;
}

/** The success message once it is revoked (`after` is the API's answer: it may have ended some other way meanwhile). */
export function revokedMessage(after: Pick<Device, 'name' | 'status'>, before: DeviceStatus): string {
  if (after.status === 'void') return `${after.name} had already stopped working: its code was typed wrongly too many times.`;
  if (before === 'pending') return `${after.name} has been revoked. Its enrolment code no longer works.`;
  return `${after.name} has been revoked. Its next scan will be refused. To use it again, enrol it again.`;
}

/** The device as the list shows it, without its one-time code. */
export function withoutCode(enrolment: DeviceEnrolment): Device {
  const { enrolmentCode: _code, enrolmentUrl: _url, expiresAt, ...device } = enrolment;
  return { ...device, enrolmentExpiresAt: device.enrolmentExpiresAt ?? expiresAt };
}

/**
 * The list with `incoming` devices put in: a device already there is replaced, a new one added,
 * in the API's order (ids are ULIDs, so by id is oldest first). The list's index is eventually
 * consistent, so the console keeps what the API answered to a change rather than reading it back.
 */
export function mergeDevices(current: readonly Device[], incoming: readonly Device[]): Device[] {
  const byId = new Map(current.map((device) => [device.deviceId, device]));
  for (const device of incoming) byId.set(device.deviceId, device);
  return [...byId.values()].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
}

/** "Not yet", or when, for the Enrolled and Last seen columns. */
export const whenOrNot = (instant: string | undefined, none = 'Not yet'): string => (instant ? formatDateTime(instant) : none);

const weekdayDate = (instant: Date): string => {
  const parts = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: LONDON }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
};

/** "9:15am", "midday", "midnight": London time, GOV.UK style. */
export function londonTime(instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hourCycle: 'h23', timeZone: LONDON }).formatToParts(instant);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '0');
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  if (minute === '00' && hour === 12) return 'midday';
  if (minute === '00' && hour === 0) return 'midnight';
  return `${hour % 12 === 0 ? 12 : hour % 12}:${minute}${hour < 12 ? 'am' : 'pm'}`;
}

/**
 * When a code stops working, for people: "9:15am tomorrow (Tuesday 24 November 2026), London
 * time". Midnight is said as the start of the day it begins, so no one reads the wrong night.
 */
export function expiryText(expiresAt: string, now: Date): string {
  const at = new Date(expiresAt);
  if (Number.isNaN(at.getTime())) return expiresAt;
  const day = londonDate(at);
  const today = londonDate(now);
  const time = londonTime(at);
  const relative = day === today ? 'today' : day === addDays(today, 1) ? 'tomorrow' : '';
  const date = weekdayDate(at);
  if (time === 'midnight') return `midnight at the start of ${relative ? `${relative}, ` : ''}${date} (London time)`;
  return relative ? `${time} ${relative} (${date}), London time` : `${time} on ${date}, London time`;
}

/** The typed code's groups, for showing it large without it breaking mid-group. */
export const codeGroups = (code: string): string[] => code.split('-').filter(Boolean);

/** The code read aloud, one character at a time, for a screen reader ("K 7 Q F M, 2 X W 9 R, …"). */
export const spelledCode = (code: string): string =>
  codeGroups(code)
    .map((group) => [...group].join(' '))
    .join(', ');

export const deviceCount = (count: number): string => (count === 1 ? '1 device' : `${count} devices`);
