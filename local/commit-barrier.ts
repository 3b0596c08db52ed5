import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * DynamoDB Local answers a TransactWriteItems before its SQLite COMMIT has run (it queues the
 * commit on its one SQLite thread and returns); a kill -9 in the next 15–150 ms loses the whole
 * transaction though it was acknowledged (README, "What a crash of local mode can lose"). Any read
 * queues behind that commit, so one GetItem after each successful transaction, answered, means the
 * transaction is on disk: only then does the app see it succeed. Local mode on disk only — AWS's
 * acknowledgement is durable, and an in-memory DynamoDB Local keeps nothing anyway.
 */
const BARRIER_KEY = { PK: { S: 'LOCAL#COMMIT-BARRIER' }, SK: { S: 'LOCAL#COMMIT-BARRIER' } };

type WriteItem = Record<string, { TableName?: string } | undefined>;

/** The table a TransactWriteItems writes to, or undefined for any other request (reads included). */
export function transactionTable(input: unknown): string | undefined {
  const items = (input as { TransactItems?: WriteItem[] } | undefined)?.TransactItems;
  if (!Array.isArray(items)) return undefined;
  for (const item of items) {
    const write = item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck;
    if (write?.TableName) return write.TableName;
  }
  return undefined;
}

export function awaitTransactionCommits(client: DynamoDBDocumentClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const tableName = transactionTable(args.input);
      // A failure here (DynamoDB Local gone) fails the request: its outcome is unknown, so it must not be acknowledged.
      if (tableName) await client.send(new GetItemCommand({ TableName: tableName, Key: BARRIER_KEY }));
      return result;
    },
    { step: 'initialize', name: 'awaitLocalTransactionCommit' },
  );
}
