import { describe, expect, it } from 'vitest';
import { createHttpApp, type AppOptions, type HttpDependencies } from '#shared/platform/app';
import { originVerificationOf, originVerifyVariables, functionEnvironment } from '#shared/platform/config';
import { ORIGIN_VERIFY_HEADER, matchesOneOf, verifyOrigin } from '#shared/platform/origin-verify';
import type { Logger } from '#shared/platform/logger';

/**
 * Origin verification (decision 91): with a web ACL in front, CloudFront sends a secret header and
 * the app answers only requests carrying it; without the check (local mode, tests, `-c waf=false`)
 * nothing changes.
 */

const secret = 'A'.repeat(16) + 'b'.repeat(16) + '0123456789abcdef';
const previous = 'P'.repeat(48);

/** A request log that keeps what it was given, to check the secret never reaches it. */
function recordingLogger(): Logger & { lines: unknown[] } {
  const lines: unknown[] = [];
  const record = (message: string, data?: unknown) => void lines.push({ message, data });
  return { lines, debug: record, info: record, warn: record, error: record } as unknown as Logger & { lines: unknown[] };
}

/** The HTTP shell with one data route, one that writes, and its own reference pages. */
function appWith(options: AppOptions, logger = recordingLogger()) {
  const deps: HttpDependencies = {
    verifyToken: async () => {
      throw new Error('no token is verified in this test');
    },
    logger,
    rateLimiter: { hit: async () => ({ allowed: true }) } as unknown as HttpDependencies['rateLimiter'],
  };
  let handled = 0;
  const app = createHttpApp(
    deps,
    (mounted) => {
      mounted.get('/v1/things', (c) => {
        handled += 1;
        return c.json({ things: [] });
      });
      mounted.post('/v1/things', (c) => {
        handled += 1;
        return c.json({ created: true }, 201);
      });
    },
    options,
  );
  return { app, logger, handled: () => handled };
}

const on: AppOptions = { originVerification: { accepted: [secret] } };

describe('the origin check, on (AWS with the web ACL)', () => {
  it('refuses a request without the header with 403 forbidden in the one error shape, before the route runs', async () => {
    const { app, handled } = appWith(on);
    const res = await app.request('/v1/things');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(/through the Waymark web address/) } });
    expect(handled()).toBe(0);
    // Still an answer of this app: the security headers and the request id are on it.
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses a wrong value, an empty one, and the right one with a character more or less', async () => {
    const { app, handled } = appWith(on);
    for (const value of ['wrong', '', secret.slice(0, -1), `${secret}x`, secret.toLowerCase()]) {
      const res = await app.request('/v1/things', { headers: { [ORIGIN_VERIFY_HEADER]: value } });
      expect(res.status, JSON.stringify(value)).toBe(403);
    }
    expect(handled()).toBe(0);
  });

  it('refuses a write without the header too, and never reads its body', async () => {
    const { app, handled } = appWith(on);
    const res = await app.request('/v1/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":' });
    expect(res.status).toBe(403);
    expect(handled()).toBe(0);
  });

  it('serves a request with the right value (the header name in any case)', async () => {
    const { app, handled } = appWith(on);
    expect((await app.request('/v1/things', { headers: { [ORIGIN_VERIFY_HEADER]: secret } })).status).toBe(200);
    expect((await app.request('/v1/things', { headers: { 'X-Waymark-Origin-Verify': secret } })).status).toBe(200);
    const created = await app.request('/v1/things', {
      method: 'POST',
      headers: { [ORIGIN_VERIFY_HEADER]: secret, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(created.status).toBe(201);
    expect(handled()).toBe(3);
  });

  it('accepts the previous secret during a rotation, and only the values given', async () => {
    const { app } = appWith({ originVerification: { accepted: [secret, previous] } });
    expect((await app.request('/v1/things', { headers: { [ORIGIN_VERIFY_HEADER]: secret } })).status).toBe(200);
    expect((await app.request('/v1/things', { headers: { [ORIGIN_VERIFY_HEADER]: previous } })).status).toBe(200);
    expect((await app.request('/v1/things', { headers: { [ORIGIN_VERIFY_HEADER]: 'Q'.repeat(48) } })).status).toBe(403);
  });

  it('leaves the public reference pages readable at the API’s own address (GET only), and nothing else', async () => {
    const { app } = appWith(on);
    expect((await app.request('/v1/openapi.json')).status).toBe(200);
    expect((await app.request('/docs')).status).toBe(200);
    expect((await app.request('/docs', { method: 'POST' })).status).toBe(403);
    expect((await app.request('/docs/')).status).toBe(403);
    expect((await app.request('/v1/openapi.json/x')).status).toBe(403);
    // An unknown route is refused too, not a 404 that would tell a direct caller what exists.
    expect((await app.request('/v1/nothing-here')).status).toBe(403);
  });

  it('logs the refusal like any answer, and never the header’s value', async () => {
    const { app, logger } = appWith(on);
    await app.request('/v1/things', { headers: { [ORIGIN_VERIFY_HEADER]: `${secret}-guess` } });
    await app.request('/v1/things', { headers: { [ORIGIN_VERIFY_HEADER]: secret } });
    expect(logger.lines).toEqual([
      { message: 'request', data: expect.objectContaining({ method: 'GET', status: 403 }) },
      { message: 'request', data: expect.objectContaining({ method: 'GET', status: 200 }) },
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain(secret);
  });

  it('cannot be turned on with no value to accept', () => {
    expect(() => verifyOrigin({ accepted: [] })).toThrow(/at least one accepted value/);
    expect(() => verifyOrigin({ accepted: [''] })).toThrow(/at least one accepted value/);
  });
});

describe('the origin check, off (local mode, the tests, -c waf=false)', () => {
  it('serves requests without the header, and ignores one that is sent', async () => {
    const { app } = appWith({});
    expect((await app.request('/v1/things')).status).toBe(200);
    expect((await app.request('/v1/things', { headers: { [ORIGIN_VERIFY_HEADER]: 'anything' } })).status).toBe(200);
  });
});

describe('matchesOneOf', () => {
  it('is true for an exact match of any accepted value, false otherwise', () => {
    expect(matchesOneOf(secret, [secret])).toBe(true);
    expect(matchesOneOf(previous, [secret, previous])).toBe(true);
    expect(matchesOneOf(secret, [previous])).toBe(false);
    expect(matchesOneOf('', [secret])).toBe(false);
    expect(matchesOneOf(secret, [])).toBe(false);
  });
});

describe('the origin-verify variables (functions/env.ts)', () => {
  const environment = functionEnvironment('test', originVerifyVariables);

  it('turn the check off with "off", and on with the secret, plus the previous one unless "none"', () => {
    expect(originVerificationOf(environment.parse({ ORIGIN_VERIFY_SECRET: 'off', ORIGIN_VERIFY_PREVIOUS_SECRET: 'none' }))).toBeUndefined();
    expect(originVerificationOf(environment.parse({ ORIGIN_VERIFY_SECRET: secret, ORIGIN_VERIFY_PREVIOUS_SECRET: 'none' }))).toEqual({
      accepted: [secret],
    });
    expect(originVerificationOf(environment.parse({ ORIGIN_VERIFY_SECRET: secret, ORIGIN_VERIFY_PREVIOUS_SECRET: previous }))).toEqual({
      accepted: [secret, previous],
    });
  });

  it('refuse a missing, short or punctuated secret, naming the variable and never the value', () => {
    expect(() => environment.parse({ ORIGIN_VERIFY_PREVIOUS_SECRET: 'none' })).toThrow(
      'Invalid environment of the test function: ORIGIN_VERIFY_SECRET is missing',
    );
    for (const bad of ['short', `${'a'.repeat(40)}!`, 'OFF', 'true']) {
      let message = '';
      try {
        environment.parse({ ORIGIN_VERIFY_SECRET: bad, ORIGIN_VERIFY_PREVIOUS_SECRET: 'none' });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, bad).toMatch(/^Invalid environment of the test function: ORIGIN_VERIFY_SECRET is invalid \(expected "off" or the generated secret/);
      expect(message).not.toContain(bad);
    }
    expect(() => environment.parse({ ORIGIN_VERIFY_SECRET: secret, ORIGIN_VERIFY_PREVIOUS_SECRET: 'off' })).toThrow(
      /ORIGIN_VERIFY_PREVIOUS_SECRET is invalid \(expected "none" or the previous generated secret/,
    );
  });
});
