/**
 * The ORUK feed benchmark (decision 81): how a page of `/oruk/services` costs and takes as the
 * registry grows — 20 providers (Luton's scheme), 100, 400 (Tower Hamlets' services) — each with
 * one venue and three activities, on DynamoDB Local, through the real app (`app.request()`, no
 * token). It counts the DynamoDB requests one answer makes and the read units DynamoDB Local
 * reports, and times a page (median of the runs after a warm-up), plus a search and a full item.
 *
 * `npx tsx bench/directory.ts` prints its BENCHMARKS.md section. Nothing here is asserted.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Temporal } from 'temporal-polyfill';
import { ulidToUuid } from '#shared/directory/rules';
import { createDocumentClient, type Db } from '#shared/platform/dynamo';
import { ulidSource } from '#shared/platform/ids';
import { londonDate } from '#shared/platform/london';
import { newActivity, newProvider, newVenue } from '#shared/registry/rules';
import { CATEGORIES, WEEKDAYS } from '#shared/registry/schema';
import { RegistryStore } from '#shared/registry/store';
import { DevClock } from '#local/dev-clock';
import { loadDevIssuer } from '#local/dev-issuer';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { ensureTable } from '#local/ensure-table';
import { createLocalApp, localDependencies } from '#local/wiring';
import { median } from './stats';

const SIZES = [20, 100, 400];
const RUNS = 11;
const TABLE = 'waymark-bench-directory';

async function main() {
  const dynamoDb = await startDynamoDbLocal();
  const client = createDocumentClient({ endpoint: dynamoDb.endpoint });
  // Count every request the app sends, and the read units DynamoDB Local reports for Queries.
  let requests = 0;
  let readUnits = 0;
  const send = client.send.bind(client) as (command: { input: Record<string, unknown> }) => Promise<{ ConsumedCapacity?: { CapacityUnits?: number } }>;
  (client as unknown as { send: typeof send }).send = async (command) => {
    requests += 1;
    command.input.ReturnConsumedCapacity = 'TOTAL';
    const result = await send(command);
    readUnits += result.ConsumedCapacity?.CapacityUnits ?? 0;
    return result;
  };
  const db: Db = { client, tableName: TABLE };
  const rows: string[] = [];
  try {
    await ensureTable(db.client, db.tableName);
    const clock = new DevClock();
    const issuer = await loadDevIssuer();
    const app = createLocalApp(localDependencies(db, clock, issuer, 'SILENT'), clock, issuer);
    const store = new RegistryStore(db);
    const ids = ulidSource(clock);
    const today = Temporal.PlainDate.from(londonDate(clock.now()));
    let made = 0;
    let someActivity = '';
    for (const size of SIZES) {
      for (; made < size; made += 1) {
        // Every tenth provider is not published (suspended), as in a real registry.
        const provider = newProvider(
          { name: `Provider ${made}`, categories: [CATEGORIES[made % 5]!], accreditation: { status: made % 10 === 9 ? 'suspended' : 'accredited', validUntil: today.add({ days: 200 }).toString() } },
          { clock, ids },
        );
        await store.createProvider(provider);
        const venue = newVenue(provider.providerId, { name: `Hall ${made}`, postcode: 'LU1 2AB' }, { clock, ids });
        await store.createVenue(venue);
        for (let a = 0; a < 3; a += 1) {
          const activity = newActivity(
            provider.providerId,
            { venueId: venue.venueId, name: `Activity ${made}-${a}`, category: CATEGORIES[made % 5]!, schedule: [{ day: WEEKDAYS[a]!, startTime: '10:00', endTime: '11:00' }] },
            { clock, ids },
          );
          await store.createActivity(activity);
          someActivity ||= activity.activityId;
        }
      }
      const measure = async (path: string) => {
        const times: number[] = [];
        let perAnswer = { requests: 0, readUnits: 0, total: 0 };
        for (let run = 0; run < RUNS; run += 1) {
          requests = 0;
          readUnits = 0;
          const started = performance.now();
          const res = await app.request(path);
          const body = (await res.json()) as { total_items?: number };
          if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
          if (run > 0) times.push(performance.now() - started);
          perAnswer = { requests, readUnits, total: body.total_items ?? 1 };
        }
        return { ms: median(times), ...perAnswer };
      };
      for (const [what, path] of [
        ['a page of 50', '/oruk/services?per_page=50'],
        ['search', '/oruk/services?search=activity%201'],
        ['one service in full', `/oruk/services/${ulidToUuid(someActivity)}`],
      ] as const) {
        const m = await measure(path);
        rows.push(`| ${size} | ${what} | ${m.total} | ${m.requests} | ${m.readUnits.toFixed(1)} | ${m.ms.toFixed(1)} ms |`);
      }
    }
  } finally {
    await dynamoDb.stop();
  }
  console.log(`## The ORUK feed (\`/oruk/services\`, decision 81)

Measured on ${new Date().toISOString().slice(0, 10)} with \`npx tsx bench/directory.ts\` on ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version} (load average ${loadavg()[0]!.toFixed(1)}), DynamoDB Local in memory. Each provider has one venue and three activities; one in ten is suspended. Median of ${RUNS - 1} answers after a warm-up; requests and read units are per answer (DynamoDB Local's ConsumedCapacity).

| providers | answer | total_items | DynamoDB requests | read units | median |
|---|---|---|---|---|---|
${rows.join('\n')}
`);
}

await main();
