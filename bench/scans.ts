/**
 * The card-scan benchmark: local mode started in process, a fixture written straight through
 * the stores (one accredited provider, one venue, five activities, a few hundred patients each
 * with an active prescription and a card), then, side by side in one run:
 *
 * - consumed capacity per accepted scan: sequential scans over HTTP with a middleware on the
 *   app's DynamoDB client adding ReturnConsumedCapacity; the same run records the exact
 *   DynamoDB requests one accepted scan makes (see bench/floor.ts);
 * - the floor: those same requests replayed bare, for new scans, against the same DynamoDB
 *   Local with the same client, in blocks alternating with blocks of HTTP at 1 connection;
 * - POST /v1/scans over HTTP with autocannon (in a child process, bench/load.ts) at 1, 10 and
 *   50 connections, every request a new scan that is accepted;
 * - where the time of one scan goes, in process: token verification and app.request().
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { Temporal } from 'temporal-polyfill';
import { newCardIssue } from '#shared/cards/rules';
import type { Principal } from '#shared/platform/auth';
import { fixedClock } from '#shared/platform/clock';
import { londonDate } from '#shared/platform/london';
import { createServices, type Services } from '#shared/app/services';
import { newReferral } from '#shared/patients/rules';
import { newPrescription } from '#shared/prescriptions/rules';
import { newActivity, newProvider, newVenue } from '#shared/registry/rules';
import { startLocal, type LocalSystem } from '#local/server';
import { createLocalApp, localDependencies } from '#local/wiring';
import { comboCount, comboScanner, SCAN_DAYS, type ComboSpace, type Scan } from './combos';
import { captureCalls, describeCalls, replayFloor, summariseFloor, type CapturedCall, type FloorResult, type FloorRun, type Holder } from './floor';
import type { LoadPhase, LoadReply, LoadRequest, LoadTarget, PhaseResult } from './load';
import { median, summarise, type Summary } from './stats';

export interface ScanBenchSettings {
  patients: number;
  warmup: LoadPhase;
  levels: LoadPhase[];
  floorWarmup: number;
  /**
   * HTTP at 1 connection against the floor, in alternating blocks (floor, HTTP, HTTP, floor, …)
   * so drift and the machine's noisy neighbours weigh on both alike.
   */
  paired: { rounds: number; floorScans: number; httpSeconds: number };
  capacityScans: number;
  inProcessRuns: number;
}

export interface CapacityResult {
  scans: number;
  statusCounts: Record<string, number>;
  accepted: number;
  /** Capacity units summed over the run, by DynamoDB operation, with the table / GSI split. */
  byOperation: Record<string, { calls: number; units: number; table: number; indexes: number }>;
  readUnits: number;
  writeUnits: number;
  /** False when some call came back without ConsumedCapacity. */
  reported: boolean;
  /** What the scans sent to DynamoDB (see describeCalls), with their HTTP status, and how many sent it. */
  patterns: Record<string, number>;
}

export interface ScanBenchResult {
  fixture: { patients: number; activities: number; days: number; combinations: number; used: number; setupMs: number };
  /** What one accepted scan sent to DynamoDB, in order ("∥" = sent side by side). */
  scanRequests: string;
  levels: LevelResult[];
  warmup: LevelResult;
  floor: FloorResult;
  /** The 1-connection HTTP blocks run between the floor blocks, pooled. */
  paired: { http: Summary; blockRatios: number[]; responses: number; statusCounts: Record<string, number>; errors: number };
  capacity: CapacityResult;
  inProcess: { verifyToken: Summary; appRequest: Summary; appRequestStatuses: Record<string, number> };
}

/** A load phase with the CPU each process used during it (milliseconds). */
export interface LevelResult extends PhaseResult {
  serverCpuMs: number;
  dynamoDbCpuMs: number | undefined;
}

interface Fixture {
  providerId: string;
  space: ComboSpace;
  holders: Map<string, Holder>;
}

const NAVIGATOR: Principal = { sub: 'bench-navigator', role: 'navigator' };
const ACTIVITIES = [
  { name: 'Health walk', category: 'physical' },
  { name: 'Lunch club', category: 'social' },
  { name: 'Art for wellbeing', category: 'wellbeing' },
  { name: 'Benefits advice drop-in', category: 'advice' },
  { name: 'Garden volunteering', category: 'volunteering' },
] as const;

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Written through the stores and the pure rules, as local/seed.ts does. Everything is dated
 * 20 days back (cards issued, prescriptions started), so scans on any of the 13 days before
 * today are within the prescription and after the card's issue.
 */
async function buildFixture(services: Services, patients: number): Promise<Fixture> {
  const { registry, clock, ids } = services;
  const anchorDay = londonDate(clock.now());
  const today = Temporal.PlainDate.from(anchorDay);
  const past = { clock: fixedClock(new Date(clock.now().getTime() - 20 * 86_400_000)), ids };

  const provider = newProvider(
    {
      name: 'Bench Leisure Trust',
      categories: ['social', 'volunteering', 'physical', 'wellbeing', 'advice'],
      accreditation: { status: 'accredited', validUntil: today.add({ days: 365 }).toString() },
    },
    past,
  );
  await registry.createProvider(provider);
  const venue = newVenue(provider.providerId, { name: 'Bench Community Centre', postcode: 'LU1 2AF' }, past);
  if ((await registry.createVenue(venue)) !== 'created') throw new Error('venue not created: its provider is missing');
  const activityIds: string[] = [];
  for (const activity of ACTIVITIES) {
    const record = newActivity(
      provider.providerId,
      { ...activity, venueId: venue.venueId, capacity: 30, schedule: [{ day: 'tuesday', startTime: '10:00', endTime: '12:00' }] },
      past,
    );
    if ((await registry.createActivity(record)) !== 'created') throw new Error('activity not created: its provider or venue changed');
    activityIds.push(record.activityId);
  }

  const cardIds = Array.from({ length: patients }, (_, i) => `BENCH-${String(i + 1).padStart(5, '0')}`);
  const holders = new Map<string, Holder>();
  await pool(cardIds, 8, async (cardId, i) => {
    const made = newReferral(
      {
        patient: { givenName: 'Bench', familyName: `Patient ${i + 1}`, dateOfBirth: '1960-01-01', postcode: 'LU1 3JH' },
        source: 'gp',
        reasons: ['isolation'],
      },
      NAVIGATOR,
      past,
    );
    if (!made.ok) throw new Error(`the generated referral is invalid: ${made.issues.map((issue) => issue.path).join(', ')}`);
    const { patient, referral } = made;
    await services.patients.createReferral(patient, referral);
    const prescription = newPrescription(
      {
        patientId: patient.patientId,
        startDate: today.subtract({ days: 20 }).toString(),
        weeks: 12,
        goals: ['Get out of the house twice a week', 'Meet people with shared interests'],
        activityIds,
      },
      { prescriptionId: ids.next(), now: past.clock.now(), createdBy: NAVIGATOR.sub, hasBaseline: false },
    );
    const refused = await services.prescriptions.create(prescription, NAVIGATOR);
    if (refused) throw new Error(`bench prescription not written: ${refused.code}`);
    const issued = await services.cards.issue(newCardIssue({ cardId, patientId: patient.patientId }, NAVIGATOR, past));
    if (issued.kind !== 'written') throw new Error(`bench card ${cardId} was not issued: ${issued.kind}`);
    holders.set(cardId, { patientId: patient.patientId, prescriptionId: prescription.prescriptionId });
  });
  return { providerId: provider.providerId, space: { venueId: venue.venueId, activityIds, cardIds, anchorDay }, holders };
}

/** bench/load.ts in its own process, driven phase by phase over IPC. */
async function startLoadTool(target: LoadTarget) {
  const script = fileURLToPath(new URL('./load.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiting: { resolve: (reply: LoadReply) => void; reject: (error: Error) => void } | undefined;
  child.on('message', (reply: LoadReply) => {
    const pending = waiting;
    waiting = undefined;
    pending?.resolve(reply);
  });
  child.once('exit', (code) => waiting?.reject(new Error(`bench/load.ts exited ${code}`)));
  const ask = (request: LoadRequest) =>
    new Promise<LoadReply>((resolve, reject) => {
      waiting = { resolve, reject };
      child.send(request);
    });
  const ready = await ask({ type: 'init', target });
  if (ready.type !== 'ready') throw new Error(`bench/load.ts did not start: ${JSON.stringify(ready)}`);
  return {
    async run(phase: LoadPhase, startIndex: number) {
      const reply = await ask({ type: 'run', phase, startIndex });
      if (reply.type !== 'done') throw new Error(`load phase ${phase.name} failed: ${reply.type === 'failed' ? reply.message : reply.type}`);
      return reply;
    },
    close() {
      if (child.connected) child.disconnect();
    },
  };
}

const READ_OPERATIONS = new Set(['BatchGetItem', 'Query', 'GetItem', 'TransactGetItems', 'Scan']);

/**
 * Sequential accepted scans over HTTP, with a middleware on the app's DynamoDB client that asks
 * every request for ReturnConsumedCapacity (INDEXES: the table and GSI split) and adds it up.
 * The same run records the requests each scan made; an accepted scan's usual ones are returned.
 */
async function benchCapacity(
  system: LocalSystem,
  url: string,
  token: string,
  scans: Scan[],
): Promise<{ capacity: CapacityResult; template: { scan: Scan; calls: CapturedCall[] } | undefined }> {
  const byOperation: CapacityResult['byOperation'] = {};
  let reported = true;
  const name = 'benchConsumedCapacity';
  system.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'INDEXES';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
      const entry = (byOperation[operation] ??= { calls: 0, units: 0, table: 0, indexes: 0 });
      entry.calls++;
      if (consumed === undefined) reported = false;
      for (const capacity of consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed]) {
        entry.units += capacity.CapacityUnits ?? 0;
        entry.table += capacity.Table?.CapacityUnits ?? 0;
        for (const index of Object.values(capacity.GlobalSecondaryIndexes ?? {})) entry.indexes += index.CapacityUnits ?? 0;
      }
      return result;
    },
    { step: 'initialize', name },
  );
  const capture = captureCalls(system.db.client);
  const statusCounts: Record<string, number> = {};
  const patterns: Record<string, number> = {};
  // The last accepted scan of each pattern: anything else using the client meanwhile (local
  // mode's scheduler polls every second) shows up as a rarer pattern, never as the template.
  const accepted = new Map<string, { scan: Scan; calls: CapturedCall[] }>();
  try {
    for (const scan of scans) {
      capture.start();
      const res = await fetch(`${url}/v1/scans`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(scan),
      });
      await res.arrayBuffer();
      const calls = capture.stop();
      statusCounts[res.status] = (statusCounts[res.status] ?? 0) + 1;
      const pattern = `${res.status}: ${describeCalls(calls)}`;
      patterns[pattern] = (patterns[pattern] ?? 0) + 1;
      if (res.status === 201) accepted.set(pattern, { scan, calls });
    }
  } finally {
    capture.release();
    system.db.client.middlewareStack.remove(name);
  }
  const [usual] = [...accepted.keys()].sort((a, b) => patterns[b]! - patterns[a]!);
  const template = usual === undefined ? undefined : accepted.get(usual);
  let readUnits = 0;
  let writeUnits = 0;
  for (const [operation, entry] of Object.entries(byOperation)) {
    if (READ_OPERATIONS.has(operation)) readUnits += entry.units;
    else writeUnits += entry.units;
  }
  return { capacity: { scans: scans.length, statusCounts, accepted: statusCounts['201'] ?? 0, byOperation, readUnits, writeUnits, reported, patterns }, template };
}

/** Token verification alone, and whole scans through app.request() (no socket, no HTTP parsing). */
async function benchInProcess(system: LocalSystem, token: string, scans: Scan[]) {
  const deps = localDependencies(system.db, system.clock, system.issuer, 'SILENT');
  const verify: number[] = [];
  for (let i = 0; i < scans.length; i++) {
    const started = performance.now();
    await deps.verifyToken(token);
    verify.push(performance.now() - started);
  }
  const app = createLocalApp(deps, system.clock, system.issuer);
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  for (const scan of scans) {
    const body = JSON.stringify(scan);
    const started = performance.now();
    const res = await app.request('/v1/scans', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    times.push(performance.now() - started);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  }
  return { verifyToken: summarise(verify), appRequest: summarise(times), appRequestStatuses: statuses };
}

/** CPU time (user + system) DynamoDB Local's Java process has used so far, from /proc; undefined elsewhere. */
function javaCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, utime field 14, stime field 15 (clock ticks).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(out.stdout?.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

/** One load phase, with the CPU the server (this process) and DynamoDB Local used meanwhile. */
async function loadPhase(
  system: LocalSystem,
  tool: Awaited<ReturnType<typeof startLoadTool>>,
  phase: LoadPhase,
  startIndex: number,
): Promise<{ result: LevelResult; times: number[]; used: number }> {
  const server = process.cpuUsage();
  const javaBefore = javaCpuMs(system.dynamoDb.pid);
  const { result, times, used } = await tool.run(phase, startIndex);
  const serverUsed = process.cpuUsage(server);
  const javaAfter = javaCpuMs(system.dynamoDb.pid);
  return {
    result: {
      ...result,
      serverCpuMs: (serverUsed.user + serverUsed.system) / 1000,
      dynamoDbCpuMs: javaBefore !== undefined && javaAfter !== undefined ? javaAfter - javaBefore : undefined,
    },
    times,
    used,
  };
}

export async function benchScans(settings: ScanBenchSettings): Promise<ScanBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'waymark-bench-scans-'));
  let system: LocalSystem | undefined;
  let tool: Awaited<ReturnType<typeof startLoadTool>> | undefined;
  try {
    // Rate limits off: one token sends every scan here, far past a real door's 120 a minute. No
    // commit barrier: it is local mode's alone (decision 75), and the floor is what AWS would serve.
    system = await startLocal({
      port: 0,
      hostname: '127.0.0.1',
      dataDir,
      seed: 'none',
      tableName: 'bench',
      logLevel: 'SILENT',
      programmeId: 'bench',
      rateLimits: false,
      commitBarrier: false,
    });
    const running = system;
    const services = createServices(localDependencies(system.db, system.clock, system.issuer, 'SILENT'));
    const setupStarted = performance.now();
    const fixture = await buildFixture(services, settings.patients);
    const setupMs = performance.now() - setupStarted;
    const { token } = await system.issuer.mint({ role: 'provider', providerId: fixture.providerId }, system.clock.now());
    // The server listens on 127.0.0.1; its URL says localhost, which may resolve to ::1 first.
    const url = `http://127.0.0.1:${new URL(system.url).port}`;
    console.log(`  fixture: ${settings.patients} patients in ${(setupMs / 1000).toFixed(1)} s`);

    // One sequence of (card, activity, day) combinations for the whole run: no scan repeats another.
    const total = comboCount(fixture.space);
    const scanFor = comboScanner(fixture.space, randomUUID);
    let cursor = 0;
    const take = (count: number) => Array.from({ length: count }, () => scanFor(cursor++));
    const load = await startLoadTool({ url, token, space: fixture.space });
    tool = load;
    const http = async (phase: LoadPhase) => {
      const measured = await loadPhase(running, load, phase, cursor);
      cursor += measured.used;
      return measured;
    };

    const { capacity, template } = await benchCapacity(system, url, token, take(settings.capacityScans));
    if (!template) throw new Error(`no scan was accepted in the capacity run: ${JSON.stringify(capacity.statusCounts)}`);
    const scanRequests = describeCalls(template.calls);
    console.log(`  an accepted scan sends: ${scanRequests}`);

    // Warm both sides up; then HTTP at 1 connection and the floor in alternating blocks.
    const floor = (count: number) => replayFloor(running.db.client, template, fixture.holders, take(count));
    const warmup = (await http(settings.warmup)).result;
    await floor(settings.floorWarmup);
    const floorRuns: FloorRun[] = [];
    const httpBlocks: { result: LevelResult; times: number[] }[] = [];
    const { rounds, floorScans, httpSeconds } = settings.paired;
    for (let round = 0; round < rounds; round++) {
      const httpBlock = async () => httpBlocks.push(await http({ name: `paired block ${round + 1}`, connections: 1, seconds: httpSeconds }));
      const floorBlock = async () => floorRuns.push(await floor(floorScans));
      // ABBA: which one goes first alternates, so a trend within a round favours neither.
      if (round % 2 === 0) {
        await floorBlock();
        await httpBlock();
      } else {
        await httpBlock();
        await floorBlock();
      }
    }
    const levels: LevelResult[] = [];
    for (const level of settings.levels) levels.push((await http(level)).result);
    const inProcess = await benchInProcess(system, token, take(settings.inProcessRuns));
    if (cursor > total) console.warn(`  warning: ${cursor} scans needed but only ${total} combinations: some repeated one`);

    const statusCounts: Record<string, number> = {};
    for (const block of httpBlocks) {
      for (const [status, n] of Object.entries(block.result.statusCounts)) statusCounts[status] = (statusCounts[status] ?? 0) + n;
    }
    return {
      fixture: { patients: settings.patients, activities: ACTIVITIES.length, days: SCAN_DAYS, combinations: total, used: cursor, setupMs },
      scanRequests,
      warmup,
      levels,
      floor: summariseFloor(floorRuns),
      paired: {
        http: summarise(httpBlocks.flatMap((block) => block.times)),
        blockRatios: httpBlocks.map((block, i) => median(block.times) / median(floorRuns[i]!.full)),
        responses: httpBlocks.reduce((sum, block) => sum + block.result.responses, 0),
        statusCounts,
        errors: httpBlocks.reduce((sum, block) => sum + block.result.errors + block.result.non2xx, 0),
      },
      capacity,
      inProcess,
    };
  } finally {
    tool?.close();
    await system?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
