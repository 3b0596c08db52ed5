import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../platform/auth';
import { queryCollection, type Db, type Page, type PageRequest } from '../platform/dynamo';
import { conflict } from '../platform/errors';
import { collections, keys, membership } from '../platform/keys';
import { transact, type TransactItem } from '../platform/transactions';
import { entityOf } from '../patients/store';
import type { PrescriptionRecord } from './rules';

/** The prescriptions capability's DynamoDB access. */
export class PrescriptionStore {
  constructor(private readonly db: Db) {}

  /**
   * Writes the prescription and makes it the patient's current one, in one transaction: the
   * patient must exist, have no current (active or paused) prescription, and — for a
   * navigator — still be in their caseload. `alsoWrite` carries the referral's move forward.
   */
  async create(prescription: PrescriptionRecord, principal: Principal, alsoWrite: TransactItem[] = []): Promise<void> {
    const navigatorCheck = principal.role === 'navigator';
    await transact(
      this.db,
      [
        { Put: { TableName: this.db.tableName, Item: this.item(prescription), ConditionExpression: 'attribute_not_exists(PK)' } },
        {
          Update: {
            TableName: this.db.tableName,
            Key: keys.patient(prescription.patientId),
            UpdateExpression: 'SET currentPrescriptionId = :id',
            ConditionExpression: `attribute_exists(PK) AND attribute_not_exists(currentPrescriptionId)${navigatorCheck ? ' AND navigator = :sub' : ''}`,
            ExpressionAttributeValues: { ':id': prescription.prescriptionId, ...(navigatorCheck ? { ':sub': principal.sub } : {}) },
          },
        },
        ...alsoWrite,
      ],
      (failed) =>
        failed.includes(1)
          ? conflict('prescription_exists', 'This patient already has an active or paused prescription.')
          : conflict('patient_changed', 'The patient’s record changed while this request ran; try again.'),
    );
  }

  /** Strongly consistent: read straight after a change by the same navigator. */
  async get(prescriptionId: string): Promise<PrescriptionRecord | undefined> {
    const result = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.prescription(prescriptionId), ConsistentRead: true }),
    );
    return result.Item ? entityOf<PrescriptionRecord>(result.Item) : undefined;
  }

  /**
   * Writes the changed fields of `after` only if nobody changed the prescription meanwhile
   * (same version). Only the fields a change can touch are written — never the whole item —
   * so the attendance count that scans keep is never overwritten with a stale copy. A
   * prescription that ends (withdrawn, completed) stops being the patient's current one in
   * the same transaction, so a new one can be written.
   */
  async update(before: PrescriptionRecord, after: PrescriptionRecord): Promise<void> {
    const update: TransactItem['Update'] & object = {
      TableName: this.db.tableName,
      Key: keys.prescription(after.prescriptionId),
      UpdateExpression:
        'SET #status = :status, weeks = :weeks, pausedDays = :pausedDays, endDate = :endDate, ' +
        'followUpDueAt = :followUpDueAt, updatedAt = :updatedAt, version = :next' +
        (after.pausedOn !== undefined ? ', pausedOn = :pausedOn' : ' REMOVE pausedOn'),
      ConditionExpression: 'version = :version',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': after.status,
        ':weeks': after.weeks,
        ':pausedDays': after.pausedDays,
        ':endDate': after.endDate,
        ':followUpDueAt': after.followUpDueAt,
        ':updatedAt': after.updatedAt,
        ':next': after.version,
        ':version': before.version,
        ...(after.pausedOn !== undefined ? { ':pausedOn': after.pausedOn } : {}),
      },
    };
    const ends = after.status === 'withdrawn' || after.status === 'completed';
    await transact(
      this.db,
      [
        { Update: update },
        ...(ends
          ? [
              {
                Update: {
                  TableName: this.db.tableName,
                  Key: keys.patient(after.patientId),
                  UpdateExpression: 'REMOVE currentPrescriptionId',
                  ConditionExpression: 'currentPrescriptionId = :id',
                  ExpressionAttributeValues: { ':id': after.prescriptionId },
                },
              },
            ]
          : []),
      ],
      () => changedMeanwhile(),
    );
  }

  async listForPatient(patientId: string, page: PageRequest): Promise<Page<PrescriptionRecord>> {
    const result = await queryCollection(this.db, collections.prescriptionsOf(patientId), page);
    return { ...result, items: result.items.map((item) => entityOf<PrescriptionRecord>(item)) };
  }

  private item(prescription: PrescriptionRecord): Record<string, unknown> {
    return {
      ...keys.prescription(prescription.prescriptionId),
      ...membership(collections.prescriptionsOf(prescription.patientId), prescription.prescriptionId),
      type: 'prescription',
      ...prescription,
    };
  }
}

const changedMeanwhile = () =>
  conflict('prescription_changed', 'The prescription changed while this request ran; read it again and retry.');
