import { createHash, timingSafeEqual } from 'node:crypto';
import type { Principal } from '#shared/platform/auth';
import type { DeviceEndReason, DeviceView, StoredDeviceStatus } from './schema';

/** An enrolment code works once, for this long. */
export const ENROLMENT_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Wrong tries of one device's enrolment before it is void (the typed form has 50 bits: 5 guesses in 2^50). */
export const MAX_ENROLMENT_TRIES = 5;
/** A device's access token lasts 15 minutes: a revoked device is refused at the next scan anyway, and everywhere once it lapses. */
export const ACCESS_TOKEN_SECONDS = 15 * 60;
/** Last seen is written at most this often: never a write per scan. */
export const LAST_SEEN_INTERVAL_MS = 60 * 60 * 1000;
/** How many used refresh tokens a device remembers, to know one that comes back (two days of hourly refreshes). */
export const USED_REFRESH_MEMORY = 48;
/** Crockford's base32: no I, L, O or U, so a typed code survives being read aloud. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LOOKUP_LENGTH = 5;
const SHORT_SECRET_LENGTH = 10;
const LONG_SECRET_BYTES = 32;

/** Where secrets come from: crypto.randomBytes in every runtime; injected so tests can predict codes. */
export interface SecretSource {
  bytes(count: number): Uint8Array;
}

export interface DeviceRecord {
  deviceId: string;
  providerId: string;
  name: string;
  status: StoredDeviceStatus;
  createdAt: string;
  createdBy: string;
  version: number;
  /** While pending: the code's lookup part, hashes of its two secret forms, its expiry, tries so far (right or wrong). */
  enrolment?: { lookup: string; expiresAt: string; shortHash: string; longHash: string; tries: number };
  enrolledAt?: string;
  /** While active: the hash of the refresh token that works now, and of the last ones used. */
  refresh?: { current: string; used: string[] };
  lastSeenAt?: string;
  endedAt?: string;
  endReason?: DeviceEndReason;
}

/** A new enrolment code: one lookup part with two secret forms (typed and QR). */
export interface EnrolmentCode {
  lookup: string;
  /** `LLLLL-SSSSS-SSSSS`: lookup then a 50-bit secret, for typing. */
  typed: string;
  /** `LLLLL.<43 base64url characters>`: lookup then a 256-bit secret, for the QR's URL. */
  long: string;
  shortHash: string;
  longHash: string;
}

function crockford(bytes: Uint8Array): string {
  // 256 is a multiple of 32, so each byte's low five bits are uniform.
  return Array.from(bytes, (byte) => CROCKFORD[byte % 32]).join('');
}

export function newEnrolmentCode(random: SecretSource): EnrolmentCode {
  const lookup = crockford(random.bytes(LOOKUP_LENGTH));
  const shortSecret = crockford(random.bytes(SHORT_SECRET_LENGTH));
  const longSecret = Buffer.from(random.bytes(LONG_SECRET_BYTES)).toString('base64url');
  return {
    lookup,
    typed: `${lookup}-${shortSecret.slice(0, 5)}-${shortSecret.slice(5)}`,
    long: `${lookup}.${longSecret}`,
    shortHash: hashSecret(shortSecret),
    longHash: hashSecret(longSecret),
  };
}

/** A new refresh token (256 bits); only its hash is kept. */
export function newRefreshToken(random: SecretSource): { token: string; hash: string } {
  const token = Buffer.from(random.bytes(32)).toString('base64url');
  return { token, hash: hashSecret(token) };
}

/**
 * A code as presented: the long form from the QR (`lookup.secret`), or the typed form in any
 * case, with or without spaces or hyphens, read-aloud slips (O for 0, I or L for 1) forgiven.
 */
export function parseEnrolmentCode(code: string): { lookup: string; secret: string; form: 'typed' | 'long' } | undefined {
  const long = /^([0-9A-HJKMNP-TV-Z]{5})\.([A-Za-z0-9_-]{43})$/.exec(code.trim());
  if (long) return { lookup: long[1]!, secret: long[2]!, form: 'long' };
  const typed = code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (typed.length !== LOOKUP_LENGTH + SHORT_SECRET_LENGTH || ![...typed].every((char) => CROCKFORD.includes(char))) return undefined;
  return { lookup: typed.slice(0, LOOKUP_LENGTH), secret: typed.slice(LOOKUP_LENGTH), form: 'typed' };
}

/** SHA-256: the secrets are random and long enough (and short-lived) that a slow hash adds nothing. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function enrolmentExpiresAt(now: Date): string {
  return new Date(now.getTime() + ENROLMENT_LIFETIME_MS).toISOString();
}

export function secretMatches(device: DeviceRecord & { enrolment: NonNullable<DeviceRecord['enrolment']> }, presented: { secret: string; form: 'typed' | 'long' }): boolean {
  const expected = presented.form === 'typed' ? device.enrolment.shortHash : device.enrolment.longHash;
  return sameHash(hashSecret(presented.secret), expected);
}

/** The device once its code is redeemed: active, holding its first refresh token's hash. */
export function enrolled(device: DeviceRecord, refreshHash: string, now: Date): DeviceRecord {
  const { enrolment: _used, ...rest } = device;
  const at = now.toISOString();
  return { ...rest, status: 'active', enrolledAt: at, lastSeenAt: at, refresh: { current: refreshHash, used: [] }, version: device.version + 1 };
}

export type RefreshVerdict =
  /** The current token: trade it for new ones. */
  | { kind: 'trade' }
  /** A token already traded came back: someone else has it. End the device. */
  | { kind: 'reused' }
  /** Not one of this device's, or the device no longer works: refuse, change nothing. */
  | { kind: 'refused' };

export function judgeRefresh(device: DeviceRecord | undefined, presentedHash: string): RefreshVerdict {
  if (!device || device.status !== 'active' || !device.refresh) return { kind: 'refused' };
  // Strict, as the OAuth 2.0 Security BCP has it: even a device whose answer was lost on the way
  // (so it never got the new token) is ended by sending the old one again, and is enrolled anew.
  const { current, used } = device.refresh;
  if (sameHash(presentedHash, current)) return { kind: 'trade' };
  if (used.some((hash) => sameHash(presentedHash, hash))) return { kind: 'reused' };
  return { kind: 'refused' };
}

/** The device after a trade: the new hash current, the traded one remembered as used. */
export function traded(device: DeviceRecord & { refresh: NonNullable<DeviceRecord['refresh']> }, newHash: string, now: Date): DeviceRecord {
  const at = now.toISOString();
  return {
    ...device,
    refresh: { current: newHash, used: [...device.refresh.used, device.refresh.current].slice(-USED_REFRESH_MEMORY) },
    // A trade is a write anyway, but last seen still moves at most hourly, as the list promises.
    ...(lastSeenDue(device, now) ? { lastSeenAt: at } : {}),
    version: device.version + 1,
  };
}

/** The device ended (by staff, a reused token, or too many wrong tries): nothing it holds works again. */
export function ended(device: DeviceRecord, reason: DeviceEndReason, now: Date): DeviceRecord {
  const { enrolment: _enrolment, refresh: _refresh, ...rest } = device;
  return { ...rest, status: reason === 'enrolment_attempts_exceeded' ? 'void' : 'revoked', endedAt: now.toISOString(), endReason: reason, version: device.version + 1 };
}

/** Whether a device principal may act now: its device must exist, be active and belong to its provider. */
export function deviceRefused(principal: Principal, device: Pick<DeviceRecord, 'status' | 'providerId'> | undefined): boolean {
  if (principal.role !== 'provider' || principal.deviceId === undefined) return false;
  return !device || device.status !== 'active' || device.providerId !== principal.providerId;
}

/** Last seen is written when it is unset or over an hour old. */
export function lastSeenDue(device: Pick<DeviceRecord, 'lastSeenAt'>, now: Date): boolean {
  return !device.lastSeenAt || now.getTime() - new Date(device.lastSeenAt).getTime() >= LAST_SEEN_INTERVAL_MS;
}

export function deviceView(device: DeviceRecord, now: Date): DeviceView {
  const expired = device.status === 'pending' && device.enrolment !== undefined && new Date(device.enrolment.expiresAt).getTime() <= now.getTime();
  return {
    deviceId: device.deviceId,
    providerId: device.providerId,
    name: device.name,
    status: expired ? 'expired' : device.status,
    createdAt: device.createdAt,
    ...(device.status === 'pending' && device.enrolment ? { enrolmentExpiresAt: device.enrolment.expiresAt } : {}),
    ...(device.enrolledAt ? { enrolledAt: device.enrolledAt } : {}),
    ...(device.lastSeenAt ? { lastSeenAt: device.lastSeenAt } : {}),
    ...(device.endedAt ? { endedAt: device.endedAt } : {}),
    ...(device.endReason ? { endReason: device.endReason } : {}),
  };
}
