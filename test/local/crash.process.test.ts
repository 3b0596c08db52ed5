import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { descendants, endsWithin, javaDescendants, startWaymark as start, stopAll } from '../support/waymark-process';

/**
 * `npm start` killed without a chance to clean up (`kill -9`), and started twice on one DATA_DIR.
 * Two JVMs on one DynamoDB Local database lose acknowledged writes (see README, local mode).
 */
const started: ChildProcessWithoutNullStreams[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'waymark-crash-'));
const lockPath = join(dataDir, 'waymark.lock');

afterAll(async () => {
  await stopAll(started);
  rmSync(dataDir, { recursive: true, force: true });
});

const startWaymark = (env: Record<string, string> = {}) => start({ DATA_DIR: dataDir, SEED: 'none', ...env }, started);

async function providers(url: string) {
  const tokenRes = await fetch(`${url}/v1/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"manager"}' });
  const { token } = (await tokenRes.json()) as { token: string };
  return fetch(`${url}/v1/providers`, { headers: { authorization: `Bearer ${token}` } });
}

/** Starts (each up to 60 s on a busy machine), a JVM's end, and a refused start. */
const TEST_TIMEOUT_MS = 150_000;
/** The watchdog sends SIGTERM at once and SIGKILL after 5 s; on a busy machine allow more. */
const JVM_ENDS_WITHIN_MS = 15_000;

describe('npm start, crashed or started twice', { timeout: TEST_TIMEOUT_MS }, () => {
  it('kill -9 of the server ends its DynamoDB Local too, and the next start takes over the stale lock', async () => {
    const first = startWaymark();
    await first.ready;
    const javaPids = javaDescendants(first.child.pid!);
    expect(javaPids).toHaveLength(1);
    const all = descendants(first.child.pid!).map((p) => p.pid);

    first.child.kill('SIGKILL');
    await first.exited;
    expect(await endsWithin(javaPids[0]!, JVM_ENDS_WITHIN_MS)).toBe(true);
    for (const pid of all) expect(await endsWithin(pid, JVM_ENDS_WITHIN_MS)).toBe(true); // the watchdog too

    // The lock is left behind, naming the dead process and its JVM: the next start takes it over.
    const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number; startedAt: string; dynamoDbLocalPid: number };
    expect(lock).toMatchObject({ pid: first.child.pid, dynamoDbLocalPid: javaPids[0] });
    const second = startWaymark();
    const url = await second.ready;
    expect((await providers(url)).status).toBe(200);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(second.child.pid);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(existsSync(lockPath)).toBe(false); // a clean stop removes it
  });

  it('a second start on the same DATA_DIR exits 1 naming it and the running pid; the first keeps working', async () => {
    const first = startWaymark();
    const url = await first.ready;
    const javaBefore = javaDescendants(first.child.pid!);

    const second = startWaymark();
    // Bounded either way: a second start that (wrongly) comes up fails the test at once.
    const outcome = await Promise.race([second.exited.then((code) => ({ exited: code })), second.ready.then(() => ({ exited: 'no, it started' }))]);
    expect(outcome).toEqual({ exited: 1 });
    const lines = second.output().stderr.trim().split('\n').filter((line) => line.includes('DATA_DIR'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(dataDir);
    expect(lines[0]).toContain(`pid ${first.child.pid}`);
    // It started no DynamoDB Local of its own, and the first one's is untouched.
    expect(second.output().stdout).not.toContain('running at');
    expect(javaDescendants(first.child.pid!)).toEqual(javaBefore);
    expect((await providers(url)).status).toBe(200);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(first.child.pid);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });
});
