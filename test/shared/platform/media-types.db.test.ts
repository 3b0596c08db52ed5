import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '#shared/platform/auth';
import { createTestApp, type TestApp } from '../../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});

interface Operation {
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  'x-waymark-access': { roles: Role[] } | { public: true };
}

/** Every operation of the served document that takes a request body. */
async function bodyOperations() {
  const doc = (await t.call('GET', '/v1/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([, operation]) => operation.requestBody !== undefined)
      .map(([method, operation]) => ({ method, path, operation })),
  );
}

const ULID = '01JD0000000000000000000000';
const provider = { name: 'Media Type Gardens', categories: ['physical'], accreditation: { status: 'accredited', validUntil: '2030-01-01' } };

async function providerCount() {
  const res = await t.call('GET', '/v1/providers?limit=100', { as: 'manager' });
  return (res.body.items as unknown[]).length;
}

describe('request bodies are JSON', () => {
  it('a text/plain body is a 415 in the error shape, and nothing is written', async () => {
    const before = await providerCount();
    const res = await t.call('POST', '/v1/providers', { as: 'manager', body: JSON.stringify(provider), headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ error: { code: 'unsupported_media_type', message: expect.stringContaining('application/json') } });
    expect(await providerCount()).toBe(before);
  });

  it.each([
    ['application/json; charset=utf-8'],
    ['application/JSON;charset=UTF-8'],
    ['application/vnd.waymark+json'],
    ['application/merge-patch+json; charset=utf-8'],
  ])('accepts %s', async (contentType) => {
    const res = await t.call('POST', '/v1/providers', { as: 'manager', body: JSON.stringify(provider), headers: { 'content-type': contentType } });
    expect(res.status).toBe(201);
  });

  it('every operation with a JSON body answers 415 for a body that is not JSON (after its auth check)', async () => {
    const operations = await bodyOperations();
    expect(operations.length).toBeGreaterThan(10);
    for (const { method, path, operation } of operations) {
      const access = operation['x-waymark-access'];
      const role = 'roles' in access ? access.roles[0] : undefined;
      // Every id a ULID; a parameter that is a word from a list gets one of its words, so the path is valid.
      const res = await t.call(method.toUpperCase(), path.replace(/\{([^}]+)\}/g, (_, name: string) => (name === 'purpose' ? 'evaluation' : ULID)), {
        ...(role ? { as: role, providerId: ULID } : {}),
        body: 'role=admin',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect({ operation: `${method} ${path}`, status: res.status, code: res.body?.error?.code }).toEqual({
        operation: `${method} ${path}`,
        status: 415,
        code: 'unsupported_media_type',
      });
    }
  });

  it('the OpenAPI document lists 413 and 415 for every operation that takes a body', async () => {
    for (const { method, path, operation } of await bodyOperations()) {
      for (const status of ['413', '415']) {
        expect(operation.responses[status]?.content?.['application/json']?.schema?.$ref, `${method} ${path} ${status}`).toBe('#/components/schemas/Error');
      }
    }
  });
});
