import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand, TransactGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { awaitTransactionCommits, transactionTable } from '#local/commit-barrier';
import type { Db } from '#shared/platform/dynamo';
import { createTestDb } from '../support/db';

/**
 * Local mode on disk reads once after each transaction it writes, so the transaction is answered
 * only after DynamoDB Local's commit (which it runs after answering): the fault test
 * (faults.process.test.ts) shows that no acknowledged scan is lost; this shows what is sent.
 */
describe('the commit barrier of local mode on disk', () => {
  let db: Db;
  const sent: string[] = [];

  beforeAll(async () => {
    db = await createTestDb();
    awaitTransactionCommits(db.client);
    // Records every request that reaches the wire, in order (after the barrier's own middleware).
    db.client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordSentForTest' },
    );
  });

  const item = (id: string) => ({ PK: `TEST#${id}`, SK: 'TEST', n: 1 });

  it('reads once after a transaction succeeds, before answering it', async () => {
    sent.length = 0;
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: db.tableName, Item: item('a') } }, { Put: { TableName: db.tableName, Item: item('b') } }],
      }),
    );
    expect(sent).toEqual(['TransactWriteItemsCommand', 'GetItemCommand']);
    const stored = await db.client.send(new GetCommand({ TableName: db.tableName, Key: { PK: 'TEST#a', SK: 'TEST' } }));
    expect(stored.Item?.n).toBe(1);
  });

  it('sends nothing more for single writes, reads or a transaction that failed', async () => {
    sent.length = 0;
    await db.client.send(new PutCommand({ TableName: db.tableName, Item: item('c') }));
    await db.client.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: db.tableName, Key: { PK: 'TEST#c', SK: 'TEST' } } }] }));
    await expect(
      db.client.send(
        new TransactWriteCommand({
          TransactItems: [{ Put: { TableName: db.tableName, Item: item('c'), ConditionExpression: 'attribute_not_exists(PK)' } }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect(sent).toEqual(['PutItemCommand', 'TransactGetItemsCommand', 'TransactWriteItemsCommand']);
  });

  it('finds the table of any kind of write in a transaction, and none in other requests', () => {
    expect(transactionTable({ TransactItems: [{ ConditionCheck: { TableName: 't1' } }, { Put: { TableName: 't2' } }] })).toBe('t1');
    expect(transactionTable({ TransactItems: [{ Update: { TableName: 't3' } }] })).toBe('t3');
    expect(transactionTable({ TransactItems: [{ Delete: { TableName: 't4' } }] })).toBe('t4');
    expect(transactionTable({ TransactItems: [{ Get: { TableName: 't5' } }] })).toBeUndefined();
    expect(transactionTable({ TableName: 't6', Item: {} })).toBeUndefined();
    expect(transactionTable(undefined)).toBeUndefined();
  });
});
