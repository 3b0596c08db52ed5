/**
 * `npm run bench`: the numbers this project quotes, measured side by side in one run
 * and written to BENCHMARKS.md with the date and the machine. Medians, because this
 * machine is shared and noisy. Nothing here is asserted by the tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleLambda } from '../infra/bundling';
import { createDocumentClient } from '../shared/platform/dynamo';
import { DevClock } from '../local/dev-clock';
import { loadDevIssuer } from '../local/dev-issuer';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { ensureTable } from '../local/ensure-table';
import { createLocalApp, localDependencies } from '../local/wiring';

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const median = (values: number[]) => quantile(values, 0.5);
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Time from spawning `npm start`'s command to its "running at" line. */
async function timeStart(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'SILENT' },
  });
  let out = '';
  const readyAt = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('running at')) resolve(performance.now());
    });
    child.once('exit', (code) => reject(new Error(`start exited ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return readyAt - started;
}

async function benchStart(runs: number) {
  const first: number[] = [];
  const restart: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-bench-'));
    first.push(await timeStart(dir)); // creates the table and loads the demo data
    restart.push(await timeStart(dir)); // finds both already there
    rmSync(dir, { recursive: true, force: true });
  }
  return { first, restart };
}

async function benchApi() {
  const dynamoDb = await startDynamoDbLocal();
  try {
    const db = { client: createDocumentClient({ endpoint: dynamoDb.endpoint }), tableName: 'bench' };
    await ensureTable(db.client, db.tableName);
    const clock = new DevClock();
    const issuer = await loadDevIssuer();
    const app = createLocalApp(localDependencies(db, clock, issuer, 'SILENT'), clock, issuer);
    const { token } = await issuer.mint({ role: 'manager' }, clock.now());
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ name: 'Bench', categories: ['physical'], accreditation: { status: 'accredited', validUntil: '2030-01-01' } });

    const timed = async (n: number, request: () => Response | Promise<Response>) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        const res = await request();
        await res.arrayBuffer();
        samples.push(performance.now() - start);
        if (res.status >= 400) throw new Error(`bench request failed: ${res.status}`);
      }
      return samples;
    };
    const ids: string[] = [];
    const create = await timed(200, async () => {
      const res = await app.request('/v1/providers', { method: 'POST', headers, body });
      ids.push(((await res.clone().json()) as { providerId: string }).providerId);
      return res;
    });
    let i = 0;
    const get = await timed(300, () => app.request(`/v1/providers/${ids[i++ % ids.length]}`, { headers }));
    const list = await timed(200, () => app.request('/v1/providers?limit=25', { headers }));
    const rejected = await timed(300, () =>
      Promise.resolve(app.request('/v1/providers', { method: 'POST', headers, body: JSON.stringify({ name: '' }) })).then(
        (res) => new Response(null, { status: res.status === 400 ? 200 : 500 }),
      ),
    );
    db.client.destroy();
    return { create, get, list, rejected };
  } finally {
    await dynamoDb.stop();
  }
}

async function benchBundle() {
  const outdir = mkdtempSync(join(tmpdir(), 'waymark-bundle-'));
  const result = await bundleLambda('functions/api.ts', outdir);
  const bytes = Object.values(result.metafile.outputs).find((output) => output.entryPoint)!.bytes;
  // Cold init as Lambda pays it: a fresh process importing the bundled handler (config, clients, app).
  const env = {
    ...process.env,
    TABLE_NAME: 't',
    AUTH_ISSUER: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_bench',
    AUTH_AUDIENCE: 'bench',
    AWS_REGION: 'eu-west-2',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const script = `const t=performance.now();await import(${JSON.stringify(join(outdir, 'index.mjs'))});console.log(performance.now()-t)`;
  const init: number[] = [];
  for (let run = 0; run < 7; run++) {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    init.push(Number(out.stdout.trim()));
  }
  rmSync(outdir, { recursive: true, force: true });
  return { bytes, init };
}

async function main() {
  console.log('Benchmarking start-up (3 fresh starts and 3 restarts)…');
  const start = await benchStart(3);
  console.log('Benchmarking API requests in process against DynamoDB Local…');
  const api = await benchApi();
  console.log('Benchmarking the Lambda bundle…');
  const bundle = await benchBundle();

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
  const row = (name: string, samples: number[]) => `| ${name} | ${samples.length} | ${ms(median(samples))} | ${ms(quantile(samples, 0.95))} |`;
  const report = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts). Medians of repeated runs measured side by side in
one run; the machine is shared and noisy, so compare ratios within a run rather than absolute
numbers across runs. Tests never assert timings.

- Date: ${new Date().toISOString().slice(0, 10)}
- Machine: ${machine}

## Local mode start-up (\`npm start\` until it prints its URL)

| start | runs | median | p95 |
|---|---|---|---|
${row('first start: DynamoDB Local + create table + demo data', start.first)}
${row('restart on existing data', start.restart)}

The issue's target is under 20 s on this 2-core machine.

## API requests (in process via \`app.request()\`, DynamoDB Local on loopback)

Each includes JWT verification (ES256), validation and the DynamoDB round trips. DynamoDB Local
is a Java process on this machine, so these are not AWS latencies; they show relative costs.

| request | n | median | p95 |
|---|---|---|---|
${row('POST /v1/providers (PutItem)', api.create)}
${row('GET /v1/providers/{id} (GetItem)', api.get)}
${row('GET /v1/providers?limit=25 (Query GSI1)', api.list)}
${row('POST /v1/providers, invalid body → 400 (no DynamoDB call)', api.rejected)}

## Lambda bundle (functions/api.ts, infra/bundling.ts options)

| measure | value |
|---|---|
| bundle size (minified ESM, AWS SDK included) | ${(bundle.bytes / 1024).toFixed(0)} KiB |
| module init, fresh Node process, median of ${bundle.init.length} | ${ms(median(bundle.init))} |

Module init is the part of a cold start our code controls (config check, clients, app
construction); Lambda adds its own runtime start on top.
`;
  writeFileSync('BENCHMARKS.md', report);
  console.log(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
