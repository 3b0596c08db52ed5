/**
 * The floor under a scan: the DynamoDB requests one accepted scan makes, sent bare — no HTTP,
 * no token, no validation, no rules — against the same DynamoDB Local with the same client.
 *
 * Rather than restating the scan's requests here (and drifting from the app when its data
 * model changes), the bench records the requests an accepted scan really sent (command, input,
 * and which were in flight together) and replays them for new scans: the scan's ids, card,
 * patient, prescription, activity, instant and London day are swapped for the new scan's, so
 * every replay reads the same kinds of items and writes new ones under the same conditions.
 */
import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { londonDate } from '#shared/platform/london';
import type { Scan } from './combos';
import { median, summarise, type Summary } from './stats';

/** The patient and prescription a card belongs to in the fixture. */
export interface Holder {
  patientId: string;
  prescriptionId: string;
}

type CommandClass = new (input: never) => unknown;

export interface CapturedCall {
  command: CommandClass;
  /** The DynamoDB operation, e.g. TransactWriteItems. */
  operation: string;
  /** The input the app gave the command (document-client form), copied before it was sent. */
  input: unknown;
  start: number;
  end: number;
}

const OPERATIONS: Record<string, string> = {
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  TransactGetCommand: 'TransactGetItems',
  TransactWriteCommand: 'TransactWriteItems',
};

type Sender = { send(command: unknown, ...rest: unknown[]): Promise<unknown> };

/** Wraps the client's send so the calls made between start() and stop() are recorded. */
export function captureCalls(client: DynamoDBDocumentClient) {
  const target = client as unknown as Sender;
  const hadOwn = Object.prototype.hasOwnProperty.call(target, 'send');
  const original = target.send;
  let recording: CapturedCall[] | undefined;
  target.send = async function (this: unknown, command: unknown, ...rest: unknown[]) {
    let call: CapturedCall | undefined;
    if (recording) {
      const { constructor } = command as { constructor: CommandClass & { name: string } };
      call = {
        command: constructor,
        operation: OPERATIONS[constructor.name] ?? constructor.name.replace(/Command$/, ''),
        input: structuredClone((command as { input: unknown }).input),
        start: performance.now(),
        end: Number.NaN,
      };
      recording.push(call);
    }
    try {
      return await original.call(this, command, ...rest);
    } finally {
      if (call) call.end = performance.now();
    }
  };
  return {
    start: () => void (recording = []),
    stop: () => {
      const calls = recording ?? [];
      recording = undefined;
      return calls;
    },
    release: () => {
      if (hadOwn) target.send = original;
      else delete (target as Partial<Sender>).send;
    },
  };
}

/** Calls grouped into round trips: a call that started before the previous ones ended ran beside them. */
function stagesOf(calls: CapturedCall[]): number[][] {
  const order = calls.map((_, i) => i).sort((a, b) => calls[a]!.start - calls[b]!.start);
  const stages: number[][] = [];
  let stageEnd = -Infinity;
  for (const i of order) {
    const call = calls[i]!;
    if (stages.length > 0 && call.start < stageEnd) {
      stages[stages.length - 1]!.push(i);
      stageEnd = Math.max(stageEnd, call.end);
    } else {
      stages.push([i]);
      stageEnd = call.end;
    }
  }
  return stages;
}

/** One call in words, e.g. "BatchGetItem (4 keys)" or "TransactWriteItems (Put + Update)". */
export function describeCall(call: CapturedCall): string {
  const input = call.input as Record<string, unknown>;
  const details: string[] = [];
  if (call.operation === 'BatchGetItem') {
    const tables = Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>);
    details.push(`${tables.reduce((n, t) => n + (t.Keys?.length ?? 0), 0)} keys`);
    if (tables.some((t) => t.ConsistentRead)) details.push('consistent');
  } else if (call.operation === 'TransactWriteItems') {
    const items = (input.TransactItems ?? []) as Record<string, unknown>[];
    details.push(items.map((item) => Object.keys(item)[0] ?? '?').join(' + '));
  } else {
    if (call.operation === 'Query') details.push(typeof input.IndexName === 'string' ? input.IndexName : 'table');
    if (input.ConsistentRead) details.push('consistent');
    if (typeof input.Limit === 'number') details.push(`limit ${input.Limit}`);
  }
  return details.length > 0 ? `${call.operation} (${details.join(', ')})` : call.operation;
}

/** The round trips in order, calls sent side by side joined with ∥. */
export function describeCalls(calls: CapturedCall[]): string {
  return stagesOf(calls)
    .map((stage) => stage.map((i) => describeCall(calls[i]!)).join(' ∥ '))
    .join(' → ');
}

/** Replaces every occurrence of each key of `pairs` in strings (values and property names), in one pass. */
function substitute(value: unknown, pattern: RegExp, pairs: Map<string, string>): unknown {
  if (typeof value === 'string') return value.replace(pattern, (found) => pairs.get(found) ?? found);
  if (Array.isArray(value)) return value.map((item) => substitute(item, pattern, pairs));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [substitute(name, pattern, pairs) as string, substitute(item, pattern, pairs)]),
    );
  }
  return value;
}

/** What differs between two scans: ids, card, holder, activity, instant (both spellings) and London day. */
function swapsFor(from: Scan, to: Scan, holders: Map<string, Holder>): Map<string, string> {
  const was = holders.get(from.cardId);
  const now = holders.get(to.cardId);
  if (!was || !now) throw new Error('floor: a card without a holder in the fixture');
  return new Map([
    [new Date(from.scannedAt).toISOString(), new Date(to.scannedAt).toISOString()],
    [from.scannedAt, to.scannedAt],
    [from.scanId, to.scanId],
    [from.cardId, to.cardId],
    [was.patientId, now.patientId],
    [was.prescriptionId, now.prescriptionId],
    [from.activityId, to.activityId],
    [londonDate(new Date(from.scannedAt)), londonDate(new Date(to.scannedAt))],
  ]);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface FloorRun {
  /** Per call of the template, its time in each successful iteration. */
  callTimes: number[][];
  /** Per iteration: the round trips' wall times added up (calls side by side count once). */
  full: number[];
  /** Per iteration: the BatchGetItem and TransactWriteItems calls' own times added up. */
  batchWrite: number[];
  failures: number;
  firstFailure?: string;
  labels: string[];
}

/**
 * Replays the template's calls for each scan, round trip by round trip as the app sent them
 * (calls that ran side by side in the app run side by side here), one scan after another.
 */
export async function replayFloor(
  client: DynamoDBDocumentClient,
  template: { scan: Scan; calls: CapturedCall[] },
  holders: Map<string, Holder>,
  scans: Scan[],
): Promise<FloorRun> {
  const { calls } = template;
  const stages = stagesOf(calls);
  const run: FloorRun = { callTimes: calls.map(() => []), full: [], batchWrite: [], failures: 0, labels: calls.map(describeCall) };
  const sender = client as unknown as Sender;
  for (const scan of scans) {
    const pairs = swapsFor(template.scan, scan, holders);
    const pattern = new RegExp([...pairs.keys()].sort((a, b) => b.length - a.length).map(escape).join('|'), 'g');
    const times: number[] = new Array<number>(calls.length).fill(0);
    let full = 0;
    try {
      for (const stage of stages) {
        const started = performance.now();
        await Promise.all(
          stage.map(async (i) => {
            const call = calls[i]!;
            const command = new call.command(substitute(call.input, pattern, pairs) as never);
            const sent = performance.now();
            await sender.send(command);
            times[i] = performance.now() - sent;
          }),
        );
        full += performance.now() - started;
      }
    } catch (error) {
      run.failures++;
      run.firstFailure ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      continue;
    }
    times.forEach((time, i) => run.callTimes[i]!.push(time));
    run.full.push(full);
    run.batchWrite.push(times.reduce((sum, time, i) => (['BatchGetItem', 'TransactWriteItems'].includes(calls[i]!.operation) ? sum + time : sum), 0));
  }
  return run;
}

export interface FloorResult {
  /** Every request of the scan, round trip by round trip as the app sends them. */
  full: Summary;
  /** Only the BatchGetItem and the TransactWriteItems (their own times). */
  batchWrite: Summary;
  calls: { label: string; time: Summary }[];
  /** The full floor's p50 in each block: how much it moved during the run. */
  runP50s: number[];
  failures: number;
  firstFailure?: string;
}

export function summariseFloor(runs: FloorRun[]): FloorResult {
  const labels = runs[0]?.labels ?? [];
  const firstFailure = runs.find((run) => run.firstFailure)?.firstFailure;
  return {
    full: summarise(runs.flatMap((run) => run.full)),
    batchWrite: summarise(runs.flatMap((run) => run.batchWrite)),
    calls: labels.map((label, i) => ({ label, time: summarise(runs.flatMap((run) => run.callTimes[i]!)) })),
    runP50s: runs.map((run) => median(run.full)),
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
    ...(firstFailure ? { firstFailure } : {}),
  };
}
