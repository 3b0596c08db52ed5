import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '#local/data-dir-lock';

const dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has ended (so nothing runs under it now, bar reuse). */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const readLock = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));

describe('the DATA_DIR lock', () => {
  it('holds the owner pid and start time; a second taker is refused, naming the directory and the pid', async () => {
    const dir = newDir();
    const lock = await lockDataDir(dir);
    expect(readLock(dir)).toEqual({ pid: process.pid, startedAt: expect.any(String) });
    const refusal = await lockDataDir(dir).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DataDirInUseError);
    expect((refusal as Error).message).toContain(dir);
    expect((refusal as Error).message).toContain(`pid ${process.pid}`);
    expect((refusal as Error).message).not.toContain('\n');
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    (await lockDataDir(dir)).release(); // free again
    expect(readdirSync(dir)).toEqual([]); // no temporary files left
  });

  it('records the DynamoDB Local pid without losing the owner', async () => {
    const dir = newDir();
    const lock = await lockDataDir(dir);
    lock.recordDynamoDbLocal(4242);
    expect(readLock(dir)).toMatchObject({ pid: process.pid, dynamoDbLocalPid: 4242 });
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over a lock whose owner is dead, or unreadable', async () => {
    for (const content of [JSON.stringify({ pid: deadPid(), startedAt: new Date().toISOString() }), '', 'not json']) {
      const dir = newDir();
      writeFileSync(join(dir, LOCK_FILE), content);
      const lock = await lockDataDir(dir);
      expect(readLock(dir).pid).toBe(process.pid);
      lock.release();
    }
  });

  it('takes over a lock whose pid now belongs to a process that started after it (a reused pid)', async () => {
    const dir = newDir();
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, startedAt: '2020-01-01T00:00:00.000Z' }));
      const lock = await lockDataDir(dir);
      expect(readLock(dir).pid).toBe(process.pid);
      lock.release();
      // The same process, had it written the lock after it started, would own it.
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, startedAt: new Date(Date.now() + 60_000).toISOString() }));
      await expect(lockDataDir(dir)).rejects.toThrow(`pid ${other.pid}`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it("ends a dead owner's DynamoDB Local still running on the directory, and only that", async () => {
    const dir = newDir();
    const elsewhere = newDir();
    // Stand-ins whose command lines look like DynamoDB Local's, on this directory and on another.
    const fakeJvm = (dbPath: string) => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'DynamoDBLocal.jar', '-dbPath', dbPath]);
    const orphan = fakeJvm(dir);
    const unrelated = fakeJvm(elsewhere);
    const orphanEnded = new Promise((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
    try {
      await new Promise((resolve) => setTimeout(resolve, 200)); // both running
      for (const pid of [orphan.pid, unrelated.pid]) {
        writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), startedAt: new Date().toISOString(), dynamoDbLocalPid: pid }));
        (await lockDataDir(dir)).release();
      }
      expect(await orphanEnded).toBe('SIGTERM');
      expect(unrelated.exitCode === null && unrelated.signalCode === null).toBe(true);
    } finally {
      orphan.kill('SIGKILL');
      unrelated.kill('SIGKILL');
    }
  });

  it('never removes a lock that is no longer its own', async () => {
    const dir = newDir();
    const lock = await lockDataDir(dir);
    const someoneElse = JSON.stringify({ pid: process.pid, startedAt: '2030-01-01T00:00:00.000Z' });
    writeFileSync(join(dir, LOCK_FILE), someoneElse);
    lock.release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(someoneElse);
  });
});
