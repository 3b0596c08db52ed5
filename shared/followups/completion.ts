import { newAssessment, type AssessmentRecord } from '#shared/assessments/rules';
import type { OpenFollowUpCompletion } from '#shared/assessments/service';
import type { CreateAssessmentInput } from '#shared/assessments/schema';
import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import { londonDate } from '#shared/platform/london';
import type { AssessmentStore } from '#shared/assessments/store';
import type { Db } from '#shared/platform/dynamo';
import type { IdSource } from '#shared/platform/ids';
import type { PrescriptionStore } from '#shared/prescriptions/store';
import { transact } from '#shared/platform/transactions';
import type { PatientRecord } from '#shared/patients/rules';
import { applyChange } from '#shared/prescriptions/rules';
import { complete, type FollowUpRecord } from './rules';
import type { FollowUpService } from './service';
import { followUpChanged, type FollowUpStore } from './store';

/** What completing a follow-up writes through. */
export interface CompletionServices {
  db: Db;
  ids: IdSource;
  assessments: AssessmentStore;
  followUps: FollowUpStore;
  prescriptions: PrescriptionStore;
  followUpService: FollowUpService;
}

/**
 * Holds a follow-up: records the follow-up assessment, completes the follow-up (paired with the
 * patient's latest baseline) and — unless it already ended — its prescription, all in one
 * transaction; then drops the reminder. The inbox's route, the patient page's assessment form
 * (through `openFollowUpCompletion`) and the demo data all come here.
 */
export async function completeFollowUp(
  services: CompletionServices,
  principal: Principal,
  followUp: FollowUpRecord,
  patient: Pick<PatientRecord, 'baselineAssessmentId'>,
  answers: Omit<CreateAssessmentInput, 'kind'>,
  clock: Clock,
): Promise<{ followUp: FollowUpRecord; assessment: AssessmentRecord }> {
  const { db, ids, assessments, followUps, prescriptions, followUpService } = services;
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
  if (endsPrescription) {
    await prescriptions.update(prescription, applyChange(prescription, { status: 'completed' }, londonDate(now), now), together);
  } else {
    await transact(db, together, () => followUpChanged());
  }
  await followUpService.remind(followUp, completed);
  return { followUp: completed, assessment };
}

/**
 * A follow-up assessment entered anywhere completes the patient's due follow-up, if they have one.
 * One not yet due is left alone (completing it would end the prescription early); the inbox can
 * still complete it early, deliberately.
 */
export function openFollowUpCompletion(services: CompletionServices, clock: Clock): OpenFollowUpCompletion {
  return {
    async completeOpenFollowUp(principal, patient, answers) {
      const open = await services.followUps.openForPatient(patient.patientId);
      if (!open) return { kind: 'none_open' };
      if (open.status !== 'due') return { kind: 'not_yet_due', followUpId: open.followUpId, dueAt: open.dueAt };
      const { assessment } = await completeFollowUp(services, principal, open, patient, answers, clock);
      return { kind: 'completed', assessment, followUpId: open.followUpId, prescriptionId: open.prescriptionId };
    },
  };
}
