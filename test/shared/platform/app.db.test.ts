import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DEVICE_TOKEN_PATHS } from '#shared/devices/routes';
import { createTestApp, type TestApp } from '../../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});

describe('the OpenAPI document and the reference page', () => {
  it('is OpenAPI 3.1 with bearer auth on every protected operation and the error schema', async () => {
    const doc = (await t.call('GET', '/v1/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error).toBeDefined();
    type Operation = { security?: unknown; 'x-waymark-access'?: { roles?: unknown } };
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        // Local mode's dev routes, a device's own (it has no token until it has enrolled), and
        // the routes the route table declares public (the public referral form, the directory).
        const declaredPublic = operation['x-waymark-access'] !== undefined && !('roles' in operation['x-waymark-access']);
        const isPublic = path.startsWith('/v1/dev/') || (DEVICE_TOKEN_PATHS as readonly string[]).includes(path) || declaredPublic;
        expect(operation.security === undefined, `${method} ${path}`).toBe(isPublic);
      }
    }
  });

  it('serves the API reference page pointing at the document', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/v1/openapi.json');
  });
});

describe('server faults', () => {
  it('a DynamoDB failure is a 500 in the error shape that reveals nothing, and is logged without request data', async () => {
    const broken = await createTestApp({ db: { client: t.db.client, tableName: 'no-such-table' } });
    const errorLog = vi.spyOn(broken.services.logger, 'error');
    const res = await broken.call('POST', '/v1/providers', {
      as: 'manager',
      body: { name: 'Secret Name Ltd', categories: ['advice'], accreditation: { status: 'accredited', validUntil: '2030-01-01' } },
    });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
    expect(errorLog).toHaveBeenCalled();
    expect(JSON.stringify(errorLog.mock.calls)).not.toContain('Secret Name');
  });
});
