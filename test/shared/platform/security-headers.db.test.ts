import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, createExportsApp } from '#shared/app/app';
import { localDependencies } from '#local/wiring';
import { webApp, LOCAL_APP_CSP } from '#local/web';
import {
  API_CONTENT_SECURITY_POLICY,
  appContentSecurityPolicy,
  DOCS_CONTENT_SECURITY_POLICY,
  STRICT_TRANSPORT_SECURITY,
} from '#shared/platform/security-headers';
import { createTestApp, type TestApp } from '../../support/app';

/**
 * The API sets the same security headers CloudFront sets (its execute-api endpoint and the exports
 * function URL answer without CloudFront), and local mode serves the web apps with them too.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-09-01T08:00:00Z' });
});

const base = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(self), nfc=(self), geolocation=(), microphone=()',
};

function expectBase(headers: Headers, what: string) {
  for (const [name, value] of Object.entries(base)) expect(headers.get(name), `${what}: ${name}`).toBe(value);
}

describe('security headers on the API answers (local mode: no HSTS over HTTP)', () => {
  it.each([
    ['a 200 list', 'GET', '/v1/providers', { as: 'manager' as const }, 200],
    ['a 201 create', 'POST', '/v1/providers', { as: 'manager' as const, body: { name: 'Headers Club', categories: ['social'], accreditation: { status: 'accredited', validUntil: '2027-12-31' } } }, 201],
    ['a 400 with issues', 'POST', '/v1/providers', { as: 'manager' as const, body: { name: '' } }, 400],
    ['a 400 of malformed JSON', 'POST', '/v1/providers', { as: 'manager' as const, body: '{"name":' }, 400],
    ['a 401 without a token', 'GET', '/v1/providers', {}, 401],
    ['a 403 for the wrong role', 'POST', '/v1/providers', { as: 'provider' as const, providerId: '01J00000000000000000000001', body: {} }, 403],
    ['a 404 of an unknown id', 'GET', '/v1/providers/01J00000000000000000000099', { as: 'manager' as const }, 404],
    ['a 404 of no route', 'GET', '/v1/no-such-route', {}, 404],
    ['the OpenAPI document', 'GET', '/v1/openapi.json', {}, 200],
    ['a dev route', 'GET', '/v1/dev/clock', {}, 200],
  ])('%s', async (what, method, path, options, status) => {
    const res = await t.call(method, path, options);
    expect(res.status).toBe(status);
    expectBase(res.headers, what);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('the API reference page (HTML) may load Swagger UI, but is never framed', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expectBase(res.headers, '/docs');
    expect(res.headers.get('content-security-policy')).toBe(DOCS_CONTENT_SECURITY_POLICY);
  });
});

describe('security headers in AWS (the app the Lambda functions serve)', () => {
  const awsApp = () => createApp(localDependencies(t.db, t.clock, t.issuer, 'SILENT'));

  it('adds HSTS for two years with preload to every answer, errors included', async () => {
    const app = awsApp();
    for (const [path, status] of [['/v1/providers', 401], ['/v1/openapi.json', 200], ['/v1/nothing-here', 404], ['/docs', 200]] as const) {
      const res = await app.request(path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('strict-transport-security'), path).toBe('max-age=63072000; includeSubDomains; preload');
      expectBase(res.headers, path);
    }
    expect(STRICT_TRANSPORT_SECURITY).toBe('max-age=63072000; includeSubDomains; preload');
  });

  it("the exports function's own 404 for a route it does not serve carries them too", async () => {
    const res = await createExportsApp(localDependencies(t.db, t.clock, t.issuer, 'SILENT')).request('/v1/providers');
    expect(res.status).toBe(404);
    expectBase(res.headers, 'exports 404');
    expect(res.headers.get('strict-transport-security')).toBe(STRICT_TRANSPORT_SECURITY);
    expect(res.headers.get('content-security-policy')).toBe(API_CONTENT_SECURITY_POLICY);
  });
});

describe('the web apps local mode serves', () => {
  const files = [
    { urlPath: '/index.html', contents: new TextEncoder().encode('<!doctype html><title>console</title>') },
    { urlPath: '/app.js', contents: new TextEncoder().encode('console.log(1)') },
    { urlPath: '/scan/index.html', contents: new TextEncoder().encode('<!doctype html><title>scanner</title>') },
    { urlPath: '/scan/sw.js', contents: new TextEncoder().encode('self.addEventListener("fetch", () => {})') },
  ];
  let app: TestApp['app'];
  beforeAll(async () => {
    const local = await createTestApp();
    app = local.app;
    app.route('/', webApp(files));
  });

  it('carry the CSP CloudFront sends (without Cognito: local sign-in is same-origin) and the other headers', async () => {
    for (const path of ['/', '/app.js', '/scan/', '/scan/sw.js']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expectBase(res.headers, path);
      expect(res.headers.get('content-security-policy'), path).toBe(LOCAL_APP_CSP);
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
    }
    expect(LOCAL_APP_CSP.split('; ')).toEqual([
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data: blob:",
      "media-src 'self' blob:",
      "connect-src 'self'",
      "worker-src 'self'",
      "manifest-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ]);
    // The AWS policy is the same one with Cognito's two origins added.
    const aws = appContentSecurityPolicy({ userPoolApi: 'https://cognito-idp.eu-west-2.amazonaws.com', hostedSignIn: 'https://auth.example' });
    expect(aws.replace(' https://cognito-idp.eu-west-2.amazonaws.com https://auth.example', '').replace(' https://auth.example', '')).toBe(LOCAL_APP_CSP);
  });

  it('the config, the redirect and a missing file carry them too', async () => {
    for (const [path, status] of [['/config.json', 200], ['/scan', 301], ['/missing.js', 404]] as const) {
      const res = await app.request(path);
      expect(res.status, path).toBe(status);
      expectBase(res.headers, path);
      expect(res.headers.get('content-security-policy'), path).toBe(API_CONTENT_SECURITY_POLICY);
    }
  });
});
