import { z } from '@hono/zod-openapi';
import { AssessmentInput } from '#shared/assessments/schema';
import { ULID_PATTERN } from '#shared/platform/ids';
import { PRESCRIPTION_STATUSES } from '#shared/prescriptions/rules';
import { FOLLOW_UP_STATUSES } from './rules';

const Id = z.string().regex(ULID_PATTERN, 'must be a 26-character ULID');
const Instant = z.string().openapi({ format: 'date-time' });

export const FollowUpQuery = z.object({
  status: z.enum(FOLLOW_UP_STATUSES).default('due').openapi({ description: 'Which list: due (default), scheduled, held (prescription paused), completed or cancelled.' }),
  navigator: z.string().min(1).max(128).optional().openapi({ description: 'Managers and admins: one navigator’s follow-ups.' }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(400).optional(),
});

export const FollowUp = z
  .object({
    followUpId: Id,
    prescriptionId: Id,
    patientId: Id,
    patient: z.object({ givenName: z.string(), familyName: z.string() }).optional().openapi({ description: 'For the navigator: who to call.' }),
    navigator: z.string(),
    status: z.enum(FOLLOW_UP_STATUSES),
    dueAt: Instant,
    overdue: z.boolean().openapi({ description: 'Due for more than 14 days and not yet held.' }),
    becameDueAt: Instant.optional(),
    completedAt: Instant.optional(),
    early: z.boolean().optional().openapi({ description: 'Completed before it was due (the person came early).' }),
    assessmentId: Id.optional(),
    prescription: z
      .object({ status: z.enum(PRESCRIPTION_STATUSES), startDate: z.string(), endDate: z.string(), sessionsAttended: z.number().int() })
      .optional(),
  })
  .openapi('FollowUp');

export const CompleteFollowUpBody = z.object({ assessment: AssessmentInput }).openapi('CompleteFollowUp');

export type FollowUpView = z.infer<typeof FollowUp>;
