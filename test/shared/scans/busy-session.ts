/**
 * A busy session at the door, modelled in virtual time — what DynamoDB Local cannot show.
 *
 * In AWS a TransactWriteItems that reaches an item while another transaction holds it is
 * cancelled (`TransactionCanceledException`, reason `TransactionConflict`), and every accepted
 * scan at one session writes that session's attendance-day item. This drives the real
 * ScanService and ScanStore through a DynamoDBDocumentClient mocked by aws-sdk-client-mock
 * whose handlers are a small in-memory table of exactly the items a scan touches: the
 * conditions the store writes (`attribute_not_exists`, the counter's status and dates) are
 * evaluated from the expressions themselves, SET and ADD are applied as DynamoDB applies them,
 * and each transaction holds its items for a while, so one that arrives meanwhile is cancelled.
 * An expression the model does not know is an error, never a silent pass.
 *
 * Time is virtual: every DynamoDB call, network hop, person at the door and device timer is a
 * sleep on one clock, advanced only when nothing else can run, so a session of minutes runs in
 * milliseconds and the same seed gives the same session every time. The devices behave as
 * web/scan does: a scan is sent alone; a 503 (busy) or a lost answer puts it in the device's
 * queue, which is sent as a batch (in order, same scanIds) after the next answered scan and
 * every 15 s while it is not empty.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type BatchGetCommandInput,
  type GetCommandInput,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { keyString } from '#shared/platform/dynamo';
import { keys } from '#shared/platform/keys';
import { createLogger } from '#shared/platform/logger';
import { PrescriptionStore } from '#shared/prescriptions/store';
import { ScanService, type RetryPause, type ScanOutcome } from '#shared/scans/service';
import { ScanStore } from '#shared/scans/store';

// ---------------------------------------------------------------------------------------------
// Seeded randomness and virtual time

/** mulberry32: a small seeded PRNG, uniform on [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (random: () => number, [low, high]: readonly [number, number]) => low + (high - low) * random();

/** A version-4 UUID from the seeded stream (scanIds must be UUIDs). */
function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + Math.floor(random() * 4)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * One clock for the whole session. `sleep` parks the caller; `run` fires the earliest parked
 * sleep each time every promise chain has gone as far as it can (one macrotask turn drains all
 * microtasks), so nothing outside virtual time may be awaited — a stall is an error.
 */
export class VirtualTime {
  private nowMs = 0;
  private order = 0;
  private readonly timers: { at: number; order: number; fire: () => void }[] = [];

  now(): number {
    return this.nowMs;
  }

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.nowMs + Math.max(0, ms), order: this.order++, fire: resolve });
    });

  /** Runs until `task` settles; a task still running after `horizonMs` of virtual time is an error. */
  async run<T>(task: Promise<T>, horizonMs = 2 * 60 * 60_000): Promise<T> {
    let settled = false;
    task.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return task;
      if (this.timers.length === 0) throw new Error('the session stalled: something awaited outside virtual time');
      let next = 0;
      for (let i = 1; i < this.timers.length; i++) {
        const [a, b] = [this.timers[i]!, this.timers[next]!];
        if (a.at < b.at || (a.at === b.at && a.order < b.order)) next = i;
      }
      const [timer] = this.timers.splice(next, 1);
      if (timer!.at > horizonMs) throw new Error(`the session ran past ${horizonMs} ms of virtual time`);
      this.nowMs = timer!.at;
      timer!.fire();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The in-memory table: exactly the items a scan touches, with DynamoDB's transaction conflicts

type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

const attributeName = (token: string, names: Names) => {
  if (!token.startsWith('#')) return token;
  const name = names?.[token];
  if (name === undefined) throw new Error(`model: no name for ${token}`);
  return name;
};

const valueOf = (token: string, values: Values) => {
  if (!values || !(token in values)) throw new Error(`model: no value for ${token}`);
  return values[token];
};

function compare(left: unknown, operator: string, right: unknown): boolean {
  // A missing attribute, or values of different types, satisfy no comparison.
  if (left === undefined || right === undefined || typeof left !== typeof right) return false;
  if (typeof left !== 'string' && typeof left !== 'number') throw new Error(`model: cannot compare ${typeof left}`);
  const [a, b] = [left as string | number, right as string | number];
  switch (operator) {
    case '=':
      return a === b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      throw new Error(`model: unknown comparison ${operator}`);
  }
}

/** A condition made of terms joined by AND: attribute_(not_)exists(path) or `a op b`. Anything else throws. */
export function conditionHolds(expression: string, item: Item | undefined, names: Names, values: Values): boolean {
  return expression.split(/\s+AND\s+/).every((raw) => {
    const term = raw.trim();
    const exists = /^attribute_(not_)?exists\(\s*([#\w]+)\s*\)$/.exec(term);
    if (exists) {
      const present = item !== undefined && item[attributeName(exists[2]!, names)] !== undefined;
      return exists[1] ? !present : present;
    }
    const comparison = /^([#:\w]+)\s*(=|<=|>=|<|>)\s*([#:\w]+)$/.exec(term);
    if (!comparison) throw new Error(`model: unknown condition term "${term}"`);
    const operand = (token: string) => (token.startsWith(':') ? valueOf(token, values) : item?.[attributeName(token, names)]);
    return compare(operand(comparison[1]!), comparison[2]!, operand(comparison[3]!));
  });
}

/** SET path = :value, … and ADD path :value, … (numbers add, sets union), as DynamoDB applies them. */
export function applyUpdate(expression: string, item: Item, names: Names, values: Values): Item {
  const next = structuredClone(item);
  const parts = expression.trim().split(/\s*\b(SET|ADD|REMOVE|DELETE)\b\s*/).filter((part) => part !== '');
  for (let i = 0; i < parts.length; i += 2) {
    const [clause, body] = [parts[i]!, parts[i + 1] ?? ''];
    // Commas inside if_not_exists(…) do not separate actions.
    for (const action of body.split(/,(?![^(]*\))/).map((part) => part.trim())) {
      if (clause === 'SET') {
        const set = /^([#\w]+)\s*=\s*(:\w+)$/.exec(action);
        const ifNotExists = /^([#\w]+)\s*=\s*if_not_exists\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)$/.exec(action);
        if (set) next[attributeName(set[1]!, names)] = structuredClone(valueOf(set[2]!, values));
        else if (ifNotExists) {
          const name = attributeName(ifNotExists[1]!, names);
          next[name] = next[attributeName(ifNotExists[2]!, names)] ?? structuredClone(valueOf(ifNotExists[3]!, values));
        } else throw new Error(`model: unknown SET action "${action}"`);
      } else if (clause === 'ADD') {
        const add = /^([#\w]+)\s+(:\w+)$/.exec(action);
        if (!add) throw new Error(`model: unknown ADD action "${action}"`);
        const name = attributeName(add[1]!, names);
        const [current, value] = [next[name], valueOf(add[2]!, values)];
        if (typeof value === 'number' && (current === undefined || typeof current === 'number')) next[name] = (current ?? 0) + value;
        else if (value instanceof Set && (current === undefined || current instanceof Set)) next[name] = new Set([...(current ?? []), ...value]);
        else throw new Error(`model: ADD of ${typeof value} to ${typeof current}`);
      } else {
        throw new Error(`model: unknown update clause ${clause}`);
      }
    }
  }
  return next;
}

/** How long each call takes in AWS, in virtual milliseconds (a Lambda in the table's Region). */
export interface Latencies {
  batchGet: readonly [number, number];
  query: readonly [number, number];
  get: readonly [number, number];
  /** From the call to the transaction coordinator reaching the items, and from commit back. */
  transactHop: readonly [number, number];
  /** How long a transaction holds its items, from reaching them to commit. */
  hold: readonly [number, number];
  /** From a conflict at the items to the cancellation's answer. */
  rejection: readonly [number, number];
}

/** What each server request (one recordScan) did, kept by AsyncLocalStorage across its calls. */
export interface RequestTrace {
  scanId: string;
  device: number;
  /** `single` (POST /v1/scans) or `batch` (a queued scan sent again). */
  via: 'single' | 'batch';
  outcome: ScanOutcome['kind'];
  transactions: number;
  conflicts: number;
  startedAt: number;
  endedAt: number;
}

class ModelTable {
  readonly items = new Map<string, Item>();
  /** Items some transaction holds now (between reaching them and its commit or cancel). */
  private readonly held = new Set<string>();
  transactions = 0;
  conflicts = 0;
  /** Of the conflicts, those at the provider's attendance day alone: two people's scans at one session. */
  dayConflicts = 0;
  conditionFailures = 0;

  constructor(
    private readonly tableName: string,
    private readonly time: VirtualTime,
    private readonly random: () => number,
    private readonly latency: Latencies,
    private readonly requests: AsyncLocalStorage<RequestTrace>,
  ) {}

  put(item: Item) {
    this.items.set(keyString(item), structuredClone(item));
  }

  private read(key: Item): Item | undefined {
    const item = this.items.get(keyString(key));
    return item === undefined ? undefined : structuredClone(item);
  }

  private checkTable(name: string | undefined) {
    if (name !== this.tableName) throw new Error(`model: unknown table ${name}`);
  }

  async batchGet(input: BatchGetCommandInput) {
    const tables = Object.entries(input.RequestItems ?? {});
    if (tables.length !== 1) throw new Error('model: BatchGetItem on one table only');
    const [[name, request]] = tables as [[string, NonNullable<BatchGetCommandInput['RequestItems']>[string]]];
    this.checkTable(name);
    const wanted = (request.Keys ?? []).map((key) => keyString(key));
    if (new Set(wanted).size !== wanted.length) throw new Error('ValidationException: Provided list of item keys contains duplicates');
    await this.time.sleep(between(this.random, this.latency.batchGet));
    return { Responses: { [name]: (request.Keys ?? []).flatMap((key) => this.read(key) ?? []) } };
  }

  async get(input: GetCommandInput) {
    this.checkTable(input.TableName);
    await this.time.sleep(between(this.random, this.latency.get));
    const item = this.read(input.Key ?? {});
    return item ? { Item: item } : {};
  }

  async query(input: QueryCommandInput) {
    this.checkTable(input.TableName);
    if (input.IndexName) throw new Error('model: no indexes');
    const values = input.ExpressionAttributeValues ?? {};
    const pk = valueOf(':pk', values);
    let matches: (sk: string) => boolean;
    if (input.KeyConditionExpression === 'PK = :pk AND begins_with(SK, :prefix)') {
      const prefix = String(valueOf(':prefix', values));
      matches = (sk) => sk.startsWith(prefix);
    } else if (input.KeyConditionExpression === 'PK = :pk AND SK BETWEEN :low AND :high') {
      const [low, high] = [String(valueOf(':low', values)), String(valueOf(':high', values))];
      matches = (sk) => sk >= low && sk <= high;
    } else {
      throw new Error(`model: unknown key condition ${input.KeyConditionExpression}`);
    }
    if (input.FilterExpression || input.ExclusiveStartKey) throw new Error('model: no filters or paging');
    await this.time.sleep(between(this.random, this.latency.query));
    const found = [...this.items.values()]
      .filter((item) => item.PK === pk && matches(String(item.SK)))
      .sort((a, b) => (String(a.SK) < String(b.SK) ? -1 : 1));
    if (input.ScanIndexForward === false) found.reverse();
    return { Items: found.slice(0, input.Limit ?? found.length).map((item) => structuredClone(item)) };
  }

  async transactWrite(input: TransactWriteCommandInput) {
    const trace = this.requests.getStore();
    const operations = (input.TransactItems ?? []).map((entry) => {
      const [kind, operation] = Object.entries(entry).filter(([, value]) => value !== undefined)[0] as [string, Record<string, unknown>];
      if (kind !== 'Put' && kind !== 'Update') throw new Error(`model: no ${kind} in transactions`);
      this.checkTable(operation.TableName as string);
      const key = kind === 'Put' ? { PK: (operation.Item as Item).PK, SK: (operation.Item as Item).SK } : (operation.Key as Item);
      return { kind, operation, key, id: keyString(key) };
    });
    if (new Set(operations.map((op) => op.id)).size !== operations.length) {
      throw new Error('ValidationException: Transaction request cannot include multiple operations on one item');
    }
    this.transactions++;
    if (trace) trace.transactions++;
    await this.time.sleep(between(this.random, this.latency.transactHop));

    // Another transaction holds one of these items: cancelled, nothing written, nothing held.
    const conflicting = operations.map((op) => this.held.has(op.id));
    if (conflicting.some(Boolean)) {
      this.conflicts++;
      if (operations.every((op, i) => !conflicting[i] || String(op.key.PK).startsWith('PROVIDER#'))) this.dayConflicts++;
      if (trace) trace.conflicts++;
      await this.time.sleep(between(this.random, this.latency.rejection));
      throw cancelled(conflicting.map((conflict) => (conflict ? 'TransactionConflict' : 'None')));
    }

    // Prepare: hold every item and check each condition against what is committed.
    for (const op of operations) this.held.add(op.id);
    let failed: boolean[];
    let committed: [string, Item][];
    try {
      failed = operations.map(({ operation, key }) => {
        const expression = operation.ConditionExpression as string | undefined;
        if (!expression) return false;
        return !conditionHolds(expression, this.items.get(keyString(key)), operation.ExpressionAttributeNames as Names, operation.ExpressionAttributeValues as Values);
      });
      // What each item becomes (worked out now, so an expression the model does not know fails here).
      committed = operations.map(({ kind, operation, key, id }) => [
        id,
        kind === 'Put'
          ? structuredClone(operation.Item as Item)
          : applyUpdate(operation.UpdateExpression as string, this.items.get(id) ?? { ...key }, operation.ExpressionAttributeNames as Names, operation.ExpressionAttributeValues as Values),
      ]);
    } catch (error) {
      for (const op of operations) this.held.delete(op.id);
      throw error;
    }
    const hold = between(this.random, this.latency.hold);
    if (failed.some(Boolean)) {
      // Cancelled at prepare: its items were held only that long.
      await this.time.sleep(hold / 2);
      for (const op of operations) this.held.delete(op.id);
      this.conditionFailures++;
      await this.time.sleep(between(this.random, this.latency.transactHop));
      throw cancelled(failed.map((failure) => (failure ? 'ConditionalCheckFailed' : 'None')));
    }
    await this.time.sleep(hold);
    // Commit: every item at once (the items were held, so nothing changed them meanwhile), then let go.
    for (const [id, item] of committed) {
      this.items.set(id, item);
      this.held.delete(id);
    }
    await this.time.sleep(between(this.random, this.latency.transactHop));
    return {};
  }
}

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

// ---------------------------------------------------------------------------------------------
// The session

export interface SessionSettings {
  seed: number;
  people: number;
  devices: number;
  /** People arrive over this long (after the queue at the start). */
  arrivalMs: number;
  /** Already waiting when the doors open; the rest arrive at random (a Poisson process) over arrivalMs. */
  queueAtStart: number;
  /** From one person stepping up to their card being scanned (a device serves its line in turn). */
  handlingMs: readonly [number, number];
  /** Share of people whose prescription does not include this activity (accepted, onPrescription false). */
  offPrescriptionShare: number;
  /** Share of people scanned again later in the session (a new scanId: a duplicate). */
  rescanShare: number;
  /** Share of single sends whose answer is lost on the way back (the device times out and queues it). */
  lostAnswerShare: number;
  /**
   * Share of scans read twice: a second scan of the same card (its own scanId) sent while the
   * first is still on its way — a reader that types a card twice, say. The two race in the
   * server, so only the transaction's conditions can keep the person counted once.
   */
  doubleReadShare: number;
  /** How far apart the two reads of a double read are sent. */
  doubleReadGapMs: readonly [number, number];
  /** Device to API and back, each way (mobile network, API Gateway, Lambda). */
  networkMs: readonly [number, number];
  latency: Latencies;
}

/** AWS-like figures for one Region: single-digit-millisecond reads, transactions holding items 10–30 ms. */
export const AWS_LATENCIES: Latencies = {
  batchGet: [3, 8],
  query: [3, 7],
  get: [2, 6],
  transactHop: [1, 3],
  hold: [10, 30],
  rejection: [2, 6],
};

/** The issue's busy session: 60 people in 3 minutes on 3 devices, a queue at the door when it opens. */
export const BUSY_SESSION: Omit<SessionSettings, 'seed'> = {
  people: 60,
  devices: 3,
  arrivalMs: 3 * 60_000,
  queueAtStart: 24,
  handlingMs: [2_000, 5_000],
  offPrescriptionShare: 0.1,
  rescanShare: 0.05,
  lostAnswerShare: 0.02,
  doubleReadShare: 0.05,
  doubleReadGapMs: [0, 60],
  networkMs: [30, 100],
  latency: AWS_LATENCIES,
};

/** The same session with transactions holding their items `factor` times as long: `factor` times the conflicts, about. */
export function withHoldFactor(settings: Omit<SessionSettings, 'seed'>, factor: number): Omit<SessionSettings, 'seed'> {
  const [low, high] = settings.latency.hold;
  return { ...settings, latency: { ...settings.latency, hold: [low * factor, high * factor] } };
}

/** The device's single-scan timeout and queue retry interval, as web/scan has them. */
export const SCAN_TIMEOUT_MS = 10_000;
export const RETRY_MS = 15_000;
const BATCH_LIMIT = 100;

/** One scan a device made, and what became of it. */
export interface ScanTrace {
  scanId: string;
  person: number;
  device: number;
  scannedAt: number;
  /** What the door showed first: an answer, or `queued` (busy or no answer). */
  firstShown: 'accepted' | 'duplicate' | 'rejected' | 'queued';
  /** The server's final answer, and when the device had it. */
  final?: 'accepted' | 'duplicate' | 'rejected';
  finalAt?: number;
  sessionsAttended?: number;
  /** The second read of a card read twice (sent while the first was on its way). */
  doubleRead: boolean;
  /** Requests that carried it (1, or more after busy answers or a lost answer). */
  sends: number;
  busyAnswers: number;
  lostAnswers: number;
}

export interface Person {
  index: number;
  patientId: string;
  prescriptionId: string;
  cardId: string;
  onPrescription: boolean;
  countBefore: number;
}

export interface SessionResult {
  settings: SessionSettings;
  people: Person[];
  scans: ScanTrace[];
  requests: RequestTrace[];
  transactions: number;
  conflicts: number;
  dayConflicts: number;
  conditionFailures: number;
  /** Virtual time from the doors opening to the last device's queue being empty. */
  endedAt: number;
  /** The table after the session. */
  items: Map<string, Item>;
  /** What the provider's attendance read (the real providerAttendance) says for the day. */
  attendance: { total: number; rows: { attendances: number; onPrescription: number }[] };
  ids: typeof IDS;
  day: string;
}

const TABLE = 'modelled-table';
const logger = createLogger({ level: 'SILENT' });

/**
 * One mocked client for every session, which run one at a time: aws-sdk-client-mock puts each
 * stub in sinon's default sandbox, which keeps it (and so each session's table) for good.
 */
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2', credentials: { accessKeyId: 'model', secretAccessKey: 'model' } }));
const mock = mockClient(client);
let current: ModelTable | undefined;
const model = () => {
  if (!current) throw new Error('model: no session is running');
  return current;
};
mock.onAnyCommand().callsFake((input: unknown) => {
  throw new Error(`model: unexpected command ${JSON.stringify(input).slice(0, 200)}`);
});
mock.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => model().batchGet(input));
mock.on(GetCommand).callsFake((input: GetCommandInput) => model().get(input));
mock.on(QueryCommand).callsFake((input: QueryCommandInput) => model().query(input));
mock.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => model().transactWrite(input));
const IDS = {
  provider: '01J00000000000000000000001',
  venue: '01J00000000000000000000002',
  activity: '01J00000000000000000000003',
  other: '01J00000000000000000000009',
};
const DOORS_OPEN = Date.parse('2026-03-04T10:00:00Z');
const DAY = '2026-03-04';
const CREATED = '2026-02-01T10:00:00Z';

const ulid = (prefix: string, n: number) => `01J${prefix}${String(n).padStart(22, '0')}`.slice(0, 26);

function fixture(table: ModelTable, settings: SessionSettings, random: () => number): Person[] {
  table.put({ ...keys.provider(IDS.provider), type: 'provider', providerId: IDS.provider, name: 'Busy Hall CIC', categories: ['physical'], accreditation: { status: 'accredited', validUntil: '2030-01-01', updatedAt: CREATED }, createdAt: CREATED, updatedAt: CREATED });
  table.put({ ...keys.venue(IDS.venue), type: 'venue', venueId: IDS.venue, providerId: IDS.provider, name: 'Hall', postcode: 'LU1 2AB', createdAt: CREATED });
  table.put({ ...keys.activity(IDS.activity), type: 'activity', activityId: IDS.activity, providerId: IDS.provider, venueId: IDS.venue, name: 'Chair yoga', category: 'physical', createdAt: CREATED });
  for (let d = 1; d <= settings.devices; d++) {
    const deviceId = ulid('D', d);
    table.put({ ...keys.device(deviceId), type: 'device', deviceId, providerId: IDS.provider, name: `Door ${d}`, status: 'active', createdAt: CREATED, createdBy: 'manager', version: 2, enrolledAt: CREATED, lastSeenAt: new Date(DOORS_OPEN - 60_000).toISOString() });
  }
  const people: Person[] = [];
  for (let index = 0; index < settings.people; index++) {
    const patientId = ulid('P', index + 1);
    const prescriptionId = ulid('R', index + 1);
    const cardId = `CARD-${String(index + 1).padStart(4, '0')}`;
    const onPrescription = random() >= settings.offPrescriptionShare;
    const countBefore = Math.floor(random() * 10);
    table.put({ ...keys.card(cardId), type: 'card', cardId, patientId, issueId: ulid('C', index + 1), status: 'active', issuedAt: CREATED, issuedBy: 'navigator' });
    table.put({
      ...keys.prescription(patientId, prescriptionId), type: 'prescription', prescriptionId, patientId, status: 'active',
      startDate: '2026-02-09', weeks: 12, pausedDays: 0, endDate: '2026-05-03', followUpDueAt: '2026-05-04T08:00:00Z', goals: ['Get out more'],
      activityIds: [onPrescription ? IDS.activity : IDS.other], hasBaseline: true, createdBy: 'navigator', createdAt: CREATED, updatedAt: CREATED, version: 1,
    });
    table.put({
      ...keys.prescriptionAttendance(patientId, prescriptionId), type: 'attendanceCounter', prescriptionId, patientId,
      status: 'active', startDate: '2026-02-09', endDate: '2026-05-03', sessionsAttended: countBefore,
    });
    people.push({ index, patientId, prescriptionId, cardId, onPrescription, countBefore });
  }
  return people;
}

/**
 * How ScanService pauses before an attempt that follows a conflict: as it does (`jittered`, its
 * own CONFLICT_BACKOFF_MS in virtual time), or not at all (`immediate`: the design before, for
 * comparison).
 */
export type RetryPauses = 'jittered' | 'immediate';

/** Runs one session to the end (every queue empty) and returns what happened. */
export async function runBusySession(settings: SessionSettings, pauses: RetryPauses = 'jittered'): Promise<SessionResult> {
  if (current) throw new Error('model: one session at a time');
  const time = new VirtualTime();
  // Separate streams, so the people and their arrivals are the same whatever the server does.
  const crowd = seeded(settings.seed);
  const aws = seeded(settings.seed ^ 0x5eed_0001);
  const devicesRandom = seeded(settings.seed ^ 0x5eed_0002);
  const serviceRandom = seeded(settings.seed ^ 0x5eed_0003);
  const requests = new AsyncLocalStorage<RequestTrace>();
  const table = new ModelTable(TABLE, time, aws, settings.latency, requests);
  const people = fixture(table, settings, crowd);
  current = table;
  try {
    return await runSession(settings, pauses, { time, table, people, requests, crowd, devicesRandom, serviceRandom });
  } finally {
    current = undefined;
    mock.resetHistory();
    requests.disable();
  }
}

interface SessionParts {
  time: VirtualTime;
  table: ModelTable;
  people: Person[];
  requests: AsyncLocalStorage<RequestTrace>;
  crowd: () => number;
  devicesRandom: () => number;
  serviceRandom: () => number;
}

async function runSession(settings: SessionSettings, pauses: RetryPauses, parts: SessionParts): Promise<SessionResult> {
  const { time, table, people, requests, crowd, devicesRandom, serviceRandom } = parts;
  const db = { client, tableName: TABLE };
  const clock = { now: () => new Date(DOORS_OPEN + time.now()) };
  const sightings = { touch: async () => {} }; // last seen is written hourly, outside the scan's transaction
  const pause: RetryPause = { sleep: pauses === 'jittered' ? time.sleep : () => Promise.resolve(), random: serviceRandom };
  const service = new ScanService(new ScanStore(db, new PrescriptionStore(db)), clock, logger, { providerExists: async () => true }, sightings, pause);

  const scans: ScanTrace[] = [];
  const traces: RequestTrace[] = [];
  const background: Promise<unknown>[] = [];

  /** One request to the API: the network there, recordScan in its own trace, the network back. */
  const request = async (device: number, scan: ScanTrace, via: RequestTrace['via']): Promise<ScanOutcome> => {
    scan.sends++;
    const trace: RequestTrace = { scanId: scan.scanId, device, via, outcome: 'busy', transactions: 0, conflicts: 0, startedAt: time.now(), endedAt: 0 };
    traces.push(trace);
    const person = people[scan.person]!;
    const outcome = await requests.run(trace, () =>
      service.recordScan(
        { sub: `device-${device}`, role: 'provider', providerId: IDS.provider, deviceId: ulid('D', device) },
        { scanId: scan.scanId, cardId: person.cardId.toLowerCase(), venueId: IDS.venue, activityId: IDS.activity, scannedAt: new Date(DOORS_OPEN + scan.scannedAt).toISOString() },
      ),
    );
    trace.outcome = outcome.kind;
    trace.endedAt = time.now();
    if (outcome.kind === 'busy') scan.busyAnswers++;
    return outcome;
  };

  const settle = (scan: ScanTrace, outcome: ScanOutcome) => {
    if (outcome.kind !== 'accepted' && outcome.kind !== 'duplicate' && outcome.kind !== 'rejected') return false;
    scan.final = outcome.kind;
    scan.finalAt = time.now();
    if (outcome.kind !== 'rejected') scan.sessionsAttended = outcome.answer.sessionsAttended;
    return true;
  };

  class Device {
    readonly line: number[] = [];
    readonly queue: ScanTrace[] = [];
    private syncing: Promise<void> | undefined;
    private retrying = false;
    private wake: (() => void) | undefined;

    constructor(readonly number: number) {}

    join(person: number) {
      this.line.push(person);
      this.wake?.();
    }

    /** Serves its line, person after person, until everyone expected has been served. */
    async serve(done: () => boolean) {
      for (;;) {
        if (this.line.length === 0) {
          if (done()) return;
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        const person = this.line.shift()!;
        await time.sleep(between(devicesRandom, settings.handlingMs));
        if (devicesRandom() < settings.doubleReadShare) {
          const gap = between(devicesRandom, settings.doubleReadGapMs);
          this.track(time.sleep(gap).then(() => this.scan(person, false)));
        }
        await this.scan(person);
        served++;
        if (served === visits) for (const device of devices) device.wake?.();
      }
    }

    private async scan(person: number, visit = true) {
      const scan: ScanTrace = { scanId: uuid(devicesRandom), person, device: this.number, scannedAt: time.now(), firstShown: 'queued', doubleRead: !visit, sends: 0, busyAnswers: 0, lostAnswers: 0 };
      scans.push(scan);
      const sentAt = time.now();
      await time.sleep(between(devicesRandom, settings.networkMs));
      const outcome = await request(this.number, scan, 'single');
      const lost = devicesRandom() < settings.lostAnswerShare;
      if (lost) {
        // The server answered; the device never heard, and gives up after its timeout.
        scan.lostAnswers++;
        await time.sleep(Math.max(0, SCAN_TIMEOUT_MS - (time.now() - sentAt)));
      } else {
        await time.sleep(between(devicesRandom, settings.networkMs));
      }
      if (!lost && settle(scan, outcome)) {
        scan.firstShown = scan.final!;
        this.track(this.sync()); // evidently online: anything saved earlier can go too
      } else {
        this.queue.push(scan);
        this.startRetrying();
      }
      if (visit && rescans.has(scan.person) && !rescanned.has(scan.person)) {
        rescanned.add(scan.person);
        this.track(
          time.sleep(between(devicesRandom, [5_000, 30_000])).then(() => shortestLine().join(scan.person)),
        );
      }
    }

    private track(task: Promise<unknown>) {
      background.push(task);
    }

    /** While scans wait: send the queue every RETRY_MS, as the scanner's interval does. */
    private startRetrying() {
      if (this.retrying) return;
      this.retrying = true;
      this.track(
        (async () => {
          while (this.queue.length > 0) {
            await time.sleep(RETRY_MS);
            await this.sync();
          }
          this.retrying = false;
        })(),
      );
    }

    /** Sends the queue as batches, oldest first; stops at the first batch with a scan not taken. */
    sync(): Promise<void> {
      this.syncing ??= (async () => {
        try {
          await Promise.resolve(); // so `syncing` is set before the finally below can clear it
          while (this.queue.length > 0) {
            const batch = this.queue.slice(0, BATCH_LIMIT);
            await time.sleep(between(devicesRandom, settings.networkMs));
            const outcomes: ScanOutcome[] = [];
            for (const scan of batch) outcomes.push(await request(this.number, scan, 'batch'));
            await time.sleep(between(devicesRandom, settings.networkMs));
            let kept = 0;
            batch.forEach((scan, i) => {
              if (settle(scan, outcomes[i]!)) this.queue.splice(this.queue.indexOf(scan), 1);
              else kept++;
            });
            if (kept > 0) return;
          }
        } finally {
          this.syncing = undefined;
        }
      })();
      return this.syncing;
    }
  }

  const devices = Array.from({ length: settings.devices }, (_, i) => new Device(i + 1));
  const shortestLine = () => {
    const shortest = Math.min(...devices.map((device) => device.line.length));
    const candidates = devices.filter((device) => device.line.length === shortest);
    return candidates[Math.floor(crowd() * candidates.length)]!;
  };
  const rescans = new Set(people.filter(() => crowd() < settings.rescanShare).map((person) => person.index));
  const rescanned = new Set<number>();
  const visits = people.length + rescans.size;
  let served = 0;

  // The queue at the door, then the rest at random over the arrival period.
  const order = people.map((person) => person.index);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(crowd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const arrivals = order.map((person, i) => ({ person, at: i < settings.queueAtStart ? 0 : crowd() * settings.arrivalMs })).sort((a, b) => a.at - b.at);
  const arrive = (async () => {
    for (const { person, at } of arrivals) {
      await time.sleep(at - time.now());
      shortestLine().join(person);
    }
  })();

  const session = (async () => {
    await Promise.all([arrive, ...devices.map((device) => device.serve(() => served === visits))]);
    // Everything the devices left running: syncs, retry loops, rescans already served.
    for (let seen = 0; seen < background.length; ) {
      const pending = background.slice(seen);
      seen = background.length;
      await Promise.all(pending);
    }
  })();
  await time.run(session);
  const endedAt = time.now();

  const attendance = await time.run(
    service.providerAttendance({ sub: 'reader', role: 'provider', providerId: IDS.provider }, IDS.provider, { from: DAY, to: DAY, activityId: IDS.activity }),
  );
  if (attendance.kind !== 'counted') throw new Error(`model: attendance read came to ${attendance.kind}`);
  return {
    settings,
    people,
    scans,
    requests: traces,
    transactions: table.transactions,
    conflicts: table.conflicts,
    dayConflicts: table.dayConflicts,
    conditionFailures: table.conditionFailures,
    endedAt,
    items: table.items,
    attendance: attendance.attendance,
    ids: IDS,
    day: DAY,
  };
}

/**
 * What must hold after any session, however busy: nobody lost, nobody doubled, every count exact.
 * Returns each violation found (none when all is well).
 */
export function violations(result: SessionResult): string[] {
  const problems: string[] = [];
  const { people, scans, requests, items, ids, day } = result;
  const expectedItems = new Set<string>();

  // Every scan a device made was answered for good; nothing is left in a queue.
  for (const scan of scans) if (!scan.final) problems.push(`scan ${scan.scanId} (person ${scan.person}) never got a final answer`);
  for (const scan of scans) if (scan.final === 'rejected') problems.push(`scan ${scan.scanId} was rejected`);

  for (const person of people) {
    const mine = scans.filter((scan) => scan.person === person.index);
    const myIds = new Set(mine.map((scan) => scan.scanId));
    // Exactly one request was accepted for this person, whichever scan carried it.
    const accepted = requests.filter((trace) => trace.outcome === 'accepted' && myIds.has(trace.scanId));
    if (accepted.length !== 1) problems.push(`person ${person.index}: ${accepted.length} accepted requests`);
    // Exactly one attendance item, carrying one of their scanIds, with the count after it.
    const key = keyString(keys.attendanceOnDay(person.patientId, ids.activity, day));
    expectedItems.add(key);
    const attendance = items.get(key);
    if (!attendance) problems.push(`person ${person.index}: no attendance item`);
    else {
      if (!myIds.has(String(attendance.scanId))) problems.push(`person ${person.index}: attendance carries a scanId not theirs`);
      if (attendance.sessionsAttended !== person.countBefore + 1) problems.push(`person ${person.index}: attendance answered ${String(attendance.sessionsAttended)}, not ${person.countBefore + 1}`);
      if (attendance.onPrescription !== person.onPrescription) problems.push(`person ${person.index}: onPrescription ${String(attendance.onPrescription)}`);
    }
    // The prescription's counter moved by exactly one.
    const counterKey = keyString(keys.prescriptionAttendance(person.patientId, person.prescriptionId));
    const counter = items.get(counterKey);
    if (counter?.sessionsAttended !== person.countBefore + 1) problems.push(`person ${person.index}: counter ${String(counter?.sessionsAttended)}, not ${person.countBefore + 1}`);
    // Every answer a device kept for them shows the one count (a retry echoes it; a later scan reads it).
    for (const scan of mine) {
      if (scan.final && scan.sessionsAttended !== person.countBefore + 1) problems.push(`person ${person.index}: scan ${scan.scanId} showed ${String(scan.sessionsAttended)}`);
    }
    const acceptedScans = mine.filter((scan) => scan.final === 'accepted');
    if (acceptedScans.length > 1) problems.push(`person ${person.index}: ${acceptedScans.length} scans answered accepted`);
  }

  // The attendance day: the set is exactly the people, and its counts agree with it.
  const dayKey = keyString(keys.attendanceDay(ids.provider, day, ids.activity));
  expectedItems.add(dayKey);
  const attendanceDay = items.get(dayKey);
  const everyone = new Set(people.map((person) => person.patientId));
  const off = new Set(people.filter((person) => !person.onPrescription).map((person) => person.patientId));
  const sameSet = (a: unknown, b: Set<string>) => a instanceof Set && a.size === b.size && [...b].every((id) => a.has(id));
  if (!attendanceDay) problems.push('no attendance day');
  else {
    if (!sameSet(attendanceDay.patients, everyone)) problems.push(`attendance day holds ${(attendanceDay.patients as Set<string> | undefined)?.size ?? 0} people, not the ${everyone.size}`);
    if (attendanceDay.attendances !== people.length) problems.push(`attendance day counts ${String(attendanceDay.attendances)}, not ${people.length}`);
    if ((attendanceDay.onPrescription ?? 0) !== people.length - off.size) problems.push(`attendance day onPrescription ${String(attendanceDay.onPrescription)}`);
    if (off.size > 0 ? !sameSet(attendanceDay.offPrescription, off) : attendanceDay.offPrescription !== undefined) problems.push('attendance day offPrescription set is wrong');
  }
  const row = result.attendance.rows[0];
  if (result.attendance.total !== people.length || result.attendance.rows.length !== 1 || row?.onPrescription !== people.length - off.size) {
    problems.push(`provider attendance reads ${JSON.stringify(result.attendance)}`);
  }

  // Nothing else was written: the fixture's items, one attendance per person and the one day.
  const written = [...items.entries()].filter(([, item]) => item.type === 'scan' || item.type === 'attendanceDay').map(([key]) => key);
  for (const key of written) if (!expectedItems.has(key)) problems.push(`unexpected item ${key}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Figures over many sessions

export interface SessionFigures {
  sessions: number;
  people: number;
  scans: number;
  requests: number;
  transactions: number;
  conflicts: number;
  /** Of them, at the attendance day alone (another person's scan held it); the rest were a card's own double read. */
  dayConflicts: number;
  /** Transactions cancelled by a failed condition: concurrent duplicates stopped by the attendance item. */
  conditionFailures: number;
  /** Requests whose transaction was cancelled by a conflict at least once (so ScanService retried). */
  requestsRetried: number;
  /** Requests answered busy: every attempt conflicted. */
  busyAnswers: number;
  /** Scans whose door showed `queued` because the server was busy (sent again by the device). */
  scansBusy: number;
  /** Transactions per request that wrote or tried to (the ones that reached the transaction). */
  transactionsPerRequest: number[];
  /** Server time of each request, virtual ms. */
  requestMs: number[];
  /** For scans that were answered busy: from the scan to the device holding its final answer. */
  busyToFinalMs: number[];
  violations: string[];
  sessionMs: number[];
}

export function figuresOf(results: SessionResult[]): SessionFigures {
  const all = <T>(pick: (result: SessionResult) => T[]) => results.flatMap(pick);
  const requests = all((result) => result.requests);
  const scans = all((result) => result.scans);
  return {
    sessions: results.length,
    people: results.reduce((sum, result) => sum + result.people.length, 0),
    scans: scans.length,
    requests: requests.length,
    transactions: results.reduce((sum, result) => sum + result.transactions, 0),
    conflicts: results.reduce((sum, result) => sum + result.conflicts, 0),
    dayConflicts: results.reduce((sum, result) => sum + result.dayConflicts, 0),
    conditionFailures: results.reduce((sum, result) => sum + result.conditionFailures, 0),
    requestsRetried: requests.filter((trace) => trace.conflicts > 0).length,
    busyAnswers: requests.filter((trace) => trace.outcome === 'busy').length,
    scansBusy: scans.filter((scan) => scan.busyAnswers > 0).length,
    transactionsPerRequest: requests.filter((trace) => trace.transactions > 0).map((trace) => trace.transactions),
    requestMs: requests.map((trace) => trace.endedAt - trace.startedAt),
    busyToFinalMs: scans.filter((scan) => scan.busyAnswers > 0).map((scan) => (scan.finalAt ?? Number.NaN) - scan.scannedAt),
    violations: results.flatMap((result, i) => violations(result).map((problem) => `session ${i} (seed ${result.settings.seed}): ${problem}`)),
    sessionMs: results.map((result) => result.endedAt),
  };
}
