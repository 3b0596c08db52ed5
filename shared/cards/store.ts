import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { queryPatientRecords, type Db } from '#shared/platform/dynamo';
import { conflict, notFound } from '#shared/platform/errors';
import { keys, patientRecordPrefix } from '#shared/platform/keys';
import { patientCondition } from '#shared/patients/store';
import { transact, type TransactItem } from '#shared/platform/transactions';
import { mayIssue, type CardRecord } from './rules';

export interface CardWriteOptions {
  /** The navigator whose caseload the patient must still be in when the write lands (none for an admin). */
  caseload?: string | undefined;
}

/**
 * The cards capability's DynamoDB access: issuing, revoking, a patient's card history.
 *
 * A card's current binding (`CARD#id`) and the patient's `activeCardId` are the two halves of
 * "one active card per card number, one active card per patient"; both are written with
 * conditions inside one transaction, so uniqueness holds under any concurrency without a
 * read-then-write. Each issuance also leaves an issue record in the patient's partition.
 */
export class CardStore {
  constructor(private readonly db: Db) {}

  get tableName(): string {
    return this.db.tableName;
  }

  /**
   * Binds the card to the patient, in one transaction: the card must be new or handed back
   * (withdrawn); the patient must exist, have no active card and (for a navigator) still be in
   * their caseload. 409 `card_active`, `card_retired` or `patient_has_card`, 404 for the patient.
   */
  async issue(card: CardRecord, options: CardWriteOptions = {}): Promise<void> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...keys.card(card.cardId), type: 'card', ...card },
          ConditionExpression: 'attribute_not_exists(PK) OR (#status = :revoked AND revokeReason = :withdrawn)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':withdrawn': 'withdrawn' },
        },
      },
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.patient(card.patientId),
          UpdateExpression: 'SET activeCardId = :cardId',
          ...patientCondition('attribute_exists(PK) AND attribute_not_exists(activeCardId)', options.caseload, {
            ':cardId': card.cardId,
          }),
        },
      },
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...keys.cardIssue(card.patientId, card.issueId), type: 'cardIssue', ...card },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    const failed = await this.run(items);
    if (!failed) return;
    // Which condition failed says what went wrong; the items are read again only to say it precisely.
    if (failed.includes(1) && !(await this.patientInCaseload(card.patientId, options))) throw notFound('Patient');
    if (failed.includes(0)) {
      const decision = mayIssue(await this.getCard(card.cardId));
      // Allowed now means it was active when the transaction ran, and has been handed back since.
      throw decision.ok ? conflict('card_active', 'This card is already active; revoke it before issuing it again.') : decision.error;
    }
    if (failed.includes(1)) {
      throw conflict('patient_has_card', 'This patient already has an active card; revoke it before issuing another.');
    }
    throw conflict('card_changed', 'The card changed while this request ran; read it again.');
  }

  /**
   * Revokes the card's current issuance, in one transaction: the card (still active, still the
   * same issuance), its issue record, and the patient's `activeCardId`. 409 `card_revoked` if it
   * was revoked meanwhile; 404 if the card is gone or its patient left the caller's caseload.
   */
  async revoke(revoked: CardRecord, options: CardWriteOptions = {}): Promise<void> {
    const change = {
      UpdateExpression: 'SET #status = :revoked, revokedAt = :at, revokedBy = :by, revokeReason = :reason',
      ConditionExpression: '#status = :active AND issueId = :issueId',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':revoked': 'revoked',
        ':active': 'active',
        ':issueId': revoked.issueId,
        ':at': revoked.revokedAt,
        ':by': revoked.revokedBy,
        ':reason': revoked.revokeReason,
      },
    };
    const items: TransactItem[] = [
      { Update: { TableName: this.db.tableName, Key: keys.card(revoked.cardId), ...change } },
      { Update: { TableName: this.db.tableName, Key: keys.cardIssue(revoked.patientId, revoked.issueId), ...change } },
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.patient(revoked.patientId),
          UpdateExpression: 'REMOVE activeCardId',
          ...patientCondition('activeCardId = :cardId', options.caseload, { ':cardId': revoked.cardId }),
        },
      },
    ];
    const failed = await this.run(items);
    if (!failed) return;
    if (failed.includes(0)) {
      const current = await this.getCard(revoked.cardId);
      if (!current) throw notFound('Card');
      if (current.issueId === revoked.issueId && current.status === 'revoked') {
        throw conflict('card_revoked', 'This card is already revoked.');
      }
    }
    if (failed.includes(2) && !(await this.patientInCaseload(revoked.patientId, options))) throw notFound('Card');
    throw conflict('card_changed', 'The card changed while this request ran; read it again.');
  }

  /** The card's current binding. Strongly consistent: it decides what a write may do. */
  async getCard(cardId: string): Promise<CardRecord | undefined> {
    const result = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.card(cardId), ConsistentRead: true }),
    );
    return result.Item ? toCard(result.Item) : undefined;
  }

  /** Every card issued to the patient, newest first (issue ids are ULIDs). One Query in the patient's partition. */
  async history(patientId: string): Promise<CardRecord[]> {
    return (await queryPatientRecords(this.db, patientId, patientRecordPrefix.cardIssues, 'newest first')).map(toCard);
  }

  /** A condition on the patient item, with the caseload check added for a navigator. */
  private async patientInCaseload(patientId: string, options: CardWriteOptions): Promise<boolean> {
    const result = await this.db.client.send(
      new GetCommand({
        TableName: this.db.tableName,
        Key: keys.patient(patientId),
        ProjectionExpression: 'navigator',
        ConsistentRead: true,
      }),
    );
    return result.Item !== undefined && (options.caseload === undefined || result.Item.navigator === options.caseload);
  }

  /**
   * Runs the transaction; returns the indexes of the items whose condition failed, or undefined
   * when it committed. (`transact` already retries one cancelled by a concurrent transaction.)
   */
  private async run(items: TransactItem[]): Promise<number[] | undefined> {
    try {
      await transact(this.db, items, (failed) => new ConditionsFailed(failed));
      return undefined;
    } catch (error) {
      if (error instanceof ConditionsFailed) return error.failed;
      throw error;
    }
  }
}

class ConditionsFailed extends Error {
  constructor(readonly failed: number[]) {
    super('transaction conditions failed');
  }
}

// Items carry key attributes and a type tag; the view keeps only the card's fields.
function toCard(item: Record<string, unknown>): CardRecord {
  const { cardId, patientId, issueId, status, issuedAt, issuedBy, revokedAt, revokedBy, revokeReason } =
    item as unknown as CardRecord;
  return {
    cardId,
    patientId,
    issueId,
    status,
    issuedAt,
    issuedBy,
    ...(revokedAt !== undefined ? { revokedAt } : {}),
    ...(revokedBy !== undefined ? { revokedBy } : {}),
    ...(revokeReason !== undefined ? { revokeReason } : {}),
  };
}
