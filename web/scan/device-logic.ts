import type { Session } from '../shared/types';
import { plural } from './result';

/**
 * An enrolled scanning device's credentials and tokens, as rules with no storage and no network
 * (both live in the page): what is kept, when to refresh, what each answer of the device routes
 * means, and the words the screens use about it.
 *
 * A device holds a refresh token (it works once: each trade gives the next one, and presenting a
 * used one revokes the device) and, for at most 15 minutes at a time, an access token — a provider
 * token for its provider, used like a person's.
 */

/** Refresh when less than this is left of the access token. */
export const REFRESH_MARGIN_MS = 2 * 60_000;
/** After a refresh that got no answer, try again this soon (not in a tight loop). */
export const REFRESH_RETRY_MS = 30_000;
/** The refresh timer never waits less than this. */
export const MIN_REFRESH_DELAY_MS = 1_000;

/** An access token and when it runs out, by this device's clock (milliseconds since 1970). */
export interface AccessToken {
  token: string;
  expiresAt: number;
}

/** What POST /v1/devices/enrol gave: kept until the device is revoked or forgotten. */
export interface DeviceCredentials {
  deviceId: string;
  providerId: string;
  name: string;
  refreshToken: string;
}

/**
 * What the device store holds: the credentials (with the latest access token, so this device's
 * other tabs need not refresh again), or a note that the device was revoked — the credentials are
 * gone, and the start screen says why.
 */
export type DeviceRecord =
  | ({ kind: 'enrolled'; access?: AccessToken } & DeviceCredentials)
  | { kind: 'revoked'; deviceId: string; providerId: string; name: string; revokedAt: string };

export type EnrolledRecord = Extract<DeviceRecord, { kind: 'enrolled' }>;

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function credentialsOf(body: unknown): DeviceCredentials | undefined {
  const value = body as Partial<DeviceCredentials> | null | undefined;
  if (!value || typeof value !== 'object') return undefined;
  const { deviceId, providerId, name, refreshToken } = value;
  if (!isText(deviceId) || !isText(providerId) || typeof name !== 'string' || !isText(refreshToken)) return undefined;
  return { deviceId, providerId, name, refreshToken };
}

function accessOf(value: unknown): AccessToken | undefined {
  const access = value as Partial<AccessToken> | null | undefined;
  if (!access || typeof access !== 'object' || !isText(access.token) || typeof access.expiresAt !== 'number' || !Number.isFinite(access.expiresAt)) {
    return undefined;
  }
  return { token: access.token, expiresAt: access.expiresAt };
}

/** A stored record read back, or `undefined` when it is not one (nothing stored, or something else). */
export function parseDeviceRecord(raw: unknown): DeviceRecord | undefined {
  const record = raw as { kind?: unknown; deviceId?: unknown; providerId?: unknown; name?: unknown; revokedAt?: unknown; access?: unknown } | null | undefined;
  if (!record || typeof record !== 'object') return undefined;
  if (record.kind === 'enrolled') {
    const credentials = credentialsOf(record);
    if (!credentials) return undefined;
    const access = accessOf(record.access);
    return { kind: 'enrolled', ...credentials, ...(access ? { access } : {}) };
  }
  if (record.kind === 'revoked') {
    const { deviceId, providerId, name, revokedAt } = record;
    if (!isText(deviceId) || !isText(providerId) || typeof name !== 'string' || !isText(revokedAt)) return undefined;
    return { kind: 'revoked', deviceId, providerId, name, revokedAt };
  }
  return undefined;
}

/** The note kept when a device is revoked: who it was, never a secret. */
export function revokedRecord(record: DeviceCredentials, now: Date): DeviceRecord {
  return { kind: 'revoked', deviceId: record.deviceId, providerId: record.providerId, name: record.name, revokedAt: now.toISOString() };
}

/** Whether to refresh now: no access token, or less than two minutes of it left. */
export function refreshDue(access: AccessToken | undefined, now: number): boolean {
  return !access || access.expiresAt - now < REFRESH_MARGIN_MS;
}

/** Whether the token has run out already (it is not even worth sending). */
export function expired(access: AccessToken | undefined, now: number): boolean {
  return !access || access.expiresAt <= now;
}

/**
 * How long the refresh timer waits, once it has just asked for a token: until two minutes before
 * the token runs out; or, when that ask left it still due (no answer, or no token at all), a
 * while before trying again — never a tight loop.
 */
export function refreshDelay(access: AccessToken | undefined, now: number): number {
  if (!access || refreshDue(access, now)) return REFRESH_RETRY_MS;
  return Math.max(MIN_REFRESH_DELAY_MS, access.expiresAt - REFRESH_MARGIN_MS - now);
}

/** The session the screens use: a provider session for the device's provider, named as the console named it. */
export function deviceSession(record: DeviceCredentials & { access?: AccessToken | undefined }): Session {
  return {
    token: record.access?.token ?? '',
    role: 'provider',
    sub: record.deviceId,
    providerId: record.providerId,
    deviceId: record.deviceId,
    label: record.name || 'Scanning device',
  };
}

export type EnrolResult =
  | { kind: 'enrolled'; credentials: DeviceCredentials }
  /** The code does not work (wrong, used, expired, void): a new one is needed, or a retype. */
  | { kind: 'refused' }
  /** No answer (offline, a network error, a server error): try again. */
  | { kind: 'unavailable' };

/** What an answer of POST /v1/devices/enrol means. */
export function enrolAnswer(status: number, body: unknown): EnrolResult {
  if (status === 200) {
    const credentials = credentialsOf(body);
    return credentials ? { kind: 'enrolled', credentials } : { kind: 'unavailable' };
  }
  if (status === 401 || status === 400) return { kind: 'refused' };
  return { kind: 'unavailable' };
}

export type TokenResult =
  | { kind: 'tokens'; refreshToken: string; access: AccessToken }
  /** The device is not enrolled any more (revoked, or a used refresh token came back): forget it. */
  | { kind: 'refused' }
  /** No answer: keep what is held, and try again later. (The server may have traded it meanwhile.) */
  | { kind: 'unavailable' };

/**
 * What an answer of POST /v1/devices/token means. `sentAt` is when the request left: the access
 * token's life is counted from then, so a slow answer errs on the early side.
 */
export function tokenAnswer(status: number, body: unknown, sentAt: number): TokenResult {
  if (status === 200) {
    const tokens = body as { accessToken?: unknown; expiresIn?: unknown; refreshToken?: unknown } | null | undefined;
    if (!tokens || !isText(tokens.accessToken) || !isText(tokens.refreshToken) || typeof tokens.expiresIn !== 'number' || !(tokens.expiresIn > 0)) {
      return { kind: 'unavailable' };
    }
    return { kind: 'tokens', refreshToken: tokens.refreshToken, access: { token: tokens.accessToken, expiresAt: sentAt + tokens.expiresIn * 1000 } };
  }
  // 400 too: what is held cannot be traded (it is not a device id and token the server takes), ever.
  if (status === 401 || status === 400) return { kind: 'refused' };
  return { kind: 'unavailable' };
}

/**
 * What a 401 from any other call means for a device: `revoked` (the device was revoked: stop, and
 * keep every scan), or `expired` (the access token was refused: refresh once and try again).
 * `undefined` for anything but a 401.
 */
export function refusalOf(status: number, body: unknown): 'revoked' | 'expired' | undefined {
  if (status !== 401) return undefined;
  const code = (body as { error?: { code?: unknown } } | null | undefined)?.error?.code;
  return code === 'device_revoked' ? 'revoked' : 'expired';
}

/** The plain words for a revoked device, with how many scans it still holds. */
export function revokedText(waiting: number): string {
  const first = 'This device has been revoked. Ask your manager to enrol it again.';
  if (waiting <= 0) return first;
  return `${first} ${plural(waiting, 'scan is', 'scans are')} kept on this device and will be sent once it is enrolled again.`;
}

export type EnrolProblem = Exclude<EnrolResult, { kind: 'enrolled' }>['kind'] | 'not-a-code' | 'not-a-qr-code' | 'bad-link' | 'not-stored';

/** Why an enrolment did not work, for the person holding the device. */
export function enrolProblemText(problem: EnrolProblem, online: boolean): string {
  switch (problem) {
    case 'refused':
      return 'That code does not work. It may be mistyped, used already, or more than 24 hours old. Check it, or ask your manager for a new one.';
    case 'not-a-code':
      return 'That is not an enrolment code. Enter it exactly as the console shows it: three groups of five letters and numbers.';
    case 'not-a-qr-code':
      return 'That QR code is not an enrolment code. Scan the QR code the console shows for this device, or type the code.';
    case 'bad-link':
      return 'That enrolment link is not complete. Scan the QR code in the console again, or type the code.';
    case 'not-stored':
      return 'This device cannot keep its enrolment: the browser is not letting the scanner store anything (a private window, or storage turned off). Use a normal window, then ask your manager for a new code.';
    case 'unavailable':
      return online ? 'This device could not be enrolled just now. Try again.' : 'This device is offline. Connect to the internet, then try again.';
  }
}
