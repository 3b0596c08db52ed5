import type { Principal } from '#shared/platform/auth';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, queryPatientRecords, type Db } from '#shared/platform/dynamo';
import { conflict } from '#shared/platform/errors';
import { keys, patientRecordPrefix } from '#shared/platform/keys';
import { transact, transactConditions, type TransactItem } from '#shared/platform/transactions';
import { caseloadCondition } from '#shared/patients/rules';
import { patientCondition } from '#shared/patients/store';
import { withCaseloadSummary } from '#shared/patients/summary-store';
import type { AssessmentRecord } from './rules';
import { Assessment } from './schema';

/** A stored assessment item as the record: parsed by its schema (only its fields kept), never cast. */
const assessmentFromItem = (item: Record<string, unknown>): AssessmentRecord => Assessment.parse(item);

/** Assessments live in the patient's partition, in the order they were recorded. */
export class AssessmentStore {
  constructor(private readonly db: Db) {}

  /** Records the assessment in one transaction (see recordItems), with anything else that goes with it. */
  async record(assessment: AssessmentRecord, principal: Principal, alsoWrite: TransactItem[] = []): Promise<void> {
    // A referral it accepts moves the caseload summary with it (decision 74).
    const items = withCaseloadSummary(this.db.tableName, [...this.recordItems(assessment, principal), ...alsoWrite], assessment.patientId, { set: {} });
    await transact(this.db, items, () =>
      conflict('patient_changed', 'The patient’s record changed while this request ran; try again.'),
    );
  }

  /**
   * The items that record an assessment: the assessment, and a baseline also becomes the
   * patient's latest baseline — conditioned on the patient still being in a navigator's caseload.
   */
  recordItems(assessment: AssessmentRecord, principal: Principal, options: { checkPatient?: boolean } = {}): TransactItem[] {
    const baseline = assessment.kind === 'baseline';
    const caseload = caseloadCondition(principal);
    const put: TransactItem = {
      Put: {
        TableName: this.db.tableName,
        Item: { ...keys.assessment(assessment.patientId, assessment.assessmentId), type: 'assessment', ...assessment },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
    // A transaction may touch an item once: a caller that updates the patient itself leaves the check to that update.
    if (!baseline && options.checkPatient === false) return [put];
    return [
      put,
      baseline
        ? {
            Update: {
              TableName: this.db.tableName,
              Key: keys.patient(assessment.patientId),
              UpdateExpression: 'SET baselineAssessmentId = :id',
              ...patientCondition('attribute_exists(PK)', caseload, { ':id': assessment.assessmentId }),
            },
          }
        : {
            ConditionCheck: {
              TableName: this.db.tableName,
              Key: keys.patient(assessment.patientId),
              ...patientCondition('attribute_exists(PK)', caseload),
            },
          },
    ];
  }

  async get(patientId: string, assessmentId: string): Promise<AssessmentRecord | undefined> {
    const result = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.assessment(patientId, assessmentId), ConsistentRead: true }),
    );
    return result.Item ? assessmentFromItem(result.Item) : undefined;
  }

  /**
   * Replaces an assessment with its amended self, only if it is still the revision that was read
   * and the patient is still in the caller's caseload; `changed` if either moved meanwhile.
   */
  async amend(before: AssessmentRecord, after: AssessmentRecord, principal: Principal): Promise<'amended' | 'changed'> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...keys.assessment(after.patientId, after.assessmentId), type: 'assessment', ...after },
          ConditionExpression:
            before.revision === undefined ? 'attribute_exists(PK) AND attribute_not_exists(revision)' : 'attribute_exists(PK) AND revision = :revision',
          ...(before.revision === undefined ? {} : { ExpressionAttributeValues: { ':revision': before.revision } }),
        },
      },
      {
        ConditionCheck: {
          TableName: this.db.tableName,
          Key: keys.patient(after.patientId),
          ...patientCondition('attribute_exists(PK)', caseloadCondition(principal)),
        },
      },
    ];
    return (await transactConditions(this.db, items)) ? 'changed' : 'amended';
  }

  /** Several assessments by id (with their patients), in BatchGetItem rounds; missing ones are absent. */
  async many(refs: readonly { patientId: string; assessmentId: string }[]): Promise<Map<string, AssessmentRecord>> {
    if (refs.length === 0) return new Map();
    const items = await batchGetAll(this.db, refs.map((ref) => keys.assessment(ref.patientId, ref.assessmentId)));
    return new Map(items.map((item) => assessmentFromItem(item)).map((assessment) => [assessment.assessmentId, assessment]));
  }

  async listForPatient(patientId: string): Promise<AssessmentRecord[]> {
    const items = await queryPatientRecords(this.db, patientId, patientRecordPrefix.assessments);
    return items.map((item) => assessmentFromItem(item));
  }
}
