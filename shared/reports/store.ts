import type { AssessmentRecord } from '#shared/assessments/rules';
import type { FollowUpRecord } from '#shared/followups/rules';
import { batchGetAll, collectionPages, keyString, queryPages, type Db } from '#shared/platform/dynamo';
import { attendanceDayRange, collections, keys, reportIndex, type ItemKey } from '#shared/platform/keys';
import type { PatientRecord } from '#shared/patients/rules';
import { entityOf } from '#shared/patients/store';
import type { PrescriptionRecord } from '#shared/prescriptions/rules';
import type { AttendanceDay } from './rules';
import type { CohortPrescription, ReferralSource, WellbeingScores } from './programme';

/** What a cohort row carries beyond the report's numbers: enough for the outcomes export. */
export interface CohortMember extends CohortPrescription {
  weeks: number;
  endDate: string;
}

/**
 * The reports' DynamoDB access. Every read is a Query on a key or a BatchGetItem — never a Scan —
 * and none reads the scans themselves: attendance comes from the attendance days the scan
 * transaction keeps, the programme's cohort from the reporting index (GSI3).
 */
export class ReportStore {
  constructor(private readonly db: Db) {}

  /** One provider's attendance days on London days from..to, a page at a time (oldest first). */
  async *attendanceDays(providerId: string, from: string, to: string): AsyncGenerator<AttendanceDay[]> {
    const [low, high] = attendanceDayRange(from, to);
    for await (const page of queryPages(this.db, {
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': keys.provider(providerId).PK, ':low': low, ':high': high },
    })) {
      yield page.map(attendanceDayOf);
    }
  }

  /** The ids of a navigator's caseload (GSI1, keys only). */
  async caseload(navigator: string): Promise<Set<string>> {
    const of = collections.caseload(navigator);
    const ids = new Set<string>();
    for await (const page of collectionPages(this.db, of, { projection: 'GSI1SK' })) {
      for (const item of page) ids.add(of.memberId(String(item.GSI1SK)));
    }
    return ids;
  }

  /** Referrals received on London days from..to: their source and patient, nothing else. */
  async referrals(from: string, to: string): Promise<{ patientId: string; source: ReferralSource }[]> {
    const found: { patientId: string; source: ReferralSource }[] = [];
    for (const query of reportIndex.queries('REFERRALS', from, to)) {
      for await (const page of queryPages(this.db, {
        IndexName: reportIndex.indexName,
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': query.partition, ':low': query.low, ':high': query.high },
        ProjectionExpression: 'patientId, #source',
        ExpressionAttributeNames: { '#source': 'source' },
      })) {
        for (const item of page) found.push({ patientId: String(item.patientId), source: item.source as ReferralSource });
      }
    }
    return found;
  }

  /**
   * The cohort: prescriptions started on London days from..to, a page of the reporting index at a
   * time, each with its count, its follow-up and its paired assessments — three BatchGetItem
   * rounds per page, whatever the number of scans. `include` narrows it (a navigator's caseload).
   */
  async *cohort(from: string, to: string, include: (patientId: string) => boolean = () => true): AsyncGenerator<CohortMember[]> {
    for (const query of reportIndex.queries('PRESCRIPTIONS', from, to)) {
      for await (const page of queryPages(this.db, {
        IndexName: reportIndex.indexName,
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': query.partition, ':low': query.low, ':high': query.high },
      })) {
        const prescriptions = page.map((item) => entityOf<PrescriptionRecord>(item)).filter((p) => include(p.patientId));
        if (prescriptions.length > 0) yield await this.withOutcomes(prescriptions);
      }
    }
  }

  /**
   * What an export needs of each patient — date of birth and postcode, nothing else: names,
   * NHS numbers and contact details are never even read for a pseudonymised export.
   */
  async demographics(patientIds: string[]): Promise<Map<string, Pick<PatientRecord, 'dateOfBirth' | 'postcode'>>> {
    const items = await batchGetAll(this.db, patientIds.map(keys.patient), { projection: 'patientId, dateOfBirth, postcode' });
    return new Map(
      items.map((item) => [
        String(item.patientId),
        { dateOfBirth: String(item.dateOfBirth), ...(typeof item.postcode === 'string' ? { postcode: item.postcode } : {}) },
      ]),
    );
  }

  private async withOutcomes(prescriptions: PrescriptionRecord[]): Promise<CohortMember[]> {
    const counterKeys = prescriptions.map((p) => keys.prescriptionAttendance(p.patientId, p.prescriptionId));
    const followUpKeys = prescriptions.flatMap((p) => (p.followUpId ? [keys.followUp(p.patientId, p.followUpId)] : []));
    const [counters, followUps] = await Promise.all([byKey(this.db, counterKeys), byKey(this.db, followUpKeys)]);

    const followUpOf = (p: PrescriptionRecord) => {
      const item = p.followUpId ? followUps.get(keyString(keys.followUp(p.patientId, p.followUpId))) : undefined;
      return item ? entityOf<FollowUpRecord>(item) : undefined;
    };
    // The baseline paired with a follow-up is the patient's latest when it was completed; before
    // that, the one they had when the prescription was written.
    const baselineIdOf = (p: PrescriptionRecord) => followUpOf(p)?.baselineAssessmentId ?? p.baselineAssessmentId;
    const assessmentKeys = prescriptions.flatMap((p) =>
      [followUpOf(p)?.assessmentId, baselineIdOf(p)].flatMap((id) => (id ? [keys.assessment(p.patientId, id)] : [])),
    );
    const assessments = await byKey(this.db, assessmentKeys);
    const scoresOf = (patientId: string, assessmentId: string | undefined): WellbeingScores | undefined => {
      const item = assessmentId ? assessments.get(keyString(keys.assessment(patientId, assessmentId))) : undefined;
      if (!item) return undefined;
      const assessment = entityOf<AssessmentRecord>(item);
      return { ons4: assessment.ons4, ...(assessment.swemwbs ? { swemwbsMetric: assessment.swemwbs.metricScore } : {}) };
    };

    return prescriptions.map((p) => {
      const counter = counters.get(keyString(keys.prescriptionAttendance(p.patientId, p.prescriptionId)));
      const followUp = followUpOf(p);
      const baseline = scoresOf(p.patientId, baselineIdOf(p));
      const followUpScores = scoresOf(p.patientId, followUp?.assessmentId);
      return {
        prescriptionId: p.prescriptionId,
        patientId: p.patientId,
        status: p.status,
        startDate: p.startDate,
        weeks: p.weeks,
        endDate: p.endDate,
        categories: p.categories ?? [],
        sessionsAttended: typeof counter?.sessionsAttended === 'number' ? counter.sessionsAttended : 0,
        ...(followUp
          ? { followUp: { status: followUp.status, dueAt: followUp.dueAt, ...(followUp.completedAt ? { completedAt: followUp.completedAt } : {}) } }
          : {}),
        ...(baseline ? { baseline } : {}),
        ...(followUpScores ? { followUpScores } : {}),
      };
    });
  }
}

async function byKey(db: Db, itemKeys: ItemKey[]): Promise<Map<string, Record<string, unknown>>> {
  if (itemKeys.length === 0) return new Map();
  return new Map((await batchGetAll(db, itemKeys)).map((item) => [keyString(item), item]));
}

function attendanceDayOf(item: Record<string, unknown>): AttendanceDay {
  const set = (value: unknown): ReadonlySet<string> => (value instanceof Set ? (value as Set<string>) : new Set<string>());
  return {
    providerId: String(item.providerId),
    venueId: String(item.venueId),
    day: String(item.day),
    place: String(item.place),
    ...(typeof item.activityId === 'string' ? { activityId: item.activityId } : {}),
    ...(typeof item.activityName === 'string' ? { activityName: item.activityName } : {}),
    ...(typeof item.category === 'string' ? { category: item.category as AttendanceDay['category'] & string } : {}),
    patients: set(item.patients),
    ...(item.offPrescription instanceof Set ? { offPrescription: set(item.offPrescription) } : {}),
  };
}
