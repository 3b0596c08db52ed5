/**
 * What local mode's commit barrier (decision 75, local/commit-barrier.ts) costs a transaction:
 * DynamoDB Local on disk, a scan-shaped TransactWriteItems (an attendance Put with a condition, a
 * counter Update, an attendance-day Update), sent one after another by two clients on the same
 * DynamoDB Local — one bare, one with the barrier — in alternating blocks, so both meet the same
 * machine. Medians per block and the median of the per-block ratios.
 *
 * `npx tsx bench/commit-barrier.ts` prints its BENCHMARKS.md section. Nothing here is asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awaitTransactionCommits } from '#local/commit-barrier';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { ensureTable } from '#local/ensure-table';
import { createDocumentClient } from '#shared/platform/dynamo';
import { median, quantile } from './stats';

const TABLE = 'waymark-bench-barrier';
const BLOCKS = 8;
const PER_BLOCK = 40;

let sequence = 0;
function scanLike(tableName: string) {
  const n = ++sequence;
  return new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: tableName, Item: { PK: `SCAN#${n}`, SK: 'SCAN', n }, ConditionExpression: 'attribute_not_exists(PK)' } },
      { Update: { TableName: tableName, Key: { PK: `RX#${n % 50}`, SK: 'RX' }, UpdateExpression: 'ADD sessions :one', ExpressionAttributeValues: { ':one': 1 } } },
      { Update: { TableName: tableName, Key: { PK: `DAY#${n % 7}`, SK: `DAY#${n % 50}` }, UpdateExpression: 'ADD visits :one', ExpressionAttributeValues: { ':one': 1 } } },
    ],
  });
}

async function block(client: DynamoDBDocumentClient): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < PER_BLOCK; i++) {
    const started = performance.now();
    await client.send(scanLike(TABLE));
    times.push(performance.now() - started);
  }
  return times;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'waymark-bench-barrier-'));
  const dynamoDb = await startDynamoDbLocal({ dataDir });
  try {
    const bare = createDocumentClient({ endpoint: dynamoDb.endpoint });
    const barred = createDocumentClient({ endpoint: dynamoDb.endpoint });
    awaitTransactionCommits(barred);
    await ensureTable(bare, TABLE);
    await block(bare);
    await block(barred); // warm-up, both
    const all = { bare: [] as number[], barred: [] as number[] };
    const ratios: number[] = [];
    for (let round = 0; round < BLOCKS; round++) {
      // Alternate which goes first, so neither always meets a busier moment.
      const order = round % 2 === 0 ? (['bare', 'barred'] as const) : (['barred', 'bare'] as const);
      const medians: Record<string, number> = {};
      for (const which of order) {
        const times = await block(which === 'bare' ? bare : barred);
        all[which].push(...times);
        medians[which] = median(times);
      }
      ratios.push(medians.barred! / medians.bare!);
    }
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    console.log(`## Local mode's commit barrier (decision 75)

Measured on ${new Date().toISOString().slice(0, 10)} with \`npx tsx bench/commit-barrier.ts\`: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(
      totalmem() / 2 ** 30,
    )} GiB, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end. DynamoDB Local on disk; a scan-shaped
TransactWriteItems (a conditional Put and two counter Updates), one at a time, ${BLOCKS} alternating blocks of ${PER_BLOCK} per client.

| client | n | p50 | p90 |
|---|---|---|---|
| bare (as in AWS, and in the scan benchmark) | ${all.bare.length} | ${ms(median(all.bare))} | ${ms(quantile(all.bare, 0.9))} |
| with the barrier (\`npm start\` on disk) | ${all.barred.length} | ${ms(median(all.barred))} | ${ms(quantile(all.barred, 0.9))} |

Per block, barrier p50 ÷ bare p50: ${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')} — median **${median(ratios).toFixed(2)}×**. The difference is
the rest of each transaction's SQLite commit (its fsyncs), which DynamoDB Local runs after answering.`);
    bare.destroy();
    barred.destroy();
  } finally {
    await dynamoDb.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
