import { describe, expect, it } from 'vitest';
import {
  REFRESH_MARGIN_MS,
  REFRESH_RETRY_MS,
  deviceSession,
  enrolAnswer,
  enrolProblemText,
  expired,
  parseDeviceRecord,
  refreshDelay,
  refreshDue,
  refusalOf,
  revokedRecord,
  revokedText,
  tokenAnswer,
} from '../../../web/scan/device-logic';

const DEVICE = '01JD0000000000000000000001';
const PROVIDER = '01JP0000000000000000000001';
const credentials = { deviceId: DEVICE, providerId: PROVIDER, name: 'Village hall tablet', refreshToken: 'refresh-1' };
const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);
const MINUTE = 60_000;

describe('when to refresh', () => {
  it('refreshes with no token, or less than two minutes of it left', () => {
    expect(refreshDue(undefined, NOW)).toBe(true);
    expect(refreshDue({ token: 't', expiresAt: NOW + 15 * MINUTE }, NOW)).toBe(false);
    expect(refreshDue({ token: 't', expiresAt: NOW + REFRESH_MARGIN_MS }, NOW)).toBe(false);
    expect(refreshDue({ token: 't', expiresAt: NOW + REFRESH_MARGIN_MS - 1 }, NOW)).toBe(true);
    expect(refreshDue({ token: 't', expiresAt: NOW - 1 }, NOW)).toBe(true);
  });

  it('knows a token that has run out', () => {
    expect(expired(undefined, NOW)).toBe(true);
    expect(expired({ token: 't', expiresAt: NOW + 1 }, NOW)).toBe(false);
    expect(expired({ token: 't', expiresAt: NOW }, NOW)).toBe(true);
  });

  it('sets the timer for two minutes before the token runs out', () => {
    expect(refreshDelay({ token: 't', expiresAt: NOW + 15 * MINUTE }, NOW)).toBe(13 * MINUTE);
    expect(refreshDelay({ token: 't', expiresAt: NOW + 2 * MINUTE + 10 }, NOW)).toBe(1_000); // never a tight loop
  });

  it('tries again in 30 seconds when the last try left the token still due (no answer, or no token)', () => {
    expect(refreshDelay(undefined, NOW)).toBe(REFRESH_RETRY_MS);
    expect(refreshDelay({ token: 't', expiresAt: NOW + MINUTE }, NOW)).toBe(REFRESH_RETRY_MS);
    expect(refreshDelay({ token: 't', expiresAt: NOW - MINUTE }, NOW)).toBe(REFRESH_RETRY_MS);
  });
});

describe('the stored record', () => {
  it('reads back the credentials, with the access token when there is one', () => {
    expect(parseDeviceRecord({ kind: 'enrolled', ...credentials })).toEqual({ kind: 'enrolled', ...credentials });
    const access = { token: 'a', expiresAt: NOW };
    expect(parseDeviceRecord({ kind: 'enrolled', ...credentials, access })).toEqual({ kind: 'enrolled', ...credentials, access });
    expect(parseDeviceRecord({ kind: 'enrolled', ...credentials, access: { token: 'a' } })).toEqual({ kind: 'enrolled', ...credentials });
  });

  it('keeps no secret in the revoked note', () => {
    const note = revokedRecord(credentials, new Date(NOW));
    expect(note).toEqual({ kind: 'revoked', deviceId: DEVICE, providerId: PROVIDER, name: 'Village hall tablet', revokedAt: '2026-11-23T10:00:00.000Z' });
    expect(JSON.stringify(note)).not.toContain('refresh-1');
    expect(parseDeviceRecord(note)).toEqual(note);
  });

  it('is nothing for anything else', () => {
    expect(parseDeviceRecord(undefined)).toBeUndefined();
    expect(parseDeviceRecord('enrolled')).toBeUndefined();
    expect(parseDeviceRecord({ ...credentials })).toBeUndefined();
    expect(parseDeviceRecord({ kind: 'enrolled', ...credentials, refreshToken: '' })).toBeUndefined();
    expect(parseDeviceRecord({ kind: 'revoked', deviceId: DEVICE, providerId: PROVIDER, name: 'x' })).toBeUndefined();
  });
});

describe('the device session', () => {
  it('is a provider session for the device’s provider, named as the console named the device', () => {
    expect(deviceSession({ ...credentials, access: { token: 'a', expiresAt: NOW } })).toEqual({
      token: 'a',
      role: 'provider',
      sub: DEVICE,
      providerId: PROVIDER,
      deviceId: DEVICE,
      label: 'Village hall tablet',
    });
    expect(deviceSession({ ...credentials, name: '' })).toMatchObject({ token: '', label: 'Scanning device' });
  });
});

describe('what the answers mean', () => {
  it('enrolment: 200 enrolled; 401 or 400 refused; anything else, try again', () => {
    expect(enrolAnswer(200, { ...credentials })).toEqual({ kind: 'enrolled', credentials });
    expect(enrolAnswer(200, { deviceId: DEVICE })).toEqual({ kind: 'unavailable' });
    expect(enrolAnswer(401, { error: { code: 'invalid_enrolment_code', message: 'No' } })).toEqual({ kind: 'refused' });
    expect(enrolAnswer(400, { error: { code: 'invalid_request', message: 'No' } })).toEqual({ kind: 'refused' });
    expect(enrolAnswer(503, undefined)).toEqual({ kind: 'unavailable' });
    expect(enrolAnswer(500, undefined)).toEqual({ kind: 'unavailable' });
  });

  it('tokens: the access token lasts expiresIn from when the request was sent', () => {
    const body = { accessToken: 'a', tokenType: 'Bearer', expiresIn: 900, refreshToken: 'refresh-2' };
    expect(tokenAnswer(200, body, NOW)).toEqual({ kind: 'tokens', refreshToken: 'refresh-2', access: { token: 'a', expiresAt: NOW + 900_000 } });
    expect(tokenAnswer(200, { ...body, expiresIn: 0 }, NOW)).toEqual({ kind: 'unavailable' });
    expect(tokenAnswer(200, { ...body, refreshToken: undefined }, NOW)).toEqual({ kind: 'unavailable' });
  });

  it('tokens: a 401 (or 400) means the device is not enrolled any more; anything else, try again', () => {
    expect(tokenAnswer(401, { error: { code: 'invalid_refresh_token' } }, NOW)).toEqual({ kind: 'refused' });
    expect(tokenAnswer(400, { error: { code: 'invalid_request' } }, NOW)).toEqual({ kind: 'refused' });
    expect(tokenAnswer(503, undefined, NOW)).toEqual({ kind: 'unavailable' });
    expect(tokenAnswer(502, undefined, NOW)).toEqual({ kind: 'unavailable' });
  });

  it('other calls: a 401 device_revoked is revoked; any other 401 is a token to refresh', () => {
    expect(refusalOf(401, { error: { code: 'device_revoked', message: 'Revoked' } })).toBe('revoked');
    expect(refusalOf(401, { error: { code: 'unauthenticated', message: 'Expired' } })).toBe('expired');
    expect(refusalOf(401, undefined)).toBe('expired');
    expect(refusalOf(201, { status: 'accepted' })).toBeUndefined();
    expect(refusalOf(403, { error: { code: 'device_revoked' } })).toBeUndefined();
  });
});

describe('the words', () => {
  it('says plainly that the device was revoked, and how many scans it keeps', () => {
    expect(revokedText(0)).toBe('This device has been revoked. Ask your manager to enrol it again.');
    expect(revokedText(1)).toBe(
      'This device has been revoked. Ask your manager to enrol it again. 1 scan is kept on this device and will be sent once it is enrolled again.',
    );
    expect(revokedText(3)).toBe(
      'This device has been revoked. Ask your manager to enrol it again. 3 scans are kept on this device and will be sent once it is enrolled again.',
    );
  });

  it('tells an offline device to connect, and an online one to try again', () => {
    expect(enrolProblemText('unavailable', false)).toMatch(/offline/);
    expect(enrolProblemText('unavailable', true)).toMatch(/Try again/);
    expect(enrolProblemText('refused', true)).toMatch(/^That code does not work/);
    expect(enrolProblemText('not-a-code', true)).toMatch(/three groups of five/);
    expect(enrolProblemText('not-a-qr-code', true)).toMatch(/not an enrolment code/);
  });
});
