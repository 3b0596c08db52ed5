import { z } from '@hono/zod-openapi';
import { plainText } from '#shared/platform/text';
import { ULID_PATTERN } from '#shared/platform/ids';
import { CLOSE_REASONS, DECLINE_REASONS } from '#shared/patients/schema';
import { CalendarDate, Category } from '#shared/registry/schema';
import { DEFAULT_WEEKS, MAX_WEEKS, MIN_WEEKS, PRESCRIPTION_STATUSES } from './rules';

/**
 * Why a navigator withdraws a prescription: the referral's end reasons (they fit a withdrawal as
 * well) and the ones only a prescription has — the person is too unwell to go on, the activities
 * do not suit them, or they are no longer running. Coded, never a note, so reports can count them.
 */
export const WITHDRAWAL_REASONS = [...DECLINE_REASONS, 'unwell', 'activity_unsuitable', 'activity_unavailable'] as const;
/**
 * What a withdrawn prescription may record: a withdrawal's reason, or the end reason of the
 * referral closed or declined with it — which may be `completed` (the support was given). A
 * navigator withdrawing one cannot choose `completed`: that prescription is completed, not withdrawn.
 */
export const RECORDED_WITHDRAWAL_REASONS = [...WITHDRAWAL_REASONS, 'completed'] as const;
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS)[number];
export type RecordedWithdrawalReason = (typeof RECORDED_WITHDRAWAL_REASONS)[number];
// Every referral end reason can be recorded on the prescription withdrawn with it.
CLOSE_REASONS satisfies readonly RecordedWithdrawalReason[];

const Id = z.string().regex(ULID_PATTERN, 'must be a 26-character ULID');
const Instant = z.string().openapi({ format: 'date-time' });
const Weeks = z.number().int('must be a whole number of weeks').min(MIN_WEEKS).max(MAX_WEEKS);

export const CreatePrescriptionBody = z
  .object({
    patientId: Id,
    startDate: CalendarDate.openapi({ description: 'First day, a London calendar date.' }),
    weeks: Weeks.default(DEFAULT_WEEKS).openapi({ description: `${MIN_WEEKS}–${MAX_WEEKS}, default ${DEFAULT_WEEKS}.` }),
    goals: z
      .array(plainText(z.string().trim().min(1, 'must not be empty').max(200)))
      .min(1, 'at least one goal')
      .max(10)
      .openapi({ example: ['Walk to the shops without stopping', 'Meet new people each week'] }),
    activityIds: z
      .array(Id)
      .min(1, 'at least one activity')
      .max(20)
      .refine((ids) => new Set(ids).size === ids.length, 'activityIds must not repeat'),
  })
  .openapi('CreatePrescription');

export const ChangePrescriptionBody = z
  .object({
    status: z.enum(PRESCRIPTION_STATUSES).optional(),
    weeks: Weeks.optional(),
    reason: z
      .enum(WITHDRAWAL_REASONS)
      .optional()
      .openapi({ description: 'Why it is withdrawn, with `status: withdrawn` only (optional; the console always sends one).' }),
  })
  .refine((body) => body.status !== undefined || body.weeks !== undefined, { message: 'give status, weeks or both', path: ['status'] })
  .refine((body) => body.reason === undefined || body.status === 'withdrawn', { message: 'give a reason only with status withdrawn', path: ['reason'] })
  .openapi('ChangePrescription');

export const PrescribedActivity = z
  .object({
    activityId: Id,
    name: z.string(),
    category: Category,
    providerId: Id,
    providerName: z.string(),
    venueId: Id,
  })
  .openapi('PrescribedActivity');

export const Prescription = z
  .object({
    prescriptionId: Id,
    patientId: Id,
    status: z.enum(PRESCRIPTION_STATUSES),
    startDate: z.string(),
    weeks: z.number().int(),
    endDate: z.string().openapi({ description: 'Last day: startDate + 7 × weeks − 1 + days paused (London date).' }),
    followUpDueAt: Instant.openapi({ description: '09:00 Europe/London on the day after endDate.' }),
    pausedDays: z.number().int(),
    pausedOn: z.string().optional(),
    withdrawalReason: z
      .enum(RECORDED_WITHDRAWAL_REASONS)
      .optional()
      .openapi({ description: 'Why it was withdrawn, when a reason was given: the navigator’s, or the end reason of the referral closed with it.' }),
    goals: z.array(z.string()),
    activityIds: z.array(Id),
    activities: z.array(PrescribedActivity),
    sessionsAttended: z.number().int(),
    currentWeek: z.number().int().optional().openapi({ description: 'Week of the prescription today, if within its dates.' }),
    weeksRemaining: z.number().int(),
    hasBaseline: z.boolean().openapi({ description: 'Whether a baseline assessment was recorded before it started.' }),
    followUpId: Id.optional().openapi({ description: 'Its follow-up, due at followUpDueAt.' }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi('Prescription');

export type CreatePrescriptionInput = z.infer<typeof CreatePrescriptionBody>;
export type PrescriptionView = z.infer<typeof Prescription>;
export type PrescribedActivityView = z.infer<typeof PrescribedActivity>;
