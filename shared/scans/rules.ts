import { Temporal } from 'temporal-polyfill';
import type { FieldIssue } from '#shared/platform/errors';
import { londonDate } from '#shared/platform/london';
import type { CardRecord } from '#shared/cards/rules';
import type { PrescriptionRecord } from '#shared/prescriptions/rules';
import { weeksRemaining } from '#shared/prescriptions/rules';
import type { ActivityRecord, ProviderRecord, VenueRecord } from '#shared/registry/rules';
import { isAccreditedOn } from '#shared/registry/rules';

/**
 * Whether a card scan at a venue door counts as attendance: one pure function over what the
 * scan names and what the store read, with the server's clock passed in.
 */
export const REJECTION_REASONS = [
  'unknown_card',
  'card_revoked',
  'card_not_yet_issued',
  'no_active_prescription',
  'provider_not_accredited',
  'venue_not_yours',
  'activity_not_at_venue',
  'scanned_at_out_of_range',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** A device's clock may run a little fast; more than this ahead of ours is a wrong clock. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;
/** How long a scan may wait on an offline device and still count. */
export const OFFLINE_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

export interface ScanFacts {
  /** The provider the scanning device belongs to (from its token) and what was read for it. */
  providerId: string;
  provider: ProviderRecord | undefined;
  venue: VenueRecord | undefined;
  /** Whether the scan named an activity, and the activity read for it. */
  activityRequested: boolean;
  activity: ActivityRecord | undefined;
  card: CardRecord | undefined;
  /** The card holder's latest prescription, if any. */
  prescription: PrescriptionRecord | undefined;
  scannedAt: Date;
  now: Date;
}

export type ScanDecision =
  | {
      outcome: 'accepted';
      /** The London day the attendance belongs to. */
      day: string;
      patientId: string;
      prescription: PrescriptionRecord;
      onPrescription: boolean;
    }
  | { outcome: 'rejected'; reason: RejectionReason; why?: NoPrescriptionWhy };

const reject = (reason: RejectionReason, why?: NoPrescriptionWhy): ScanDecision => ({ outcome: 'rejected', reason, ...(why ? { why } : {}) });

/**
 * Why the holder's prescription does not count today, so the door can say it plainly: the reason
 * code stays `no_active_prescription` (the API's contract), the words say paused, not started or
 * ended. Only a scan that passed the door's own checks, with the card in hand, hears this.
 */
export type NoPrescriptionWhy = 'none' | 'paused' | 'not_started' | 'ended';

export function noPrescriptionWhy(prescription: PrescriptionRecord | undefined, patientId: string, day: string): NoPrescriptionWhy {
  if (!prescription || prescription.patientId !== patientId) return 'none';
  if (prescription.status === 'paused') return 'paused';
  if (prescription.status !== 'active' || day > prescription.endDate) return 'ended';
  return day < prescription.startDate ? 'not_started' : 'none';
}

/**
 * The checks every scan gets, new or repeated, in this order, so the person at the door hears
 * about their own set-up (clock, venue, activity, accreditation) before anything about the card
 * in their hand. Only a scan that passes them may hear whether the person was already recorded:
 * a duplicate answer to anyone else would tell them who attended where.
 */
export function doorRejection(facts: Omit<ScanFacts, 'prescription'>): RejectionReason | undefined {
  const { scannedAt, now } = facts;
  const age = now.getTime() - scannedAt.getTime();
  if (-age > MAX_CLOCK_AHEAD_MS || age > OFFLINE_WINDOW_MS) return 'scanned_at_out_of_range';

  const { venue, activity } = facts;
  if (!venue || venue.providerId !== facts.providerId) return 'venue_not_yours';
  if (facts.activityRequested && (!activity || activity.venueId !== venue.venueId)) return 'activity_not_at_venue';

  const day = londonDate(scannedAt);
  if (!facts.provider || !isAccreditedOn(facts.provider.accreditation, day)) return 'provider_not_accredited';

  const { card } = facts;
  if (!card) return 'unknown_card';
  // A door device's clock may run as slow as it may run fast, so a scan a moment before the card's
  // issue is allowed as much leeway as one a moment after our now. A scan made well before the
  // current issue is refused as such (never as "revoked": the card may never have been revoked).
  const scannedMs = scannedAt.getTime();
  if (scannedMs < Date.parse(card.issuedAt) - MAX_CLOCK_AHEAD_MS) return 'card_not_yet_issued';
  // A scan made before the card was revoked (and synced later from an offline device) still
  // counts: it happened.
  if (card.status === 'revoked' && (!card.revokedAt || scannedMs >= Date.parse(card.revokedAt))) return 'card_revoked';
  return undefined;
}

/** Whether a new scan counts: the door's checks, then the card holder's prescription on the day. */
export function decideScan(facts: ScanFacts): ScanDecision {
  const reason = doorRejection(facts);
  return reason ? reject(reason) : decideForHolder({ ...facts, card: facts.card! });
}

/**
 * The rest of decideScan, for a scan that has passed `doorRejection` (so its card is known): the
 * card holder's prescription must be active on the London day of the scan.
 */
export function decideForHolder(facts: ScanFacts & { card: CardRecord }): ScanDecision {
  const { card, prescription, activity } = facts;
  const day = londonDate(facts.scannedAt);
  if (!isActiveOn(prescription, card.patientId, day)) return reject('no_active_prescription', noPrescriptionWhy(prescription, card.patientId, day));
  return {
    outcome: 'accepted',
    day,
    patientId: card.patientId,
    prescription,
    onPrescription: activity !== undefined && prescription.activityIds.includes(activity.activityId),
  };
}

/** Active, the card holder's, and the day within its dates. */
export function isActiveOn(
  prescription: PrescriptionRecord | undefined,
  patientId: string,
  day: string,
): prescription is PrescriptionRecord {
  return (
    prescription !== undefined &&
    prescription.patientId === patientId &&
    prescription.status === 'active' &&
    prescription.startDate <= day &&
    day <= prescription.endDate
  );
}

/** What the person at the door is told, in plain English, for each refusal. */
export function rejectionMessage(reason: RejectionReason, card?: Pick<CardRecord, 'revokeReason'>, why: NoPrescriptionWhy = 'none'): string {
  switch (reason) {
    case 'unknown_card':
      return 'This card is not registered. Ask the person to contact their navigator.';
    case 'card_revoked': {
      const why = card?.revokeReason;
      const what = why === 'withdrawn' ? 'was handed back' : why ? `was reported ${why}` : 'is no longer valid';
      return `This card ${what}. Ask the person to contact their navigator for a new one.`;
    }
    case 'card_not_yet_issued':
      return 'This card was not in use yet at the time of this scan. Check the device’s date and time, or ask the person to contact their navigator.';
    case 'no_active_prescription':
      return NO_PRESCRIPTION_MESSAGES[why];
    case 'provider_not_accredited':
      return 'Your organisation is not currently accredited, so sessions cannot be recorded. Please contact the programme manager.';
    case 'venue_not_yours':
      return 'This venue is not one of yours. Check the venue chosen on this device.';
    case 'activity_not_at_venue':
      return 'This activity is not run at this venue. Check the activity chosen on this device.';
    case 'scanned_at_out_of_range':
      return 'The scan time is wrong: more than 5 minutes ahead of ours or over 14 days old. Check the device’s date and time.';
  }
}

const NO_PRESCRIPTION_MESSAGES: Record<NoPrescriptionWhy, string> = {
  none: 'This person has no active prescription today, so the session cannot be counted. Ask them to contact their navigator.',
  paused: 'This person’s prescription is paused, so the session cannot be counted. Ask them to contact their navigator to restart it.',
  not_started: 'This person’s prescription has not started yet, so the session cannot be counted. Ask them to check their start date with their navigator.',
  ended: 'This person’s prescription has ended, so the session cannot be counted. Ask them to contact their navigator.',
};

/** The counts the door sees on an accepted or duplicate scan (and nothing about who it is). */
export function doorCounts(prescription: Pick<PrescriptionRecord, 'endDate'>, sessionsAttended: number, day: string) {
  return { sessionsAttended, weeksRemaining: weeksRemaining(prescription, day) };
}

/** The longest period one read of a provider's attendance covers. */
export const MAX_ATTENDANCE_DAYS = 366;

/** What is wrong with an attendance range: `to` before `from`, or longer than MAX_ATTENDANCE_DAYS. */
export function attendanceRangeIssues(from: string, to: string): FieldIssue[] {
  const days = Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to)).days;
  if (days < 0) return [{ in: 'query', path: 'to', code: 'before_from', message: 'to must not be before from' }];
  if (days >= MAX_ATTENDANCE_DAYS) return [{ in: 'query', path: 'to', code: 'range_too_long', message: `at most ${MAX_ATTENDANCE_DAYS} days` }];
  return [];
}
