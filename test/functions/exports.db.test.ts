import { describe, expect, it } from 'vitest';
import { createExportsApp } from '#shared/app/app';
import { DevClock } from '#local/dev-clock';
import { loadDevIssuer } from '#local/dev-issuer';
import { localDependencies } from '#local/wiring';
import { createTestDb } from '../support/db';

describe('the exports function’s app', () => {
  it('answers the CSV exports, with the same auth, and nothing else', async () => {
    const clock = new DevClock();
    const issuer = await loadDevIssuer();
    const app = createExportsApp(localDependencies(await createTestDb(), clock, issuer, 'SILENT', { programmeId: 'p', secret: 's' }));
    const token = (await issuer.mint({ role: 'manager' }, clock.now())).token;
    const get = (path: string, init: RequestInit = {}) => app.request(path, { ...init, headers: { authorization: `Bearer ${token}` } });

    const csv = await get('/v1/reports/attendance.csv?from=2026-01-01&to=2026-01-31');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await get('/v1/reports/outcomes.csv')).status).toBe(200);
    expect((await get('/v1/reports/gp-codes.csv?from=2026-01-01&to=2026-01-31')).status).toBe(200);
    expect((await get('/v1/gp-messages')).status).toBe(404);
    expect((await app.request('/v1/reports/attendance.csv?from=2026-01-01&to=2026-01-31')).status).toBe(401);

    for (const [path, method] of [
      ['/v1/patients', 'GET'],
      ['/v1/reports/programme?from=2026-01-01&to=2026-01-31', 'GET'],
      ['/v1/referrals', 'POST'],
      ['/v1/reports/attendance.csv', 'POST'],
      ['/docs', 'GET'],
    ] as const) {
      const res = await get(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });

  it('with the origin check on (a web ACL in front), refuses an export that did not come through CloudFront', async () => {
    const clock = new DevClock();
    const issuer = await loadDevIssuer();
    const secret = 'E'.repeat(24) + 'e7'.repeat(12);
    const app = createExportsApp(localDependencies(await createTestDb(), clock, issuer, 'SILENT', { programmeId: 'p', secret: 's' }), {
      originVerification: { accepted: [secret] },
    });
    const token = (await issuer.mint({ role: 'manager' }, clock.now())).token;
    const path = '/v1/reports/attendance.csv?from=2026-01-01&to=2026-01-31';

    const direct = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
    expect(direct.status).toBe(403);
    expect(await direct.json()).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
    const wrong = await app.request(path, { headers: { authorization: `Bearer ${token}`, 'x-waymark-origin-verify': 'guess' } });
    expect(wrong.status).toBe(403);
    const viaCloudFront = await app.request(path, { headers: { authorization: `Bearer ${token}`, 'x-waymark-origin-verify': secret } });
    expect(viaCloudFront.status).toBe(200);
    expect(viaCloudFront.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  });
});
