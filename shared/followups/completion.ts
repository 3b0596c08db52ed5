import { newAssessment } from '../assessments/rules';
import type { CreateAssessmentInput } from '../assessments/schema';
import type { Principal } from '../platform/auth';
import type { Clock } from '../platform/clock';
import { londonDate } from '../platform/london';
import type { Services } from '../platform/services';
import { transact } from '../platform/transactions';
import type { PatientRecord } from '../patients/rules';
import { applyChange } from '../prescriptions/rules';
import { complete, type FollowUpRecord } from './rules';
import { followUpChanged } from './store';

/**
 * Holds a follow-up: records the follow-up assessment, completes the follow-up (paired with the
 * patient's latest baseline) and — unless it already ended — its prescription, all in one
 * transaction; then drops the reminder. The inbox's route and the demo data both come here.
 */
export async function completeFollowUp(
  services: Pick<Services, 'db' | 'ids' | 'assessments' | 'followUps' | 'prescriptions' | 'followUpService'>,
  principal: Principal,
  followUp: FollowUpRecord,
  patient: Pick<PatientRecord, 'baselineAssessmentId'>,
  answers: Omit<CreateAssessmentInput, 'kind'>,
  clock: Clock,
): Promise<FollowUpRecord> {
  const { db, ids, assessments, followUps, prescriptions, followUpService } = services;
  const now = clock.now();
  const assessment = newAssessment({ ...answers, kind: 'follow_up' }, { patientId: followUp.patientId, recordedBy: principal.sub }, { clock, ids });
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
  return completed;
}
