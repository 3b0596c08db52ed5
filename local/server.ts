import { createRequire } from 'node:module';
import { dirname, relative } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { createDocumentClient, type Db } from '#shared/platform/dynamo';
import { awaitTransactionCommits } from './commit-barrier';
import { createServices } from '#shared/app/services';
import { DevClock } from './dev-clock';
import { loadDevIssuer, type DevIssuer } from './dev-issuer';
import { startDynamoDbLocal, type RunningDynamoDb } from './dynamodb-local';
import { lockDataDir } from './data-dir-lock';
import { answerClientError } from './client-errors';
import { ensureTable } from './ensure-table';
import { seedDemo } from './seed';
import { followUpReminderHandler } from '#shared/followups/handlers';
import { createLocalApp, localDependencies, localDigest } from './wiring';
import { loadLocalDeviceKey } from './device-key';
import { NO_RATE_LIMITS } from '#shared/platform/rate-limit';
import { digestHandler } from '#shared/digest/handlers';
import { loadLocalPseudonymKey } from './pseudonym-key';
import { webApp } from './web';
import { isLoopbackHost, lanAddresses, newDevSecret } from './dev-access';
import { buildWebApps } from '../web/build';

export interface LocalSettings {
  /** 0 picks a free port. */
  port: number;
  hostname: string;
  /** Where DynamoDB Local keeps its file and the local issuer its key; undefined = in memory. */
  dataDir: string | undefined;
  /** Names the programme in evaluator exports' pseudonyms (they differ between programmes). */
  programmeId: string;
  seed: 'demo' | 'none';
  /** Start the clock at this instant (it keeps running from there). */
  clockNow?: string | undefined;
  /** Or start it this far from real time, as an ISO-8601 duration (e.g. P84D). */
  clockOffset?: string | undefined;
  tableName: string;
  logLevel: string;
  /** false turns the per-caller rate limits off (the scan benchmark sends everything with one token). */
  rateLimits?: boolean;
  /**
   * false answers a transaction without waiting for DynamoDB Local's commit (decision 75): the
   * scan benchmark, which measures our code over the DynamoDB requests AWS would serve.
   */
  commitBarrier?: boolean;
}

export interface LocalSystem {
  readonly url: string;
  readonly clock: DevClock;
  readonly issuer: DevIssuer;
  readonly db: Db;
  readonly dynamoDb: RunningDynamoDb;
  readonly seeded: 'seeded' | 'already-seeded' | 'skipped';
  /**
   * Listening beyond loopback: the secret other machines need for the dev routes (new at every
   * start), and this machine's addresses on the network. Undefined on a loopback address.
   */
  readonly network?: { devSecret: string; urls: string[] };
  stop(): Promise<void>;
}

const DOCS_ASSETS = '/docs/assets';

/**
 * The whole system on one machine: DynamoDB Local, the same Hono app the Lambda
 * serves, and the local adapters (dev issuer, dev clock) chosen here and only here.
 */
export async function startLocal(settings: LocalSettings): Promise<LocalSystem> {
  // One Waymark per DATA_DIR (two JVMs on one database file lose writes); in memory needs no lock.
  const lock = settings.dataDir ? await lockDataDir(settings.dataDir) : undefined;
  // The web apps build (about a second) while DynamoDB Local starts.
  const webBuild = buildWebApps();
  webBuild.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  let dynamoDb: RunningDynamoDb;
  try {
    dynamoDb = await startDynamoDbLocal(settings.dataDir ? { dataDir: settings.dataDir } : {});
    lock?.recordDynamoDbLocal(dynamoDb.pid);
  } catch (error) {
    lock?.release();
    throw error;
  }
  try {
    const db: Db = { client: createDocumentClient({ endpoint: dynamoDb.endpoint }), tableName: settings.tableName };
    // On disk, a transaction counts as written only once DynamoDB Local has committed it (decision 75).
    if (settings.dataDir && settings.commitBarrier !== false) awaitTransactionCommits(db.client);
    await ensureTable(db.client, db.tableName);

    const clock = new DevClock();
    if (settings.clockNow) clock.set(new Date(settings.clockNow));
    if (settings.clockOffset) clock.advance(settings.clockOffset);
    const issuer = await loadDevIssuer(settings.dataDir);
    // Enrolment links point at this server's scanner, whose port is known once it listens.
    let serverUrl: string | undefined;
    const deps = localDependencies(db, clock, issuer, settings.logLevel, loadLocalPseudonymKey(settings.programmeId, settings.dataDir), {
      signer: loadLocalDeviceKey(settings.dataDir),
      scannerUrl: async () => `${serverUrl ?? 'http://localhost'}/scan/`,
    });

    const services = createServices(deps);
    const seeded = settings.seed === 'demo' ? await seedDemo(services) : 'skipped';
    // The local EventBridge Scheduler: fires the same reminder handler the Lambda runs, as the
    // dev clock reaches each schedule. A sweep at start catches anything missed while stopped.
    deps.scheduler.start(followUpReminderHandler(services.followUpDue));
    await services.followUpDue.sweep();

    // Beyond loopback (HOST=0.0.0.0 for phones) the LAN reaches the server: the dev routes, which
    // mint admin tokens, then answer other machines only with this start's secret (decision 71).
    const devSecret = isLoopbackHost(settings.hostname) ? undefined : newDevSecret();
    const app = createLocalApp(
      deps,
      clock,
      issuer,
      { docsAssetBaseUrl: DOCS_ASSETS, ...(settings.rateLimits === false ? { rateLimiter: NO_RATE_LIMITS } : {}) },
      devSecret ? { secret: devSecret } : undefined,
    );
    // Swagger UI's files from node_modules, so /docs works without internet.
    const swaggerDist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    app.use(
      `${DOCS_ASSETS}/swagger-ui-dist/*`,
      serveStatic({
        root: relative(process.cwd(), swaggerDist),
        rewriteRequestPath: (path) => path.slice(`${DOCS_ASSETS}/swagger-ui-dist`.length),
      }),
    );
    // The console at /, the provider scanner at /scan/.
    app.route('/', webApp(await webBuild));

    const server = await listen(app.fetch, settings.port, settings.hostname);
    const { port } = server.address() as AddressInfo;
    const host = settings.hostname === '0.0.0.0' || settings.hostname === '127.0.0.1' ? 'localhost' : settings.hostname;
    serverUrl = `http://${host}:${port}`;
    // The daily digest links to this server's console, so it starts once the URL is known.
    const digest = localDigest(deps, clock, `http://${host}:${port}`);
    digest.schedule.start(digestHandler(digest.service));

    let stopping: Promise<void> | undefined;
    return {
      url: `http://${host}:${port}`,
      clock,
      issuer,
      db,
      dynamoDb,
      seeded,
      ...(devSecret
        ? {
            network: {
              devSecret,
              urls: (settings.hostname === '0.0.0.0' || settings.hostname === '::' ? lanAddresses() : [settings.hostname]).map(
                (address) => `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
              ),
            },
          }
        : {}),
      stop: () =>
        (stopping ??= (async () => {
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await deps.scheduler.stop();
          await digest.schedule.stop();
          db.client.destroy();
          await dynamoDb.stop();
          lock?.release();
        })()),
    };
  } catch (error) {
    await dynamoDb.stop();
    lock?.release();
    throw error;
  }
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, hostname: string) {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
    // Requests Node rejects before Hono sees them (a 60 KB token, say) get the API's error shape too.
    server.on('clientError', answerClientError);
  });
}
