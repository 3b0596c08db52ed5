import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/platform/dynamo';
import { keys } from '#shared/platform/keys';
import { entityOf } from '#shared/platform/table';

/**
 * One navigator's digest on one London day:
 * - `sending`: claimed, the email is being handed to the mailer (or the run stopped here);
 * - `sent`: the mailer accepted it;
 * - `uncertain`: the hand-over failed without an answer, so it may have gone: never sent again.
 * A claim whose send certainly failed is deleted, so the retry sends it.
 */
export interface DigestSendRecord {
  day: string;
  /** The navigator's token subject; no address or name is kept. */
  navigator: string;
  personId: string;
  status: 'sending' | 'sent' | 'uncertain';
  due: number;
  overdue: number;
  claimedAt: string;
  sentAt?: string;
  messageId?: string;
}

/** The digest capability's DynamoDB access: the day's send records, nothing else. */
export class DigestStore {
  constructor(private readonly db: Db) {}

  /** Claims the day's send for a navigator; `taken` when a record already exists (sent, being sent, or uncertain). */
  async claim(record: DigestSendRecord): Promise<'claimed' | 'taken'> {
    try {
      await this.db.client.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...keys.digestSend(record.day, record.navigator), type: 'digestSend', ...record },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return 'claimed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'taken';
      throw error;
    }
  }

  /** The claim became a sent email. */
  async markSent(day: string, navigator: string, sent: { sentAt: string; messageId: string }): Promise<void> {
    await this.setStatus(day, navigator, 'sent', sent);
  }

  /** The email may or may not have gone: keep the claim, so no retry sends it again. */
  async markUncertain(day: string, navigator: string): Promise<void> {
    await this.setStatus(day, navigator, 'uncertain');
  }

  /** Gives the claim back after a send that certainly failed, so a retry sends it; only while still `sending`. */
  async release(day: string, navigator: string): Promise<void> {
    try {
      await this.db.client.send(
        new DeleteCommand({
          TableName: this.db.tableName,
          Key: keys.digestSend(day, navigator),
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Every record of a day, in one Query (at most one per enabled navigator). */
  async ofDay(day: string): Promise<DigestSendRecord[]> {
    const found: DigestSendRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.client.send(
        new QueryCommand({
          TableName: this.db.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.digestSend(day, '').PK },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      found.push(...(result.Items ?? []).map((item) => entityOf<DigestSendRecord>(item)));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  private async setStatus(day: string, navigator: string, status: DigestSendRecord['status'], fields: { sentAt?: string; messageId?: string } = {}) {
    const extra = Object.entries(fields).filter(([, value]) => value !== undefined);
    await this.db.client.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: keys.digestSend(day, navigator),
        UpdateExpression: `SET #status = :status${extra.map(([name]) => `, #${name} = :${name}`).join('')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#status': 'status', ...Object.fromEntries(extra.map(([name]) => [`#${name}`, name])) },
        ExpressionAttributeValues: { ':status': status, ...Object.fromEntries(extra.map(([name, value]) => [`:${name}`, value])) },
      }),
    );
  }
}
