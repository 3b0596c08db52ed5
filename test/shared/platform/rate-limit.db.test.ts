import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCAN_LIMIT } from '#shared/scans/routes';
import { ENROL_LIMIT } from '#shared/devices/routes';
import { createTestApp, type TestApp } from '../../support/app';
import { makeActivities } from '../../support/fixtures';

/**
 * Per-caller rate limits (decision on limits in ARCHITECTURE.md): counted in the table per token
 * subject or client address and route, answered 429 with Retry-After in the one error shape, and
 * never recording what they refuse.
 */
let t: TestApp;
let provider: { providerId: string; venueId: string; activityIds: string[] };

beforeAll(async () => {
  // On the minute, so the whole test fits in one window of the dev clock (which keeps running).
  t = await createTestApp({ now: '2026-03-04T10:00:00Z' });
  provider = await makeActivities(t);
});

const deviceToken = async (sub: string) => (await t.issuer.mint({ role: 'provider', providerId: provider.providerId, sub }, t.clock.now())).token;
const scanBody = (cardId = 'NO-SUCH-CARD') => ({ scanId: randomUUID(), cardId, venueId: provider.venueId, activityId: provider.activityIds[0], scannedAt: t.clock.now().toISOString() });

describe('scans, per device', () => {
  it(`allows ${SCAN_LIMIT.requests} a minute from one device, then 429 with Retry-After; another device is unaffected; the next minute it is allowed again`, async () => {
    await t.call('POST', '/v1/dev/clock', { body: { now: '2026-03-04T10:00:00Z' } });
    const token = await deviceToken('busy-door');
    // Bad bodies count too (the limit is checked before the body is read), which keeps this quick.
    const answers = await Promise.all(Array.from({ length: SCAN_LIMIT.requests }, () => t.call('POST', '/v1/scans', { token, body: { nonsense: true } })));
    expect(answers.every((res) => res.status === 400)).toBe(true);

    const refused = await t.call('POST', '/v1/scans', { token, body: scanBody() });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('120 every 60 seconds') } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect((await t.call('POST', '/v1/scans', { token: await deviceToken('quiet-door'), body: scanBody() })).status).toBe(422);

    await t.call('POST', '/v1/dev/clock', { body: { advance: 'PT1M' } });
    expect((await t.call('POST', '/v1/scans', { token: await deviceToken('busy-door'), body: scanBody() })).status).toBe(422);
  });

  it('a refused scan records nothing: its scanId is new when sent again later', async () => {
    await t.call('POST', '/v1/dev/clock', { body: { now: '2026-03-04T11:00:00Z' } });
    const token = await deviceToken('flooding-door');
    await Promise.all(Array.from({ length: SCAN_LIMIT.requests }, () => t.call('POST', '/v1/scans', { token, body: { nonsense: true } })));
    const body = scanBody();
    expect((await t.call('POST', '/v1/scans', { token, body })).status).toBe(429);
    await t.call('POST', '/v1/dev/clock', { body: { advance: 'PT1M' } });
    const again = await t.call('POST', '/v1/scans', { token: await deviceToken('flooding-door'), body });
    expect([again.status, again.body.reason]).toEqual([422, 'unknown_card']);
  });
});

describe('device enrolment, per client address', () => {
  it(`allows ${ENROL_LIMIT.requests} tries a minute from one address, then 429; another address is unaffected`, async () => {
    await t.call('POST', '/v1/dev/clock', { body: { now: '2026-03-04T12:00:00Z' } });
    const from = (address: string) => ({ 'x-forwarded-for': `203.0.113.99, ${address}` });
    for (let i = 0; i < ENROL_LIMIT.requests; i++) {
      expect((await t.call('POST', '/v1/devices/enrol', { body: { code: 'ZZZZZ-ZZZZZ-ZZZZZ' }, headers: from('198.51.100.7') })).status).toBe(401);
    }
    const refused = await t.call('POST', '/v1/devices/enrol', { body: { code: 'ZZZZZ-ZZZZZ-ZZZZZ' }, headers: from('198.51.100.7') });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    // The address is the last X-Forwarded-For entry (CloudFront's, the viewer): a forged first entry changes nothing.
    expect((await t.call('POST', '/v1/devices/enrol', { body: { code: 'ZZZZZ-ZZZZZ-ZZZZZ' }, headers: { 'x-forwarded-for': `10.9.9.9, 198.51.100.7` } })).status).toBe(429);
    expect((await t.call('POST', '/v1/devices/enrol', { body: { code: 'ZZZZZ-ZZZZZ-ZZZZZ' }, headers: from('198.51.100.8') })).status).toBe(401);
  });
});

describe('the OpenAPI document', () => {
  it('documents the 429 on every rate-limited route, with its limit', async () => {
    const doc = (await t.call('GET', '/v1/openapi.json')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown>; 'x-waymark-rate-limit'?: unknown }>> };
    for (const [path, method] of [['/v1/scans', 'post'], ['/v1/scans/batch', 'post'], ['/v1/devices/enrol', 'post'], ['/v1/devices/token', 'post']] as const) {
      expect(doc.paths[path]![method]!.responses['429'], `${method} ${path}`).toBeDefined();
      expect(doc.paths[path]![method]!['x-waymark-rate-limit'], `${method} ${path}`).toMatchObject({ requests: expect.any(Number) });
    }
  });
});
