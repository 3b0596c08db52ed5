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
  /** Epoch seconds after which DynamoDB may delete an item (rate-limit windows use it). */
  timeToLiveAttribute: 'ttl',
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

/** The key attributes of an index, from the declaration above: the one place their names are written. */
export function indexAttributes(indexName: IndexName): { partitionKey: string; sortKey: string } {
  const index = tableDeclaration.globalSecondaryIndexes.find((candidate) => candidate.indexName === indexName)!;
  return { partitionKey: index.partitionKey, sortKey: index.sortKey };
}

/** Every attribute that places an item in the table (its keys and index keys), and its type tag. */
export const ITEM_BOOKKEEPING: ReadonlySet<string> = new Set([
  tableDeclaration.partitionKey,
  tableDeclaration.sortKey,
  ...tableDeclaration.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  'type',
]);

/** An item without its keys and type tag: the entity's own fields. */
export function entityOf<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !ITEM_BOOKKEEPING.has(name))) as T;
}
