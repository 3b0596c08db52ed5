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
    // Collections an item belongs to (see collections in keys.ts): a provider's venues, a
    // navigator's patients, a patient's prescriptions, …
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    // A second collection for items listed two ways, e.g. every patient (managers) as well as
    // a navigator's caseload (GSI1).
    { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    // Reports: referrals and prescriptions by date, a partition per kind and year (reportIndex in keys.ts).
    { indexName: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
  ] satisfies IndexDeclaration[],
} as const;

export type IndexName = (typeof tableDeclaration.globalSecondaryIndexes)[number]['indexName'];
