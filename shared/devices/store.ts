import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { queryCollection, type Db, type Page, type PageRequest } from '#shared/platform/dynamo';
import { collections, keys, membership } from '#shared/platform/keys';
import { transactConditions, type TransactItem } from '#shared/platform/transactions';
import { LAST_SEEN_INTERVAL_MS, MAX_ENROLMENT_TRIES, type DeviceRecord } from './rules';
import { DEVICE_END_REASONS, STORED_DEVICE_STATUSES } from './schema';

// Parsed on the way out, never cast: only the entity's fields are kept.
const DeviceItem = z.object({
  deviceId: z.string(),
  providerId: z.string(),
  name: z.string(),
  status: z.enum(STORED_DEVICE_STATUSES),
  createdAt: z.string(),
  createdBy: z.string(),
  version: z.number().int(),
  enrolment: z
    .object({ lookup: z.string(), expiresAt: z.string(), shortHash: z.string(), longHash: z.string(), tries: z.number().int() })
    .optional(),
  enrolledAt: z.string().optional(),
  refresh: z.object({ current: z.string(), used: z.array(z.string()) }).optional(),
  lastSeenAt: z.string().optional(),
  endedAt: z.string().optional(),
  endReason: z.enum(DEVICE_END_REASONS).optional(),
}) satisfies z.ZodType<DeviceRecord>;

/** A device item as its owner reads it; the scan's batch read borrows it to refuse a revoked device. */
export const deviceFromItem = (item: Record<string, unknown>): DeviceRecord => DeviceItem.parse(item);

const isConditionFailure = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

/** The devices capability's DynamoDB access: device items and their enrolment-code lookups. */
export class DeviceStore {
  constructor(private readonly db: Db) {}

  /**
   * A new pending device and its code's lookup item, together. `lookup_taken` if a live
   * enrolment already has that lookup part (one in 33 million: the caller draws again).
   */
  async create(device: DeviceRecord & { enrolment: NonNullable<DeviceRecord['enrolment']> }, now: Date): Promise<'written' | 'lookup_taken'> {
    const failed = await transactConditions(this.db, [
      { Put: { TableName: this.db.tableName, Item: this.item(device), ConditionExpression: 'attribute_not_exists(PK)' } },
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...keys.deviceEnrolment(device.enrolment.lookup), type: 'deviceEnrolment', deviceId: device.deviceId, expiresAt: device.enrolment.expiresAt },
          // A lookup part may be drawn again once the enrolment that had it has expired.
          ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        },
      },
    ]);
    return failed ? 'lookup_taken' : 'written';
  }

  async get(deviceId: string): Promise<DeviceRecord | undefined> {
    const found = await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: keys.device(deviceId), ConsistentRead: true }));
    return found.Item ? deviceFromItem(found.Item) : undefined;
  }

  /** The device a live code's lookup part belongs to. */
  async deviceIdForLookup(lookup: string): Promise<string | undefined> {
    const found = await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: keys.deviceEnrolment(lookup), ConsistentRead: true }));
    return typeof found.Item?.deviceId === 'string' ? found.Item.deviceId : undefined;
  }

  async list(providerId: string, page: PageRequest): Promise<Page<DeviceRecord>> {
    const result = await queryCollection(this.db, collections.devicesOf(providerId), page);
    return { ...result, items: result.items.map(deviceFromItem) };
  }

  /**
   * Counts one try at a device's code before its secret is compared, atomically: at most
   * MAX_ENROLMENT_TRIES comparisons are ever made, however many arrive at once. The device as
   * it is after counting, or undefined when its code no longer takes tries.
   */
  async countTry(deviceId: string, now: Date): Promise<DeviceRecord | undefined> {
    try {
      const result = await this.db.client.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.device(deviceId),
          UpdateExpression: 'SET enrolment.tries = enrolment.tries + :one',
          ConditionExpression: '#status = :pending AND enrolment.tries < :max AND enrolment.expiresAt > :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':pending': 'pending', ':max': MAX_ENROLMENT_TRIES, ':now': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ? deviceFromItem(result.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Redeems a code: the device active (if still pending: of two redemptions at once exactly one
   * gets here) and its lookup item gone, together.
   */
  async redeem(lookup: string, device: DeviceRecord): Promise<'written' | 'not_pending'> {
    const failed = await transactConditions(this.db, [
      {
        Put: {
          TableName: this.db.tableName,
          Item: this.item(device),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        },
      },
      { Delete: { TableName: this.db.tableName, Key: keys.deviceEnrolment(lookup) } },
    ]);
    return failed ? 'not_pending' : 'written';
  }

  /**
   * Writes a change over the version it was planned from (`changed` if another came first).
   * Ending a pending device also removes its code's lookup.
   */
  async replace(before: DeviceRecord, after: DeviceRecord): Promise<'written' | 'changed'> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.tableName,
          Item: this.item(after),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': before.version },
        },
      },
    ];
    if (before.enrolment && !after.enrolment) {
      items.push({
        Delete: {
          TableName: this.db.tableName,
          Key: keys.deviceEnrolment(before.enrolment.lookup),
          ConditionExpression: 'attribute_not_exists(PK) OR deviceId = :deviceId',
          ExpressionAttributeValues: { ':deviceId': before.deviceId },
        },
      });
    }
    if (items.length === 1) {
      try {
        await this.db.client.send(new PutCommand(items[0]!.Put!));
        return 'written';
      } catch (error) {
        if (isConditionFailure(error)) return 'changed';
        throw error;
      }
    }
    return (await transactConditions(this.db, items)) ? 'changed' : 'written';
  }

  /** Last seen, written only when it is over an hour old (so never a write per scan); a lost race is no loss. */
  async touch(deviceId: string, now: Date): Promise<void> {
    try {
      await this.db.client.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.device(deviceId),
          UpdateExpression: 'SET lastSeenAt = :now',
          ConditionExpression: '#status = :active AND (attribute_not_exists(lastSeenAt) OR lastSeenAt <= :stale)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':active': 'active',
            ':stale': new Date(now.getTime() - LAST_SEEN_INTERVAL_MS).toISOString(),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private item(device: DeviceRecord): Record<string, unknown> {
    return { ...keys.device(device.deviceId), ...membership(collections.devicesOf(device.providerId), device.deviceId), type: 'device', ...device };
  }
}
