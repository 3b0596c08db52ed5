import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, type Db, type Page, type PageRequest } from '#shared/platform/dynamo';
import { invalidRequest } from '#shared/platform/errors';
import { auditTrail } from '#shared/platform/keys';
import { entityOf } from '#shared/platform/table';
import type { TransactItem } from '#shared/platform/transactions';
import type { AuditEntryRecord } from './rules';

const invalidCursor = () => invalidRequest([{ in: 'query', path: 'cursor', code: 'invalid_cursor', message: 'cursor is not one this API issued' }]);

/** The audit entries: written with a change (in its transaction) or beside a read; read by patient or by actor. */
export class AuditStore {
  constructor(private readonly db: Db) {}

  private item(entry: AuditEntryRecord): Record<string, unknown> {
    const key = entry.patientId ? auditTrail.ofPatient(entry.patientId, entry.entryId) : auditTrail.ofActorOnly(entry.actor, entry.entryId);
    return { ...key, ...auditTrail.actorIndex(entry.actor, entry.entryId, entry.patientId), type: 'auditEntry', ...entry };
  }

  /** The entry as one more item of a change's transaction (no condition: its ULID key is new, and a failed condition would be misread as the change's). */
  putItem(entry: AuditEntryRecord): TransactItem {
    return { Put: { TableName: this.db.tableName, Item: this.item(entry) } };
  }

  async put(entry: AuditEntryRecord): Promise<void> {
    await this.db.client.send(new PutCommand({ TableName: this.db.tableName, Item: this.item(entry) }));
  }

  /** A patient's entries, newest first. The cursor is the last entry's id. */
  async ofPatient(patientId: string, page: PageRequest): Promise<Page<AuditEntryRecord>> {
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    if (after !== undefined && after.includes('#')) throw invalidCursor();
    const partition = auditTrail.patientPartition(patientId);
    const result = await this.db.client.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :entry)',
        ExpressionAttributeValues: { ':pk': partition, ':entry': auditTrail.entrySortKey('') },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(after ? { ExclusiveStartKey: { PK: partition, SK: auditTrail.entrySortKey(after) } } : {}),
      }),
    );
    const last = result.LastEvaluatedKey?.SK;
    return {
      items: (result.Items ?? []).map((item) => entityOf<AuditEntryRecord>(item)),
      ...(typeof last === 'string' ? { nextCursor: encodeCursor(last.slice(auditTrail.entrySortKey('').length)) } : {}),
    };
  }

  /**
   * One actor's entries made between two entry ids (the ULID bounds of a time range), newest first,
   * from GSI1 (eventually consistent: an entry appears there within about a second).
   */
  async ofActor(actor: string, lowId: string, highId: string, page: PageRequest): Promise<Page<AuditEntryRecord>> {
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    const [low, high] = auditTrail.actorRange(lowId, highId);
    let startKey: Record<string, unknown> | undefined;
    if (after !== undefined) {
      const parts = after.split('#');
      const entryId = parts[0]!;
      // A cursor from another range (or forged) would start the Query outside its own key condition: a 400, not DynamoDB's error.
      if (parts.length > 2 || entryId < lowId || entryId > highId) throw invalidCursor();
      startKey = auditTrail.actorMemberKey(actor, after);
    }
    const result = await this.db.client.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: auditTrail.actorIndexName,
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': auditTrail.actorPartition(actor), ':low': low, ':high': high },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const last = result.LastEvaluatedKey?.GSI1SK;
    return {
      items: (result.Items ?? []).map((item) => entityOf<AuditEntryRecord>(item)),
      ...(typeof last === 'string' ? { nextCursor: encodeCursor(auditTrail.actorMember(last)) } : {}),
    };
  }
}
