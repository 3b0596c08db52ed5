import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { IdSource } from '#shared/platform/ids';
import { maySeePatient, type PatientRecord } from '#shared/patients/rules';
import type { PatientStore } from '#shared/patients/store';
import { amendAssessment, newAssessment, type AssessmentRecord } from './rules';
import type { AmendAssessmentInput, CreateAssessmentInput, RecordedAssessmentView } from './schema';
import type { AssessmentStore } from './store';
import { noteAudit } from '#shared/platform/audit';

/**
 * What the assessments capability needs from follow-ups, as an interface so that assessments
 * never import follow-ups (follow-ups import assessments): complete the patient's open follow-up
 * with these answers, exactly as completing it from the inbox does.
 */
export interface OpenFollowUpCompletion {
  completeOpenFollowUp(
    principal: Principal,
    patient: PatientRecord,
    answers: Omit<CreateAssessmentInput, 'kind'>,
  ): Promise<
    | { kind: 'completed'; assessment: AssessmentRecord; followUpId: string; prescriptionId: string }
    | { kind: 'not_yet_due'; followUpId: string; dueAt: string }
    | { kind: 'none_open' }
    /** The follow-up or its prescription changed while this ran: nothing was written. */
    | { kind: 'conflict'; code: string; message: string }
  >;
}

export type RecordOutcome =
  | { kind: 'not_found' }
  | { kind: 'conflict'; code: string; message: string }
  | { kind: 'recorded'; assessment: RecordedAssessmentView };
export type ListOutcome = { kind: 'not_found' } | { kind: 'listed'; items: AssessmentRecord[] };
export type AmendOutcome =
  | { kind: 'not_found'; what: 'Patient' | 'Assessment' }
  | { kind: 'changed' }
  | { kind: 'amended'; assessment: AssessmentRecord };

/** The assessments capability's use cases. Each returns what happened; routes turn it into HTTP. */
export class AssessmentService {
  constructor(
    private readonly deps: {
      patients: PatientStore;
      assessments: AssessmentStore;
      followUps: OpenFollowUpCompletion;
      clock: Clock;
      ids: IdSource;
    },
  ) {}

  /**
   * Records an assessment. A baseline moves a received referral on to "accepted" (contact was made). A follow-up is one
   * use case wherever it is entered: it completes the patient's due follow-up (and so their
   * prescription) if there is one, and otherwise stands alone, saying why.
   */
  async record(principal: Principal, patientId: string, input: CreateAssessmentInput): Promise<RecordOutcome> {
    const { patients, assessments, followUps, clock, ids } = this.deps;
    const patient = await patients.getPatient(patientId);
    if (!patient || !maySeePatient(principal, patient)) return { kind: 'not_found' };

    if (input.kind === 'follow_up') {
      const { kind: _kind, ...answers } = input;
      const completion = await followUps.completeOpenFollowUp(principal, patient, answers);
      if (completion.kind === 'conflict') return completion;
      if (completion.kind === 'completed') {
        const { assessment, followUpId, prescriptionId } = completion;
        return { kind: 'recorded', assessment: { ...assessment, attachedTo: { kind: 'follow_up', followUpId, prescriptionId } } };
      }
      const assessment = newAssessment(input, { patientId, recordedBy: principal.sub }, { clock, ids });
      await assessments.record(assessment, principal);
      const attachedTo =
        completion.kind === 'not_yet_due'
          ? { kind: 'none' as const, reason: 'not_yet_due' as const, followUpId: completion.followUpId, dueAt: completion.dueAt }
          : { kind: 'none' as const, reason: 'none_open' as const };
      return { kind: 'recorded', assessment: { ...assessment, attachedTo } };
    }

    const assessment = newAssessment(input, { patientId, recordedBy: principal.sub }, { clock, ids });
    const referral = await patients.getReferral(patientId, patient.openReferralId);
    const advance = referral ? patients.advanceReferral(referral, 'accepted', clock.now()) : undefined;
    await assessments.record(assessment, principal, advance ? [advance] : []);
    return { kind: 'recorded', assessment };
  }

  async list(principal: Principal, patientId: string): Promise<ListOutcome> {
    const patient = await this.deps.patients.getPatient(patientId);
    if (!patient || !maySeePatient(principal, patient)) return { kind: 'not_found' };
    return { kind: 'listed', items: await this.deps.assessments.listForPatient(patientId) };
  }

  /** Corrects a mistaken assessment; the answers it replaces stay in its `amendments`. */
  async amend(principal: Principal, patientId: string, assessmentId: string, input: AmendAssessmentInput): Promise<AmendOutcome> {
    const { patients, assessments, clock } = this.deps;
    const patient = await patients.getPatient(patientId);
    if (!patient || !maySeePatient(principal, patient)) return { kind: 'not_found', what: 'Patient' };
    const before = await assessments.get(patientId, assessmentId);
    if (!before) return { kind: 'not_found', what: 'Assessment' };
    const after = amendAssessment(before, input, { amendedBy: principal.sub, now: clock.now() });
    // The audit entry names the revision replaced and the one written (ids only; the answers replaced stay in `amendments`).
    noteAudit({ replacedRevision: before.revision ?? 0, revision: after.revision ?? 0 });
    if ((await assessments.amend(before, after, principal)) === 'changed') return { kind: 'changed' };
    return { kind: 'amended', assessment: after };
  }
}
