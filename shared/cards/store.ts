import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { queryPatientRecords, type Db } from '#shared/platform/dynamo';
import { keys, patientRecordPrefix } from '#shared/platform/keys';
import { patientCondition } from '#shared/patients/store';
import { transactConditions, type TransactItem } from '#shared/platform/transactions';
import { CARD_CONFLICTS, mayIssue, type CardConflict, type CardRecord } from './rules';
import { Card } from './schema';

/** What a card write came to: done, the patient or card gone (or out of the caseload), or a conflict. */
export type CardWrite = { kind: 'written' } | { kind: 'not_found'; what: 'Patient' | 'Card' } | { kind: 'conflict'; conflict: CardConflict };

const written: CardWrite = { kind: 'written' };
const conflictOf = (conflict: CardConflict): CardWrite => ({ kind: 'conflict', conflict });

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
   * their caseload. Otherwise the conflict `card_active`, `card_retired` or `patient_has_card`,
   * or the patient not found.
   */
  async issue(card: CardRecord, options: CardWriteOptions = {}): Promise<CardWrite> {
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
    const failed = await transactConditions(this.db, items);
    if (!failed) return written;
    // Which condition failed says what went wrong; the items are read again only to say it precisely.
    if (failed.includes(1) && !(await this.patientInCaseload(card.patientId, options))) return { kind: 'not_found', what: 'Patient' };
    if (failed.includes(0)) {
      const decision = mayIssue(await this.getCard(card.cardId));
      // Allowed now means it was active when the transaction ran, and has been handed back since.
      return conflictOf(decision.ok ? CARD_CONFLICTS.card_active : decision.conflict);
    }
    if (failed.includes(1)) return conflictOf(CARD_CONFLICTS.patient_has_card);
    return conflictOf(CARD_CONFLICTS.card_changed);
  }

  /**
   * Revokes the card's current issuance, in one transaction: the card (still active, still the
   * same issuance), its issue record, and the patient's `activeCardId`. The conflict `card_revoked`
   * if it was revoked meanwhile; not found if the card is gone or its patient left the caseload.
   */
  async revoke(revoked: CardRecord, options: CardWriteOptions = {}): Promise<CardWrite> {
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
    const failed = await transactConditions(this.db, items);
    if (!failed) return written;
    if (failed.includes(0)) {
      const current = await this.getCard(revoked.cardId);
      if (!current) return { kind: 'not_found', what: 'Card' };
      if (current.issueId === revoked.issueId && current.status === 'revoked') return conflictOf(CARD_CONFLICTS.card_revoked);
    }
    if (failed.includes(2) && !(await this.patientInCaseload(revoked.patientId, options))) return { kind: 'not_found', what: 'Card' };
    return conflictOf(CARD_CONFLICTS.card_changed);
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
}

/**
 * A stored card item (the current binding or an issue record) as the card's record: parsed, not
 * cast, so only the card's fields are kept and a malformed item is a fault here. The scans' store
 * reads card items in its own batch and calls this.
 */
export function cardFromItem(item: Record<string, unknown>): CardRecord {
  return Card.parse(item);
}

const toCard = cardFromItem;
