import { Temporal } from 'temporal-polyfill';
import { LONDON } from '#shared/platform/london';
import type { PrescriptionRecord } from '#shared/prescriptions/rules';

/**
 * The 12-week follow-up: when a prescription ends its navigator must hold a follow-up
 * assessment. Pure rules over the follow-up record; the clock is passed in.
 *
 * scheduled ──(due time reached: the schedule fires, or the sweep)──▶ due ──(assessment)──▶ completed
 *     │  ▲                                                               │
 *   hold│  │reschedule (prescription paused / resumed or its length changed) │
 *     ▼  │                                                               │
 *    held ─────────────────────────── cancel (withdrawn) ────────────────┴──▶ cancelled
 */
export const FOLLOW_UP_STATUSES = ['scheduled', 'held', 'due', 'completed', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** A follow-up due for longer than this is flagged overdue in the inbox. */
export const OVERDUE_AFTER_DAYS = 14;

export interface FollowUpRecord {
  followUpId: string;
  prescriptionId: string;
  patientId: string;
  /** The navigator whose inbox it is in (the patient's, kept in step by caseload moves). */
  navigator: string;
  status: FollowUpStatus;
  /** When it falls due: 09:00 London on the day after the prescription ends. */
  dueAt: string;
  /** Bumped by every change; a reminder carries the version it was scheduled for. */
  version: number;
  createdAt: string;
  updatedAt: string;
  becameDueAt?: string;
  completedAt?: string;
  /** Completed before it was due (the person came early). */
  early?: boolean;
  assessmentId?: string;
  /** The patient's latest baseline when it was completed: reports pair the two. */
  baselineAssessmentId?: string;
}

/** What EventBridge Scheduler (or the local stand-in) sends the follow-up function. */
export interface FollowUpEvent {
  followUpId: string;
  prescriptionId: string;
  patientId: string;
  version: number;
}

export function newFollowUp(
  prescription: Pick<PrescriptionRecord, 'prescriptionId' | 'patientId' | 'followUpDueAt'>,
  context: { followUpId: string; navigator: string; now: Date },
): FollowUpRecord {
  const now = context.now.toISOString();
  return {
    followUpId: context.followUpId,
    prescriptionId: prescription.prescriptionId,
    patientId: prescription.patientId,
    navigator: context.navigator,
    status: 'scheduled',
    dueAt: prescription.followUpDueAt,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** What must happen to the follow-up reminder when a prescription is created or changes. */
export type FollowUpChange =
  | { action: 'schedule'; dueAt: string }
  | { action: 'reschedule'; dueAt: string }
  | { action: 'hold' }
  | { action: 'cancel' }
  | { action: 'none' };

/**
 * The one place that decides how a prescription change moves its follow-up, from the prescription
 * before and after (the reminders then follow the follow-up). Paused: held until resumed, when it is rescheduled to the moved
 * time. Withdrawn: cancelled. Completed early: rescheduled to the morning after it ended — the
 * follow-up assessment is still owed, and is what closes the loop.
 */
export function followUpChange(before: PrescriptionRecord | undefined, after: PrescriptionRecord): FollowUpChange {
  if (before === undefined) return { action: 'schedule', dueAt: after.followUpDueAt };
  if (after.status === 'withdrawn') return before.status === 'withdrawn' ? { action: 'none' } : { action: 'cancel' };
  if (after.status === 'paused') return before.status === 'paused' ? { action: 'none' } : { action: 'hold' };
  if (before.status === 'paused' || before.followUpDueAt !== after.followUpDueAt) {
    return { action: 'reschedule', dueAt: after.followUpDueAt };
  }
  return { action: 'none' };
}

/**
 * The follow-up after its prescription changed, as `followUpChange` decided (undefined when it
 * does not change). A completed or cancelled follow-up never changes again.
 */
export function applyPrescriptionChange(followUp: FollowUpRecord, change: FollowUpChange, now: Date): FollowUpRecord | undefined {
  if (followUp.status === 'completed' || followUp.status === 'cancelled') return undefined;
  const bump = (fields: Partial<FollowUpRecord>): FollowUpRecord => ({
    ...followUp,
    ...fields,
    version: followUp.version + 1,
    updatedAt: now.toISOString(),
  });
  switch (change.action) {
    case 'none':
    case 'schedule':
      return undefined;
    case 'cancel':
      return bump({ status: 'cancelled' });
    case 'hold':
      return followUp.status === 'held' ? undefined : bump({ status: 'held' });
    case 'reschedule': {
      // Already due and still due at the new time: nothing to move.
      if (followUp.status === 'due' && Date.parse(change.dueAt) <= now.getTime()) return undefined;
      const { becameDueAt: _previously, ...rest } = followUp;
      return { ...rest, status: 'scheduled', dueAt: change.dueAt, version: followUp.version + 1, updatedAt: now.toISOString() };
    }
  }
}

/** The follow-up once its prescription went from `before` to `after` (undefined when it does not move). */
export function followUpAfterPrescriptionChange(
  followUp: FollowUpRecord,
  before: PrescriptionRecord,
  after: PrescriptionRecord,
  now: Date,
): FollowUpRecord | undefined {
  return applyPrescriptionChange(followUp, followUpChange(before, after), now);
}

/**
 * The follow-up once a reminder for `version` arrives at `now`: due, if it is still scheduled at
 * that version and its time has come; otherwise unchanged (a stale or repeated reminder).
 */
export function markDue(followUp: FollowUpRecord, version: number, now: Date): FollowUpRecord | undefined {
  if (followUp.status !== 'scheduled' || followUp.version !== version) return undefined;
  if (Date.parse(followUp.dueAt) > now.getTime()) return undefined;
  return { ...followUp, status: 'due', becameDueAt: now.toISOString(), updatedAt: now.toISOString() };
}

/**
 * Completing records the assessment, and the baseline it is measured against (the patient's
 * latest); before the due time it is flagged early.
 */
export function complete(followUp: FollowUpRecord, assessmentId: string, now: Date, baselineAssessmentId?: string): FollowUpRecord {
  return {
    ...followUp,
    status: 'completed',
    completedAt: now.toISOString(),
    early: now.getTime() < Date.parse(followUp.dueAt),
    assessmentId,
    ...(baselineAssessmentId ? { baselineAssessmentId } : {}),
    version: followUp.version + 1,
    updatedAt: now.toISOString(),
  };
}

export function isOverdue(followUp: Pick<FollowUpRecord, 'status' | 'dueAt'>, now: Date): boolean {
  if (followUp.status !== 'due') return false;
  return now.getTime() - Date.parse(followUp.dueAt) > OVERDUE_AFTER_DAYS * 86_400_000;
}

/** A schedule name per follow-up and version: 1–64 of [0-9a-zA-Z-_.]. */
export function scheduleName(followUpId: string, version: number): string {
  return `followup-${followUpId}-v${version}`;
}

/** The London wall-clock time of an instant, as EventBridge Scheduler's at() wants it. */
export function londonWallClock(instant: string): string {
  return Temporal.Instant.from(instant).toZonedDateTimeISO(LONDON).toPlainDateTime().toString({ smallestUnit: 'second' });
}
