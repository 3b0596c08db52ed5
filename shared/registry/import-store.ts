import { batchGetAll, type Db } from '#shared/platform/dynamo';
import { collections, keys, membership } from '#shared/platform/keys';
import { transactConditions, type TransactItem } from '#shared/platform/transactions';
import { pointerKey, type ExistingRegistry, type ImportWrite, type SourceKind, type SourcePointer } from './import-rules';
import type { ActivityRecord, ProviderRecord, VenueRecord } from './rules';
import { activityFromItem, providerFromItem, venueFromItem } from './store';

/** The most items DynamoDB takes in one TransactWriteItems. */
export const TRANSACTION_ITEMS = 100;

export type ImportWritten = { kind: 'written'; transactions: number } | { kind: 'changed'; transactions: number; written: number };

/**
 * The registry import's DynamoDB access: the source pointers (`ORUK#<kind>#<feed id>`, one per
 * feed record imported, naming the registry item it became) and the registry items they point
 * at. It writes providers, venues and activities exactly as the registry store lays them out
 * (keys, collections, type tags), each created together with its pointer in one transaction.
 */
export class RegistryImportStore {
  constructor(private readonly db: Db) {}

  /** The pointers of these feed records that exist, and the registry items they name (strongly consistent). */
  async existing(sources: readonly { kind: SourceKind; sourceId: string }[]): Promise<ExistingRegistry> {
    const pointerItems = await batchGetAll(
      this.db,
      sources.map((source) => keys.importSource(source.kind, source.sourceId)),
      { consistent: true },
    );
    const pointers = new Map<string, SourcePointer>();
    for (const item of pointerItems) {
      const pointer: SourcePointer = {
        kind: item.kind as SourceKind,
        sourceId: String(item.sourceId),
        targetId: String(item.targetId),
        providerId: String(item.providerId),
      };
      pointers.set(pointerKey(pointer.kind, pointer.sourceId), pointer);
    }
    const targetKey = (pointer: SourcePointer) =>
      pointer.kind === 'organization' ? keys.provider(pointer.targetId) : pointer.kind === 'location' ? keys.venue(pointer.targetId) : keys.activity(pointer.targetId);
    const targets = await batchGetAll(this.db, [...pointers.values()].map(targetKey), { consistent: true });
    const providers = new Map<string, ProviderRecord>();
    const venues = new Map<string, VenueRecord>();
    const activities = new Map<string, ActivityRecord>();
    for (const item of targets) {
      if (item.type === 'provider') {
        const provider = providerFromItem(item);
        providers.set(provider.providerId, provider);
      } else if (item.type === 'venue') {
        const venue = venueFromItem(item);
        venues.set(venue.venueId, venue);
      } else if (item.type === 'activity') {
        const activity = activityFromItem(item);
        activities.set(activity.activityId, activity);
      }
    }
    return { pointers, providers, venues, activities };
  }

  /**
   * Writes the plan in transactions of at most 100 items, in order (providers, venues, then
   * activities), never splitting a record from its pointer. Each creation is conditioned on its
   * pointer and item not existing, each update on the item being as read, so a transaction that
   * meets a concurrent import or edit fails whole and stops the rest: `changed`, with how many
   * transactions had been written. Those are found by their pointers when the feed is sent again.
   */
  async write(writes: readonly ImportWrite[], importedAt: string): Promise<ImportWritten> {
    const transactions = pack(writes.map((write) => this.items(write, importedAt)));
    for (const [index, items] of transactions.entries()) {
      const failed = await transactConditions(this.db, items);
      if (failed) return { kind: 'changed', transactions: transactions.length, written: index };
    }
    return { kind: 'written', transactions: transactions.length };
  }

  private items(write: ImportWrite, importedAt: string): TransactItem[] {
    const TableName = this.db.tableName;
    const pointer = (kind: SourceKind, sourceId: string, targetId: string, providerId: string): TransactItem => ({
      Put: {
        TableName,
        Item: { ...keys.importSource(kind, sourceId), type: 'import_source', scheme: 'oruk', kind, sourceId, targetId, providerId, importedAt },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    });
    const created = (Item: Record<string, unknown>): TransactItem => ({ Put: { TableName, Item, ConditionExpression: 'attribute_not_exists(PK)' } });
    switch (write.kind) {
      case 'create_provider': {
        const { provider } = write;
        return [
          pointer('organization', write.sourceId, provider.providerId, provider.providerId),
          created({ ...keys.provider(provider.providerId), ...membership(collections.providers(), provider.providerId), type: 'provider', ...provider, importedFrom: { scheme: 'oruk', id: write.sourceId } }),
        ];
      }
      case 'create_venue': {
        const { venue } = write;
        return [
          pointer('location', write.sourceId, venue.venueId, venue.providerId),
          created({ ...keys.venue(venue.venueId), ...membership(collections.venuesOf(venue.providerId), venue.venueId), type: 'venue', ...venue, importedFrom: { scheme: 'oruk', id: write.sourceId } }),
        ];
      }
      case 'create_activity': {
        const { activity } = write;
        return [
          pointer('service_at_location', write.sourceId, activity.activityId, activity.providerId),
          created({
            ...keys.activity(activity.activityId),
            ...membership(collections.activitiesOf(activity.providerId), activity.activityId),
            type: 'activity',
            ...activity,
            importedFrom: { scheme: 'oruk', id: write.sourceId },
          }),
        ];
      }
      case 'update_provider':
        return [
          {
            Update: {
              TableName,
              Key: keys.provider(write.current.providerId),
              UpdateExpression: 'SET #name = :name, categories = :categories, updatedAt = :at',
              ConditionExpression: 'attribute_exists(PK) AND updatedAt = :read',
              ExpressionAttributeNames: { '#name': 'name' },
              ExpressionAttributeValues: { ':name': write.name, ':categories': write.categories, ':at': importedAt, ':read': write.current.updatedAt },
            },
          },
        ];
      case 'update_venue':
        return [
          {
            Update: {
              TableName,
              Key: keys.venue(write.current.venueId),
              // A town or county the feed does not give is left as it is (the plan kept the venue's own).
              UpdateExpression: `SET #name = :name, postcode = :postcode, updatedAt = :at${write.next.town ? ', town = :town' : ''}${write.next.county ? ', county = :county' : ''}`,
              ConditionExpression: `attribute_exists(PK) AND providerId = :providerId AND ${asRead(write.current.updatedAt)}`,
              ExpressionAttributeNames: { '#name': 'name', '#updatedAt': 'updatedAt' },
              ExpressionAttributeValues: {
                ':name': write.next.name,
                ':postcode': write.next.postcode,
                ...(write.next.town ? { ':town': write.next.town } : {}),
                ...(write.next.county ? { ':county': write.next.county } : {}),
                ':at': importedAt,
                ':providerId': write.current.providerId,
                ...(write.current.updatedAt !== undefined ? { ':read': write.current.updatedAt } : {}),
              },
            },
          },
        ];
      case 'update_activity': {
        const { current, next } = write;
        const sets = ['#name = :name', 'category = :category', 'venueId = :venueId', '#updatedAt = :at', ...(next.schedule ? ['#schedule = :schedule'] : [])];
        return [
          {
            Update: {
              TableName,
              Key: keys.activity(current.activityId),
              UpdateExpression: `SET ${sets.join(', ')}${next.schedule ? '' : ' REMOVE #schedule'}`,
              ConditionExpression: `attribute_exists(PK) AND providerId = :providerId AND ${asRead(current.updatedAt)}`,
              ExpressionAttributeNames: { '#name': 'name', '#schedule': 'schedule', '#updatedAt': 'updatedAt' },
              ExpressionAttributeValues: {
                ':name': next.name,
                ':category': next.category,
                ':venueId': next.venueId,
                ':at': importedAt,
                ':providerId': current.providerId,
                ...(next.schedule ? { ':schedule': next.schedule } : {}),
                ...(current.updatedAt !== undefined ? { ':read': current.updatedAt } : {}),
              },
            },
          },
        ];
      }
    }
  }
}

const asRead = (updatedAt: string | undefined) => (updatedAt === undefined ? 'attribute_not_exists(#updatedAt)' : '#updatedAt = :read');

/** Groups of items into transactions of at most 100 items, in order, a group never split. */
export function pack(groups: readonly TransactItem[][]): TransactItem[][] {
  const transactions: TransactItem[][] = [];
  let current: TransactItem[] = [];
  for (const group of groups) {
    if (current.length + group.length > TRANSACTION_ITEMS) {
      transactions.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) transactions.push(current);
  return transactions;
}
