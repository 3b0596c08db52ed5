import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { invalidRequest } from './errors';
import { ULID_PATTERN } from './ids';
import type { Collection } from './keys';

/** The table and the client every store uses. Built once per process (per Lambda container). */
export interface Db {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export interface DynamoClientOptions {
  /** Set in local mode and tests (DynamoDB Local); absent in AWS. */
  endpoint?: string;
  region?: string;
}

export function createDocumentClient(options: DynamoClientOptions = {}): DynamoDBDocumentClient {
  const local = options.endpoint !== undefined;
  const base = new DynamoDBClient({
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

/** A cursor is the last member's id, opaque to clients (base64url) and validated on the way back. */
export function encodeCursor(memberId: string): string {
  return Buffer.from(memberId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const memberId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!ULID_PATTERN.test(memberId)) {
    throw invalidRequest([{ in: 'query', path: 'cursor', code: 'invalid_cursor', message: 'cursor is not one this API issued' }]);
  }
  return memberId;
}

/** One page of a GSI1 collection, oldest first. */
export async function queryCollection(
  db: Db,
  of: Collection,
  page: PageRequest,
  idOf: (item: Record<string, unknown>) => string,
): Promise<Page<Record<string, unknown>>> {
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const result = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: of.indexName,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': of.partition },
      Limit: page.limit,
      ...(after
        ? { ExclusiveStartKey: { ...of.itemKey(after), GSI1PK: of.partition, GSI1SK: of.sortKey(after) } }
        : {}),
    }),
  );
  const items = result.Items ?? [];
  const last = items.at(-1);
  return {
    items,
    ...(result.LastEvaluatedKey && last ? { nextCursor: encodeCursor(idOf(last)) } : {}),
  };
}
