import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { batchGetAll, queryPatientRecords, type Db } from '#shared/platform/dynamo';
import { conflict, invalidRequest } from '#shared/platform/errors';
import { ULID_PATTERN } from '#shared/platform/ids';
import { indexAttributes } from '#shared/platform/table';
import { followUpLists, keys, patientRecordPrefix } from '#shared/platform/keys';
import { transact, type TransactItem } from '#shared/platform/transactions';
import { FOLLOW_UP_STATUSES, type FollowUpRecord, type FollowUpStatus } from './rules';

/** A stored follow-up item: parsed on the way out (only its fields kept), never cast. */
const FollowUpItem = z.object({
  followUpId: z.string(),
  prescriptionId: z.string(),
  patientId: z.string(),
  navigator: z.string(),
  status: z.enum(FOLLOW_UP_STATUSES),
  dueAt: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  becameDueAt: z.string().optional(),
  completedAt: z.string().optional(),
  early: z.boolean().optional(),
  assessmentId: z.string().optional(),
  baselineAssessmentId: z.string().optional(),
}) satisfies z.ZodType<FollowUpRecord>;
const followUpFromItem = (item: Record<string, unknown>): FollowUpRecord => FollowUpItem.parse(item);

/** A follow-up list's cursor, checked in full on the way back: a forged one is a 400, never a fault. */
const CursorSchema = z.object({
  dueAt: z.iso.datetime({ offset: true }),
  followUpId: z.string().regex(ULID_PATTERN),
  patientId: z.string().regex(ULID_PATTERN),
});

/** The follow-ups capability's DynamoDB access. */
/** The statuses in which a follow-up is still waiting for its assessment. */
const OPEN_STATUSES: readonly FollowUpRecord['status'][] = ['scheduled', 'held', 'due'];

export class FollowUpStore {
  constructor(private readonly db: Db) {}

  /** The follow-up and its owner item, for the transaction that creates its prescription. */
  createItems(followUp: FollowUpRecord): TransactItem[] {
    return [
      { Put: { TableName: this.db.tableName, Item: this.item(followUp), ConditionExpression: 'attribute_not_exists(PK)' } },
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...keys.followUpOwner(followUp.followUpId), type: 'followUpOwner', followUpId: followUp.followUpId, patientId: followUp.patientId },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
  }

  /** Replaces `before` with `after`, only if it is still exactly `before` (its version and status). */
  replaceItem(before: FollowUpRecord, after: FollowUpRecord): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: this.item(after),
        ConditionExpression: 'version = :version AND #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':version': before.version, ':status': before.status },
      },
    };
  }

  /** Writes one change on its own; false if the follow-up changed meanwhile (nothing written). */
  async replace(before: FollowUpRecord, after: FollowUpRecord): Promise<boolean> {
    try {
      await transact(this.db, [this.replaceItem(before, after)], () => new ChangedMeanwhile());
      return true;
    } catch (error) {
      if (error instanceof ChangedMeanwhile) return false;
      throw error;
    }
  }

  async get(patientId: string, followUpId: string): Promise<FollowUpRecord | undefined> {
    const result = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.followUp(patientId, followUpId), ConsistentRead: true }),
    );
    return result.Item ? followUpFromItem(result.Item) : undefined;
  }

  /**
   * The patient's open follow-up (scheduled, held or due), newest first: at most one is open at a
   * time, since a patient has at most one current prescription.
   */
  async openForPatient(patientId: string): Promise<FollowUpRecord | undefined> {
    const items = await queryPatientRecords(this.db, patientId, patientRecordPrefix.followUps, 'newest first');
    return items.map((item) => followUpFromItem(item)).find((followUp) => OPEN_STATUSES.includes(followUp.status));
  }

  /** Every follow-up of the patient, oldest first (one per prescription): what their timeline shows. */
  async listForPatient(patientId: string): Promise<FollowUpRecord[]> {
    return (await queryPatientRecords(this.db, patientId, patientRecordPrefix.followUps)).map((item) => followUpFromItem(item));
  }

  /** Several follow-ups by id (with their patients), in BatchGetItem rounds; missing ones are absent. */
  async many(refs: readonly { patientId: string; followUpId: string }[]): Promise<Map<string, FollowUpRecord>> {
    if (refs.length === 0) return new Map();
    const items = await batchGetAll(this.db, refs.map((ref) => keys.followUp(ref.patientId, ref.followUpId)));
    return new Map(items.map((item) => followUpFromItem(item)).map((followUp) => [followUp.followUpId, followUp]));
  }

  async getById(followUpId: string): Promise<FollowUpRecord | undefined> {
    const owner = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.followUpOwner(followUpId), ConsistentRead: true }),
    );
    const patientId = owner.Item?.patientId;
    return typeof patientId === 'string' ? this.get(patientId, followUpId) : undefined;
  }

  /** One page of follow-ups in a status, earliest due first: one navigator's, or everyone's. */
  async list(
    filter: { navigator?: string | undefined; status: FollowUpStatus },
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: FollowUpRecord[]; nextCursor?: string }> {
    const list = filter.navigator === undefined ? followUpLists.all(filter.status) : followUpLists.ofNavigator(filter.navigator, filter.status);
    const { partitionKey: pk, sortKey: sk } = indexAttributes(list.indexName);
    const after = page.cursor === undefined ? undefined : decodeFollowUpCursor(page.cursor);
    const result = await this.db.client.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: list.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': pk },
        ExpressionAttributeValues: { ':pk': list.partition },
        Limit: page.limit,
        ...(after
          ? {
              ExclusiveStartKey: {
                ...keys.followUp(after.patientId, after.followUpId),
                [pk]: list.partition,
                [sk]: followUpLists.sortKey(after.dueAt, after.followUpId),
              },
            }
          : {}),
      }),
    );
    const items = (result.Items ?? []).map((item) => followUpFromItem(item));
    const last = items.at(-1);
    return {
      items,
      ...(result.LastEvaluatedKey && last
        ? { nextCursor: Buffer.from(JSON.stringify({ dueAt: last.dueAt, followUpId: last.followUpId, patientId: last.patientId })).toString('base64url') }
        : {}),
    };
  }

  /** Every follow-up still scheduled whose due time is at or before `instant`: what the sweep looks for. */
  async scheduledDueBy(instant: Date): Promise<FollowUpRecord[]> {
    const list = followUpLists.all('scheduled');
    const found: FollowUpRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.client.send(
        new QueryCommand({
          TableName: this.db.tableName,
          IndexName: list.indexName,
          KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :by',
          ExpressionAttributeValues: { ':pk': list.partition, ':by': followUpLists.dueBy(instant.toISOString()) },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      found.push(...(result.Items ?? []).map((item) => followUpFromItem(item)));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  item(followUp: FollowUpRecord): Record<string, unknown> {
    const sortKey = followUpLists.sortKey(followUp.dueAt, followUp.followUpId);
    return {
      ...keys.followUp(followUp.patientId, followUp.followUpId),
      GSI1PK: followUpLists.ofNavigator(followUp.navigator, followUp.status).partition,
      GSI1SK: sortKey,
      GSI2PK: followUpLists.all(followUp.status).partition,
      GSI2SK: sortKey,
      type: 'followUp',
      ...followUp,
    };
  }
}

class ChangedMeanwhile extends Error {}

function decodeFollowUpCursor(cursor: string): z.infer<typeof CursorSchema> {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw invalidRequest([{ in: 'query', path: 'cursor', code: 'invalid_cursor', message: 'cursor is not one this API issued' }]);
  }
}

export const followUpChanged = () => conflict('follow_up_changed', 'The follow-up changed while this request ran; read it again and retry.');
