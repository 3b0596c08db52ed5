import { z } from '@hono/zod-openapi';
import { plainText } from '#shared/platform/text';
import { ULID_PATTERN } from '#shared/platform/ids';
import { CalendarDate, Category } from '#shared/registry/schema';
import { DEFAULT_WEEKS, MAX_WEEKS, MIN_WEEKS, PRESCRIPTION_STATUSES } from './rules';

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
  })
  .refine((body) => body.status !== undefined || body.weeks !== undefined, { message: 'give status, weeks or both', path: ['status'] })
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
