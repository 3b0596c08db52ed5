import { z } from '@hono/zod-openapi';
import { PageQuery } from '#shared/platform/http';
import { plainText } from '#shared/platform/text';

/** What prepared a summary for the GP: the end of a referral, or a prescription ending with its follow-up. */
export const GP_MESSAGE_TRIGGERS = ['referral_declined', 'referral_closed', 'follow_up_completed'] as const;
export type GpMessageTrigger = (typeof GP_MESSAGE_TRIGGERS)[number];
export const GP_MESSAGE_STATUSES = ['ready', 'sent'] as const;
export type GpMessageStatus = (typeof GP_MESSAGE_STATUSES)[number];
/** How staff sent it: NHS MESH, GP Connect Send Document, NHSmail, post, or another way. */
export const GP_MESSAGE_CHANNELS = ['mesh', 'gp_connect', 'nhs_mail', 'post', 'other'] as const;
export type GpMessageChannel = (typeof GP_MESSAGE_CHANNELS)[number];
export const GP_MESSAGE_FORMATS = ['json', 'fhir', 'pdf'] as const;

const Instant = z.string().openapi({ format: 'date-time' });

const Ons4Scores = z.object({ satisfied: z.number(), worthwhile: z.number(), happy: z.number(), anxious: z.number() });
const MeasureSet = z.object({
  assessmentId: z.string(),
  recordedAt: Instant,
  ons4: Ons4Scores,
  swemwbsMetric: z.number().optional(),
});

/**
 * What a GP summary says, gathered from the record: the FHIR document, the HTML letter and the PDF
 * are all rendered from it. Frozen on the message when it is marked sent.
 */
export const GpSummaryContent = z
  .object({
    messageId: z.string(),
    trigger: z.enum(GP_MESSAGE_TRIGGERS),
    preparedAt: Instant,
    practiceCode: z.string(),
    practiceName: z.string().optional(),
    patient: z.object({ nhsNumber: z.string().optional(), givenName: z.string(), familyName: z.string(), dateOfBirth: z.string() }),
    referral: z.object({
      referralId: z.string(),
      receivedAt: Instant,
      source: z.string(),
      reasons: z.array(z.string()),
      status: z.string(),
      endReason: z.string().optional(),
      endedAt: Instant.optional(),
    }),
    support: z
      .object({
        prescriptionId: z.string(),
        status: z.string(),
        startDate: z.string(),
        endDate: z.string(),
        weeks: z.number(),
        goals: z.array(z.string()),
        sessionsAttended: z.number(),
        activities: z.array(z.object({ name: z.string(), provider: z.string(), category: z.string() })),
      })
      .optional(),
    outcomes: z.object({ baseline: MeasureSet.optional(), followUp: MeasureSet.optional() }),
  })
  .openapi('GpSummaryContent');
export type GpSummaryContent = z.infer<typeof GpSummaryContent>;

export const GpMessage = z
  .object({
    messageId: z.string(),
    patientId: z.string(),
    navigator: z.string().optional(),
    referralId: z.string(),
    prescriptionId: z.string().optional(),
    followUpId: z.string().optional(),
    trigger: z.enum(GP_MESSAGE_TRIGGERS),
    practiceCode: z.string().openapi({ description: 'The ODS code of the practice it is for.' }),
    status: z.enum(GP_MESSAGE_STATUSES),
    preparedAt: Instant,
    preparedBy: z.string(),
    sentAt: Instant.optional(),
    sentBy: z.string().optional(),
    sentVia: z.enum(GP_MESSAGE_CHANNELS).optional(),
    sentReference: z.string().optional(),
    patient: z.object({ givenName: z.string(), familyName: z.string() }).optional(),
  })
  .openapi('GpMessage');
export type GpMessageView = z.infer<typeof GpMessage>;

export const GpMessageDetail = GpMessage.extend({
  content: GpSummaryContent,
  letterHtml: z.string().openapi({ description: 'The letter as an HTML fragment (every value escaped), for preview.' }),
}).openapi('GpMessageDetail');

export const GpMessageListQuery = PageQuery.extend({
  status: z.enum(GP_MESSAGE_STATUSES).optional().openapi({ description: 'Ready (the default) or sent; with `patientId`, absent means both.' }),
  navigator: z.string().min(1).max(128).optional().openapi({ description: 'Managers and admins: one navigator’s caseload.' }),
  patientId: z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a patient id (a ULID)')
    .optional()
    .openapi({ description: 'One person’s messages, oldest first, on one page (404 if the caller may not see them).' }),
});

export const GpMessageQuery = z.object({
  format: z.enum(GP_MESSAGE_FORMATS).default('json').openapi({ description: '`json` (the message, its content and the letter as HTML), `fhir` (a FHIR R4 document Bundle) or `pdf` (the letter).' }),
});

export const MarkSentBody = z
  .object({
    via: z.enum(GP_MESSAGE_CHANNELS).openapi({ description: 'How it was sent.' }),
    reference: plainText(z.string().trim().min(1).max(100))
      .optional()
      .openapi({ description: 'The transport’s reference (a MESH message id, a tracking number); no patient details.' }),
  })
  .openapi('MarkGpMessageSent');
export type MarkSentInput = z.infer<typeof MarkSentBody>;

export const GpCodesQuery = z
  .object({
    from: z.iso.date().openapi({ description: 'First London date, YYYY-MM-DD.', example: '2026-01-01' }),
    to: z.iso.date().openapi({ description: 'Last London date, inclusive; at most a year after from.', example: '2026-12-31' }),
    practice: z
      .string()
      .max(12)
      .transform((value) => value.replace(/\s+/g, '').toUpperCase())
      .refine((value) => /^[A-Z][0-9]{5}$/.test(value), 'must be a GP practice ODS code: one letter and five digits, e.g. A81001')
      .optional()
      .openapi({ type: 'string', example: 'A81001', description: 'One practice only (ODS code).' }),
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, { message: 'at most a year after from', path: ['to'] });
