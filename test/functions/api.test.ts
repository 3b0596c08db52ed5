import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleLambdaVariables } from '../support/lambda-environment';

/**
 * The Lambda entry as API Gateway's HTTP API ($default stage) invokes it: routing on rawPath,
 * the contract's error shape. (A cold start with a bad environment: test/functions/env.test.ts.)
 */
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number; body: string; headers?: Record<string, string> }>;
let handler: Handler;

// What the stack sets (every variable), with the origin check off, as without a web ACL; with it on, see below.
const env = { ...sampleLambdaVariables, AWS_REGION: 'eu-west-2' };

beforeAll(async () => {
  Object.assign(process.env, env);
  ({ handler } = (await import('../../functions/api')) as unknown as { handler: Handler });
});

function event(method: string, rawPath: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { host: 'api.example.org', ...headers },
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '23/Nov/2026:10:00:00 +0000',
      timeEpoch: 1795000000000,
    },
  };
}

const context = {} as Context;

describe('functions/api.ts on an HTTP API v2 event', () => {
  it('serves the OpenAPI document without a token', async () => {
    const res = await handler(event('GET', '/v1/openapi.json'), context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).openapi).toBe('3.1.0');
  });

  it('answers 401 in the error shape without a token, before touching DynamoDB', async () => {
    const res = await handler(event('GET', '/v1/providers'), context);
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'unauthenticated', message: 'A valid bearer token is required.' } });
  });

  it('has no local-only routes', async () => {
    const res = await handler(event('POST', '/v1/dev/tokens', { 'content-type': 'application/json' }), context);
    expect(res.statusCode).toBe(404);
    const doc = JSON.parse((await handler(event('GET', '/v1/openapi.json'), context)).body) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/v1/dev/'))).toEqual([]);
  });
});

describe('functions/api.ts with the origin check on (a web ACL in front, decision 91)', () => {
  const secret = 'S'.repeat(24) + 's9'.repeat(12);
  let verified: Handler;

  beforeAll(async () => {
    vi.resetModules();
    vi.stubEnv('ORIGIN_VERIFY_SECRET', secret);
    ({ handler: verified } = (await import('../../functions/api')) as unknown as { handler: Handler });
    vi.unstubAllEnvs();
  });

  it('refuses a request that did not come through CloudFront (no header, or a wrong one) with 403 forbidden', async () => {
    for (const headers of [{}, { 'x-waymark-origin-verify': 'not-the-secret' }] as Record<string, string>[]) {
      const res = await verified(event('GET', '/v1/providers', headers), context);
      expect(res.statusCode).toBe(403);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
    }
  });

  it('passes a request with CloudFront’s header on to the app (here a 401: no token)', async () => {
    const res = await verified(event('GET', '/v1/providers', { 'x-waymark-origin-verify': secret }), context);
    expect(res.statusCode).toBe(401);
  });

  it('still serves the OpenAPI document at its own address', async () => {
    expect((await verified(event('GET', '/v1/openapi.json'), context)).statusCode).toBe(200);
  });

  it('leaves the entry loaded without the check unchanged', async () => {
    expect((await handler(event('GET', '/v1/providers'), context)).statusCode).toBe(401);
  });
});
