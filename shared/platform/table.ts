/**
 * The one DynamoDB table, declared once. The CDK stack and the local runtime
 * (and the tests) build the table from this declaration, so they cannot drift.
 */
export interface IndexDeclaration {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export const tableDeclaration = {
  partitionKey: 'PK',
  sortKey: 'SK',
  globalSecondaryIndexes: [
    // Collections: every provider; a provider's venues; a provider's activities.
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  ] satisfies IndexDeclaration[],
} as const;

export type IndexName = (typeof tableDeclaration.globalSecondaryIndexes)[number]['indexName'];
