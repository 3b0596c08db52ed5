import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * One Waymark per DATA_DIR. Two DynamoDB Local JVMs on the same database file fight over
 * SQLite's lock ("database is locked"): requests hang or fail, and writes one of them
 * acknowledged can be missing afterwards. So the first start writes `DATA_DIR/waymark.lock`
 * with its pid and start time (and, once it runs, its DynamoDB Local's pid); a second start
 * while that process lives refuses, naming it. A lock whose process is gone (a crash,
 * `kill -9`) is stale and is taken over — after making sure that the dead owner's DynamoDB
 * Local is not still running on the same files.
 */
export const LOCK_FILE = 'waymark.lock';

const LockContent = z.object({
  pid: z.number().int().positive(),
  startedAt: z.iso.datetime(),
  dynamoDbLocalPid: z.number().int().positive().optional(),
});
type LockContent = z.infer<typeof LockContent>;

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

export interface DataDirLock {
  readonly path: string;
  /** Records the JVM this process runs on the directory's files, for a later start to check. */
  recordDynamoDbLocal(pid: number): void;
  /** Removes the lock if it is still this process's. */
  release(): void;
}

/** How long a start gives a dead owner's DynamoDB Local to end, at each step of ending it. */
const ORPHAN_GRACE_MS = 3000;

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const mine: LockContent = { pid: process.pid, startedAt: new Date().toISOString() };
  let written = JSON.stringify(mine);

  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, written)) {
      return {
        path,
        recordDynamoDbLocal(pid) {
          const next = JSON.stringify({ ...mine, dynamoDbLocalPid: pid });
          const temporary = `${path}.${process.pid}.tmp`;
          writeFileSync(temporary, next);
          renameSync(temporary, path); // atomic: a reader sees the old content or the new, whole
          written = next;
        },
        release() {
          if (readOrUndefined(path) === written) unlinkQuietly(path);
        },
      };
    }
    const seen = readOrUndefined(path);
    if (seen === undefined) continue; // its owner removed it meanwhile: try again
    const owner = parse(seen);
    if (owner && ownerRunning(owner)) {
      throw new DataDirInUseError(
        `DATA_DIR ${dir} is in use by another Waymark (pid ${owner.pid}, started ${owner.startedAt}): stop it first, or set another DATA_DIR.`,
      );
    }
    if (owner?.dynamoDbLocalPid !== undefined) await endOrphan(owner.dynamoDbLocalPid, dir);
    // Move the stale lock aside, and remove it only if it is the one judged stale: another start
    // may have taken it over since we read it, and then its fresh lock goes back.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    if (readOrUndefined(aside) !== seen) tryCreate(path, readOrUndefined(aside) ?? '');
    unlinkQuietly(aside);
  }
  throw new DataDirInUseError(`DATA_DIR ${dir}: could not take its lock file ${path}; another Waymark is starting on it.`);
}

/**
 * Creates the lock with its whole content at once (a hard link of a written file fails if the
 * name exists), so no reader ever sees an empty lock. Where the file system has no hard links,
 * an exclusive create does the same but for that instant.
 */
function tryCreate(path: string, content: string): boolean {
  const temporary = `${path}.${process.pid}.new`;
  writeFileSync(temporary, content);
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    try {
      writeFileSync(path, content, { flag: 'wx' });
      return true;
    } catch (fallbackError) {
      if ((fallbackError as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fallbackError;
    }
  } finally {
    unlinkQuietly(temporary);
  }
}

function parse(text: string): LockContent | undefined {
  try {
    const parsed = LockContent.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The lock's owner is running: its pid is alive and is not a newer process that reused the pid. */
function ownerRunning(owner: LockContent): boolean {
  if (owner.pid === process.pid) return true;
  if (!alive(owner.pid)) return false;
  const started = processStartedAt(owner.pid);
  // A process that started after the lock was written cannot have written it (the pid was reused,
  // after a reboot say). `ps` counts whole seconds: allow two.
  return started === undefined || started <= Date.parse(owner.startedAt) + 2000;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but someone else's
  }
}

/** When a process started, from `ps -o etime=` (`[[dd-]hh:]mm:ss`, on Linux and macOS alike). */
function processStartedAt(pid: number): number | undefined {
  const result = spawnSync('ps', ['-o', 'etime=', '-p', String(pid)], { encoding: 'utf8' });
  const match = /^\s*(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)\s*$/.exec(result.stdout ?? '');
  if (result.status !== 0 || !match) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return Date.now() - (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

/**
 * A dead owner's DynamoDB Local may still be running on these files (its watchdog is ending it,
 * or was killed too). Only a process whose command line is DynamoDB Local on this very directory
 * is touched: given a moment to end, then asked to (SIGTERM), then made to (SIGKILL).
 */
async function endOrphan(pid: number, dir: string) {
  const running = () => {
    if (!alive(pid)) return false;
    // -ww: the whole command line, whatever COLUMNS says (ps cuts it to the terminal's width).
    const result = spawnSync('ps', ['-ww', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return result.status === 0 && result.stdout.includes('DynamoDBLocal.jar') && `${result.stdout.trim()} `.includes(`-dbPath ${dir} `);
  };
  const gone = async (withinMs: number) => {
    const deadline = Date.now() + withinMs;
    for (;;) {
      if (!running()) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  for (const signal of [undefined, 'SIGTERM', 'SIGKILL'] as const) {
    if (signal) {
      try {
        process.kill(pid, signal);
      } catch {
        // ended meanwhile
      }
    }
    if (await gone(ORPHAN_GRACE_MS)) return;
  }
  throw new DataDirInUseError(`DATA_DIR ${dir} is still open in DynamoDB Local (pid ${pid}) of an earlier Waymark, which would not stop: end it, then start again.`);
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function unlinkQuietly(path: string) {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
