import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  type GlobalSecondaryIndexDescription,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDeclaration } from '#shared/platform/table';

const stringAttribute = (AttributeName: string) => ({ AttributeName, AttributeType: 'S' as const });

/**
 * Creates the table from its declaration if it is missing, and adds any GSI the
 * declaration has gained since (so a local data folder from an older version keeps working).
 * Local mode and tests only: in AWS the CDK stack owns the table.
 */
export async function ensureTable(client: DynamoDBDocumentClient, tableName: string): Promise<'created' | 'existing'> {
  const indexes = tableDeclaration.globalSecondaryIndexes;
  let existing: GlobalSecondaryIndexDescription[] | undefined;
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    existing = described.Table?.GlobalSecondaryIndexes ?? [];
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }

  if (existing === undefined) {
    const attributes = new Set<string>([tableDeclaration.partitionKey, tableDeclaration.sortKey]);
    for (const index of indexes) attributes.add(index.partitionKey).add(index.sortKey);
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map(stringAttribute),
        KeySchema: [
          { AttributeName: tableDeclaration.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDeclaration.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: indexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    return 'created';
  }

  const present = new Set(existing.map((index) => index.IndexName));
  for (const index of indexes.filter((declared) => !present.has(declared.indexName))) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [stringAttribute(index.partitionKey), stringAttribute(index.sortKey)],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.indexName,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
  }
  return 'existing';
}
