import { describe, expect, it } from 'vitest';
import {
  DEVICE_FIELDS,
  codeGroups,
  deviceCount,
  deviceStatusView,
  endedText,
  expiryText,
  londonTime,
  mayRevoke,
  mergeDevices,
  revokeQuestion,
  revokedMessage,
  spelledCode,
  toCreateDevice,
  validateDeviceName,
  whenOrNot,
  withoutCode,
  type Device,
  type DeviceEnrolment,
} from '../../../web/console/lib/devices';
import { problemsFromError } from '../../../web/console/lib/issues';
import { canOpen, href, navLinks, parseRoute } from '../../../web/console/lib/routes';

const PROVIDER = '01J0000000000000000000PROV';
const device = (deviceId: string, change: Partial<Device> = {}): Device => ({
  deviceId,
  providerId: PROVIDER,
  name: `Tablet ${deviceId.slice(-1)}`,
  status: 'active',
  createdAt: '2026-11-23T09:00:00.000Z',
  ...change,
});

describe('the device name', () => {
  it('is asked for, at most 60 characters, on one line', () => {
    expect(validateDeviceName('   ').fields).toEqual({ deviceName: 'Enter a name for the device' });
    expect(validateDeviceName('x'.repeat(61)).fields).toEqual({ deviceName: 'Device name must be 60 characters or fewer' });
    expect(validateDeviceName(` ${'x'.repeat(60)} `).fields).toEqual({});
    expect(validateDeviceName('Hall\ttablet').fields.deviceName).toBe('Device name must be one line of ordinary text');
    expect(validateDeviceName('Hall \uD83D tablet').fields.deviceName).toBe('Device name must be one line of ordinary text');
    expect(validateDeviceName('Café tablet 📱').fields).toEqual({});
    expect(toCreateDevice('  Village hall tablet ')).toEqual({ name: 'Village hall tablet' });
  });

  it('takes the API’s field issue and its other refusals', () => {
    const invalid = { error: { code: 'invalid_request', message: 'x', issues: [{ in: 'body', path: 'name', code: 'too_big', message: 'must be 60 characters or fewer' }] } };
    expect(problemsFromError(invalid, DEVICE_FIELDS).fields).toEqual({ deviceName: 'Device name must be 60 characters or fewer' });
    const missing = { error: { code: 'not_found', message: 'Provider not found.' } };
    expect(problemsFromError(missing, DEVICE_FIELDS).general).toEqual(['Provider not found.']);
  });
});

describe('a device in the list', () => {
  it('says its status in plain words', () => {
    expect(deviceStatusView('pending')).toEqual({ label: 'Waiting to be enrolled', tone: 'blue' });
    expect(deviceStatusView('active')).toEqual({ label: 'Enrolled', tone: 'green' });
    expect(deviceStatusView('revoked')).toEqual({ label: 'Revoked', tone: 'grey' });
    expect(deviceStatusView('expired')).toEqual({ label: 'Code expired', tone: 'yellow' });
    expect(deviceStatusView('void')).toEqual({ label: 'Code void (too many wrong tries)', tone: 'red' });
  });

  it('says why it stopped working, and when, in London time', () => {
    expect(endedText(device('A'))).toBe('');
    expect(endedText(device('A', { status: 'revoked', endReason: 'revoked_by_staff', endedAt: '2026-07-01T13:30:00.000Z' }))).toBe('Revoked by staff, 1 July 2026 at 2:30pm');
    expect(endedText(device('A', { status: 'revoked', endReason: 'refresh_token_reused', endedAt: '2026-11-23T09:00:00.000Z' }))).toMatch(/^Revoked by Waymark: its sign-in was used from somewhere else, 23 November 2026 at 9:00am$/);
    expect(endedText(device('A', { status: 'void', endReason: 'enrolment_attempts_exceeded' }))).toBe('Its code was typed wrongly 5 times');
    expect(endedText(device('A', { status: 'expired', enrolmentExpiresAt: '2026-11-24T09:00:00.000Z' }))).toBe('Its code was not used within 24 hours (expired 24 November 2026 at 9:00am)');
    expect(whenOrNot(undefined)).toBe('Not yet');
    expect(whenOrNot('2026-11-23T09:05:00.000Z')).toBe('23 November 2026 at 9:05am');
  });

  it('can be revoked while it works or waits, with a question that says what happens', () => {
    expect(mayRevoke({ status: 'active' })).toBe(true);
    expect(mayRevoke({ status: 'pending' })).toBe(true);
    expect(['revoked', 'void', 'expired'].map((status) => mayRevoke({ status: status as Device['status'] }))).toEqual([false, false, false]);
    expect(revokeQuestion({ name: 'Hall tablet', status: 'active' })).toBe('Revoke Hall tablet? Its next scan will be refused.');
    expect(revokeQuestion({ name: 'Hall tablet', status: 'pending' })).toBe('Revoke Hall tablet? Its enrolment code will stop working.');
    expect(revokedMessage({ name: 'Hall tablet', status: 'revoked' }, 'active')).toMatch(/^Hall tablet has been revoked\. Its next scan will be refused\./);
    expect(revokedMessage({ name: 'Hall tablet', status: 'revoked' }, 'pending')).toBe('Hall tablet has been revoked. Its enrolment code no longer works.');
    expect(revokedMessage({ name: 'Hall tablet', status: 'void' }, 'pending')).toMatch(/already stopped working/);
  });

  it('is kept in the list as the API answered a change, in the API’s order, once', () => {
    const list = [device('01J00000000000000000000001'), device('01J00000000000000000000003')];
    const revoked = device('01J00000000000000000000001', { status: 'revoked' });
    const added = device('01J00000000000000000000002', { status: 'pending' });
    expect(mergeDevices(list, [revoked, added]).map((d) => [d.deviceId.slice(-1), d.status])).toEqual([
      ['1', 'revoked'],
      ['2', 'pending'],
      ['3', 'active'],
    ]);
    expect(mergeDevices(list, list)).toHaveLength(2);
    expect(deviceCount(1)).toBe('1 device');
    expect(deviceCount(3)).toBe('3 devices');
  });
});

describe('the enrolment code', () => {
  const enrolment: DeviceEnrolment = {
    ...device('01J00000000000000000000009', { status: 'pending', enrolmentExpiresAt: '2026-11-24T09:15:00.000Z' }),
    enrolmentCode: 'K7QFM-2XW9R-TBJ4C',
    enrolmentUrl: 'https://waymark.example/scan/#enrol=K7QFM.secret',
    expiresAt: '2026-11-24T09:15:00.000Z',
  };

  it('leaves the list without its secret', () => {
    const shown = withoutCode(enrolment);
    expect(shown).not.toHaveProperty('enrolmentCode');
    expect(shown).not.toHaveProperty('enrolmentUrl');
    expect(shown).not.toHaveProperty('expiresAt');
    expect(shown.enrolmentExpiresAt).toBe('2026-11-24T09:15:00.000Z');
  });

  it('is shown in groups, and spelled out for a screen reader', () => {
    expect(codeGroups(enrolment.enrolmentCode)).toEqual(['K7QFM', '2XW9R', 'TBJ4C']);
    expect(spelledCode(enrolment.enrolmentCode)).toBe('K 7 Q F M, 2 X W 9 R, T B J 4 C');
  });

  it('says when it expires in London time, in words', () => {
    const now = new Date('2026-11-23T09:15:00.000Z');
    expect(expiryText(enrolment.expiresAt, now)).toBe('9:15am tomorrow (Tuesday 24 November 2026), London time');
    expect(expiryText('2026-11-23T17:40:00.000Z', now)).toBe('5:40pm today (Monday 23 November 2026), London time');
    expect(expiryText('2026-11-26T12:00:00.000Z', now)).toBe('midday on Thursday 26 November 2026, London time');
    // Summer time: 23:00 UTC is midnight in London, at the start of the next day.
    expect(expiryText('2026-07-01T23:00:00.000Z', new Date('2026-07-01T00:30:00.000Z'))).toBe('midnight at the start of tomorrow, Thursday 2 July 2026 (London time)');
    expect(londonTime(new Date('2026-07-01T11:05:00.000Z'))).toBe('12:05pm');
    expect(londonTime(new Date('2026-12-01T00:05:00.000Z'))).toBe('12:05am');
    expect(expiryText('not a time', now)).toBe('not a time');
  });
});

describe('the devices page’s route', () => {
  it('is under its provider, for managers and admins, with Providers as its section', () => {
    expect(parseRoute(`#/providers/${PROVIDER}/devices`)).toEqual({ name: 'devices', providerId: PROVIDER });
    expect(parseRoute(href.devices(PROVIDER))).toEqual({ name: 'devices', providerId: PROVIDER });
    expect(parseRoute('#/providers/new/devices').name).toBe('notFound');
    expect(parseRoute(`#/providers/${PROVIDER}/venues`).name).toBe('notFound');
    expect(parseRoute(`#/providers/${PROVIDER}/devices/x`).name).toBe('notFound');
    expect(parseRoute(`#/patients/${PROVIDER}/devices`).name).toBe('notFound');
    expect(canOpen('manager', 'devices')).toBe(true);
    expect(canOpen('admin', 'devices')).toBe(true);
    expect(canOpen('navigator', 'devices')).toBe(false);
    expect(canOpen('provider', 'devices')).toBe(false);
    expect(navLinks('manager').find((link) => link.label === 'Providers')?.matches).toContain('devices');
  });
});
