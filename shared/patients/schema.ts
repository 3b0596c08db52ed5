import { z } from '@hono/zod-openapi';
import { plainText } from '#shared/platform/text';
import { CalendarDate, Postcode } from '#shared/registry/schema';
import { isValidNhsNumber, normaliseUkPhone } from './validation';

export const REFERRAL_SOURCES = ['gp', 'nurse', 'pharmacist', 'social_care', 'self', 'other'] as const;
/** new → assessed (baseline recorded) → prescribed (a prescription started). */
export const REFERRAL_STATUSES = ['new', 'assessed', 'prescribed'] as const;
/** SNOMED CT "Referral to social prescribing service", the concept GP systems record. */
export const SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING = '871731000000106';

const Id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a 26-character ULID');
const Instant = z.string().openapi({ format: 'date-time' });
const PersonName = plainText(z.string().trim().min(1, 'must not be empty').max(100));

export const PatientInput = z
  .object({
    givenName: PersonName,
    familyName: PersonName,
    dateOfBirth: CalendarDate.openapi({ description: 'A real date in the past, YYYY-MM-DD.', example: '1952-04-17' }),
    nhsNumber: z
      .string()
      .max(16)
      .refine(isValidNhsNumber, 'must be a valid 10-digit NHS number (Modulus 11 check digit)')
      .optional()
      .openapi({ example: '943 476 5919', description: 'Spaces allowed; stored as 10 digits.' }),
    postcode: Postcode.optional(),
    phone: z
      .string()
      .max(24)
      .refine((value) => normaliseUkPhone(value) !== undefined, 'must be a UK phone number, e.g. 07700 900123')
      .optional()
      .openapi({ description: 'Stored in E.164 form, e.g. +447700900123.' }),
    email: z.email('must be an email address').max(254).optional(),
    gpPractice: z.string().trim().min(1).max(120).optional().openapi({ description: 'Practice name or ODS code.' }),
  })
  .openapi('PatientInput');

export const CreateReferralBody = z
  .object({
    patient: PatientInput,
    source: z.enum(REFERRAL_SOURCES),
    reasons: z
      .array(plainText(z.string().trim().min(1, 'must not be empty').max(40, 'at most 40 characters')))
      .min(1, 'at least one reason')
      .max(10, 'at most 10 reasons')
      .openapi({ example: ['isolation', 'exercise'], description: 'Short tags, e.g. isolation, exercise, debt, housing.' }),
    notes: plainText(z.string().trim().max(2000), { multiline: true }).optional(),
    navigator: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: 'Admins only: whose caseload the patient joins. A navigator’s referrals join their own.' }),
  })
  .openapi('CreateReferral');

export const Patient = z
  .object({
    patientId: Id,
    navigator: z.string(),
    givenName: z.string(),
    familyName: z.string(),
    dateOfBirth: z.string(),
    nhsNumber: z.string().optional(),
    postcode: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
    gpPractice: z.string().optional(),
    currentPrescriptionId: Id.optional().openapi({ description: 'The active or paused prescription, if any.' }),
    baselineAssessmentId: Id.optional().openapi({ description: 'The latest baseline assessment, if any.' }),
    activeCardId: z.string().optional(),
    createdAt: Instant,
  })
  .openapi('Patient');

export const Referral = z
  .object({
    referralId: Id,
    patientId: Id,
    navigator: z.string(),
    status: z.enum(REFERRAL_STATUSES),
    source: z.enum(REFERRAL_SOURCES),
    reasons: z.array(z.string()),
    notes: z.string().optional(),
    snomedCode: z.literal(SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING),
    createdAt: Instant,
  })
  .openapi('Referral');

export const ReferralListItem = Referral.extend({
  patient: z.object({ givenName: z.string(), familyName: z.string() }).optional(),
}).openapi('ReferralListItem');

export const CreatedReferral = z.object({ referralId: Id, patientId: Id, referral: Referral, patient: Patient }).openapi('CreatedReferral');

export const ReassignBody = z
  .object({
    from: z.string().min(1).max(128).openapi({ description: 'The navigator (user id) whose caseload moves.' }),
    to: z.string().min(1).max(128).openapi({ description: 'The navigator who takes it on.' }),
  })
  .refine((body) => body.from !== body.to, { message: 'from and to must differ', path: ['to'] })
  .openapi('ReassignCaseload');

export type PatientInputT = z.infer<typeof PatientInput>;
export type CreateReferralInput = z.infer<typeof CreateReferralBody>;
export type PatientView = z.infer<typeof Patient>;
export type ReferralView = z.infer<typeof Referral>;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
