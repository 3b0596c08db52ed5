import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * `npm start` as a real process, for the `*.process.test.ts` files: spawned as
 * `node --import tsx local/start.ts` (what the npm script runs, so a signal reaches our process
 * directly) on a free port, ready when it prints its URL.
 */
export interface WaymarkRun {
  child: ChildProcessWithoutNullStreams;
  /** The printed URL, once the whole start-up line is out. */
  ready: Promise<string>;
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

/** A first start compiles the app and starts a JVM: on a busy 2-core machine that has taken over 15 s. */
export const READY_WITHIN_MS = 60_000;

export function startWaymark(env: Record<string, string>, started: ChildProcessWithoutNullStreams[]): WaymarkRun {
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
    const timer = setTimeout(() => reject(new Error(`not ready in ${READY_WITHIN_MS / 1000} s:\n${stdout}\n${stderr}`)), READY_WITHIN_MS);
    child.stdout.on('data', () => {
      const match = /running at (http:\/\/\S+)/.exec(stdout);
      if (match && stdout.includes('Get a token')) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ready:\n${stdout}\n${stderr}`));
    });
  });
  ready.catch(() => undefined); // runs that are meant to fail never become ready
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

/** Stops what a test left running: SIGTERM (which stops its DynamoDB Local too), and only then SIGKILL. */
export async function stopAll(started: ChildProcessWithoutNullStreams[]) {
  for (const child of started.filter((c) => c.exitCode === null && c.signalCode === null)) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Every process under `pid` (children, grandchildren, …) as `{ pid, command }`. */
export function descendants(pid: number): { pid: number; command: string }[] {
  const rows = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 3)
    .map(([child, parent, command]) => ({ pid: Number(child), ppid: Number(parent), command: command! }));
  const found: { pid: number; command: string }[] = [];
  let parents = new Set([pid]);
  while (parents.size > 0) {
    const next = rows.filter((row) => parents.has(row.ppid));
    found.push(...next.map(({ pid: p, command }) => ({ pid: p, command })));
    parents = new Set(next.map((row) => row.pid));
  }
  return found;
}

/** The Java processes (DynamoDB Local) that a Waymark process started (through its watchdog). */
export const javaDescendants = (pid: number) => descendants(pid).filter((p) => p.command === 'java').map((p) => p.pid);

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Ended, or ended and not yet reaped (a zombie: an orphan's new parent may be slow to reap it). */
const ended = (pid: number) => !alive(pid) || spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim().startsWith('Z');

/** Waits until `pid` has ended; false if it still runs after `withinMs`. */
export async function endsWithin(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!ended(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}
