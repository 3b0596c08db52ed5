import { z } from '@hono/zod-openapi';
import { CASELOAD_SORTS, PRESCRIPTION_SUMMARY_STATUSES } from './caseload';
import { Patient, REFERRAL_STATUSES } from './schema';

const Instant = z.string().openapi({ format: 'date-time' });

export const CaseloadSummary = z
  .object({
    referralStatus: z.enum(REFERRAL_STATUSES).optional().openapi({ description: 'The latest episode’s referral status.' }),
    referralReceivedAt: Instant.optional(),
    daysWaiting: z.number().int().optional().openapi({ description: 'Whole days since the referral was received, while it is received or accepted.' }),
    prescription: z
      .object({
        prescriptionId: z.string(),
        status: z.enum(PRESCRIPTION_SUMMARY_STATUSES),
        startDate: z.string(),
        endDate: z.string(),
        weeks: z.number().int(),
        week: z.number().int().optional().openapi({ description: 'Week n of `weeks` today, while active or paused.' }),
      })
      .optional()
      .openapi({ description: 'The latest episode’s latest prescription.' }),
    followUp: z
      .object({ dueAt: Instant, state: z.enum(['scheduled', 'due', 'overdue']) })
      .optional()
      .openapi({ description: 'The follow-up of an active or paused prescription; overdue after 14 days due.' }),
    lastContactAt: Instant.optional().openapi({ description: 'The latest contact recorded (an attempt counts).' }),
    daysSinceContact: z.number().int().optional(),
  })
  .openapi('CaseloadSummary');

/** A caseload row: the patient without the demographics (for reporting only, decision 89) and their summary. */
export const CaseloadPatient = Patient.omit({ sex: true, genderIdentity: true, ethnicity: true, disability: true, imdDecile: true })
  .extend({ summary: CaseloadSummary })
  .openapi('CaseloadPatient');

const booleanFlag = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional();

/** The caseload's query: search, filters and sort, each validated (a bad value is a 400). */
export const CaseloadListQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(100)
    .optional()
    .openapi({ description: 'A name (the start of the given or family name, any case or accents) or an NHS number (10 digits, spaces allowed).' }),
  stage: z.enum(REFERRAL_STATUSES).optional().openapi({ description: 'Only patients whose latest referral has this status.' }),
  followUpDue: booleanFlag.openapi({ description: '`true`: only patients whose follow-up is due or overdue.' }),
  noContactDays: z.coerce
    .number()
    .int('must be a whole number of days')
    .min(1)
    .max(365)
    .optional()
    .openapi({ description: 'Only patients with no contact for more than this many days (none at all counts from the referral).' }),
  sort: z.enum(CASELOAD_SORTS).optional().openapi({ description: 'name (default), days_waiting (longest first), last_contact (longest ago first), follow_up_due (earliest first).' }),
});

export const CaseloadCounts = z
  .object({
    navigator: z.string().optional().openapi({ description: 'Whose caseload was counted (absent: everyone’s).' }),
    dueFollowUps: z.number().int().openapi({ description: 'Follow-ups due or overdue.' }),
    newReferrals: z.number().int().openapi({ description: 'Referrals received and not yet accepted.' }),
  })
  .openapi('CaseloadCounts');

export type CaseloadListQueryInput = z.infer<typeof CaseloadListQuery>;
