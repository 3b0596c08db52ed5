import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { transactConditions } from '#shared/platform/transactions';
import { batchGetItems, collectionPages, queryCollection, type Db, type Page, type PageRequest } from '#shared/platform/dynamo';
import { collections, keys, membership, type Collection } from '#shared/platform/keys';
import type { AccreditationRecord, ActivityRecord, ProviderRecord, VenueChanges, VenueRecord } from './rules';
import type { CategoryName } from './schema';
import { Accreditation, Activity, Provider, Venue } from './schema';

/** The registry's DynamoDB access: providers, venues and activities. */
export class RegistryStore {
  constructor(private readonly db: Db) {}

  async createProvider(provider: ProviderRecord): Promise<void> {
    await this.db.client.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: {
          ...keys.provider(provider.providerId),
          ...membership(collections.providers(), provider.providerId),
          type: 'provider',
          ...provider,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async getProvider(providerId: string): Promise<ProviderRecord | undefined> {
    return this.get(keys.provider(providerId), toProvider);
  }

  listProviders(page: PageRequest): Promise<Page<ProviderRecord>> {
    return this.list(collections.providers(), page, toProvider);
  }

  /** Every provider, whatever its accreditation now (a suspended one still has its history): for reports. */
  async allProviders(): Promise<ProviderRecord[]> {
    const providers: ProviderRecord[] = [];
    for await (const page of collectionPages(this.db, collections.providers())) providers.push(...page.map(toProvider));
    return providers;
  }

  /** Replaces the accreditation; the updated provider, or undefined if there is no such provider. */
  async setAccreditation(providerId: string, accreditation: AccreditationRecord): Promise<ProviderRecord | undefined> {
    try {
      const result = await this.db.client.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.provider(providerId),
          UpdateExpression: 'SET accreditation = :accreditation, updatedAt = :at',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':accreditation': accreditation, ':at': accreditation.updatedAt },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toProvider(result.Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Opts the provider in or out of the public directory; the updated provider, or undefined if there is none. */
  async setListed(providerId: string, listed: boolean, at: string): Promise<ProviderRecord | undefined> {
    try {
      const result = await this.db.client.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.provider(providerId),
          UpdateExpression: 'SET listed = :listed, updatedAt = :at',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':listed': listed, ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toProvider(result.Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Adds a venue to an existing provider, atomically: a venue is never written for a missing provider. */
  async createVenue(venue: VenueRecord): Promise<'created' | 'no_provider'> {
    const failed = await transactConditions(this.db, [
      {
        ConditionCheck: {
          TableName: this.db.tableName,
          Key: keys.provider(venue.providerId),
          ConditionExpression: 'attribute_exists(PK)',
        },
      },
      {
        Put: {
          TableName: this.db.tableName,
          Item: {
            ...keys.venue(venue.venueId),
            ...membership(collections.venuesOf(venue.providerId), venue.venueId),
            type: 'venue',
            ...venue,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ]);
    return failed ? 'no_provider' : 'created';
  }

  async getVenue(venueId: string): Promise<VenueRecord | undefined> {
    return this.get(keys.venue(venueId), toVenue);
  }

  listVenues(providerId: string, page: PageRequest): Promise<Page<VenueRecord>> {
    return this.list(collections.venuesOf(providerId), page, toVenue);
  }

  /**
   * Writes the changed fields of one of the provider's venues; the venue as it now is, or
   * undefined if the provider has no such venue (nothing is then written: an update never
   * creates an item). Only plain attributes change, so it stays in its collection.
   */
  async updateVenue(providerId: string, venueId: string, changes: VenueChanges): Promise<VenueRecord | undefined> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':providerId': providerId };
    const sets: string[] = [];
    const removes: string[] = [];
    for (const [field, value] of Object.entries(changes)) {
      names[`#${field}`] = field;
      // A town or county of null is removed.
      if (value === null) removes.push(`#${field}`);
      else {
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
    }
    try {
      const result = await this.db.client.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.venue(venueId),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(PK) AND providerId = :providerId',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toVenue(result.Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** The provider and a venue in one round trip (what creating an activity checks). */
  async getProviderAndVenue(
    providerId: string,
    venueId: string,
  ): Promise<{ provider?: ProviderRecord; venue?: VenueRecord }> {
    const items = await batchGetItems(this.db, [keys.provider(providerId), keys.venue(venueId)], { consistent: true });
    const provider = items.find((item) => item.type === 'provider');
    const venue = items.find((item) => item.type === 'venue');
    return {
      ...(provider ? { provider: toProvider(provider) } : {}),
      ...(venue ? { venue: toVenue(venue) } : {}),
    };
  }

  /**
   * Writes the activity only if, at that instant, the venue is still the provider's and
   * the provider is still accredited for the category: the checks the handler made are
   * repeated as conditions, so a concurrent change cannot slip between read and write.
   */
  async createActivity(activity: ActivityRecord): Promise<'created' | 'changed'> {
    // The use case checked both first, so a failed condition here is a concurrent change.
    const failed = await transactConditions(this.db, [
      {
        ConditionCheck: {
          TableName: this.db.tableName,
          Key: keys.provider(activity.providerId),
          ConditionExpression: 'attribute_exists(PK) AND contains(categories, :category)',
          ExpressionAttributeValues: { ':category': activity.category },
        },
      },
      {
        ConditionCheck: {
          TableName: this.db.tableName,
          Key: keys.venue(activity.venueId),
          ConditionExpression: 'providerId = :providerId',
          ExpressionAttributeValues: { ':providerId': activity.providerId },
        },
      },
      {
        Put: {
          TableName: this.db.tableName,
          Item: {
            ...keys.activity(activity.activityId),
            ...membership(collections.activitiesOf(activity.providerId), activity.activityId),
            type: 'activity',
            ...activity,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ]);
    return failed ? 'changed' : 'created';
  }

  /**
   * What changing an activity checks, in one strongly consistent BatchGetItem: the provider, the
   * activity and (when the change names one) the venue it would move to.
   */
  async getForActivityChange(
    providerId: string,
    activityId: string,
    venueId: string | undefined,
  ): Promise<{ provider?: ProviderRecord; activity?: ActivityRecord; venue?: VenueRecord }> {
    const wanted = [keys.provider(providerId), keys.activity(activityId), ...(venueId ? [keys.venue(venueId)] : [])];
    const items = await batchGetItems(this.db, wanted, { consistent: true });
    const ofType = (type: string) => items.find((item) => item.type === type);
    const [provider, activity, venue] = [ofType('provider'), ofType('activity'), ofType('venue')];
    return {
      ...(provider ? { provider: toProvider(provider) } : {}),
      ...(activity ? { activity: toActivity(activity) } : {}),
      ...(venue ? { venue: toVenue(venue) } : {}),
    };
  }

  /**
   * Replaces an activity's changeable fields with `next`'s, only if it is still as `current` was
   * read (its last change, venue and category), and — for what the change moves — the new venue
   * is still the provider's and the provider still accredited for the new category. Any of those
   * failing means something changed meanwhile: `changed`, and nothing is written. Keys and index
   * attributes are not touched, so the activity stays in its provider's collection.
   */
  async updateActivity(
    current: ActivityRecord,
    next: ActivityRecord,
    checks: { venueId?: string; category?: CategoryName },
  ): Promise<'updated' | 'changed'> {
    // Every attribute by a placeholder name: several (name, capacity) are DynamoDB reserved words.
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':providerId': current.providerId,
      ':readVenueId': current.venueId,
      ':readCategory': current.category,
    };
    const sets: string[] = [];
    const removes: string[] = [];
    for (const field of ['venueId', 'name', 'category', 'capacity', 'schedule', 'updatedAt'] as const) {
      names[`#${field}`] = field;
      if (next[field] === undefined) removes.push(`#${field}`);
      else {
        sets.push(`#${field} = :${field}`);
        values[`:${field}`] = next[field];
      }
    }
    const sameAsRead = current.updatedAt === undefined ? 'attribute_not_exists(#updatedAt)' : '#updatedAt = :readUpdatedAt';
    if (current.updatedAt !== undefined) values[':readUpdatedAt'] = current.updatedAt;
    const failed = await transactConditions(this.db, [
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.activity(current.activityId),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: `attribute_exists(PK) AND providerId = :providerId AND #venueId = :readVenueId AND #category = :readCategory AND ${sameAsRead}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      ...(checks.venueId !== undefined
        ? [
            {
              ConditionCheck: {
                TableName: this.db.tableName,
                Key: keys.venue(checks.venueId),
                ConditionExpression: 'providerId = :providerId',
                ExpressionAttributeValues: { ':providerId': current.providerId },
              },
            },
          ]
        : []),
      ...(checks.category !== undefined
        ? [
            {
              ConditionCheck: {
                TableName: this.db.tableName,
                Key: keys.provider(current.providerId),
                ConditionExpression: 'attribute_exists(PK) AND contains(categories, :category)',
                ExpressionAttributeValues: { ':category': checks.category },
              },
            },
          ]
        : []),
    ]);
    return failed ? 'changed' : 'updated';
  }

  /**
   * Activities by id with their providers, in two BatchGetItem round trips (activities, then
   * their distinct providers). Unknown ids are simply absent from the result.
   */
  async getActivitiesWithProviders(
    activityIds: string[],
  ): Promise<Map<string, { activity: ActivityRecord; provider: ProviderRecord }>> {
    const activities = (await this.batchGet(activityIds.map(keys.activity))).map(toActivity);
    const providerIds = [...new Set(activities.map((activity) => activity.providerId))];
    const providers = new Map(
      (await this.batchGet(providerIds.map(keys.provider))).map(toProvider).map((p) => [p.providerId, p] as const),
    );
    const found = new Map<string, { activity: ActivityRecord; provider: ProviderRecord }>();
    for (const activity of activities) {
      const provider = providers.get(activity.providerId);
      if (provider) found.set(activity.activityId, { activity, provider });
    }
    return found;
  }

  private batchGet(itemKeys: { PK: string; SK: string }[]): Promise<Record<string, unknown>[]> {
    return batchGetItems(this.db, itemKeys);
  }

  async getActivity(activityId: string): Promise<ActivityRecord | undefined> {
    return this.get(keys.activity(activityId), toActivity);
  }

  listActivities(providerId: string, page: PageRequest): Promise<Page<ActivityRecord>> {
    return this.list(collections.activitiesOf(providerId), page, toActivity);
  }

  private async get<T>(key: { PK: string; SK: string }, map: (item: Record<string, unknown>) => T) {
    const result = await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: key }));
    return result.Item ? map(result.Item) : undefined;
  }

  private async list<T>(of: Collection, page: PageRequest, map: (item: Record<string, unknown>) => T): Promise<Page<T>> {
    const result = await queryCollection(this.db, of, page);
    return { ...result, items: result.items.map(map) };
  }
}

// Items are parsed on the way out, not cast: zod keeps only the entity's fields (dropping the key
// attributes and type tag) and a malformed item is a fault here, not a surprise further on.
const ProviderItem = Provider.extend({ accreditation: Accreditation.omit({ currentlyAccredited: true }), listed: Provider.shape.listed.optional() });

/** A stored provider item as the registry's record. Other stores that read it in their own batch call this. */
export function providerFromItem(item: Record<string, unknown>): ProviderRecord {
  return ProviderItem.parse(item);
}

/** A stored venue item as the registry's record. */
export function venueFromItem(item: Record<string, unknown>): VenueRecord {
  return Venue.parse(item);
}

/** A stored activity item as the registry's record. */
export function activityFromItem(item: Record<string, unknown>): ActivityRecord {
  return Activity.parse(item);
}

const toProvider = providerFromItem;
const toVenue = venueFromItem;
const toActivity = activityFromItem;
