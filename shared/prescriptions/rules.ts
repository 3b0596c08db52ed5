import { Temporal } from 'temporal-polyfill';
import type { FieldIssue } from '#shared/platform/errors';
import { LONDON } from '#shared/platform/london';
import { isAccreditedOn } from '#shared/registry/rules';
import type { CategoryName } from '#shared/registry/schema';
import type { RecordedWithdrawalReason } from './schema';

/**
 * Prescription dates and states, as pure functions over Europe/London calendar dates.
 *
 * endDate       = startDate + 7 × weeks − 1 + days spent paused   (the last day of the prescription)
 * followUpDueAt = 09:00 Europe/London on the day after endDate, as a UTC instant
 *                 (08:00Z while British Summer Time is in force, 09:00Z in winter)
 */
export const DEFAULT_WEEKS = 12;
export const MIN_WEEKS = 4;
export const MAX_WEEKS = 16;
/** The local time the follow-up falls due: a navigator's working morning, never a skipped hour. */
export const FOLLOW_UP_TIME = '09:00';

export const PRESCRIPTION_STATUSES = ['active', 'paused', 'withdrawn', 'completed'] as const;
export type PrescriptionStatus = (typeof PRESCRIPTION_STATUSES)[number];

const date = (value: string) => Temporal.PlainDate.from(value);

export function endDateOf(startDate: string, weeks: number, pausedDays = 0): string {
  return date(startDate).add({ days: 7 * weeks - 1 + pausedDays }).toString();
}

export function followUpDueAtOf(endDate: string): string {
  return date(endDate)
    .add({ days: 1 })
    .toZonedDateTime({ timeZone: LONDON, plainTime: Temporal.PlainTime.from(FOLLOW_UP_TIME) })
    .toInstant()
    .toString();
}

/** Whole London calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return date(from).until(date(to), { largestUnit: 'days' }).days;
}

export const earlierDate = (a: string, b: string) => (a <= b ? a : b);

export interface PrescriptionRecord {
  prescriptionId: string;
  patientId: string;
  status: PrescriptionStatus;
  startDate: string;
  weeks: number;
  /** Days already spent paused (completed pauses); they push endDate later. */
  pausedDays: number;
  /** London date the current pause began, while paused. */
  pausedOn?: string;
  /** Why it was withdrawn, when a reason was given (a code, never a note). */
  withdrawalReason?: RecordedWithdrawalReason;
  endDate: string;
  followUpDueAt: string;
  goals: string[];
  activityIds: string[];
  /** Accepted scans so far (kept by the scan transaction). */
  sessionsAttended: number;
  hasBaseline: boolean;
  /** The patient's baseline when it was written (reports pair it with the follow-up). */
  baselineAssessmentId?: string;
  /** The distinct categories of its activities, for reports (absent on records from before reports). */
  categories?: CategoryName[];
  /** Its follow-up (one per prescription, created with it). */
  followUpId?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Bumped by every change; a change is written only if the version it read is still current. */
  version: number;
}

/** The distinct categories of a prescription's activities, as reports break it down. */
export const categoriesOf = (activities: readonly { category: CategoryName }[]): CategoryName[] => [
  ...new Set(activities.map((activity) => activity.category)),
];

export interface NewPrescriptionInput {
  patientId: string;
  startDate: string;
  weeks: number;
  goals: string[];
  activityIds: string[];
}

export function newPrescription(
  input: NewPrescriptionInput,
  context: {
    prescriptionId: string;
    now: Date;
    createdBy: string;
    hasBaseline: boolean;
    baselineAssessmentId?: string | undefined;
    categories?: CategoryName[];
    followUpId?: string;
  },
): PrescriptionRecord {
  const endDate = endDateOf(input.startDate, input.weeks);
  const now = context.now.toISOString();
  return {
    prescriptionId: context.prescriptionId,
    patientId: input.patientId,
    status: 'active',
    startDate: input.startDate,
    weeks: input.weeks,
    pausedDays: 0,
    endDate,
    followUpDueAt: followUpDueAtOf(endDate),
    goals: input.goals,
    activityIds: input.activityIds,
    sessionsAttended: 0,
    hasBaseline: context.hasBaseline,
    ...(context.baselineAssessmentId ? { baselineAssessmentId: context.baselineAssessmentId } : {}),
    ...(context.categories ? { categories: context.categories } : {}),
    ...(context.followUpId ? { followUpId: context.followUpId } : {}),
    createdBy: context.createdBy,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

/** Which status may follow which. Withdrawn and completed are final. */
export const TRANSITIONS: Record<PrescriptionStatus, readonly PrescriptionStatus[]> = {
  active: ['paused', 'withdrawn', 'completed'],
  paused: ['active', 'withdrawn', 'completed'],
  withdrawn: [],
  completed: [],
};

export interface PrescriptionChange {
  status?: PrescriptionStatus | undefined;
  weeks?: number | undefined;
  /** Why it is withdrawn: with `status: 'withdrawn'` only (the schema refuses it otherwise). */
  reason?: RecordedWithdrawalReason | undefined;
}

/** Why a change cannot be made, with what to tell the navigator. */
export interface PrescriptionConflict {
  code: 'prescription_closed' | 'illegal_transition' | 'prescription_exists' | 'patient_changed' | 'prescription_changed' | 'referral_ended' | 'patient_unassigned';
  message: string;
}

/**
 * Why this change may not be made, or undefined if it may: any change to a withdrawn or
 * completed prescription, or a transition not in TRANSITIONS. (A status the record already has
 * is allowed: it is no change, so a retried request succeeds.)
 */
export function changeRefusal(record: Pick<PrescriptionRecord, 'status'>, change: PrescriptionChange): PrescriptionConflict | undefined {
  if (record.status === 'withdrawn' || record.status === 'completed') {
    return { code: 'prescription_closed', message: `This prescription is ${record.status}; it cannot change.` };
  }
  const target = change.status;
  if (target !== undefined && target !== record.status && !TRANSITIONS[record.status].includes(target)) {
    return { code: 'illegal_transition', message: `A prescription cannot go from ${record.status} to ${target}.` };
  }
  return undefined;
}

/**
 * Applies a change requested on London date `today`, returning the new record (the same record
 * when nothing changes). Only for a change `changeRefusal` allows: anything else is a caller's
 * bug, not a client's mistake.
 *
 * Pausing records the day it began; resuming adds the days paused to `pausedDays`, which moves
 * endDate and followUpDueAt by the pause. Withdrawing or completing early ends it today; a
 * withdrawal records its reason, when given (a reason with any other change is ignored: the
 * request's schema refuses one).
 */
export function applyChange(record: PrescriptionRecord, change: PrescriptionChange, today: string, now: Date): PrescriptionRecord {
  const refusal = changeRefusal(record, change);
  if (refusal) throw new Error(`applyChange called with a refused change: ${refusal.code}`);
  let next: PrescriptionRecord = { ...record };
  const target = change.status;
  if (target !== undefined && target !== record.status) {
    next.status = target;
    if (record.status === 'paused' && record.pausedOn !== undefined) {
      // Resuming, withdrawing or completing ends the pause: count its days.
      next.pausedDays += Math.max(0, daysBetween(record.pausedOn, today));
      delete next.pausedOn;
    }
    if (target === 'paused') next.pausedOn = today;
    if (target === 'withdrawn' && change.reason !== undefined) next.withdrawalReason = change.reason;
  }
  if (change.weeks !== undefined) next.weeks = change.weeks;

  next.endDate = endDateOf(next.startDate, next.weeks, next.pausedDays);
  if (next.status === 'withdrawn' || next.status === 'completed') next.endDate = earlierDate(next.endDate, today);
  next.followUpDueAt = followUpDueAtOf(next.endDate);

  const changed = JSON.stringify(next) !== JSON.stringify(record);
  if (!changed) return record;
  next = { ...next, updatedAt: now.toISOString(), version: record.version + 1 };
  return next;
}

/**
 * Which week of the prescription `today` falls in (1-based), or undefined outside it. Weeks
 * paused do not count, so the week and the weeks left always add up to the prescription's weeks:
 * counted back from the end date, which a pause moved on.
 */
export function weekOf(record: Pick<PrescriptionRecord, 'startDate' | 'endDate' | 'weeks'>, today: string): number | undefined {
  if (today < record.startDate || today > record.endDate) return undefined;
  return Math.min(record.weeks, Math.max(1, record.weeks - weeksRemaining(record, today)));
}

/** Whole weeks left after `today` until endDate (0 in the last week). */
export function weeksRemaining(record: Pick<PrescriptionRecord, 'endDate'>, today: string): number {
  return Math.max(0, Math.floor(daysBetween(today, record.endDate) / 7));
}

/** How far from today a start date may be: recording one that began last month is normal; years are a typo. */
export const START_DATE_WINDOW = { pastDays: 90, futureDays: 180 } as const;

/**
 * What is wrong with a new prescription that its schema cannot see: a start date too far from
 * `today` (London), and activities that do not exist or whose provider is not accredited on the
 * start date. `found` holds the activities read, each with its provider.
 */
export function prescriptionIssues(
  input: { startDate: string; activityIds: readonly string[] },
  today: string,
  found: ReadonlyMap<string, { provider: { name: string; accreditation: Parameters<typeof isAccreditedOn>[0] } }>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const start = Temporal.PlainDate.from(input.startDate);
  const day = Temporal.PlainDate.from(today);
  if (
    Temporal.PlainDate.compare(start, day.subtract({ days: START_DATE_WINDOW.pastDays })) < 0 ||
    Temporal.PlainDate.compare(start, day.add({ days: START_DATE_WINDOW.futureDays })) > 0
  ) {
    issues.push({
      in: 'body',
      path: 'startDate',
      code: 'start_date_out_of_range',
      message: `must be within ${START_DATE_WINDOW.pastDays} days before and ${START_DATE_WINDOW.futureDays} days after today`,
    });
  }
  input.activityIds.forEach((activityId, index) => {
    const entry = found.get(activityId);
    if (!entry) {
      issues.push({ in: 'body', path: `activityIds.${index}`, code: 'unknown_activity', message: `no activity ${activityId}` });
    } else if (!isAccreditedOn(entry.provider.accreditation, input.startDate)) {
      issues.push({
        in: 'body',
        path: `activityIds.${index}`,
        code: 'provider_not_accredited',
        message: `${entry.provider.name} is not accredited on ${input.startDate}`,
      });
    }
  });
  return issues;
}
