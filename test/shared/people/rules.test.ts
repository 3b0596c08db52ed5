import { describe, expect, it } from 'vitest';
import { adminDelta, mergeSync, newPerson, planChange, type PersonRecord } from '#shared/people/rules';
import { fixedClock } from '#shared/platform/clock';

const now = new Date('2026-05-01T10:00:00Z');
const base: PersonRecord = {
  ...newPerson({ email: 'a@example.org', givenName: 'Ann', familyName: 'Lee', role: 'navigator' }, { clock: fixedClock(now), ids: { next: () => '01J00000000000000000000001' } }),
  status: 'enabled',
  sub: 'sub-ann',
};

describe('planChange', () => {
  it('records what the directory must be told, and bumps the version', () => {
    const plan = planChange(base, { role: 'manager', enabled: false }, { sub: 'someone' }, now);
    expect(plan).toMatchObject({
      kind: 'planned',
      write: true,
      next: { role: 'manager', status: 'disabled', version: 2, pendingDirectory: { group: { from: ['navigator'], to: 'manager' }, enabled: false } },
    });
  });

  it('writes nothing for a change to what is already so, and replays an untold sync', () => {
    expect(planChange(base, { role: 'navigator', givenName: 'Ann' }, { sub: 'x' }, now)).toEqual({ kind: 'planned', write: false, next: base });
    const untold = { ...base, pendingDirectory: { enabled: true } };
    expect(planChange(untold, { enabled: true }, { sub: 'x' }, now)).toEqual({ kind: 'planned', write: false, next: untold });
  });

  it('refuses to disable yourself, and any change of a pending invitation', () => {
    expect(planChange(base, { enabled: false }, { sub: 'sub-ann' }, now)).toMatchObject({ kind: 'conflict', code: 'cannot_disable_self' });
    expect(planChange({ ...base, status: 'pending' }, { givenName: 'A' }, { sub: 'x' }, now)).toMatchObject({ kind: 'conflict', code: 'invitation_pending' });
  });

  it('refuses a role change to or from provider', () => {
    expect(planChange(base, { role: 'provider' }, { sub: 'x' }, now)).toMatchObject({ kind: 'invalid', issues: [{ path: 'role' }] });
    expect(planChange({ ...base, role: 'provider', providerId: '01J00000000000000000000002' }, { role: 'admin' }, { sub: 'x' }, now)).toMatchObject({
      kind: 'invalid',
    });
  });
});

describe('mergeSync', () => {
  it('remembers every group the user may still be in when a move was not told', () => {
    expect(mergeSync({ group: { from: ['navigator'], to: 'manager' } }, { group: { from: ['manager'], to: 'navigator' } })).toEqual({
      group: { from: ['manager'], to: 'navigator' },
    });
    expect(mergeSync({ group: { from: ['navigator'], to: 'manager' } }, { group: { from: ['manager'], to: 'admin' } })).toEqual({
      group: { from: ['navigator', 'manager'], to: 'admin' },
    });
  });

  it('the newer enable and name win; nothing is nothing', () => {
    expect(mergeSync({ enabled: false, name: { givenName: 'A', familyName: 'B' } }, { enabled: true })).toEqual({
      enabled: true,
      name: { givenName: 'A', familyName: 'B' },
    });
    expect(mergeSync(undefined, {})).toBeUndefined();
  });
});

describe('adminDelta', () => {
  it('counts enabled admins only', () => {
    expect(adminDelta({ role: 'admin', status: 'enabled' }, { role: 'admin', status: 'disabled' })).toBe(-1);
    expect(adminDelta({ role: 'navigator', status: 'enabled' }, { role: 'admin', status: 'enabled' })).toBe(1);
    expect(adminDelta({ role: 'admin', status: 'pending' }, { role: 'admin', status: 'enabled' })).toBe(1);
    expect(adminDelta({ role: 'admin', status: 'disabled' }, { role: 'manager', status: 'disabled' })).toBe(0);
  });
});
