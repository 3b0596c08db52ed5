/**
 * Every DynamoDB key Waymark writes or reads is built here, and nowhere else.
 *
 * Each entity lives in its own partition (`TYPE#id`), so any entity is one
 * GetItem (or one BatchGetItem for several, as a scan's eligibility check needs).
 * Collections ("a provider's venues") are partitions of GSI1 whose sort key is
 * derived from the member's id alone, so a page cursor is just the last id.
 */
export interface ItemKey {
  PK: string;
  SK: string;
}

export const keys = {
  provider: (providerId: string): ItemKey => ({ PK: `PROVIDER#${providerId}`, SK: 'PROVIDER' }),
  venue: (venueId: string): ItemKey => ({ PK: `VENUE#${venueId}`, SK: 'VENUE' }),
  activity: (activityId: string): ItemKey => ({ PK: `ACTIVITY#${activityId}`, SK: 'ACTIVITY' }),
  /** Marks that the demo data was loaded, so a restart does not load it twice. */
  seedMarker: (name: string): ItemKey => ({ PK: `SEED#${name}`, SK: 'SEED' }),
};

export interface Collection {
  readonly indexName: 'GSI1';
  readonly partition: string;
  sortKey(memberId: string): string;
  itemKey(memberId: string): ItemKey;
}

const collection = (partition: string, prefix: string, itemKey: (id: string) => ItemKey): Collection => ({
  indexName: 'GSI1',
  partition,
  sortKey: (id) => `${prefix}#${id}`,
  itemKey,
});

export const collections = {
  providers: () => collection('PROVIDERS', 'PROVIDER', keys.provider),
  venuesOf: (providerId: string) => collection(`PROVIDER#${providerId}#VENUES`, 'VENUE', keys.venue),
  activitiesOf: (providerId: string) => collection(`PROVIDER#${providerId}#ACTIVITIES`, 'ACTIVITY', keys.activity),
};

/** The GSI1 attributes that put an item into a collection. */
export function membership(of: Collection, memberId: string): { GSI1PK: string; GSI1SK: string } {
  return { GSI1PK: of.partition, GSI1SK: of.sortKey(memberId) };
}
