import { newAssessment, type AssessmentRecord } from '#shared/assessments/rules';
import type { CreateAssessmentInput } from '#shared/assessments/schema';
import type { OpenFollowUpCompletion } from '#shared/assessments/service';
import type { AssessmentStore } from '#shared/assessments/store';
import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { Db } from '#shared/platform/dynamo';
import type { IdSource } from '#shared/platform/ids';
import { londonDate } from '#shared/platform/london';
import { transact } from '#shared/platform/transactions';
import { caseloadFilter, visiblePatient, type PatientRecord } from '#shared/patients/rules';
import type { GpSummaryPreparation } from '#shared/patients/ports';
import type { PatientStore } from '#shared/patients/store';
import { applyChange } from '#shared/prescriptions/rules';
import type { PrescriptionStore } from '#shared/prescriptions/store';
import type { FollowUpReminders } from './reminders';
import { complete, isOverdue, type FollowUpRecord, type FollowUpStatus } from './rules';
import type { FollowUpView } from './schema';
import type { FollowUpStore } from './store';

type Conflict = { kind: 'conflict'; code: string; message: string };

export type CompleteOutcome = { kind: 'completed'; followUp: FollowUpView } | { kind: 'not_found'; what: 'Follow-up' } | Conflict;
export type InboxOutcome = { kind: 'listed'; page: { items: FollowUpView[]; nextCursor?: string } } | { kind: 'forbidden'; message: string };

const FOLLOW_UP_CHANGED: Conflict = {
  kind: 'conflict',
  code: 'follow_up_changed',
  message: 'The follow-up changed while this request ran; read it again and retry.',
};

/**
 * The follow-ups capability's use cases: the inbox, and completing a follow-up — from the inbox,
 * or by a follow-up assessment entered on the patient page (as `OpenFollowUpCompletion`).
 */
export class FollowUpService implements OpenFollowUpCompletion {
  constructor(
    private readonly deps: {
      db: Db;
      ids: IdSource;
      clock: Clock;
      patients: PatientStore;
      assessments: AssessmentStore;
      followUps: FollowUpStore;
      prescriptions: PrescriptionStore;
      reminders: FollowUpReminders;
      /** The GP summary a prescription ending with its follow-up calls for (absent: none is prepared). */
      gpSummaries?: GpSummaryPreparation;
    },
  ) {}

  /** One page of the caller's caseload's follow-ups in one status (everyone's for a manager), earliest due first. */
  async inbox(
    principal: Principal,
    query: { status: FollowUpStatus; navigator?: string | undefined; limit: number; cursor?: string | undefined },
  ): Promise<InboxOutcome> {
    const { status, navigator, ...page } = query;
    const filter = caseloadFilter(principal, navigator);
    if (!filter.ok) return filter;
    const result = await this.deps.followUps.list({ navigator: filter.navigator, status }, page);
    return { kind: 'listed', page: { ...result, items: await this.views(result.items) } };
  }

  /** Completes a follow-up from the inbox (early is allowed, and flagged); twice, or a cancelled one, is a conflict. */
  async complete(principal: Principal, followUpId: string, answers: Omit<CreateAssessmentInput, 'kind'>): Promise<CompleteOutcome> {
    const followUp = await this.deps.followUps.getById(followUpId);
    const patient = followUp ? visiblePatient(principal, await this.deps.patients.getPatient(followUp.patientId)) : undefined;
    if (!followUp || !patient) return { kind: 'not_found', what: 'Follow-up' };
    if (followUp.status === 'completed') return { kind: 'conflict', code: 'follow_up_completed', message: 'This follow-up is already completed.' };
    if (followUp.status === 'cancelled') {
      return { kind: 'conflict', code: 'follow_up_cancelled', message: 'This follow-up was cancelled: its prescription was withdrawn.' };
    }
    const done = await this.completeWith(principal, followUp, patient, answers);
    if (done.kind !== 'completed') return done;
    const [view] = await this.views([done.followUp]);
    return { kind: 'completed', followUp: view! };
  }

  /**
   * A follow-up assessment entered anywhere completes the patient's due follow-up, if they have
   * one. One not yet due is left alone (completing it would end the prescription early); the
   * inbox can still complete it early, deliberately.
   */
  async completeOpenFollowUp(
    principal: Principal,
    patient: PatientRecord,
    answers: Omit<CreateAssessmentInput, 'kind'>,
  ): ReturnType<OpenFollowUpCompletion['completeOpenFollowUp']> {
    const open = await this.deps.followUps.openForPatient(patient.patientId);
    if (!open) return { kind: 'none_open' };
    if (open.status !== 'due') return { kind: 'not_yet_due', followUpId: open.followUpId, dueAt: open.dueAt };
    const done = await this.completeWith(principal, open, patient, answers);
    if (done.kind !== 'completed') return done;
    return { kind: 'completed', assessment: done.assessment, followUpId: open.followUpId, prescriptionId: open.prescriptionId };
  }

  /**
   * Records the follow-up assessment, completes the follow-up (paired with the patient's latest
   * baseline) and — unless it already ended — its prescription, all in one transaction; then
   * drops the reminder. The inbox, the patient page and the demo data all come here.
   */
  async completeWith(
    principal: Principal,
    followUp: FollowUpRecord,
    patient: Pick<PatientRecord, 'baselineAssessmentId'> & Partial<Pick<PatientRecord, 'patientId' | 'navigator' | 'consents' | 'gpPracticeCode' | 'openReferralId'>>,
    answers: Omit<CreateAssessmentInput, 'kind'>,
    clock: Clock = this.deps.clock,
  ): Promise<{ kind: 'completed'; followUp: FollowUpRecord; assessment: AssessmentRecord } | Conflict> {
    const { db, ids, assessments, followUps, prescriptions, reminders, gpSummaries } = this.deps;
    const now = clock.now();
    const assessment: AssessmentRecord = {
      ...newAssessment({ ...answers, kind: 'follow_up' }, { patientId: followUp.patientId, recordedBy: principal.sub }, { clock, ids }),
      followUpId: followUp.followUpId,
      prescriptionId: followUp.prescriptionId,
    };
    const completed = complete(followUp, assessment.assessmentId, now, patient.baselineAssessmentId);
    const prescription = await prescriptions.get(followUp.prescriptionId);
    const endsPrescription = prescription !== undefined && (prescription.status === 'active' || prescription.status === 'paused');
    const together = [
      // A transaction touches an item once: when the prescription's update checks the patient, the assessment does not.
      ...assessments.recordItems(assessment, principal, { checkPatient: !endsPrescription }),
      followUps.replaceItem(followUp, completed),
    ];
    // The prescription ends with its follow-up: the GP summary is prepared in the same transaction.
    if (endsPrescription && gpSummaries && patient.patientId && patient.openReferralId) {
      together.push(
        ...(
          await gpSummaries.prepare({
            trigger: 'follow_up_completed',
            patient: { ...patient, patientId: patient.patientId, openReferralId: patient.openReferralId },
            referralId: patient.openReferralId,
            prescriptionId: followUp.prescriptionId,
            followUpId: followUp.followUpId,
            by: principal.sub,
          })
        ).items,
      );
    }
    if (endsPrescription) {
      const refused = await prescriptions.update(prescription, applyChange(prescription, { status: 'completed' }, londonDate(now), now), principal, together);
      if (refused) return { kind: 'conflict', ...refused };
    } else {
      const changed = new Error('follow-up changed');
      try {
        await transact(db, together, () => changed);
      } catch (error) {
        if (error === changed) return FOLLOW_UP_CHANGED;
        throw error;
      }
    }
    await reminders.remind(followUp, completed);
    return { kind: 'completed', followUp: completed, assessment };
  }

  /** Inbox rows: the follow-ups with the patient's name and their prescription's dates and attendance. */
  private async views(records: FollowUpRecord[]): Promise<FollowUpView[]> {
    const [names, prescriptions] = await Promise.all([
      this.deps.patients.patientNames([...new Set(records.map((r) => r.patientId))]),
      this.deps.prescriptions.many(records),
    ]);
    const now = this.deps.clock.now();
    return records.map((record) => {
      const prescription = prescriptions.get(record.prescriptionId);
      const name = names.get(record.patientId);
      const { version: _version, createdAt: _created, updatedAt: _updated, ...fields } = record;
      return {
        ...fields,
        ...(name ? { patient: name } : {}),
        overdue: isOverdue(record, now),
        ...(prescription
          ? {
              prescription: {
                status: prescription.status,
                startDate: prescription.startDate,
                endDate: prescription.endDate,
                sessionsAttended: prescription.sessionsAttended,
              },
            }
          : {}),
      };
    });
  }
}
