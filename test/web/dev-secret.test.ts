import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../../web/shared/api';
import { DEV_SECRET_HEADER, devSecret, isDevRoute } from '../../web/shared/dev-secret';

/** The apps on a phone in local mode: the printed URL's secret, kept and sent on the dev routes only. */
let href: string;
let stored: Map<string, string>;
beforeEach(() => {
  stored = new Map();
  href = 'http://192.0.2.2:3000/scan/?devSecret=printed-secret-123456789#/scan';
  vi.stubGlobal('location', { get href() { return href; }, origin: 'http://192.0.2.2:3000' });
  vi.stubGlobal('localStorage', { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v), removeItem: (k: string) => void stored.delete(k) });
  vi.stubGlobal('history', { state: null, replaceState: (_s: unknown, _t: string, url: string) => void (href = url) });
});
afterEach(() => vi.unstubAllGlobals());

describe('the dev secret in the apps', () => {
  it('is taken from the address bar, kept, and removed from the URL (the hash route stays)', () => {
    expect(devSecret()).toBe('printed-secret-123456789');
    expect(href).toBe('http://192.0.2.2:3000/scan/#/scan');
    expect(devSecret()).toBe('printed-secret-123456789'); // from storage now
    href = 'http://192.0.2.2:3000/scan/?devSecret=a-newer-start-secret-000';
    expect(devSecret()).toBe('a-newer-start-secret-000');
  });

  it('is none when never given', () => {
    href = 'http://localhost:3000/';
    expect(devSecret()).toBeUndefined();
  });

  it.each([
    ['/v1/dev/tokens', true],
    ['http://192.0.2.2:3000/v1/dev/clock', true],
    ['/v1/devices/token', false],
    ['/v1/scans', false],
    ['http://192.0.2.2:3000/v1/developers/v1/dev/', false],
  ])('%s is a dev route: %s', (url, expected) => {
    expect(isDevRoute(url)).toBe(expected);
  });

  it('is sent on the dev routes and nowhere else', async () => {
    devSecret();
    const seen: { path: string; secret: string | null; auth: string | null }[] = [];
    const api = createApi(() => 'a-token', 'http://192.0.2.2:3000', async (request) => {
      seen.push({ path: new URL(request.url).pathname, secret: request.headers.get(DEV_SECRET_HEADER), auth: request.headers.get('authorization') });
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    });
    await api.GET('/v1/dev/clock');
    await api.GET('/v1/providers');
    expect(seen).toEqual([
      { path: '/v1/dev/clock', secret: 'printed-secret-123456789', auth: 'Bearer a-token' },
      { path: '/v1/providers', secret: null, auth: 'Bearer a-token' },
    ]);
  });
});
