import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/platform/dynamo';
import type { IdSource } from '#shared/platform/ids';
import { keys, LOCAL_OUTBOX_PARTITION } from '#shared/platform/keys';
import type { Clock } from '#shared/platform/clock';
import type { DigestMailer } from '#shared/digest/mailer';
import type { DigestMessage } from '#shared/digest/rules';

/** An email local mode would have sent, as `GET /v1/dev/outbox` shows it. */
export interface OutboxMessage extends DigestMessage {
  messageId: string;
  sentAt: string;
}

/**
 * Local mode's mailer: nothing leaves the machine; each message is kept in DynamoDB Local (so it
 * survives a restart) for `GET /v1/dev/outbox` to show. The same DigestService drives it as drives SES.
 */
export class LocalOutbox implements DigestMailer {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdSource,
  ) {}

  async send(message: DigestMessage): Promise<{ messageId: string }> {
    const sentAt = this.clock.now().toISOString();
    const messageId = this.ids.next();
    const stored: OutboxMessage = { messageId, sentAt, to: message.to, subject: message.subject, text: message.text };
    await this.db.client.send(
      new PutCommand({ TableName: this.db.tableName, Item: { ...keys.localOutboxMessage(sentAt, messageId), type: 'localOutboxMessage', ...stored } }),
    );
    return { messageId };
  }

  /** The newest messages first, at most `limit`. */
  async list(limit = 100): Promise<OutboxMessage[]> {
    const result = await this.db.client.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': LOCAL_OUTBOX_PARTITION },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => ({
      messageId: String(item.messageId),
      sentAt: String(item.sentAt),
      to: String(item.to),
      subject: String(item.subject),
      text: String(item.text),
    }));
  }
}

