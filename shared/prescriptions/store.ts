import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '#shared/platform/auth';
import { batchGetAll, batchGetItems, queryPages, queryPatientRecords, type Db } from '#shared/platform/dynamo';
import { keys, patientRecordPrefix, reportIndex } from '#shared/platform/keys';
import { transactConditions, type TransactItem } from '#shared/platform/transactions';
import { caseloadCondition } from '#shared/patients/rules';
import { patientCondition } from '#shared/patients/store';
import { prescriptionSummary } from '#shared/patients/caseload';
import { withCaseloadSummary } from '#shared/patients/summary-store';
import { z } from 'zod';
import { CATEGORIES } from '#shared/registry/schema';
import { PRESCRIPTION_STATUSES, type PrescriptionConflict, type PrescriptionRecord } from './rules';
import { RECORDED_WITHDRAWAL_REASONS } from './schema';

/** A stored prescription item (its count lives in the counter item): parsed, never cast. */
const PrescriptionItem = z.object({
  prescriptionId: z.string(),
  patientId: z.string(),
  status: z.enum(PRESCRIPTION_STATUSES),
  startDate: z.string(),
  weeks: z.number().int(),
  pausedDays: z.number().int(),
  pausedOn: z.string().optional(),
  withdrawalReason: z.enum(RECORDED_WITHDRAWAL_REASONS).optional(),
  endDate: z.string(),
  followUpDueAt: z.string(),
  goals: z.array(z.string()),
  activityIds: z.array(z.string()),
  hasBaseline: z.boolean(),
  baselineAssessmentId: z.string().optional(),
  categories: z.array(z.enum(CATEGORIES)).optional(),
  followUpId: z.string().optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}) satisfies z.ZodType<Omit<PrescriptionRecord, 'sessionsAttended'>>;
const prescriptionFromItem = (item: Record<string, unknown>, sessionsAttended: number): PrescriptionRecord => ({
  ...PrescriptionItem.parse(item),
  sessionsAttended,
});

/**
 * What a scan's write checks and counts, kept apart from the prescription so that write stays
 * small: the status and dates (copied from the prescription whenever they change, in the same
 * transaction) and the count of accepted scans.
 */
export interface AttendanceCounter {
  prescriptionId: string;
  patientId: string;
  status: PrescriptionRecord['status'];
  startDate: string;
  endDate: string;
  sessionsAttended: number;
  /** The London day of the first attendance recorded against it (set by the scan's write, once). */
  firstAttendedOn?: string;
}

/**
 * The prescriptions capability's DynamoDB access. A prescription lives in its patient's
 * partition (with its attendance counter next to it); a small owner item maps a prescription
 * id to its patient for reads by id.
 */
export class PrescriptionStore {
  constructor(private readonly db: Db) {}

  /**
   * Writes the prescription, its counter and its owner item, and makes it the patient's current
   * one, in one transaction: the patient must exist, have no current (active or paused)
   * prescription, and — for a navigator — still be in their caseload. `alsoWrite` carries the
   * referral's move forward.
   */
  async create(prescription: PrescriptionRecord, principal: Principal, alsoWrite: TransactItem[] = []): Promise<PrescriptionConflict | undefined> {
    const { patientId, prescriptionId } = prescription;
    // The caseload summary (decision 74) shows the new prescription and its referral, now prescribed.
    const summarised = (items: TransactItem[]) =>
      withCaseloadSummary(this.db.tableName, items, patientId, { set: { ...prescriptionSummary(prescription), referralStatus: 'prescribed' } });
    return this.write(
      summarised([
        {
          Put: {
            TableName: this.db.tableName,
            Item: this.prescriptionItem(prescription),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Update: {
            TableName: this.db.tableName,
            Key: keys.patient(patientId),
            UpdateExpression: 'SET currentPrescriptionId = :id',
            ...patientCondition('attribute_exists(PK) AND attribute_not_exists(currentPrescriptionId)', caseloadCondition(principal), {
              ':id': prescriptionId,
            }),
          },
        },
        {
          Put: {
            TableName: this.db.tableName,
            Item: this.counterItem(prescription),
          },
        },
        {
          Put: {
            TableName: this.db.tableName,
            Item: this.ownerItem(prescription),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        ...alsoWrite,
      ]),
      (failed) =>
        failed.includes(1)
          ? { code: 'prescription_exists', message: 'This patient already has an active or paused prescription.' }
          : { code: 'patient_changed', message: 'The patient’s record changed while this request ran; try again.' },
    );
  }

  /** Runs a transaction; the conflict its failed conditions mean, or undefined when it committed. */
  private async write(items: TransactItem[], conflictOf: (failed: number[]) => PrescriptionConflict): Promise<PrescriptionConflict | undefined> {
    const failed = await transactConditions(this.db, items);
    return failed ? conflictOf(failed) : undefined;
  }


  /** The prescription itself (on the reporting index by start date); its count lives in the counter item. */
  prescriptionItem(prescription: PrescriptionRecord): Record<string, unknown> {
    const { sessionsAttended: _counted, ...stored } = prescription;
    return {
      ...keys.prescription(prescription.patientId, prescription.prescriptionId),
      ...reportIndex.entry('PRESCRIPTIONS', prescription.startDate, prescription.prescriptionId),
      type: 'prescription',
      ...stored,
    };
  }

  counterItem(prescription: PrescriptionRecord): Record<string, unknown> {
    return { ...keys.prescriptionAttendance(prescription.patientId, prescription.prescriptionId), type: 'attendanceCounter', ...counterOf(prescription) };
  }

  ownerItem({ prescriptionId, patientId }: PrescriptionRecord): Record<string, unknown> {
    return { ...keys.prescriptionOwner(prescriptionId), type: 'prescriptionOwner', prescriptionId, patientId };
  }

  /** By id alone: the owner item names the patient, then one consistent Query reads it with its count. */
  /**
   * The write that counts one accepted scan, for the scan's own transaction: one more on the
   * counter, only if the prescription is still active with `day` inside its dates. Only this
   * store writes the counter; the scan transaction carries this item.
   */
  attendanceCountItem(patientId: string, prescriptionId: string, day: string): TransactItem {
    return {
      Update: {
        TableName: this.db.tableName,
        Key: keys.prescriptionAttendance(patientId, prescriptionId),
        // The day of the first attendance recorded, kept once (reports' waiting times); the count goes up by one.
        UpdateExpression: 'SET firstAttendedOn = if_not_exists(firstAttendedOn, :day) ADD sessionsAttended :one',
        ConditionExpression: '#status = :active AND startDate <= :day AND endDate >= :day',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':one': 1, ':active': 'active', ':day': day },
      },
    };
  }

  /**
   * Each prescription's attendance counter, by prescription id: its count of accepted scans, and the
   * London day of its first recorded attendance (absent before any, and on counters from before it
   * was kept). BatchGetItem, one round per 100 prescriptions.
   */
  async attendanceCounters(refs: readonly { patientId: string; prescriptionId: string }[]): Promise<Map<string, Pick<AttendanceCounter, 'sessionsAttended' | 'firstAttendedOn'>>> {
    if (refs.length === 0) return new Map();
    const items = await batchGetAll(this.db, refs.map((ref) => keys.prescriptionAttendance(ref.patientId, ref.prescriptionId)));
    return new Map(
      items.map((item) => [
        String(item.prescriptionId),
        {
          sessionsAttended: typeof item.sessionsAttended === 'number' ? item.sessionsAttended : 0,
          ...(typeof item.firstAttendedOn === 'string' ? { firstAttendedOn: item.firstAttendedOn } : {}),
        },
      ]),
    );
  }

  /**
   * Prescriptions started on London days from..to, from the reporting index, a page at a time
   * (without their counts: see attendanceCounters).
   */
  async *startedBetween(from: string, to: string): AsyncGenerator<PrescriptionRecord[]> {
    for (const query of reportIndex.queries('PRESCRIPTIONS', from, to)) {
      for await (const page of queryPages(this.db, {
        IndexName: reportIndex.indexName,
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': query.partition, ':low': query.low, ':high': query.high },
      })) {
        yield page.map((item) => prescriptionFromItem(item, 0));
      }
    }
  }

  /**
   * Several prescriptions, each with its count, in one BatchGetItem (prescription and counter
   * items): what a list of follow-ups shows beside each. Missing ones are absent.
   */
  async many(refs: readonly { patientId: string; prescriptionId: string }[]): Promise<Map<string, PrescriptionRecord>> {
    const items = await batchGetItems(
      this.db,
      refs.flatMap((ref) => [keys.prescription(ref.patientId, ref.prescriptionId), keys.prescriptionAttendance(ref.patientId, ref.prescriptionId)]),
    );
    return new Map(assemble(items).map((prescription) => [prescription.prescriptionId, prescription]));
  }

  async get(prescriptionId: string): Promise<PrescriptionRecord | undefined> {
    const owner = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.prescriptionOwner(prescriptionId), ConsistentRead: true }),
    );
    const patientId = owner.Item?.patientId;
    if (typeof patientId !== 'string') return undefined;
    const [found] = await this.query(patientId, `${patientRecordPrefix.prescriptions}${prescriptionId}`);
    return found;
  }

  /** The patient's prescriptions, oldest first, each with its count. */
  async listForPatient(patientId: string): Promise<PrescriptionRecord[]> {
    return (await this.query(patientId, patientRecordPrefix.prescriptions)).reverse();
  }

  /**
   * The patient's newest prescription with its count: one strongly consistent Query of the two
   * items that sort last among the patient's prescriptions (what a scan reads).
   */
  async latestForPatient(patientId: string): Promise<PrescriptionRecord | undefined> {
    const result = await this.db.client.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.patient(patientId).PK, ':prefix': patientRecordPrefix.prescriptions },
        ScanIndexForward: false,
        Limit: 2,
        ConsistentRead: true,
      }),
    );
    return assemble(result.Items ?? [])[0];
  }

  /**
   * Writes the changed fields of `after` only if nobody changed the prescription meanwhile
   * (same version), and copies its status and dates to the attendance counter in the same
   * transaction. The count itself is never written here, so no scan is ever lost to a stale
   * copy. A prescription that ends (withdrawn, completed) stops being the patient's current one.
   */
  async update(
    before: PrescriptionRecord,
    after: PrescriptionRecord,
    principal: Principal,
    alsoWrite: TransactItem[] = [],
  ): Promise<PrescriptionConflict | undefined> {
    return this.write([...this.updateItems(before, after, principal), ...alsoWrite], (failed) =>
      failed.includes(2) && !failed.includes(0)
        ? { code: 'patient_changed', message: 'The patient’s record changed while this request ran; try again.' }
        : { code: 'prescription_changed', message: 'The prescription changed while this request ran; read it again and retry.' },
    );
  }

  /**
   * The change's three items — prescription, counter, patient — for `update` or another
   * capability's transaction (a referral closed withdraws its prescription with it).
   */
  updateItems(before: PrescriptionRecord, after: PrescriptionRecord, principal: Principal): TransactItem[] {
    const { patientId, prescriptionId } = after;
    const ends = after.status === 'withdrawn' || after.status === 'completed';
    // As every write about a patient: they must still be in the caller's caseload when it lands.
    const caseload = caseloadCondition(principal);
    const patientItem: TransactItem = ends
      ? {
          Update: {
            TableName: this.db.tableName,
            Key: keys.patient(patientId),
            UpdateExpression: 'REMOVE currentPrescriptionId',
            ...patientCondition('currentPrescriptionId = :id', caseload, { ':id': prescriptionId }),
          },
        }
      : { ConditionCheck: { TableName: this.db.tableName, Key: keys.patient(patientId), ...patientCondition('attribute_exists(PK)', caseload) } };
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.prescription(patientId, prescriptionId),
          UpdateExpression:
            'SET #status = :status, weeks = :weeks, pausedDays = :pausedDays, endDate = :endDate, ' +
            'followUpDueAt = :followUpDueAt, updatedAt = :updatedAt, version = :next' +
            // A withdrawal's reason is written once, with the withdrawal (a withdrawn prescription never changes again).
            (after.withdrawalReason !== undefined ? ', withdrawalReason = :withdrawalReason' : '') +
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
            ...(after.withdrawalReason !== undefined ? { ':withdrawalReason': after.withdrawalReason } : {}),
          },
        },
      },
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.prescriptionAttendance(patientId, prescriptionId),
          UpdateExpression: 'SET #status = :status, startDate = :startDate, endDate = :endDate',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': after.status, ':startDate': after.startDate, ':endDate': after.endDate },
        },
      },
      patientItem,
    ];
    // The caseload summary follows the prescription's status and dates (decision 74).
    return withCaseloadSummary(this.db.tableName, items, patientId, { set: prescriptionSummary(after) });
  }

  /** Prescriptions (newest first) whose sort keys start with `prefix`, each joined with its counter. */
  private async query(patientId: string, prefix: string): Promise<PrescriptionRecord[]> {
    return assemble(await queryPatientRecords(this.db, patientId, prefix, 'newest first'));
  }
}

function counterOf(prescription: PrescriptionRecord): AttendanceCounter {
  const { prescriptionId, patientId, status, startDate, endDate, sessionsAttended } = prescription;
  return { prescriptionId, patientId, status, startDate, endDate, sessionsAttended };
}

/** Joins prescriptions with their counters (items as read, newest first), keeping that order. */
function assemble(items: Record<string, unknown>[]): PrescriptionRecord[] {
  const counts = new Map<string, number>();
  for (const item of items) {
    if (item.type === 'attendanceCounter') counts.set(String(item.prescriptionId), Number(item.sessionsAttended));
  }
  return items
    .filter((item) => item.type === 'prescription')
    .map((item) => prescriptionFromItem(item, counts.get(String(item.prescriptionId)) ?? 0));
}
