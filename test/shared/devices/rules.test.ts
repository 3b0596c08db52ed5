import { describe, expect, it } from 'vitest';
import {
  MAX_ENROLMENT_TRIES,
  USED_REFRESH_MEMORY,
  deviceRefused,
  deviceView,
  ended,
  enrolled,
  hashSecret,
  judgeRefresh,
  lastSeenDue,
  newEnrolmentCode,
  parseEnrolmentCode,
  secretMatches,
  traded,
  type DeviceRecord,
} from '#shared/devices/rules';

/** Bytes counting up from `start`: predictable codes. */
const counting = (start = 0) => {
  let next = start;
  return { bytes: (count: number) => Uint8Array.from({ length: count }, () => next++ % 256) };
};

const NOW = new Date('2026-03-04T10:00:00Z');
const pending = (code = newEnrolmentCode(counting())): DeviceRecord & { enrolment: NonNullable<DeviceRecord['enrolment']> } => ({
  deviceId: '01JD0000000000000000000001',
  providerId: '01JD0000000000000000000002',
  name: 'Tablet',
  status: 'pending',
  createdAt: NOW.toISOString(),
  createdBy: 'manager-1',
  version: 1,
  enrolment: { lookup: code.lookup, expiresAt: '2026-03-05T10:00:00.000Z', shortHash: code.shortHash, longHash: code.longHash, tries: 0 },
});

describe('enrolment codes', () => {
  it('have a typed form and a long form that share the lookup part', () => {
    const code = newEnrolmentCode(counting());
    expect(code.typed).toBe('01234-56789-ABCDE');
    expect(code.lookup).toBe('01234');
    expect(code.long).toMatch(/^01234\.[A-Za-z0-9_-]{43}$/);
    expect(code.shortHash).toBe(hashSecret('56789ABCDE'));
    expect(code.longHash).toBe(hashSecret(code.long.split('.')[1]!));
  });

  it('parse either form; forgive case, spaces, hyphens and read-aloud slips; refuse anything else', () => {
    expect(parseEnrolmentCode('01234-56789-ABCDE')).toEqual({ lookup: '01234', secret: '56789ABCDE', form: 'typed' });
    expect(parseEnrolmentCode(' o1234 56789 abcde ')).toEqual({ lookup: '01234', secret: '56789ABCDE', form: 'typed' });
    expect(parseEnrolmentCode('OI2L4-56789-ABCDE')?.lookup).toBe('01214');
    const long = newEnrolmentCode(counting()).long;
    expect(parseEnrolmentCode(long)).toEqual({ lookup: '01234', secret: long.split('.')[1], form: 'long' });
    for (const bad of ['', '01234-56789-ABCD', '01234-56789-ABCDEF', '01234-56789-ABCDU', '01234.short', 'x'.repeat(200)]) {
      expect(parseEnrolmentCode(bad)).toBeUndefined();
    }
  });

  it('a secret matches only in its own form', () => {
    const code = newEnrolmentCode(counting());
    const device = pending(code);
    expect(secretMatches(device, { secret: '56789ABCDE', form: 'typed' })).toBe(true);
    expect(secretMatches(device, { secret: code.long.split('.')[1]!, form: 'long' })).toBe(true);
    expect(secretMatches(device, { secret: '56789ABCDE', form: 'long' })).toBe(false);
    expect(secretMatches(device, { secret: '56789ABCDF', form: 'typed' })).toBe(false);
    expect(MAX_ENROLMENT_TRIES).toBe(5);
  });
});

describe('refresh tokens', () => {
  const active = () => enrolled(pending(), hashSecret('first'), NOW);

  it('the current one trades; a used one is a reuse; anything else is refused', () => {
    const device = active();
    expect(device.enrolment).toBeUndefined();
    expect(judgeRefresh(device, hashSecret('first'))).toEqual({ kind: 'trade' });
    const after = traded({ ...device, refresh: device.refresh! }, hashSecret('second'), NOW);
    expect(judgeRefresh(after, hashSecret('second'))).toEqual({ kind: 'trade' });
    expect(judgeRefresh(after, hashSecret('first'))).toEqual({ kind: 'reused' });
    expect(judgeRefresh(after, hashSecret('never'))).toEqual({ kind: 'refused' });
    expect(judgeRefresh(undefined, hashSecret('first'))).toEqual({ kind: 'refused' });
    expect(judgeRefresh(ended(after, 'revoked_by_staff', NOW), hashSecret('second'))).toEqual({ kind: 'refused' });
  });

  it('remembers the last used ones, a bounded number', () => {
    let device = active();
    for (let i = 0; i < USED_REFRESH_MEMORY + 10; i++) device = traded({ ...device, refresh: device.refresh! }, hashSecret(`t${i}`), NOW);
    expect(device.refresh!.used).toHaveLength(USED_REFRESH_MEMORY);
    expect(judgeRefresh(device, hashSecret(`t${USED_REFRESH_MEMORY + 8}`))).toEqual({ kind: 'reused' });
  });
});

describe('device state', () => {
  it('a device principal is refused unless its device is active and its own provider’s; staff are never refused here', () => {
    const device = enrolled(pending(), hashSecret('x'), NOW);
    const principal = { sub: device.deviceId, role: 'provider' as const, providerId: device.providerId, deviceId: device.deviceId };
    expect(deviceRefused(principal, device)).toBe(false);
    expect(deviceRefused(principal, undefined)).toBe(true);
    expect(deviceRefused(principal, ended(device, 'revoked_by_staff', NOW))).toBe(true);
    expect(deviceRefused({ ...principal, providerId: '01JD0000000000000000000009' }, device)).toBe(true);
    expect(deviceRefused({ sub: 'staff', role: 'provider', providerId: device.providerId }, undefined)).toBe(false);
  });

  it('last seen is due when unset or an hour old', () => {
    expect(lastSeenDue({}, NOW)).toBe(true);
    expect(lastSeenDue({ lastSeenAt: '2026-03-04T09:00:01Z' }, NOW)).toBe(false);
    expect(lastSeenDue({ lastSeenAt: '2026-03-04T09:00:00Z' }, NOW)).toBe(true);
  });

  it('shows a pending device past its code’s expiry as expired, and too many tries as void', () => {
    expect(deviceView(pending(), new Date('2026-03-05T10:00:00Z')).status).toBe('expired');
    expect(deviceView(pending(), NOW)).toMatchObject({ status: 'pending', enrolmentExpiresAt: '2026-03-05T10:00:00.000Z' });
    expect(deviceView(ended(pending(), 'enrolment_attempts_exceeded', NOW), NOW)).toMatchObject({ status: 'void', endReason: 'enrolment_attempts_exceeded' });
  });
});
