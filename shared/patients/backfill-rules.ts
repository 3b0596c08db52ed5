import { contactSummary, PRESCRIPTION_SUMMARY_FIELDS, prescriptionSummary, type StoredSummary, type SummaryChange, type SummaryPrescription } from './caseload';
import { identityHashOf, type ContactRecord, type PatientRecord, type ReferralRecord } from './rules';

/**
 * The one-off backfill of what v1 patient items lack (decision 92): pure planning, no I/O.
 * Two things were added to every patient after v1 data could exist — the identity registration
 * (`PATIENTIDENTITY#<hash>` and the patient's `identityHash`, decision 67) and the caseload summary
 * (decision 74). A patient written by v1 has neither, so a re-referral by name and date of birth
 * does not find them and the caseload's filters see no state. The backfill recomputes both from
 * the record exactly as the live writes would have written them, and never overwrites a value a
 * live write has since put there (the store's conditions; see backfill.ts).
 */

/** What a planned patient needs: their identity registered, their summary written, or both. */
export interface PatientBackfillPlan {
  patientId: string;
  /** The identity hash to register the patient under (absent: already registered). */
  identityHash?: string;
  /** The summary to write (absent: already there). */
  summary?: SummaryChange;
}

/** The prescription facts a summary needs, and when it was written (to tell which episode it belongs to). */
export interface PrescriptionFacts extends SummaryPrescription {
  createdAt: string;
}

/** What of a patient's record the summary is worked out from. */
export interface PatientRecords {
  /** Their referrals (episodes), any order. */
  referrals: readonly ReferralRecord[];
  /** Their newest prescription, if any. */
  latestPrescription?: PrescriptionFacts | undefined;
  contacts: readonly Pick<ContactRecord, 'at'>[];
}

/** The identity a patient must be registered under, when they are not yet (no `identityHash` on the item). */
export function identityToBackfill(patient: Pick<PatientRecord, 'identityHash' | 'givenName' | 'familyName' | 'dateOfBirth'>): string | undefined {
  return patient.identityHash === undefined ? identityHashOf(patient) : undefined;
}

/**
 * Does the stored summary need writing? Every patient written since decision 74 has a referral
 * status from their first referral's Put on; a patient without one is a v1 patient, whichever other
 * summary fields a live write (a contact, a prescription change) has set on it since.
 */
export function summaryNeedsBackfill(stored: StoredSummary): boolean {
  return stored.referralStatus === undefined;
}

/**
 * The patient's latest referral (their current episode): the one `openReferralId` names, which
 * every new episode moves, or else the newest by when it was received.
 */
export function latestReferralOf(referrals: readonly ReferralRecord[], openReferralId: string | undefined): ReferralRecord | undefined {
  const named = referrals.find((referral) => referral.referralId === openReferralId);
  if (named) return named;
  return [...referrals].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.referralId.localeCompare(a.referralId))[0];
}

/**
 * The summary the live writes would have left, from the record, built with their own pieces: the
 * latest referral's status and receipt (as a referral's Put or a new episode sets them), the latest
 * prescription through `prescriptionSummary` when it belongs to that episode (written after the
 * referral was received; an earlier episode's is removed, as a new episode removes it), and the last
 * contact as `contactSummary` moves it, one contact at a time. The follow-up's due instant is the
 * prescription's (`followUpDueAt`), as live: the follow-up's own status is never copied.
 * Undefined when the patient has no referral at all (nothing to summarise; not a v1 shape).
 */
export function summaryFromRecords(records: PatientRecords, openReferralId: string | undefined): SummaryChange | undefined {
  const referral = latestReferralOf(records.referrals, openReferralId);
  if (!referral) return undefined;
  const set: StoredSummary = { referralStatus: referral.status, referralReceivedAt: referral.createdAt };
  const prescription = records.latestPrescription;
  const current = prescription !== undefined && prescription.createdAt >= referral.createdAt;
  if (current) Object.assign(set, prescriptionSummary(prescription));
  let contacts: Pick<StoredSummary, 'lastContactAt'> = {};
  for (const contact of records.contacts) contacts = { ...contacts, ...contactSummary(contacts, contact.at) };
  Object.assign(set, contacts);
  return { set, ...(current ? {} : { remove: PRESCRIPTION_SUMMARY_FIELDS }) };
}

/**
 * What one patient needs, from their item as read and — only when the summary is missing — their
 * record. Undefined when there is nothing to do (a patient written since both were built, or one
 * already backfilled: running again is a no-op).
 */
export function planPatientBackfill(
  patient: Pick<PatientRecord, 'patientId' | 'identityHash' | 'givenName' | 'familyName' | 'dateOfBirth'> & { openReferralId?: string | undefined },
  stored: StoredSummary,
  records: PatientRecords | undefined,
): PatientBackfillPlan | undefined {
  const identityHash = identityToBackfill(patient);
  const summary = summaryNeedsBackfill(stored) && records ? summaryFromRecords(records, patient.openReferralId) : undefined;
  if (identityHash === undefined && summary === undefined) return undefined;
  return { patientId: patient.patientId, ...(identityHash ? { identityHash } : {}), ...(summary ? { summary } : {}) };
}

/** A resume token: where one Scan segment stopped (the last key read: ids only, no personal data), base64url. */
export interface BackfillPosition {
  segment: number;
  segments: number;
  startKey: { PK: string; SK: string };
}

export function encodeBackfillPosition(position: BackfillPosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The position a token names, or undefined for one this backfill did not issue. */
export function decodeBackfillPosition(token: string): BackfillPosition | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<BackfillPosition>;
    const { segment, segments, startKey } = value;
    if (!Number.isInteger(segments) || segments! < 1 || segments! > 1_000_000) return undefined;
    if (!Number.isInteger(segment) || segment! < 0 || segment! >= segments!) return undefined;
    if (typeof startKey?.PK !== 'string' || typeof startKey.SK !== 'string' || !/^PATIENT#[0-9A-HJKMNP-TV-Z]{26}$/.test(startKey.PK) || startKey.SK !== 'PATIENT') return undefined;
    return { segment: segment!, segments: segments!, startKey: { PK: startKey.PK, SK: startKey.SK } };
  } catch {
    return undefined;
  }
}
