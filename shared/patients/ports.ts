import type { Principal } from '#shared/platform/auth';
import type { TransactItem } from '#shared/platform/transactions';
import type { PatientRecord } from './rules';
import type { TimelineEntryView } from './schema';

/**
 * What the patients capability needs from prescriptions and the rest of a patient's record, as
 * interfaces it declares and the composition root fills in: prescriptions, assessments, cards and
 * follow-ups all import patients, so patients never imports them.
 */

/**
 * Ending a referral withdraws the patient's current prescription in the same transaction, exactly
 * as withdrawing it does (its follow-up cancelled, the reminder removed once committed). The
 * prescriptions capability implements it.
 */
export interface CurrentPrescriptionWithdrawal {
  /** The writes that withdraw it, or undefined when the patient has no current prescription. */
  withdrawCurrent(principal: Principal, patient: PatientRecord): Promise<PrescriptionWithdrawal | undefined>;
}

export interface PrescriptionWithdrawal {
  prescriptionId: string;
  /** For the referral's transaction; they include the patient item (its current prescription removed). */
  items: TransactItem[];
  afterCommit(): Promise<void>;
}

/**
 * The entries of a patient's timeline that other capabilities own: assessments, prescriptions,
 * cards and follow-ups, each read by its own store.
 */
export interface PatientHistory {
  entriesFor(patientId: string): Promise<TimelineEntryView[]>;
}

/**
 * The summary for the patient's GP practice that ending a referral (or a prescription ending with
 * its follow-up) calls for: the writes that prepare it, for the same transaction as the change —
 * none when the person has not consented or the practice's ODS code is not on the record. The GP
 * messages capability implements it; follow-ups use it too.
 */
export interface GpSummaryPreparation {
  prepare(event: GpSummaryEvent): Promise<TransactItem[]>;
}

export interface GpSummaryEvent {
  trigger: 'referral_declined' | 'referral_closed' | 'follow_up_completed';
  patient: Pick<PatientRecord, 'patientId' | 'navigator' | 'consents' | 'gpPracticeCode' | 'openReferralId'>;
  referralId: string;
  /** The close's or decline's reason. */
  endReason?: string | undefined;
  prescriptionId?: string | undefined;
  followUpId?: string | undefined;
  by: string;
}
