import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { invalidRequest } from './errors';
import { ULID_PATTERN } from './ids';
import { keys, type Collection, type ItemKey } from './keys';
import { inParallel } from './parallel';
import { indexAttributes } from './table';

/** The table and the client every store uses. Built once per process (per Lambda container). */
export interface Db {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export interface DynamoClientOptions {
  /** Set in local mode and tests (DynamoDB Local); absent in AWS. */
  endpoint?: string;
  region?: string;
  /** Instead of DYNAMO_TIMEOUTS (a test of a stalled endpoint wants short ones). */
  timeouts?: { connectionTimeout: number; requestTimeout: number; maxAttempts: number };
}

/**
 * The SDK's default logger is a no-op, but because it has an `info` method the SDK still builds a
 * redacted copy of every response to pass it (about 100 ms of CPU for a year's attendance report).
 * A logger without `info` skips that; the SDK never logs patient data either way.
 */
const quietSdkLogger = { debug() {}, warn() {}, error() {} } as unknown as NonNullable<DynamoDBClientConfig['logger']>;

/**
 * How long one DynamoDB request may take, and how often it is tried. The SDK's default handler
 * has no timeout, so a stalled endpoint held a request until the Lambda's own (10 s) timeout.
 * In AWS a request is single-digit milliseconds, so 1 s is generous; two attempts keep the
 * worst case of a request that makes three calls in turn (a scan) near 3 × 2 × 1.3 s ≈ 8 s,
 * inside the function's 10 s, so the client hears a 503 rather than a gateway timeout. DynamoDB
 * Local, a JVM on a shared machine, gets more room: a busy test run must not time out.
 */
export const DYNAMO_TIMEOUTS = {
  aws: { connectionTimeout: 300, requestTimeout: 1_000, maxAttempts: 2 },
  local: { connectionTimeout: 2_000, requestTimeout: 10_000, maxAttempts: 2 },
} as const;

export function createDocumentClient(options: DynamoClientOptions = {}): DynamoDBDocumentClient {
  const local = options.endpoint !== undefined;
  const { connectionTimeout, requestTimeout, maxAttempts } = options.timeouts ?? (local ? DYNAMO_TIMEOUTS.local : DYNAMO_TIMEOUTS.aws);
  const base = new DynamoDBClient({
    logger: quietSdkLogger,
    maxAttempts,
    // Without throwOnRequestTimeout the handler only warns when a request runs over, and waits on.
    requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true },
    ...(options.region ? { region: options.region } : {}),
    ...(local
      ? {
          endpoint: options.endpoint,
          region: options.region ?? 'eu-west-2',
          // DynamoDB Local accepts any credentials; letters and digits only (see PITFALLS.md).
          credentials: { accessKeyId: 'waymarklocal', secretAccessKey: 'waymarklocal' },
        }
      : {}),
  });
  return DynamoDBDocumentClient.from(base, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/**
 * A cursor is the id of the last member DynamoDB evaluated (for compound members, ULIDs joined
 * by `#`), base64url-encoded: opaque to clients, and checked on the way back so a tampered
 * cursor is a 400, never a DynamoDB error.
 */
export function encodeCursor(memberId: string): string {
  return Buffer.from(memberId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const memberId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!memberId.split('#').every((part) => ULID_PATTERN.test(part))) {
    throw invalidRequest([{ in: 'query', path: 'cursor', code: 'invalid_cursor', message: 'cursor is not one this API issued' }]);
  }
  return memberId;
}

export interface CollectionQuery {
  /** Extra condition on the members, e.g. a status; pages may then come back short. */
  filter?: { expression: string; names?: Record<string, string>; values: Record<string, unknown> };
}

/** One page of a collection, oldest member first. */
export async function queryCollection(
  db: Db,
  of: Collection,
  page: PageRequest,
  options: CollectionQuery = {},
): Promise<Page<Record<string, unknown>>> {
  const { partitionKey: pk, sortKey: sk } = indexAttributes(of.indexName);
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const result = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: of.indexName,
      KeyConditionExpression: '#pk = :pk',
      ...(options.filter ? { FilterExpression: options.filter.expression } : {}),
      ExpressionAttributeNames: { '#pk': pk, ...options.filter?.names },
      ExpressionAttributeValues: { ':pk': of.partition, ...options.filter?.values },
      Limit: page.limit,
      ...(after ? { ExclusiveStartKey: { ...of.itemKey(after), [pk]: of.partition, [sk]: of.sortKey(after) } } : {}),
    }),
  );
  const lastKey = result.LastEvaluatedKey?.[sk];
  return {
    items: result.Items ?? [],
    ...(typeof lastKey === 'string' ? { nextCursor: encodeCursor(of.memberId(lastKey)) } : {}),
  };
}

/**
 * Every item of one patient's partition whose sort key starts with `prefix` (their assessments,
 * card issues, prescriptions…), strongly consistent, following pages to the end: a patient's
 * record is a few dozen items at most.
 */
export async function queryPatientRecords(
  db: Db,
  patientId: string,
  prefix: string,
  order: 'oldest first' | 'newest first' = 'oldest first',
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.patient(patientId).PK, ':prefix': prefix },
        ScanIndexForward: order === 'oldest first',
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * Each key once, first occurrence kept: BatchGetItem rejects a request whose keys repeat
 * (`ValidationException`), and ordinary histories repeat them (two prescriptions sharing one
 * baseline assessment).
 */
export function distinctKeys(itemKeys: readonly ItemKey[]): ItemKey[] {
  const seen = new Set<string>();
  return itemKeys.filter((key) => {
    const id = keyString(key);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Items by key in one BatchGetItem (up to 100 distinct keys), retrying whatever DynamoDB leaves
 * in UnprocessedKeys. Repeated keys are read once; missing items are simply absent; order is not
 * kept.
 */
export async function batchGetItems(
  db: Db,
  itemKeys: ItemKey[],
  options: { projection?: string; consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] = distinctKeys(itemKeys).map((key) => ({ ...key }));
  while (pending.length > 0) {
    const result = await db.client.send(
      new BatchGetCommand({
        RequestItems: {
          [db.tableName]: {
            Keys: pending,
            ...(options.projection ? { ProjectionExpression: options.projection } : {}),
            ...(options.consistent ? { ConsistentRead: true } : {}),
          },
        },
      }),
    );
    items.push(...(result.Responses?.[db.tableName] ?? []));
    pending = result.UnprocessedKeys?.[db.tableName]?.Keys ?? [];
  }
  return items;
}

/** How many BatchGetItem requests batchGetAll keeps in flight. */
const BATCH_GET_CONCURRENCY = 4;

/**
 * Items by key, any number of them: 100 distinct keys to a BatchGetItem, a few requests in flight
 * at once. Repeated keys are read once; missing items are absent; order is not kept.
 */
export async function batchGetAll(
  db: Db,
  itemKeys: ItemKey[],
  options: { projection?: string; consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const distinct = distinctKeys(itemKeys);
  const chunks: ItemKey[][] = [];
  for (let i = 0; i < distinct.length; i += 100) chunks.push(distinct.slice(i, i + 100));
  const items: Record<string, unknown>[] = [];
  await inParallel(chunks, BATCH_GET_CONCURRENCY, async (chunk) => {
    items.push(...(await batchGetItems(db, chunk, options)));
  });
  return items;
}

/** Every item a Query matches, one page (up to 1 MB) at a time, so a caller can stream them. */
export async function* queryPages(
  db: Db,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): AsyncGenerator<Record<string, unknown>[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await db.client.send(
      new QueryCommand({ ...input, TableName: db.tableName, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    yield result.Items ?? [];
    startKey = result.LastEvaluatedKey;
  } while (startKey);
}

/** Every member of a collection, a page at a time (reports read whole collections; the API pages them). */
export function collectionPages(db: Db, of: Collection, options: { projection?: string } = {}): AsyncGenerator<Record<string, unknown>[]> {
  const pk = indexAttributes(of.indexName).partitionKey;
  return queryPages(db, {
    IndexName: of.indexName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': pk },
    ExpressionAttributeValues: { ':pk': of.partition },
    ...(options.projection ? { ProjectionExpression: options.projection } : {}),
  });
}

/** Key strings of an item, for matching BatchGetItem answers back to their keys. */
export const keyString = (key: { PK?: unknown; SK?: unknown }) => `${String(key.PK)}|${String(key.SK)}`;
