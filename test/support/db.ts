import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, inject } from 'vitest';
import { createDocumentClient, type Db } from '#shared/platform/dynamo';
import { ensureTable } from '#local/ensure-table';

/**
 * A fresh table in the run's DynamoDB Local, private to the calling test file
 * (so files run in parallel), dropped when the file ends.
 */
export async function createTestDb(): Promise<Db> {
  const client = createDocumentClient({ endpoint: inject('dynamoEndpoint') });
  const tableName = `test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  await ensureTable(client, tableName);
  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
  });
  return { client, tableName };
}
