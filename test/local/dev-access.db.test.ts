import { beforeAll, describe, expect, it } from 'vitest';
import { DevClock } from '#local/dev-clock';
import { loadDevIssuer } from '#local/dev-issuer';
import { createLocalApp, localDependencies } from '#local/wiring';
import { DEV_SECRET_HEADER, isLoopbackAddress, isLoopbackHost, newDevSecret } from '#local/dev-access';
import { createTestDb } from '../support/db';

/** The dev routes beyond loopback: this machine, or the printed secret; nothing else. */
describe('loopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', 'app.localhost', '::1', '[::1]'])('%s is a loopback host', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'my-laptop.local', '128.0.0.1', 'localhost.evil.example', '::2'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.255.0.9'])('peer %s is this machine', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });
  it.each([undefined, '', '192.0.2.2', '::ffff:192.0.2.2', 'fd00::2', '::', '0.0.0.0', '::ffff:10.0.0.1'])('peer %s is not', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
  it('a new secret at every start, long and URL-safe', () => {
    const secrets = new Set(Array.from({ length: 20 }, newDevSecret));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});

describe('the dev routes when the server listens beyond loopback', () => {
  const secret = 'the-printed-secret-0123456';
  let peer: string | undefined;
  let app: ReturnType<typeof createLocalApp>;
  let open: ReturnType<typeof createLocalApp>;
  beforeAll(async () => {
    const db = await createTestDb();
    const clock = new DevClock();
    const issuer = await loadDevIssuer();
    const deps = localDependencies(db, clock, issuer, 'SILENT');
    app = createLocalApp(deps, clock, issuer, {}, { secret, remoteAddress: () => peer });
    open = createLocalApp(deps, clock, issuer);
  });

  const mint = (target: typeof app, headers: Record<string, string> = {}) =>
    target.request('/v1/dev/tokens', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"role":"admin"}' });

  it.each([
    ['another machine without the secret', '192.0.2.50', {}],
    ['another machine with a wrong secret', '192.0.2.50', { [DEV_SECRET_HEADER]: 'not-the-printed-secret-00' }],
    ['another machine with a prefix of it', '192.0.2.50', { [DEV_SECRET_HEADER]: secret.slice(0, -1) }],
    ['another machine with it in another header', '192.0.2.50', { authorization: `Bearer ${secret}` }],
    ['an unknown peer', undefined, {}],
    ['an IPv6 peer on the LAN', 'fd00::9', {}],
  ])('refuses %s: 403 dev_routes_local_only, and mints nothing', async (_what, address, headers) => {
    peer = address;
    for (const [method, path, body] of [
      ['POST', '/v1/dev/tokens', '{"role":"admin"}'],
      ['GET', '/v1/dev/clock', undefined],
      ['POST', '/v1/dev/clock', '{"advance":"P84D"}'],
      ['GET', '/v1/dev/people', undefined],
      ['GET', '/v1/dev/outbox', undefined],
    ] as const) {
      const res = await app.request(path, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
      const json = (await res.json()) as { error: { code: string; message: string }; token?: string };
      expect(json.error.code).toBe('dev_routes_local_only');
      expect(json.token).toBeUndefined();
      expect(json.error.message).not.toContain(secret);
    }
  });

  it('the refused clock move did not move the clock', async () => {
    peer = '127.0.0.1';
    const before = Date.parse(((await (await app.request('/v1/dev/clock')).json()) as { now: string }).now);
    expect(Math.abs(before - Date.now())).toBeLessThan(60_000);
  });

  it.each([
    ['this machine (IPv4)', '127.0.0.1', {}],
    ['this machine (IPv6)', '::1', {}],
    ['this machine (IPv4-mapped)', '::ffff:127.0.0.1', {}],
    ['another machine with the secret', '192.0.2.50', { [DEV_SECRET_HEADER]: secret }],
  ])('serves %s', async (_what, address, headers) => {
    peer = address;
    const res = await mint(app, headers);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { token: string }).token.split('.')).toHaveLength(3);
  });

  it('the rest of the API is not behind the secret (it has its own tokens)', async () => {
    peer = '192.0.2.50';
    expect((await app.request('/v1/providers')).status).toBe(401);
    expect((await app.request('/v1/openapi.json')).status).toBe(200);
  });

  it('a token minted with the secret works from the other machine', async () => {
    peer = '192.0.2.50';
    const { token } = (await (await mint(app, { [DEV_SECRET_HEADER]: secret })).json()) as { token: string };
    expect((await app.request('/v1/providers', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('on loopback (no access settings) the dev routes need no secret', async () => {
    expect((await mint(open)).status).toBe(200);
  });
});
