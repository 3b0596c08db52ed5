import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { isIsoDuration } from './dev-clock';
import { javaProblem } from './dynamodb-local';
import { startLocal, type LocalSystem } from './server';
import { DEV_SECRET_HEADER, DEV_SECRET_PARAMETER } from './dev-access';

/**
 * `npm start`: the whole of Waymark on this machine, on its embedded defaults.
 * Settings come from the environment (all optional); see README "Local mode".
 */
const settingsSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('.data'),
  SEED: z.enum(['demo', 'none']).default('demo'),
  CLOCK_NOW: z.iso.datetime({ offset: true }).optional(),
  CLOCK_OFFSET: z.string().refine(isIsoDuration, 'must be an ISO-8601 duration such as P84D').optional(),
  TABLE_NAME: z.string().min(3).default('waymark'),
  PROGRAMME_ID: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and hyphens, at most 40').default('local'),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('WARN'),
});

async function main() {
  const started = performance.now();
  // Signal handlers first: a signal that arrives while DynamoDB Local is starting (or between the
  // ready line and here) must still stop it, not kill this process and orphan the Java child.
  let system: LocalSystem | undefined;
  let stopSignal: string | undefined;
  const shutdown = (signal: string) => {
    if (stopSignal) return;
    stopSignal = signal;
    if (system) stopAndExit(system, signal);
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));

  const parsed = settingsSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    console.error(`Waymark could not start: ${problems}`);
    process.exit(1);
  }
  const env = parsed.data;
  const problem = javaProblem();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }

  system = await startLocal({
    port: env.PORT,
    hostname: env.HOST,
    dataDir: env.DATA_DIR,
    programmeId: env.PROGRAMME_ID,
    seed: env.SEED,
    clockNow: env.CLOCK_NOW,
    clockOffset: env.CLOCK_OFFSET,
    tableName: env.TABLE_NAME,
    logLevel: env.LOG_LEVEL,
  });

  if (stopSignal) return stopAndExit(system, stopSignal);

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Waymark is running at ${system.url} (ready in ${seconds} s)`);
  console.log(`  API reference: ${system.url}/docs`);
  console.log(`  Data: ${env.DATA_DIR} (${system.seeded === 'seeded' ? 'demo data loaded' : system.seeded === 'already-seeded' ? 'demo data kept from an earlier start' : 'no demo data'}); clock: ${system.clock.now().toISOString()}`);
  console.log(`  Get a token: curl -s -X POST ${system.url}/v1/dev/tokens -H 'content-type: application/json' -d '{"role":"manager"}'`);
  if (system.network) {
    // Printed once: the secret is new at every start, and not logged anywhere else.
    const { devSecret, urls } = system.network;
    console.log(`  Listening on ${env.HOST}: the dev routes (tokens, clock) answer other machines only with ${DEV_SECRET_HEADER}: ${devSecret}`);
    for (const url of urls) console.log(`  On a phone: ${url}/scan/?${DEV_SECRET_PARAMETER}=${devSecret}  (console: ${url}/?${DEV_SECRET_PARAMETER}=${devSecret})`);
  }
}

function stopAndExit(system: LocalSystem, signal: string) {
  console.log(`Waymark stopping (${signal})…`);
  system.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('Waymark did not stop cleanly:', error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}

main().catch((error: unknown) => {
  console.error('Waymark could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
