/**
 * Programme report: a pure summary of one social-prescribing programme period.
 *
 * Definitions
 * - The period is `from`..`to`, London calendar dates, both inclusive. The caller filters the data.
 * - Referrals: referrals received in the period, counted by source (every source listed, zero when none).
 * - Cohort: the prescriptions STARTED in the period. Everything below the referrals is about the cohort,
 *   whatever has happened to its prescriptions since; status counts use each prescription's current status.
 * - Sessions: sessions attended per cohort prescription (mean, median, how many attended at least 1 and
 *   at least 6; shares are of the prescriptions counted).
 * - Follow-ups: the cohort prescriptions that have one, counted by status. A completed follow-up is on time
 *   when completed no later than `OVERDUE_AFTER_DAYS` days (exact 24-hour days) after it fell due; a due
 *   follow-up is overdue once `now` is past that same point. `due` includes the overdue ones.
 * - Follow-ups in the period (`followUpsInPeriod`): NOT the cohort — every follow-up in scope, counted by its own
 *   dates: completed in the period (its completion's London date), fell due in the period (its due time's London
 *   date, at or before `now`, and due or completed since — never cancelled or on hold), and, whatever the period,
 *   due now and overdue now (the same `isOverdue` rule as the inbox). This answers "how many follow-ups were done
 *   this quarter?", which the cohort's counts cannot: a follow-up falls due weeks after its prescription started.
 * - Wellbeing: PAIRED data only — prescriptions with both a baseline and completed follow-up scores.
 *   Change = follow-up − baseline per pair; the 95% confidence interval for the mean change uses
 *   Student's t with n − 1 degrees of freedom and the sample standard deviation of the changes.
 *   SWEMWBS counts only the pairs where both sides have a SWEMWBS score, so its n can be smaller.
 * - By category: a prescription counts in every category of its activities, so category totals can add up
 *   to more than the cohort; prescriptions with no categories appear in none.
 *
 * - Referral outcomes, waiting times and the referrals' take-up: the referrals received in the period, as they
 *   stand now. A wait is whole days between London dates (received → first contact, → the episode's first
 *   prescription's start date, → its first attended session), over the referrals that reached the step; median
 *   and 90th percentile by nearest rank (the ⌈p·n⌉-th shortest), so each is a wait someone actually had.
 * - Take-up of prescriptions and follow-up completion: the cohort.
 *
 * Means, medians, changes and interval bounds are rounded to 2 decimal places and shares to 3, only when
 * the report is assembled (never in intermediate values).
 */
import quantileT from '@stdlib/stats-base-dists-t-quantile';
import { mean, median, sampleStandardDeviation } from 'simple-statistics';
import { FOLLOW_UP_STATUSES, type FollowUpStatus, OVERDUE_AFTER_DAYS, isOverdue } from '#shared/followups/rules';
import { londonDate } from '#shared/platform/london';
import { CLOSE_REASONS, DECLINE_REASONS, REFERRAL_SOURCES, REFERRAL_STATUSES } from '#shared/patients/schema';
import { Temporal } from 'temporal-polyfill';
import { PRESCRIPTION_STATUSES, type PrescriptionStatus } from '#shared/prescriptions/rules';
import { CATEGORIES } from '#shared/registry/schema';

export type ReferralSource = (typeof REFERRAL_SOURCES)[number];
export type Category = (typeof CATEGORIES)[number];
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
export type DeclineReason = (typeof DECLINE_REASONS)[number];
export type CloseReason = (typeof CLOSE_REASONS)[number];

// ---- Input ----

/** ONS4 personal wellbeing items, 0..10 each. */
export interface Ons4Scores {
  satisfied: number;
  worthwhile: number;
  happy: number;
  /** Higher is worse: a fall in anxiety is an improvement. */
  anxious: number;
}

export interface WellbeingScores {
  ons4: Ons4Scores;
  /** SWEMWBS metric score, 7.00..35.00, when the short Warwick-Edinburgh scale was used. */
  swemwbsMetric?: number;
}

export interface CohortPrescription {
  prescriptionId: string;
  patientId: string;
  status: PrescriptionStatus;
  /** London calendar date, YYYY-MM-DD. */
  startDate: string;
  /** The distinct categories of its activities (may be empty). */
  categories: Category[];
  sessionsAttended: number;
  followUp?: { status: FollowUpStatus; dueAt: string; completedAt?: string };
  /** The patient's baseline paired with this prescription's follow-up. */
  baseline?: WellbeingScores;
  /** The follow-up assessment's scores (present only when the follow-up is completed). */
  followUpScores?: WellbeingScores;
}

/**
 * One referral received in the period and how far it has gone: instants as stored (UTC), London
 * dates for the prescription's start and its first attendance.
 */
export interface ReferralJourney {
  source: ReferralSource;
  status: ReferralStatus;
  /** Why it was declined or closed. */
  endReason?: CloseReason | undefined;
  receivedAt: string;
  /**
   * First contact: when the referral was accepted (explicitly, by the first contact that reached the
   * person, or by a baseline) — or, for one prescribed straight from received, when the prescription
   * was written (writing one implies contact).
   */
  firstContactAt?: string | undefined;
  /** The start date of the episode's first prescription (London date). */
  prescriptionStart?: string | undefined;
  /** The London day of that prescription's first recorded attendance. */
  firstAttendedOn?: string | undefined;
}

export interface ProgrammeData {
  /** London dates, inclusive; validated by the caller. */
  from: string;
  to: string;
  now: Date;
  /** Referrals received in the range (already filtered), with the steps of their journey so far. */
  referrals: ReferralJourney[];
  /** The cohort: prescriptions started in the range (already filtered). */
  prescriptions: CohortPrescription[];
  /**
   * Follow-ups that may count by their own dates, whoever's prescription they belong to: at least every one
   * due now and every completed one (scope already applied). Filtered to the period here. None when absent.
   */
  followUps?: PeriodFollowUp[];
}

/** A follow-up as the period counts read it: its status and its own dates. */
export interface PeriodFollowUp {
  status: FollowUpStatus;
  dueAt: string;
  completedAt?: string;
}

// ---- Output ----

/**
 * One wellbeing measure over paired assessments. `meanChange` is follow-up − baseline: positive is an
 * improvement for every measure EXCEPT `anxious`, where a negative change (less anxiety) is the improvement.
 * Means are null when n = 0; `ci95` is null when n < 2.
 */
export interface MeasureChange {
  n: number;
  baselineMean: number | null;
  followUpMean: number | null;
  meanChange: number | null;
  ci95: { low: number; high: number } | null;
}

export interface Wellbeing {
  /** Prescriptions with both baseline and follow-up scores (the n of each ONS4 item). */
  pairs: number;
  satisfied: MeasureChange;
  worthwhile: MeasureChange;
  happy: MeasureChange;
  /** Lower is better: a negative mean change is an improvement. */
  anxious: MeasureChange;
  /** Only pairs where both sides have a SWEMWBS score; n can be smaller than `pairs`. */
  swemwbsMetric: MeasureChange;
}

export interface SessionStats {
  prescriptions: number;
  mean: number | null;
  median: number | null;
  attendedAtLeastOne: { n: number; share: number | null };
  attendedAtLeastSix: { n: number; share: number | null };
}

export interface FollowUpCounts {
  completed: number;
  onTime: number;
  overdue: number;
  due: number;
  scheduled: number;
  held: number;
  cancelled: number;
}

/** Follow-ups counted by their own dates in the period (see the definitions at the top). */
export interface FollowUpsInPeriod {
  /** Completed on a London day in the period. */
  completed: number;
  /** Of those, completed no later than `OVERDUE_AFTER_DAYS` after they fell due. */
  completedOnTime: number;
  /** Due on a London day in the period (and by now), since completed or still due. */
  fellDue: number;
  /** Of those, completed by now. */
  fellDueCompleted: number;
  /** Due now, whatever the period (the inbox's "due"). */
  dueNow: number;
  /** Due now and more than `OVERDUE_AFTER_DAYS` past due (the inbox's "overdue"). */
  overdueNow: number;
}

/** How referrals received in the period stand now, and why those that ended did. */
export interface ReferralOutcomes {
  byStatus: Record<ReferralStatus, number>;
  /** Declined referrals by reason (every reason listed, zero when none). */
  declinedByReason: Record<DeclineReason, number>;
  /** Closed referrals by reason. */
  closedByReason: Record<CloseReason, number>;
}

/** Waits in whole days (London dates), over the referrals that have reached that step; nulls when n = 0. */
export interface WaitStats {
  n: number;
  /** Nearest-rank median: the ⌈n/2⌉-th shortest wait. */
  medianDays: number | null;
  /** Nearest-rank 90th percentile: the ⌈0.9 n⌉-th shortest wait. */
  p90Days: number | null;
}

export interface WaitingTimes {
  toFirstContact: WaitStats;
  toPrescriptionStart: WaitStats;
  toFirstAttendance: WaitStats;
}

export interface ShareOf {
  n: number;
  of: number;
  share: number | null;
}

export interface TakeUp {
  /** Referrals received in the period that led to a prescription (prescribed, or closed after one). */
  referralsWithPrescription: ShareOf;
  /** Prescriptions started in the period with at least one attended session. */
  prescriptionsWithAttendance: ShareOf;
}

/** The cohort's follow-ups that have fallen due (completed, or due now), and how many were completed. */
export interface FollowUpCompletion {
  fallenDue: number;
  completed: ShareOf;
  completedOnTime: ShareOf;
}

/** Which set of records each part of the report counts, in words a report reader can quote. */
export const COHORTS = {
  referrals: 'Referrals received in the period.',
  prescriptions:
    'Prescriptions started in the period: their status now, sessions, follow-ups, wellbeing change and categories all count these prescriptions only.',
  followUpsInPeriod:
    'Every follow-up, by its own dates: completed in the period, fell due in the period, and due or overdue now — whenever its prescription started.',
  referralOutcomes: 'Referrals received in the period, by their status now; declined and closed ones by reason.',
  waitingTimes:
    'Referrals received in the period that have reached each step: days from the London day received to first contact (acceptance), to the start date of the episode’s first prescription, and to its first attended session.',
  takeUp:
    'Referrals received in the period that led to a prescription; and prescriptions started in the period with at least one attended session.',
  followUpCompletion: 'Prescriptions started in the period whose follow-up has fallen due (completed, or due now): how many were completed, and on time.',
} as const;

export interface CategoryBreakdown {
  category: Category;
  prescriptions: number;
  sessions: SessionStats;
  wellbeing: Wellbeing;
}

export interface ProgrammeReport {
  from: string;
  to: string;
  /** What each block counts: `referrals`; `prescriptions` (the cohort: prescriptions, sessions, followUps, wellbeing, byCategory); `followUpsInPeriod`. */
  cohorts: typeof COHORTS;
  referrals: { total: number; bySource: Record<ReferralSource, number> };
  prescriptions: { started: number } & Record<PrescriptionStatus, number>;
  sessions: SessionStats;
  /** The cohort's follow-ups (prescriptions started in the period), by status. */
  followUps: FollowUpCounts;
  /** Follow-ups by their own dates, whatever their prescription's start. */
  followUpsInPeriod: FollowUpsInPeriod;
  wellbeing: Wellbeing;
  /** One entry per category, in `CATEGORIES` order, even when empty. */
  byCategory: CategoryBreakdown[];
  /** Referrals received in the period. */
  referralOutcomes: ReferralOutcomes;
  /** Referrals received in the period. */
  waitingTimes: WaitingTimes;
  takeUp: TakeUp;
  /** The cohort (prescriptions started in the period). */
  followUpCompletion: FollowUpCompletion;
}

// ---- Computation ----

const DAY_MS = 86_400_000;
const ONS4_ITEMS = ['satisfied', 'worthwhile', 'happy', 'anxious'] as const;

export function programmeReport(data: ProgrammeData): ProgrammeReport {
  const cohort = data.prescriptions;
  return {
    from: data.from,
    to: data.to,
    cohorts: COHORTS,
    referrals: referralCounts(data.referrals),
    prescriptions: statusCounts(cohort),
    sessions: sessionStats(cohort),
    followUps: followUpCounts(cohort, data.now),
    followUpsInPeriod: followUpsInPeriod(data.followUps ?? [], data.from, data.to, data.now),
    wellbeing: wellbeing(cohort),
    byCategory: CATEGORIES.map((category) => {
      const members = cohort.filter((prescription) => prescription.categories.includes(category));
      return { category, prescriptions: members.length, sessions: sessionStats(members), wellbeing: wellbeing(members) };
    }),
    referralOutcomes: referralOutcomes(data.referrals),
    waitingTimes: waitingTimes(data.referrals),
    takeUp: {
      referralsWithPrescription: shareOf(data.referrals.filter((r) => r.status === 'prescribed' || r.status === 'closed').length, data.referrals.length),
      prescriptionsWithAttendance: shareOf(cohort.filter((p) => p.sessionsAttended >= 1).length, cohort.length),
    },
    followUpCompletion: followUpCompletion(cohort),
  };
}

function shareOf(n: number, of: number): ShareOf {
  return { n, of, share: of === 0 ? null : round(n / of, 3) };
}

function referralOutcomes(referrals: readonly ReferralJourney[]): ReferralOutcomes {
  const byStatus = zeroes(REFERRAL_STATUSES);
  const declinedByReason = zeroes(DECLINE_REASONS);
  const closedByReason = zeroes(CLOSE_REASONS);
  for (const referral of referrals) {
    byStatus[referral.status] += 1;
    if (referral.endReason === undefined) continue;
    if (referral.status === 'closed') closedByReason[referral.endReason] += 1;
    // A decline's reason is never `completed` (the schema refuses it); a stored one would be skipped, not miscounted.
    if (referral.status === 'declined' && referral.endReason !== 'completed') declinedByReason[referral.endReason] += 1;
  }
  return { byStatus, declinedByReason, closedByReason };
}

/** Whole days from the London day of `from` (an instant) to `to` (an instant or a London date); never below zero. */
export function daysBetween(from: string, to: string): number {
  const start = Temporal.PlainDate.from(londonDate(new Date(from)));
  const end = Temporal.PlainDate.from(/^\d{4}-\d{2}-\d{2}$/.test(to) ? to : londonDate(new Date(to)));
  // A prescription dated back before the referral arrived waits no days, not fewer than none.
  return Math.max(0, start.until(end, { largestUnit: 'days' }).days);
}

/** The nearest-rank `p`-th percentile (0 < p ≤ 100) of `values`: the ⌈p/100 · n⌉-th smallest; null when empty. */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

function waitStats(days: readonly number[]): WaitStats {
  return { n: days.length, medianDays: nearestRank(days, 50), p90Days: nearestRank(days, 90) };
}

function waitingTimes(referrals: readonly ReferralJourney[]): WaitingTimes {
  const waits = (step: (r: ReferralJourney) => string | undefined) =>
    waitStats(referrals.flatMap((r) => {
      const at = step(r);
      return at === undefined ? [] : [daysBetween(r.receivedAt, at)];
    }));
  return {
    toFirstContact: waits((r) => r.firstContactAt),
    toPrescriptionStart: waits((r) => r.prescriptionStart),
    toFirstAttendance: waits((r) => r.firstAttendedOn),
  };
}

function followUpCompletion(cohort: readonly CohortPrescription[]): FollowUpCompletion {
  const fallen = cohort.flatMap(({ followUp }) => (followUp && (followUp.status === 'completed' || followUp.status === 'due') ? [followUp] : []));
  const completed = fallen.filter((f) => f.status === 'completed');
  return {
    fallenDue: fallen.length,
    completed: shareOf(completed.length, fallen.length),
    completedOnTime: shareOf(completed.filter((f) => completedOnTime(f)).length, fallen.length),
  };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

function referralCounts(referrals: ProgrammeData['referrals']): ProgrammeReport['referrals'] {
  const bySource = zeroes(REFERRAL_SOURCES);
  for (const referral of referrals) bySource[referral.source] += 1;
  return { total: referrals.length, bySource };
}

function statusCounts(cohort: readonly CohortPrescription[]): ProgrammeReport['prescriptions'] {
  const byStatus = zeroes(PRESCRIPTION_STATUSES);
  for (const prescription of cohort) byStatus[prescription.status] += 1;
  return { started: cohort.length, ...byStatus };
}

function sessionStats(prescriptions: readonly CohortPrescription[]): SessionStats {
  const attended = prescriptions.map((prescription) => prescription.sessionsAttended);
  const atLeast = (minimum: number) => {
    const n = attended.filter((sessions) => sessions >= minimum).length;
    return { n, share: attended.length === 0 ? null : round(n / attended.length, 3) };
  };
  return {
    prescriptions: attended.length,
    mean: attended.length === 0 ? null : round(mean(attended), 2),
    median: attended.length === 0 ? null : round(median(attended), 2),
    attendedAtLeastOne: atLeast(1),
    attendedAtLeastSix: atLeast(6),
  };
}

function followUpCounts(cohort: readonly CohortPrescription[], now: Date): FollowUpCounts {
  const byStatus = zeroes(FOLLOW_UP_STATUSES);
  let onTime = 0;
  let overdue = 0;
  for (const { followUp } of cohort) {
    if (followUp === undefined) continue;
    byStatus[followUp.status] += 1;
    if (followUp.status === 'completed' && followUp.completedAt !== undefined) {
      const graceEnds = Date.parse(followUp.dueAt) + OVERDUE_AFTER_DAYS * DAY_MS;
      if (Date.parse(followUp.completedAt) <= graceEnds) onTime += 1;
    }
    // The same rule the follow-up workflow uses: due, and more than OVERDUE_AFTER_DAYS past dueAt.
    if (isOverdue(followUp, now)) overdue += 1;
  }
  return {
    completed: byStatus.completed,
    onTime,
    overdue,
    due: byStatus.due,
    scheduled: byStatus.scheduled,
    held: byStatus.held,
    cancelled: byStatus.cancelled,
  };
}

function completedOnTime(followUp: PeriodFollowUp): boolean {
  if (followUp.status !== 'completed' || followUp.completedAt === undefined) return false;
  return Date.parse(followUp.completedAt) <= Date.parse(followUp.dueAt) + OVERDUE_AFTER_DAYS * DAY_MS;
}

/** Follow-ups counted by their own dates: `from`..`to` are London dates, inclusive. */
export function followUpsInPeriod(followUps: readonly PeriodFollowUp[], from: string, to: string, now: Date): FollowUpsInPeriod {
  const inPeriod = (instant: string) => {
    const day = londonDate(new Date(instant));
    return day >= from && day <= to;
  };
  const counts: FollowUpsInPeriod = { completed: 0, completedOnTime: 0, fellDue: 0, fellDueCompleted: 0, dueNow: 0, overdueNow: 0 };
  for (const followUp of followUps) {
    const completed = followUp.status === 'completed' && followUp.completedAt !== undefined;
    if (completed && inPeriod(followUp.completedAt!)) {
      counts.completed += 1;
      if (completedOnTime(followUp)) counts.completedOnTime += 1;
    }
    if ((completed || followUp.status === 'due') && Date.parse(followUp.dueAt) <= now.getTime() && inPeriod(followUp.dueAt)) {
      counts.fellDue += 1;
      if (completed) counts.fellDueCompleted += 1;
    }
    if (followUp.status === 'due') counts.dueNow += 1;
    if (isOverdue(followUp, now)) counts.overdueNow += 1;
  }
  return counts;
}

function wellbeing(prescriptions: readonly CohortPrescription[]): Wellbeing {
  const pairs: Array<{ baseline: WellbeingScores; followUp: WellbeingScores }> = [];
  for (const { baseline, followUpScores } of prescriptions) {
    if (baseline !== undefined && followUpScores !== undefined) pairs.push({ baseline, followUp: followUpScores });
  }
  const item = (key: (typeof ONS4_ITEMS)[number]) =>
    measureChange(pairs.map((pair) => [pair.baseline.ons4[key], pair.followUp.ons4[key]]));
  const swemwbs: Array<[number, number]> = [];
  for (const pair of pairs) {
    const before = pair.baseline.swemwbsMetric;
    const after = pair.followUp.swemwbsMetric;
    if (before !== undefined && after !== undefined) swemwbs.push([before, after]);
  }
  return {
    pairs: pairs.length,
    satisfied: item('satisfied'),
    worthwhile: item('worthwhile'),
    happy: item('happy'),
    anxious: item('anxious'),
    swemwbsMetric: measureChange(swemwbs),
  };
}

/** Each entry is [baseline, follow-up] for one pair. */
function measureChange(pairs: ReadonlyArray<readonly [number, number]>): MeasureChange {
  const n = pairs.length;
  if (n === 0) return { n, baselineMean: null, followUpMean: null, meanChange: null, ci95: null };
  const changes = pairs.map(([before, after]) => after - before);
  const meanChange = mean(changes);
  let ci95: MeasureChange['ci95'] = null;
  if (n >= 2) {
    const halfWidth = (quantileT(0.975, n - 1) * sampleStandardDeviation(changes)) / Math.sqrt(n);
    ci95 = { low: round(meanChange - halfWidth, 2), high: round(meanChange + halfWidth, 2) };
  }
  return {
    n,
    baselineMean: round(mean(pairs.map(([before]) => before)), 2),
    followUpMean: round(mean(pairs.map(([, after]) => after)), 2),
    meanChange: round(meanChange, 2),
    ci95,
  };
}

/**
 * Rounds half away from zero to `places` decimals. The value is first cut to 12 significant digits so
 * binary noise (1.005 held as 1.00499999…) does not decide the rounding; never returns −0.
 */
function round(value: number, places: number): number {
  const clean = Number(value.toPrecision(12));
  const scaled = Math.abs(clean) * 10 ** places;
  const rounded = (Math.sign(clean) * Math.round(Number(scaled.toPrecision(12)))) / 10 ** places;
  return rounded === 0 ? 0 : rounded;
}
