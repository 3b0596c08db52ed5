import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { queryCollection, queryPatientRecords, type Db, type Page, type PageRequest } from '#shared/platform/dynamo';
import { gpMessageLists, keys, membership, patientRecordPrefix } from '#shared/platform/keys';
import { transactConditions, type TransactItem } from '#shared/platform/transactions';
import type { GpMessageRecord } from './rules';
import { GP_MESSAGE_CHANNELS, GP_MESSAGE_STATUSES, GP_MESSAGE_TRIGGERS, GpSummaryContent, type GpMessageStatus } from './schema';

/** A stored message: parsed on the way out (only its fields kept), never cast. */
const GpMessageItem = z.object({
  messageId: z.string(),
  patientId: z.string(),
  navigator: z.string().optional(),
  referralId: z.string(),
  prescriptionId: z.string().optional(),
  followUpId: z.string().optional(),
  trigger: z.enum(GP_MESSAGE_TRIGGERS),
  practiceCode: z.string(),
  status: z.enum(GP_MESSAGE_STATUSES),
  preparedAt: z.string(),
  preparedBy: z.string(),
  sentAt: z.string().optional(),
  sentBy: z.string().optional(),
  sentVia: z.enum(GP_MESSAGE_CHANNELS).optional(),
  sentReference: z.string().optional(),
  content: GpSummaryContent.optional(),
  version: z.number().int(),
}) satisfies z.ZodType<GpMessageRecord>;
const fromItem = (item: Record<string, unknown>): GpMessageRecord => GpMessageItem.parse(item);

/** The GP outbox's DynamoDB access: messages (in the patient's partition) and their owner items. */
export class GpMessageStore {
  constructor(private readonly db: Db) {}

  /** The message and its owner, for the transaction of the change that prepares it. */
  prepareItems(message: GpMessageRecord): TransactItem[] {
    return [
      { Put: { TableName: this.db.tableName, Item: this.item(message), ConditionExpression: 'attribute_not_exists(PK)' } },
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...keys.gpMessageOwner(message.messageId), type: 'gpMessageOwner', messageId: message.messageId, patientId: message.patientId },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
  }

  async getById(messageId: string): Promise<GpMessageRecord | undefined> {
    const owner = await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: keys.gpMessageOwner(messageId), ConsistentRead: true }));
    const patientId = owner.Item?.patientId;
    if (typeof patientId !== 'string') return undefined;
    const found = await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: keys.gpMessage(patientId, messageId), ConsistentRead: true }));
    return found.Item ? fromItem(found.Item) : undefined;
  }

  /** Every message prepared for one patient, oldest first. */
  async listForPatient(patientId: string): Promise<GpMessageRecord[]> {
    return (await queryPatientRecords(this.db, patientId, patientRecordPrefix.gpMessages)).map(fromItem);
  }

  /** One page of the outbox in one status, oldest first: one navigator's, or everyone's. */
  async list(filter: { navigator?: string | undefined; status: GpMessageStatus }, page: PageRequest): Promise<Page<GpMessageRecord>> {
    const of = filter.navigator ? gpMessageLists.ofNavigator(filter.navigator, filter.status) : gpMessageLists.all(filter.status);
    const result = await queryCollection(this.db, of, page);
    return { ...result, items: result.items.map(fromItem) };
  }

  /** Replaces the message, only if it is still the version read; false if it changed meanwhile. */
  async replace(before: GpMessageRecord, after: GpMessageRecord): Promise<boolean> {
    const failed = await transactConditions(this.db, [
      {
        Put: {
          TableName: this.db.tableName,
          Item: this.item(after),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': before.version },
        },
      },
    ]);
    return failed === undefined;
  }

  private item(message: GpMessageRecord): Record<string, unknown> {
    const member = `${message.messageId}#${message.patientId}`;
    return {
      ...keys.gpMessage(message.patientId, message.messageId),
      type: 'gpMessage',
      ...message,
      ...(message.navigator ? membership(gpMessageLists.ofNavigator(message.navigator, message.status), member) : {}),
      ...membership(gpMessageLists.all(message.status), member),
    };
  }
}
