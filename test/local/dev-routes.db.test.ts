import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-09-01T08:00:00Z' });
});

describe('POST /v1/dev/tokens', () => {
  it('mints a token the API accepts for that role', async () => {
    const minted = await t.call('POST', '/v1/dev/tokens', { body: { role: 'manager' } });
    expect(minted.status).toBe(200);
    const res = await t.call('GET', '/v1/providers', { token: minted.body.token });
    expect(res.status).toBe(200);
  });

  it('mints a provider token carrying its providerId', async () => {
    const minted = await t.call('POST', '/v1/dev/tokens', { body: { role: 'provider', providerId: '01J00000000000000000000001', sub: 'door-scanner' } });
    expect(minted.status).toBe(200);
    const payload = JSON.parse(Buffer.from(minted.body.token.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ sub: 'door-scanner', 'cognito:groups': ['provider'], 'custom:providerId': '01J00000000000000000000001' });
  });

  it.each([
    [{ role: 'superuser' }, 'role'],
    [{ role: 'provider' }, 'providerId'],
    [{ role: 'navigator', providerId: '01J00000000000000000000001' }, 'providerId'],
    [{ role: 'provider', providerId: 'x' }, 'providerId'],
  ])('refuses %j at %s', async (body, path) => {
    const res = await t.call('POST', '/v1/dev/tokens', { body });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
  });
});

describe('/v1/dev/clock', () => {
  it.each(['P300000Y', 'P100Y', '-P100Y'])('refuses to move the clock by %s (400, not a 500) and leaves it where it was', async (advance) => {
    const before = (await t.call('GET', '/v1/dev/clock')).body.now;
    const res = await t.call('POST', '/v1/dev/clock', { body: { advance } });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path: 'advance', code: 'out_of_range' });
    expect(Date.parse((await t.call('GET', '/v1/dev/clock')).body.now) - Date.parse(before)).toBeLessThan(60_000);
  });

  it('reads, advances by London calendar days, and sets', async () => {
    expect((await t.call('GET', '/v1/dev/clock')).body.now).toMatch(/^2026-09-01T08:00/);
    const advanced = await t.call('POST', '/v1/dev/clock', { body: { advance: 'P84D' } });
    expect(advanced.body.now).toMatch(/^2026-11-24T09:00/); // 09:00 BST → 09:00 GMT
    const set = await t.call('POST', '/v1/dev/clock', { body: { now: '2027-01-01T12:00:00Z' } });
    expect(set.body.now).toMatch(/^2027-01-01T12:00/);
  });

  it('tokens minted on the moved clock are valid on it', async () => {
    await t.call('POST', '/v1/dev/clock', { body: { advance: 'P30D' } });
    const { body } = await t.call('POST', '/v1/dev/tokens', { body: { role: 'admin' } });
    expect((await t.call('GET', '/v1/providers', { token: body.token })).status).toBe(200);
  });

  it.each([{}, { advance: '84 days' }, { now: 'yesterday' }, { now: '2027-01-01T00:00:00Z', advance: 'P1D' }])(
    'refuses %j and leaves the clock alone',
    async (body) => {
      const before = (await t.call('GET', '/v1/dev/clock')).body.now as string;
      const res = await t.call('POST', '/v1/dev/clock', { body });
      expect(res.status).toBe(400);
      const after = (await t.call('GET', '/v1/dev/clock')).body.now as string;
      expect(Date.parse(after) - Date.parse(before)).toBeLessThan(5_000);
    },
  );
});
