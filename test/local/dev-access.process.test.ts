import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lanAddresses } from '#local/dev-access';
import { startWaymark, stopAll } from '../support/waymark-process';

/**
 * `HOST=0.0.0.0 npm start` (for phones on the LAN): the dev routes refuse another machine without
 * the secret printed at start, and serve it with the secret; this machine needs none. "Another
 * machine" is this machine's own LAN address: a request to it comes from it, not from loopback.
 */
const started: ChildProcessWithoutNullStreams[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'waymark-network-'));

afterAll(async () => {
  await stopAll(started);
  rmSync(dataDir, { recursive: true, force: true });
});

const lan = lanAddresses()[0];

describe.skipIf(!lan)('npm start on the network (HOST=0.0.0.0)', { timeout: 120_000 }, () => {
  it('prints a secret and phone URLs; the dev routes want the secret from the LAN, not from this machine', async () => {
    const run = startWaymark({ DATA_DIR: dataDir, SEED: 'none', HOST: '0.0.0.0' }, started);
    const url = await run.ready;
    const port = new URL(url).port;
    // The lines after "running at" may arrive in a later chunk of output: wait for the phone URL.
    await expect.poll(() => run.output().stdout, { timeout: 15_000 }).toContain('On a phone:');
    const { stdout } = run.output();
    const secret = /x-waymark-dev-secret: ([A-Za-z0-9_-]{24})/.exec(stdout)?.[1];
    expect(secret, stdout).toBeDefined();
    expect(stdout).toContain(`On a phone: http://${lan}:${port}/scan/?devSecret=${secret}`);

    const mint = (base: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"role":"admin"}' });
    const viaLan = `http://${lan}:${port}`;

    const refused = await mint(viaLan);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('dev_routes_local_only');
    expect((await fetch(`${viaLan}/v1/dev/clock`)).status).toBe(403);
    expect((await mint(viaLan, { 'x-waymark-dev-secret': 'x'.repeat(24) })).status).toBe(403);

    const allowed = await mint(viaLan, { 'x-waymark-dev-secret': secret! });
    expect(allowed.status).toBe(200);
    const { token } = (await allowed.json()) as { token: string };
    expect((await fetch(`${viaLan}/v1/providers`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await mint(`http://127.0.0.1:${port}`)).status).toBe(200);

    // The scanner served to the phone carries the security headers CloudFront sends.
    const page = await fetch(`${viaLan}/scan/?devSecret=${secret}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
