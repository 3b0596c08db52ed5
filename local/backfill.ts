import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { createPatientBackfill } from '#shared/app/backfill';
import type { BackfillCounts, SegmentResult } from '#shared/patients/backfill';
import { createDocumentClient, type Db } from '#shared/platform/dynamo';
import { lockDataDir } from './data-dir-lock';
import { startDynamoDbLocal } from './dynamodb-local';

/**
 * `npm run backfill`: the one-off backfill of v1 patients (ARCHITECTURE.md decision 92) — each
 * patient registered under their identity and given their caseload summary, where the item lacks
 * them. Safe to run again, and beside live traffic.
 *
 *   npm run backfill -- --dry-run                      the local data folder (.data, or DATA_DIR), counts only
 *   npm run backfill                                   the local data folder, written (Waymark must be stopped)
 *   npm run backfill -- --endpoint http://localhost:8000 --table waymark
 *   npm run backfill -- --aws --table Waymark-TableCD117FA1-… --region eu-west-2 --segments 4
 *   npm run backfill -- --aws --table … --resume <token> [--resume <token>…]
 *
 * Prints counts only (and resume tokens, which hold a patient id): never a name or a number.
 */

const USAGE = `usage: npm run backfill -- [--dry-run] [--data-dir DIR | --endpoint URL | --aws [--region REGION]] [--table NAME]
                           [--segments N] [--segment I] [--resume TOKEN]… [--page-size N]`;

export interface BackfillArgs {
  target: { kind: 'data-dir'; dataDir: string } | { kind: 'endpoint'; endpoint: string } | { kind: 'aws'; region?: string };
  table: string;
  dryRun: boolean;
  segments: number;
  segment?: number;
  resume: string[];
  pageSize: number;
}

const wholeNumber = (name: string, value: string | undefined, min: number, max: number): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
};

export class UsageError extends Error {}

/** The command line, checked; a UsageError names what is wrong. */
export function parseBackfillArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BackfillArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'dry-run': { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        endpoint: { type: 'string' },
        aws: { type: 'boolean', default: false },
        region: { type: 'string' },
        table: { type: 'string' },
        segments: { type: 'string' },
        segment: { type: 'string' },
        resume: { type: 'string', multiple: true },
        'page-size': { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const targets = [parsed['data-dir'] !== undefined, parsed.endpoint !== undefined, parsed.aws].filter(Boolean).length;
  if (targets > 1) throw new UsageError('give one of --data-dir, --endpoint and --aws');
  if (parsed.region !== undefined && !parsed.aws) throw new UsageError('--region is for --aws');
  if (parsed.endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(parsed.endpoint)) throw new UsageError('--endpoint must be an http(s) URL');
  const table = parsed.table ?? (parsed.aws ? undefined : (env.TABLE_NAME ?? 'waymark'));
  if (table === undefined) throw new UsageError('--aws needs --table (the stack output TableName)');
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(table)) throw new UsageError('--table must be a DynamoDB table name');
  const segments = wholeNumber('segments', parsed.segments, 1, 64) ?? 1;
  const segment = wholeNumber('segment', parsed.segment, 0, segments - 1);
  const resume = parsed.resume ?? [];
  if (resume.length > 0 && (parsed.segment !== undefined || parsed.segments !== undefined)) throw new UsageError('--resume tokens carry their segment: give no --segment or --segments with them');
  const target: BackfillArgs['target'] = parsed.aws
    ? { kind: 'aws', ...(parsed.region ? { region: parsed.region } : {}) }
    : parsed.endpoint !== undefined
      ? { kind: 'endpoint', endpoint: parsed.endpoint }
      : { kind: 'data-dir', dataDir: parsed['data-dir'] ?? env.DATA_DIR ?? '.data' };
  return {
    target,
    table,
    dryRun: parsed['dry-run'] === true,
    segments,
    ...(segment !== undefined ? { segment } : {}),
    resume,
    pageSize: wholeNumber('page-size', parsed['page-size'], 1, 1000) ?? 200,
  };
}

const total = (results: readonly SegmentResult[]): BackfillCounts =>
  results.reduce(
    (sum, { counts }) => ({
      patients: sum.patients + counts.patients,
      identities: sum.identities + counts.identities,
      summaries: sum.summaries + counts.summaries,
      unchanged: sum.unchanged + counts.unchanged,
      changed: sum.changed + counts.changed,
      failed: sum.failed + counts.failed,
    }),
    { patients: 0, identities: 0, summaries: 0, unchanged: 0, changed: 0, failed: 0 },
  );

/** Runs the backfill the arguments describe on `db`; what it prints goes to `print`. */
export async function runBackfill(db: Db, args: BackfillArgs, print: (line: string) => void): Promise<BackfillCounts> {
  const backfill = createPatientBackfill(db);
  const options = {
    dryRun: args.dryRun,
    pageSize: args.pageSize,
    onPage: ({ segment, counts, resume }: { segment: number; counts: BackfillCounts; resume?: string }) => {
      if (resume) print(`segment ${segment}: ${counts.patients} patients read so far; to resume from here: --resume ${resume}`);
    },
  };
  const results =
    args.resume.length > 0
      ? await Promise.all(args.resume.map((token) => backfill.runSegment({ resume: token }, options)))
      : args.segment !== undefined
        ? [await backfill.runSegment({ segment: args.segment, segments: args.segments }, options)]
        : await backfill.runAll(args.segments, options);
  const counts = total(results);
  const verb = args.dryRun ? 'would be' : 'were';
  print(
    `${args.dryRun ? 'Dry run (nothing written): ' : ''}${counts.patients} patients read; ${counts.identities} ${verb} registered under their identity, ` +
      `${counts.summaries} ${verb} given their caseload summary; ${counts.unchanged} needed nothing` +
      (counts.changed > 0 ? `; ${counts.changed} kept changing under the backfill — run it again` : '') +
      (counts.failed > 0 ? `; ${counts.failed} could not be read or written` : '') +
      '.',
  );
  const failed = results.flatMap((result) => result.failedPatientIds);
  if (failed.length > 0) print(`Failed patients (ids): ${failed.join(' ')}`);
  return counts;
}

async function main() {
  let args: BackfillArgs;
  try {
    args = parseBackfillArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  const print = (line: string) => console.log(line);
  if (args.target.kind === 'data-dir') {
    // The local mode's own folder: one process at a time on its files (Waymark must be stopped).
    const lock = await lockDataDir(args.target.dataDir);
    const dynamoDb = await startDynamoDbLocal({ dataDir: args.target.dataDir });
    lock.recordDynamoDbLocal(dynamoDb.pid);
    try {
      await runBackfill({ client: createDocumentClient({ endpoint: dynamoDb.endpoint }), tableName: args.table }, args, print);
    } finally {
      await dynamoDb.stop();
      lock.release();
    }
    return;
  }
  const client =
    args.target.kind === 'endpoint'
      ? createDocumentClient({ endpoint: args.target.endpoint })
      : createDocumentClient(args.target.region ? { region: args.target.region } : {});
  try {
    await runBackfill({ client, tableName: args.table }, args, print);
  } finally {
    client.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    // The error's name and message only: an SDK error can carry a request's items.
    console.error(`The backfill stopped: ${(error as Error).name}: ${(error as Error).message}`);
    process.exit(1);
  });
}
