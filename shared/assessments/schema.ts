import { z } from '@hono/zod-openapi';
import { ULID_PATTERN } from '#shared/platform/ids';
import { plainText } from '#shared/platform/text';
import { ANXIETY_BANDS, ONS4_BANDS, SWEMWBS_ITEMS, SWEMWBS_RESPONSES } from './scoring';

export const ASSESSMENT_KINDS = ['baseline', 'follow_up'] as const;

const Instant = z.string().openapi({ format: 'date-time', example: '2026-11-23T09:00:00.000Z' });
const Id = z.string().regex(ULID_PATTERN, 'must be a 26-character ULID');

/** One ONS4 answer; the description carries the exact ONS question so apps and docs ask it verbatim. */
const ons4Answer = (question: string) =>
  z.number().int('must be a whole number').min(0).max(10).openapi({ description: question, example: 7 });

export const Ons4Input = z
  .object({
    satisfied: ons4Answer('Overall, how satisfied are you with your life nowadays?'),
    worthwhile: ons4Answer(
      'Overall, to what extent do you feel that the things you do in your life are worthwhile?',
    ),
    happy: ons4Answer('Overall, how happy did you feel yesterday?'),
    anxious: ons4Answer(
      "On a scale where 0 is 'not at all anxious' and 10 is 'completely anxious', overall, how anxious did you feel yesterday?",
    ),
  })
  .openapi('Ons4Input', {
    description:
      "ONS personal wellbeing (ONS4), each answered 0–10 where 0 is 'not at all' and 10 is 'completely'. The four answers are reported separately and never summed.",
  });

const swemwbsDescription = [
  'SWEMWBS: seven scores, in this order, for how often over the last two weeks:',
  ...SWEMWBS_ITEMS.map((item, index) => `${index + 1}. ${item}`),
  `Each is ${SWEMWBS_RESPONSES.map((r) => `${r.value} ${r.label}`).join(', ')}.`,
].join('\n');

const SwemwbsItems = z
  .array(z.number().int('must be a whole number').min(1).max(5))
  .length(SWEMWBS_ITEMS.length, `must be exactly ${SWEMWBS_ITEMS.length} item scores`)
  .openapi({ description: swemwbsDescription, example: [3, 4, 3, 3, 4, 3, 4] });

export const AssessmentInput = z
  .object({
    ons4: Ons4Input,
    swemwbs: SwemwbsItems.optional(),
    activeDays: z
      .number()
      .int('must be a whole number')
      .min(0)
      .max(7)
      .optional()
      .openapi({ description: 'Days in the past week with at least 30 minutes of physical activity.', example: 2 }),
    selfCareConfidence: z
      .number()
      .int('must be a whole number')
      .min(0)
      .max(10)
      .optional()
      .openapi({
        description:
          'Self-rated confidence in looking after their own health and wellbeing, 0 (not at all confident) to 10 (completely confident).',
        example: 6,
      }),
    notes: plainText(z.string().trim().max(2000), { multiline: true }).optional(),
  })
  .openapi('AssessmentInput');

export const CreateAssessmentBody = AssessmentInput.extend({
  kind: z.enum(ASSESSMENT_KINDS).openapi({
    description: 'baseline (before a prescription) or follow_up (after it); wellbeing change is measured between the two.',
  }),
}).openapi('CreateAssessment');

export const Ons4BandsView = z
  .object({
    satisfied: z.enum(ONS4_BANDS),
    worthwhile: z.enum(ONS4_BANDS),
    happy: z.enum(ONS4_BANDS),
    anxious: z.enum(ANXIETY_BANDS),
  })
  .openapi('Ons4Bands', {
    description:
      'ONS publication bands. satisfied/worthwhile/happy: 0–4 low, 5–6 medium, 7–8 high, 9–10 very_high; anxious: 0–1 very_low, 2–3 low, 4–5 medium, 6–10 high.',
  });

export const SwemwbsScoreView = z
  .object({
    items: z.array(z.number().int()),
    rawTotal: z.number().int().openapi({ description: 'Sum of the seven item scores, 7–35.' }),
    metricScore: z
      .number()
      .openapi({ description: 'The published raw-to-metric conversion of rawTotal; compare scores on this scale.' }),
  })
  .openapi('SwemwbsScore');

export const Assessment = z
  .object({
    assessmentId: Id,
    patientId: Id,
    kind: z.enum(ASSESSMENT_KINDS),
    ons4: Ons4Input,
    ons4Bands: Ons4BandsView,
    swemwbs: SwemwbsScoreView.optional(),
    activeDays: z.number().int().optional(),
    selfCareConfidence: z.number().int().optional(),
    notes: z.string().optional(),
    recordedAt: Instant,
    recordedBy: z.string().openapi({ description: 'The user (token subject) who recorded the assessment.' }),
    followUpId: Id.optional().openapi({ description: 'For a follow-up assessment: the follow-up it completed.' }),
    prescriptionId: Id.optional().openapi({ description: 'For a follow-up assessment: the prescription whose follow-up it completed.' }),
    revision: z.number().int().min(1).optional().openapi({ description: 'How many times it was amended; absent if never.' }),
    amendments: z
      .array(
        z.object({
          amendedAt: Instant,
          amendedBy: z.string(),
          reason: z.string(),
          previous: z.object({
            ons4: Ons4Input,
            swemwbs: SwemwbsScoreView.optional(),
            activeDays: z.number().int().optional(),
            selfCareConfidence: z.number().int().optional(),
          }),
        }),
      )
      .optional()
      .openapi({ description: 'Each correction, oldest first, with the answers it replaced: the original is never lost.' }),
  })
  .openapi('Assessment');

/** What recording an assessment answers: the assessment, and for a follow-up what it attached to. */
export const RecordedAssessment = Assessment.extend({
  attachedTo: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('follow_up'), followUpId: Id, prescriptionId: Id }),
      z.object({
        kind: z.literal('none'),
        reason: z.enum(['none_open', 'not_yet_due']),
        followUpId: Id.optional(),
        dueAt: Instant.optional(),
      }),
    ])
    .optional()
    .openapi({
      description:
        'For a follow_up assessment: `follow_up` when it completed the patient’s due follow-up (and so its prescription), ' +
        'exactly as completing it from the inbox does; `none` when it stands alone and is not paired with a baseline in ' +
        'the reports — because no follow-up is open (`none_open`), or the open one is not due until `dueAt` ' +
        '(`not_yet_due`: complete that from the inbox if this was it).',
    }),
}).openapi('RecordedAssessment');

export const AmendAssessmentBody = AssessmentInput.omit({ notes: true })
  .extend({
    reason: plainText(z.string().trim().min(1, 'say why it is being corrected').max(500), { multiline: true }),
  })
  .openapi('AmendAssessment', {
    description: 'The corrected answers, in full, and why. The answers they replace are kept in `amendments`.',
  });

export type AssessmentKind = (typeof ASSESSMENT_KINDS)[number];
export type Ons4InputT = z.infer<typeof Ons4Input>;
export type AssessmentInputT = z.infer<typeof AssessmentInput>;
export type CreateAssessmentInput = z.infer<typeof CreateAssessmentBody>;
export type AssessmentView = z.infer<typeof Assessment>;
export type RecordedAssessmentView = z.infer<typeof RecordedAssessment>;
export type AmendAssessmentInput = z.infer<typeof AmendAssessmentBody>;
