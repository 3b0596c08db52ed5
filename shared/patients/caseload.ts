import { londonDate } from '#shared/platform/london';
import type { OpenReferralStatus, ReferralStatus } from './schema';

/**
 * The caseload summary (ARCHITECTURE.md decision 74): each patient's current state, kept on the
 * patient item by the writes that change it, so a caseload is one Query. Pure: the clock is passed in.
 */

/** Days after which a due follow-up is overdue: the inbox's threshold (followups/rules OVERDUE_AFTER_DAYS). */
export const CASELOAD_OVERDUE_AFTER_DAYS = 14;

export const PRESCRIPTION_SUMMARY_STATUSES = ['active', 'paused', 'completed', 'withdrawn'] as const;
export type PrescriptionSummaryStatus = (typeof PRESCRIPTION_SUMMARY_STATUSES)[number];

/** The summary's attributes as stored on the patient item (flat, so an Update can SET each one alone). */
export interface StoredSummary {
  /** The latest episode's referral status. */
  referralStatus?: ReferralStatus;
  /** When the latest episode's referral was received. */
  referralReceivedAt?: string;
  /** The latest episode's latest prescription. */
  prescriptionId?: string;
  prescriptionStatus?: PrescriptionSummaryStatus;
  prescriptionStartDate?: string;
  prescriptionEndDate?: string;
  prescriptionWeeks?: number;
  prescriptionPausedDays?: number;
  followUpDueAt?: string;
  /** The latest contact recorded (any kind, any outcome: an attempt counts as contact). */
  lastContactAt?: string;
}
export type SummaryField = keyof StoredSummary;
export const SUMMARY_FIELDS: readonly SummaryField[] = [
  'referralStatus',
  'referralReceivedAt',
  'prescriptionId',
  'prescriptionStatus',
  'prescriptionStartDate',
  'prescriptionEndDate',
  'prescriptionWeeks',
  'prescriptionPausedDays',
  'followUpDueAt',
  'lastContactAt',
];
export const PRESCRIPTION_SUMMARY_FIELDS: readonly SummaryField[] = [
  'prescriptionId',
  'prescriptionStatus',
  'prescriptionStartDate',
  'prescriptionEndDate',
  'prescriptionWeeks',
  'prescriptionPausedDays',
  'followUpDueAt',
];

/** A change of the summary: fields to set, fields to remove. */
export interface SummaryChange {
  set: StoredSummary;
  remove?: readonly SummaryField[];
}

/** What of a prescription the summary carries (the prescriptions capability's record, structurally). */
export interface SummaryPrescription {
  prescriptionId: string;
  status: PrescriptionSummaryStatus;
  startDate: string;
  endDate: string;
  weeks: number;
  pausedDays: number;
  followUpDueAt: string;
}

/** What a prescription write puts in the summary. */
export function prescriptionSummary(prescription: SummaryPrescription): StoredSummary {
  return {
    prescriptionId: prescription.prescriptionId,
    prescriptionStatus: prescription.status,
    prescriptionStartDate: prescription.startDate,
    prescriptionEndDate: prescription.endDate,
    prescriptionWeeks: prescription.weeks,
    prescriptionPausedDays: prescription.pausedDays,
    followUpDueAt: prescription.followUpDueAt,
  };
}

/** A contact moves the last contact only forwards (a contact may be dated up to a year back). */
export function contactSummary(read: Pick<StoredSummary, 'lastContactAt'>, contactAt: string): StoredSummary {
  return read.lastContactAt !== undefined && Date.parse(read.lastContactAt) >= Date.parse(contactAt) ? {} : { lastContactAt: contactAt };
}

export type FollowUpState = 'scheduled' | 'due' | 'overdue';

export interface CaseloadSummaryView {
  referralStatus?: ReferralStatus;
  referralReceivedAt?: string;
  /** Whole days since the referral was received, while it waits for a prescription (received or accepted). */
  daysWaiting?: number;
  prescription?: {
    prescriptionId: string;
    status: PrescriptionSummaryStatus;
    startDate: string;
    endDate: string;
    weeks: number;
    /** Week n of `weeks`, while active or paused and started. */
    week?: number;
  };
  /** The follow-up of an active or paused prescription. */
  followUp?: { dueAt: string; state: FollowUpState };
  lastContactAt?: string;
  /** Whole days since the last contact (absent if there has been none). */
  daysSinceContact?: number;
}

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
const wholeDays = (from: string, now: Date) => Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / DAY_MS));
const WAITING: readonly string[] = ['received', 'accepted'] satisfies OpenReferralStatus[];

/** The summary as the API shows it, at `now`. */
export function caseloadSummary(stored: StoredSummary, now: Date): CaseloadSummaryView {
  const view: CaseloadSummaryView = {};
  if (stored.referralStatus) view.referralStatus = stored.referralStatus;
  if (stored.referralReceivedAt) {
    view.referralReceivedAt = stored.referralReceivedAt;
    if (stored.referralStatus && WAITING.includes(stored.referralStatus)) view.daysWaiting = wholeDays(stored.referralReceivedAt, now);
  }
  const { prescriptionId, prescriptionStatus, prescriptionStartDate, prescriptionEndDate, prescriptionWeeks } = stored;
  if (prescriptionId && prescriptionStatus && prescriptionStartDate && prescriptionEndDate && prescriptionWeeks !== undefined) {
    const current = prescriptionStatus === 'active' || prescriptionStatus === 'paused';
    const today = londonDate(now);
    const elapsed = dayNumber(today) - dayNumber(prescriptionStartDate) - (stored.prescriptionPausedDays ?? 0);
    const week = current && elapsed >= 0 ? Math.min(prescriptionWeeks, Math.floor(elapsed / 7) + 1) : undefined;
    view.prescription = {
      prescriptionId,
      status: prescriptionStatus,
      startDate: prescriptionStartDate,
      endDate: prescriptionEndDate,
      weeks: prescriptionWeeks,
      ...(week !== undefined ? { week } : {}),
    };
    if (current && stored.followUpDueAt) {
      const late = now.getTime() - Date.parse(stored.followUpDueAt);
      const state: FollowUpState = late < 0 ? 'scheduled' : late > CASELOAD_OVERDUE_AFTER_DAYS * DAY_MS ? 'overdue' : 'due';
      view.followUp = { dueAt: stored.followUpDueAt, state };
    }
  }
  if (stored.lastContactAt) {
    view.lastContactAt = stored.lastContactAt;
    view.daysSinceContact = wholeDays(stored.lastContactAt, now);
  }
  return view;
}

// ---------------------------------------------------------------------------------------------
// Search, filter and sort (in memory, over one navigator's caseload: decision 74)
// ---------------------------------------------------------------------------------------------

export const CASELOAD_SORTS = ['name', 'days_waiting', 'last_contact', 'follow_up_due'] as const;
export type CaseloadSort = (typeof CASELOAD_SORTS)[number];

export interface CaseloadQuery {
  q?: string | undefined;
  stage?: ReferralStatus | undefined;
  followUpDue?: boolean | undefined;
  noContactDays?: number | undefined;
  sort?: CaseloadSort | undefined;
}

export interface CaseloadRow {
  patient: { patientId: string; givenName: string; familyName: string; nhsNumber?: string | undefined };
  summary: CaseloadSummaryView;
}

/** Lower case, accents and other marks removed, typographic apostrophes as `'`: `Zoë` finds `zoe`, `ZOE` finds `Zoë`. */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .toLowerCase()
    .trim();
}

/** The words of a name a search may start at: `Smith-Jones` is `smith-jones`, `smith` and `jones`. */
function nameWords(name: string): string[] {
  const folded = foldName(name);
  return [folded, ...folded.split(/[\s\-']+/).filter(Boolean)];
}

/**
 * Does the patient match the search? Ten digits (spaces allowed) are an NHS number, matched
 * exactly; anything else is a name: every word of it must start the given or family name (or
 * one of their parts), ignoring case and accents.
 */
export function matchesSearch(patient: CaseloadRow['patient'], q: string): boolean {
  const compact = q.replace(/\s+/g, '');
  if (/^\d+$/.test(compact)) return compact.length === 10 && patient.nhsNumber === compact;
  const words = foldName(q).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const names = [...nameWords(patient.givenName), ...nameWords(patient.familyName)];
  return words.every((word) => names.some((name) => name.startsWith(word)));
}

const byName = (a: CaseloadRow, b: CaseloadRow) =>
  foldName(a.patient.familyName).localeCompare(foldName(b.patient.familyName)) ||
  foldName(a.patient.givenName).localeCompare(foldName(b.patient.givenName)) ||
  a.patient.patientId.localeCompare(b.patient.patientId);

/** Missing values sort last whichever the direction. */
function compareOptional(a: number | undefined, b: number | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  return a - b;
}

const SORTS: Record<CaseloadSort, (a: CaseloadRow, b: CaseloadRow) => number> = {
  name: byName,
  // Longest waiting first.
  days_waiting: (a, b) => compareOptional(negate(a.summary.daysWaiting), negate(b.summary.daysWaiting)) || byName(a, b),
  // Longest without contact first; never contacted before everyone.
  last_contact: (a, b) => compareOptional(contactTime(a), contactTime(b)) || byName(a, b),
  // Earliest due first; no follow-up last.
  follow_up_due: (a, b) => compareOptional(dueTime(a), dueTime(b)) || byName(a, b),
};
const negate = (n: number | undefined) => (n === undefined ? undefined : -n);
const contactTime = (row: CaseloadRow) => (row.summary.lastContactAt ? Date.parse(row.summary.lastContactAt) : Number.NEGATIVE_INFINITY);
const dueTime = (row: CaseloadRow) => (row.summary.followUp ? Date.parse(row.summary.followUp.dueAt) : undefined);

/** The rows that match the query, in its order (name when none is given). */
export function applyCaseloadQuery<R extends CaseloadRow>(rows: readonly R[], query: CaseloadQuery, now: Date): R[] {
  const cutoff = query.noContactDays === undefined ? undefined : now.getTime() - query.noContactDays * DAY_MS;
  return rows
    .filter((row) => (query.q === undefined ? true : matchesSearch(row.patient, query.q)))
    .filter((row) => (query.stage === undefined ? true : row.summary.referralStatus === query.stage))
    .filter((row) => (query.followUpDue === true ? row.summary.followUp !== undefined && row.summary.followUp.state !== 'scheduled' : true))
    .filter((row) => {
      if (cutoff === undefined) return true;
      // No contact at all counts from when the referral was received.
      const last = row.summary.lastContactAt ?? row.summary.referralReceivedAt;
      return last === undefined || Date.parse(last) < cutoff;
    })
    .sort(SORTS[query.sort ?? 'name']);
}

/** The navigation's counts: follow-ups due (overdue included) and referrals received but not yet accepted. */
export function caseloadCounts(rows: readonly CaseloadRow[]): { dueFollowUps: number; newReferrals: number } {
  return {
    dueFollowUps: rows.filter((row) => row.summary.followUp !== undefined && row.summary.followUp.state !== 'scheduled').length,
    newReferrals: rows.filter((row) => row.summary.referralStatus === 'received').length,
  };
}

/** An in-memory page's cursor: the offset, base64url, checked on the way back. */
export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}
export function decodeOffsetCursor(cursor: string): number | undefined {
  const match = /^o:(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}
