import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, javaDescendants as javaChildren, startWaymark as start, stopAll } from '../support/waymark-process';

/**
 * `npm start` as a person runs it: a real process with its own DynamoDB Local,
 * on a free port, stopped by a signal. (Spawned as `node --import tsx local/start.ts`,
 * which is what the npm script runs, so the signal reaches our process directly.)
 */
const started: ChildProcessWithoutNullStreams[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'waymark-start-'));

afterAll(async () => {
  // A test that failed half-way leaves its server running: stop it properly (SIGTERM stops its
  // DynamoDB Local too), and only then force it.
  await stopAll(started);
  rmSync(dataDir, { recursive: true, force: true });
});

const startWaymark = (env: Record<string, string>) => start(env, started);

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as any };
}

async function tokenFor(url: string, role: string) {
  const res = await json(`${url}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
  return res.body.token as string;
}

/**
 * A first start compiles the app and starts a JVM: on a busy 2-core machine that has taken over
 * 15 s, so each test may take as long as two bounded starts (60 s each) and a stop.
 */
const PROCESS_TEST_TIMEOUT_MS = 150_000;

describe('npm start', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  let firstToken = '';
  let providerCount = 0;

  it('serves the seeded API, docs and dev routes, and SIGTERM stops it and its DynamoDB Local', async () => {
    const run = startWaymark({ DATA_DIR: dataDir });
    const url = await run.ready;
    const javaPids = javaChildren(run.child.pid!);
    expect(javaPids).toHaveLength(1);

    expect((await fetch(`${url}/docs`)).status).toBe(200);
    expect((await fetch(`${url}/docs/assets/swagger-ui-dist/swagger-ui-bundle.js`)).status).toBe(200);
    expect((await json(`${url}/v1/openapi.json`)).body.openapi).toBe('3.1.0');

    firstToken = await tokenFor(url, 'manager');
    const providers = await json(`${url}/v1/providers?limit=100`, { headers: { authorization: `Bearer ${firstToken}` } });
    expect(providers.status).toBe(200);
    const categories = new Set(providers.body.items.flatMap((p: { categories: string[] }) => p.categories));
    expect([...categories].sort()).toEqual(['advice', 'physical', 'social', 'volunteering', 'wellbeing']);
    providerCount = providers.body.items.length;

    // Headers over Node's limit are refused by its HTTP parser before Hono runs: still the one
    // error shape, not a bare status line.
    const huge = await fetch(`${url}/v1/providers`, { headers: { authorization: `Bearer ${'a'.repeat(60 * 1024)}` } });
    expect(huge.status).toBe(431);
    expect(huge.headers.get('content-type')).toBe('application/json');
    expect(await huge.json()).toEqual({ error: { code: 'headers_too_large', message: expect.stringMatching(/headers are limited/) } });
    expect((await fetch(`${url}/v1/openapi.json`)).status).toBe(200); // and it still serves

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    for (const pid of javaPids) expect(alive(pid)).toBe(false);
  });

  it('keeps data and the issuer key across a restart, without seeding twice; SIGINT stops it too', async () => {
    const run = startWaymark({ DATA_DIR: dataDir });
    const url = await run.ready;
    expect(run.output().stdout).toContain('demo data kept');
    const javaPids = javaChildren(run.child.pid!);
    expect(javaPids).toHaveLength(1);
    // The token minted before the restart still verifies: the key pair was kept.
    const providers = await json(`${url}/v1/providers?limit=100`, { headers: { authorization: `Bearer ${firstToken}` } });
    expect(providers.status).toBe(200);
    expect(providers.body.items.length).toBe(providerCount);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    for (const pid of javaPids) expect(alive(pid)).toBe(false);
  });

  it('a signal during start-up still stops DynamoDB Local (no orphan Java)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-early-'));
    try {
      const run = startWaymark({ DATA_DIR: dir });
      // Wait until the Java child exists, then signal before the server is ready.
      let javaPids: number[] = [];
      for (let i = 0; i < 200 && javaPids.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        javaPids = javaChildren(run.child.pid!);
      }
      expect(javaPids).toHaveLength(1);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      for (const pid of javaPids) expect(alive(pid)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SEED=none starts empty', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'waymark-empty-'));
    try {
      const run = startWaymark({ DATA_DIR: emptyDir, SEED: 'none' });
      const url = await run.ready;
      const token = await tokenFor(url, 'admin');
      const providers = await json(`${url}/v1/providers`, { headers: { authorization: `Bearer ${token}` } });
      expect(providers.body.items).toEqual([]);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it('says in one line how to fix a missing Java, and exits 1', async () => {
    const run = startWaymark({ DATA_DIR: dataDir, PATH: '/nonexistent' });
    expect(await run.exited).toBe(1);
    const lines = run.output().stderr.trim().split('\n').filter((line) => line.includes('Java'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/needs Java 17 or newer.*apt-get install openjdk-17-jre-headless/);
  });

  it('refuses a bad setting in one line', async () => {
    const run = startWaymark({ DATA_DIR: dataDir, SEED: 'lots' });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toMatch(/Waymark could not start: SEED/);
  });
});
