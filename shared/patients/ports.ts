import type { Principal } from '#shared/platform/auth';
import type { TransactItem } from '#shared/platform/transactions';
import type { PatientRecord } from './rules';
import type { EndReason, GpSummaryPreparedView, TimelineEntryView } from './schema';

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
  /**
   * The writes that withdraw it, or undefined when the patient has no current prescription. The
   * referral's end reason becomes the prescription's withdrawal reason.
   */
  withdrawCurrent(principal: Principal, patient: PatientRecord, reason?: EndReason): Promise<PrescriptionWithdrawal | undefined>;
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
  prepare(event: GpSummaryEvent): Promise<GpSummaryPreparing>;
}

/** The writes that prepare the summary (none when it is not), and what the answer says about it. */
export interface GpSummaryPreparing {
  items: TransactItem[];
  summary: GpSummaryPreparedView;
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

/**
 * The Index of Multiple Deprivation 2019 decile of a postcode's LSOA (1 = the most deprived 10% in
 * England), for a patient with a postcode and no decile recorded (ARCHITECTURE.md decision 89). A
 * recorded decile always wins. No lookup ships (the ONS postcode directory behind one is ~1.7M rows),
 * so the composition root wires `noDeprivationLookup`; a shipped table or service can plug in here.
 * It is given the postcode alone, normalised (LU4 8AA), never who lives there.
 */
export interface DeprivationLookup {
  /** The decile, or undefined when the postcode is not known to it. */
  decileFor(postcode: string): Promise<number | undefined>;
}

/** The lookup that knows no postcode: only recorded deciles are reported. */
export const noDeprivationLookup: DeprivationLookup = { decileFor: async () => undefined };
