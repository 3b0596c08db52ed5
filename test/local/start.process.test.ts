import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

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
  for (const child of started.filter((c) => c.exitCode === null && c.signalCode === null)) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function startWaymark(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'SILENT', ...env },
  });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 60 s:\n${stdout}\n${stderr}`)), 60_000);
    child.stdout.on('data', () => {
      const match = /running at (http:\/\/\S+)/.exec(stdout);
      if (match && stdout.includes('Get a token')) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code} before ready:\n${stdout}\n${stderr}`)));
  });
  ready.catch(() => undefined); // runs that are meant to fail never become ready
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

/** The Java processes (DynamoDB Local) that a Waymark process started. */
const javaChildren = (pid: number) =>
  // ps exits 1 when there are none: read its output either way.
  spawnSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, command]) => command === 'java')
    .map(([childPid]) => Number(childPid));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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
