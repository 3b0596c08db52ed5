import { z } from '@hono/zod-openapi';
import { plainText } from '#shared/platform/text';
import { CalendarDate, Postcode } from '#shared/registry/schema';
import { isValidNhsNumber, normaliseUkPhone } from './validation';

export const REFERRAL_SOURCES = ['gp', 'nurse', 'pharmacist', 'social_care', 'self', 'other'] as const;
/**
 * received → accepted (first contact made) → prescribed (a prescription started) → closed;
 * received or accepted → declined. Declined and closed are final (see REFERRAL_TRANSITIONS).
 */
export const REFERRAL_STATUSES = ['received', 'accepted', 'prescribed', 'declined', 'closed'] as const;
/** The statuses in which a referral is still being worked: a patient has at most one referral in them. */
export const OPEN_REFERRAL_STATUSES = ['received', 'accepted', 'prescribed'] as const;
/**
 * The names stored before the lifecycle (ARCHITECTURE.md decision 66): `new` is `received`, and
 * `assessed` (a baseline was recorded, so contact was made) is `accepted`. Items keep them until
 * their next change; they are mapped whenever one is read, and conditions accept both names.
 */
export const LEGACY_REFERRAL_STATUSES = { new: 'received', assessed: 'accepted' } as const;
/** Why a referral was declined or closed: a fixed list, so reports can count them. */
export const DECLINE_REASONS = [
  'not_interested',
  'unable_to_contact',
  'did_not_attend',
  'already_supported',
  'mis_referred',
  'moved_away',
  'consent_withdrawn',
  'deceased',
  'other',
] as const;
/** Closing has one reason more than declining: the support was given and the episode is over. */
export const CLOSE_REASONS = [...DECLINE_REASONS, 'completed'] as const;
/** SNOMED CT "Referral to social prescribing service", the concept GP systems record. */
export const SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING = '871731000000106';
/** SNOMED CT "Social prescribing declined", recorded beside the referral's concept when it is declined. */
export const SNOMED_SOCIAL_PRESCRIBING_DECLINED = '871711000000103';
export const PREFERRED_CONTACT = ['phone', 'email', 'text', 'letter'] as const;
export const CONTACT_KINDS = ['phone', 'visit', 'video', 'text', 'letter', 'email'] as const;
export const CONTACT_OUTCOMES = ['reached', 'no_answer', 'left_message', 'did_not_attend'] as const;
/** How a referral arrived: the public form (no account), or — absent — taken by staff. */
export const REFERRAL_CHANNELS = ['public_form'] as const;

/**
 * The demographics commissioners report on (ARCHITECTURE.md decision 89): each optional, each with
 * "prefer not to say", in the ONS 2021 census categories so figures compare with census data. The
 * labels are the census wording, shared by the API's descriptions (the console keeps a copy that a
 * test holds to these). Special-category data: never logged, never told to a provider.
 */
export const SEX_VALUES = ['female', 'male', 'prefer_not_to_say'] as const;
export const GENDER_IDENTITY_VALUES = [
  'same_as_sex_registered_at_birth',
  'different_no_identity_given',
  'trans_woman',
  'trans_man',
  'non_binary',
  'other',
  'prefer_not_to_say',
] as const;
/** The 19 ONS 2021 England and Wales ethnic groups, prefixed by their high-level group, and prefer not to say. */
export const ETHNICITY_VALUES = [
  'asian_bangladeshi',
  'asian_chinese',
  'asian_indian',
  'asian_pakistani',
  'asian_other',
  'black_african',
  'black_caribbean',
  'black_other',
  'mixed_white_and_asian',
  'mixed_white_and_black_african',
  'mixed_white_and_black_caribbean',
  'mixed_other',
  'white_british',
  'white_irish',
  'white_gypsy_or_irish_traveller',
  'white_roma',
  'white_other',
  'other_arab',
  'other_any_other',
  'prefer_not_to_say',
] as const;
export const DISABILITY_VALUES = ['yes_limited_a_lot', 'yes_limited_a_little', 'no', 'prefer_not_to_say'] as const;
export type Sex = (typeof SEX_VALUES)[number];
export type GenderIdentity = (typeof GENDER_IDENTITY_VALUES)[number];
export type Ethnicity = (typeof ETHNICITY_VALUES)[number];
export type Disability = (typeof DISABILITY_VALUES)[number];
/** IMD 2019 deciles: 1 is the most deprived 10% of LSOAs in England, 10 the least. */
export const IMD_DECILE = { min: 1, max: 10 } as const;
/** The five demographic fields of the patient, as the API names them. */
export const DEMOGRAPHIC_FIELDS = ['sex', 'genderIdentity', 'ethnicity', 'disability', 'imdDecile'] as const;

export const PREFER_NOT_TO_SAY_LABEL = 'Prefer not to say';
/** ONS 2021 census, "What is your sex?" */
export const SEX_LABELS: Record<Sex, string> = { female: 'Female', male: 'Male', prefer_not_to_say: PREFER_NOT_TO_SAY_LABEL };
/** ONS 2021 census, "Is the gender you identify with the same as your sex registered at birth?" and its write-in categories. */
export const GENDER_IDENTITY_LABELS: Record<GenderIdentity, string> = {
  same_as_sex_registered_at_birth: 'Same as sex registered at birth',
  different_no_identity_given: 'Different from sex registered at birth but no specific identity given',
  trans_woman: 'Trans woman',
  trans_man: 'Trans man',
  non_binary: 'Non-binary',
  other: 'All other gender identities',
  prefer_not_to_say: PREFER_NOT_TO_SAY_LABEL,
};
/** The five high-level census groups, each with its categories in census order. */
export const ETHNIC_GROUPS: readonly { group: string; values: readonly Exclude<Ethnicity, 'prefer_not_to_say'>[] }[] = [
  { group: 'Asian, Asian British or Asian Welsh', values: ['asian_bangladeshi', 'asian_chinese', 'asian_indian', 'asian_pakistani', 'asian_other'] },
  { group: 'Black, Black British, Black Welsh, Caribbean or African', values: ['black_african', 'black_caribbean', 'black_other'] },
  {
    group: 'Mixed or Multiple ethnic groups',
    values: ['mixed_white_and_asian', 'mixed_white_and_black_african', 'mixed_white_and_black_caribbean', 'mixed_other'],
  },
  { group: 'White', values: ['white_british', 'white_irish', 'white_gypsy_or_irish_traveller', 'white_roma', 'white_other'] },
  { group: 'Other ethnic group', values: ['other_arab', 'other_any_other'] },
];
/** ONS 2021 census, "What is your ethnic group?" (England and Wales). */
export const ETHNICITY_LABELS: Record<Ethnicity, string> = {
  asian_bangladeshi: 'Bangladeshi',
  asian_chinese: 'Chinese',
  asian_indian: 'Indian',
  asian_pakistani: 'Pakistani',
  asian_other: 'Any other Asian background',
  black_african: 'African',
  black_caribbean: 'Caribbean',
  black_other: 'Any other Black, Black British or Caribbean background',
  mixed_white_and_asian: 'White and Asian',
  mixed_white_and_black_african: 'White and Black African',
  mixed_white_and_black_caribbean: 'White and Black Caribbean',
  mixed_other: 'Any other Mixed or Multiple background',
  white_british: 'English, Welsh, Scottish, Northern Irish or British',
  white_irish: 'Irish',
  white_gypsy_or_irish_traveller: 'Gypsy or Irish Traveller',
  white_roma: 'Roma',
  white_other: 'Any other White background',
  other_arab: 'Arab',
  other_any_other: 'Any other ethnic group',
  prefer_not_to_say: PREFER_NOT_TO_SAY_LABEL,
};
/**
 * ONS 2021 census (the Equality Act 2010 definition): "Are your day-to-day activities limited
 * because of a health problem or disability which has lasted, or is expected to last, at least 12 months?"
 */
export const DISABILITY_LABELS: Record<Disability, string> = {
  yes_limited_a_lot: 'Yes, limited a lot',
  yes_limited_a_little: 'Yes, limited a little',
  no: 'No',
  prefer_not_to_say: PREFER_NOT_TO_SAY_LABEL,
};

/** "`code`: label; …", the census wording for an OpenAPI description. */
const codes = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([code, label]) => `\`${code}\`: ${label}`)
    .join('; ');

const Id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a 26-character ULID');
const Instant = z.string().openapi({ format: 'date-time' });
/** Free text a navigator types: plain, up to 2,000 characters, line breaks allowed. Never logged or exported. */
const Note = plainText(z.string().trim().min(1, 'must not be empty').max(2000), { multiline: true });

// The patient's fields, each validated once: a referral and a change of the record use the same pieces.
const PersonName = plainText(z.string().trim().min(1, 'must not be empty').max(100));
const DateOfBirthInput = CalendarDate.openapi({ description: 'A real date in the past, YYYY-MM-DD.', example: '1952-04-17' });
const NhsNumberInput = z
  .string()
  .max(16)
  .refine(isValidNhsNumber, 'must be a valid 10-digit NHS number (Modulus 11 check digit)')
  .openapi({ example: '943 476 5919', description: 'Spaces allowed; stored as 10 digits.' });
const PhoneInput = z
  .string()
  .max(24)
  .refine((value) => normaliseUkPhone(value) !== undefined, 'must be a UK phone number, e.g. 07700 900123')
  .openapi({ description: 'Stored in E.164 form, e.g. +447700900123.' });
const EmailInput = z.email('must be an email address').max(254);
const GpPracticeInput = plainText(z.string().trim().min(1).max(120)).openapi({ description: 'Practice name or ODS code.' });
/** A GP practice's ODS code: one letter and five digits (A81001); lower case and spaces accepted, stored upper case. */
export const GP_PRACTICE_CODE = /^[A-Z][0-9]{5}$/;
const GpPracticeCodeInput = z
  .string()
  .max(12)
  .transform((value) => value.replace(/\s+/g, '').toUpperCase())
  .refine((value) => GP_PRACTICE_CODE.test(value), 'must be a GP practice ODS code: one letter and five digits, e.g. A81001')
  .openapi({ example: 'A81001', description: 'The practice’s ODS code (one letter, five digits); where the GP summary goes.' });
const PreferredContactInput = z
  .enum(PREFERRED_CONTACT)
  .openapi({ description: 'How the person would like to be contacted; phone and text need a phone number, email an email address.' });

const SexInput = z.enum(SEX_VALUES).openapi({ description: `Sex (ONS 2021 census: "What is your sex?"). ${codes(SEX_LABELS)}.` });
const GenderIdentityInput = z.enum(GENDER_IDENTITY_VALUES).openapi({
  description: `Gender identity (ONS 2021 census categories). ${codes(GENDER_IDENTITY_LABELS)}.`,
});
const EthnicityInput = z.enum(ETHNICITY_VALUES).openapi({
  description: `Ethnic group (ONS 2021 census, England and Wales; the prefix is the high-level group). ${codes(ETHNICITY_LABELS)}.`,
});
const DisabilityInput = z.enum(DISABILITY_VALUES).openapi({
  description:
    'Day-to-day activities limited by a health problem or disability that has lasted, or is expected to last, at least 12 months ' +
    `(ONS 2021 census, Equality Act 2010). ${codes(DISABILITY_LABELS)}.`,
});
const ImdDecileInput = z
  .number()
  .int('must be a whole number from 1 to 10')
  .min(IMD_DECILE.min, 'must be from 1 to 10')
  .max(IMD_DECILE.max, 'must be from 1 to 10')
  .openapi({
    example: 3,
    description:
      'Index of Multiple Deprivation 2019 decile of the postcode’s LSOA: 1 is the most deprived 10% of LSOAs in England, 10 the least ' +
      '(look it up in the MHCLG IMD 2019 postcode lookup).',
  });
/** The demographic fields, each optional (for reporting only; ARCHITECTURE.md decision 89). */
const demographicInputs = {
  sex: SexInput.optional(),
  genderIdentity: GenderIdentityInput.optional(),
  ethnicity: EthnicityInput.optional(),
  disability: DisabilityInput.optional(),
  imdDecile: ImdDecileInput.optional(),
};

export const PatientInput = z
  .object({
    givenName: PersonName,
    familyName: PersonName,
    dateOfBirth: DateOfBirthInput,
    nhsNumber: NhsNumberInput.optional(),
    postcode: Postcode.optional(),
    phone: PhoneInput.optional(),
    email: EmailInput.optional(),
    gpPractice: GpPracticeInput.optional(),
    gpPracticeCode: GpPracticeCodeInput.optional(),
    preferredContact: PreferredContactInput.optional(),
    ...demographicInputs,
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

/** The public form's hidden field: people never see it, so anything in it came from a robot. */
export const PUBLIC_REFERRAL_HONEYPOT = 'website';

/**
 * A referral sent with the public form (no account): the person's details (the same pieces as a
 * staff referral), who is sending it, why, and the person's agreement to be contacted. Strict: a
 * field the form does not have is a 400, so nothing unexpected is ever stored.
 */
export const PublicReferralBody = z
  .strictObject({
    person: z.strictObject({
      givenName: PersonName,
      familyName: PersonName,
      dateOfBirth: DateOfBirthInput,
      nhsNumber: NhsNumberInput.optional(),
      postcode: Postcode.optional(),
      phone: PhoneInput.optional(),
      email: EmailInput.optional(),
    }),
    referrer: z.strictObject({
      role: z.enum(REFERRAL_SOURCES).openapi({ description: '`self` when the person refers themselves.' }),
      name: PersonName.optional(),
      organisation: plainText(z.string().trim().min(1, 'must not be empty').max(120)).optional(),
      email: EmailInput.optional(),
      phone: PhoneInput.optional(),
    }),
    reasons: CreateReferralBody.shape.reasons,
    consentToContact: z.literal(true, { message: 'the person must agree to be contacted about this referral' }),
    [PUBLIC_REFERRAL_HONEYPOT]: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: 'Leave out or empty: a hidden field of the form that only robots fill in.' }),
  })
  .openapi('PublicReferral');

export const AssignReferralBody = z
  .object({ navigator: z.string().min(1).max(128).openapi({ description: 'The navigator (user id) who takes the referral on.' }) })
  .openapi('AssignReferral');

/**
 * A change of the patient's record: only the fields given change. `null` removes an optional
 * field. Each field is validated exactly as at referral.
 */
export const ChangePatientBody = z
  .object({
    givenName: PersonName.optional(),
    familyName: PersonName.optional(),
    dateOfBirth: DateOfBirthInput.optional(),
    nhsNumber: NhsNumberInput.nullable().optional(),
    postcode: Postcode.nullable().optional(),
    phone: PhoneInput.nullable().optional(),
    email: EmailInput.nullable().optional(),
    gpPractice: GpPracticeInput.nullable().optional(),
    gpPracticeCode: GpPracticeCodeInput.nullable().optional(),
    preferredContact: PreferredContactInput.nullable().optional(),
    sex: SexInput.nullable().optional(),
    genderIdentity: GenderIdentityInput.nullable().optional(),
    ethnicity: EthnicityInput.nullable().optional(),
    disability: DisabilityInput.nullable().optional(),
    imdDecile: ImdDecileInput.nullable().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'give at least one field to change', path: [] })
  .openapi('ChangePatient');

/** What a patient has agreed to, each recorded with when and by whom (ARCHITECTURE.md decision on consent). */
export const CONSENT_PURPOSES = ['share_attendance', 'gp_summary', 'evaluation'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
/** The field of `consents` each purpose is kept under. */
export const CONSENT_FIELDS = { share_attendance: 'shareAttendance', gp_summary: 'gpSummary', evaluation: 'evaluation' } as const satisfies Record<
  ConsentPurpose,
  string
>;
export type ConsentField = (typeof CONSENT_FIELDS)[ConsentPurpose];

export const ConsentDecision = z
  .object({
    given: z.boolean(),
    recordedAt: Instant.openapi({ description: 'When the decision was recorded.' }),
    recordedBy: z.string().openapi({ description: 'Who recorded it (user id).' }),
  })
  .openapi('ConsentDecision');

export const Consents = z
  .object({
    shareAttendance: ConsentDecision.optional().openapi({ description: 'To share attendance with providers beyond the door’s answer (not used yet).' }),
    gpSummary: ConsentDecision.optional().openapi({ description: 'To send a summary to the GP.' }),
    evaluation: ConsentDecision.optional().openapi({
      description: 'To be included in the evaluation exports. Only `given: false` leaves a person out; absent means not asked yet, and they stay in.',
    }),
  })
  .openapi('Consents');

/** Why no GP summary may be prepared for a person: they have not consented, or their practice's ODS code is not on the record. */
export const GP_SUMMARY_BLOCKS = ['no_consent', 'no_practice_code'] as const;
export type GpSummaryBlock = (typeof GP_SUMMARY_BLOCKS)[number];

export const ConsentPath = z.object({
  purpose: z.enum(CONSENT_PURPOSES).openapi({ param: { name: 'purpose', in: 'path' }, example: 'evaluation' }),
});

export const SetConsentBody = z.object({ given: z.boolean().openapi({ description: 'Yes (true) or no (false).' }) }).openapi('SetConsent');

export const Patient = z
  .object({
    patientId: Id,
    navigator: z
      .string()
      .optional()
      .openapi({ description: 'Whose caseload the patient is in; absent while a public referral waits in the unassigned triage queue.' }),
    givenName: z.string(),
    familyName: z.string(),
    dateOfBirth: z.string(),
    nhsNumber: z.string().optional(),
    postcode: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
    gpPractice: z.string().optional(),
    gpPracticeCode: z.string().optional().openapi({ description: 'The GP practice’s ODS code, e.g. A81001.' }),
    preferredContact: z.enum(PREFERRED_CONTACT).optional(),
    sex: SexInput.optional(),
    genderIdentity: GenderIdentityInput.optional(),
    ethnicity: EthnicityInput.optional(),
    disability: DisabilityInput.optional(),
    imdDecile: z
      .number()
      .int()
      .min(IMD_DECILE.min)
      .max(IMD_DECILE.max)
      .optional()
      .openapi({ description: 'IMD 2019 decile (1 = most deprived 10% of LSOAs in England): as recorded, or else looked up from the postcode.' }),
    currentPrescriptionId: Id.optional().openapi({ description: 'The active or paused prescription, if any.' }),
    baselineAssessmentId: Id.optional().openapi({ description: 'The latest baseline assessment, if any.' }),
    activeCardId: z.string().optional(),
    consents: Consents.optional().openapi({ description: 'Consent decisions; a purpose without one has not been asked (absent = not given).' }),
    gpSummaryBlocked: z.enum(GP_SUMMARY_BLOCKS).optional().openapi({
      description:
        'Why no summary for their GP would be prepared if a referral of theirs ended now: `no_consent` (they have not agreed to it) or `no_practice_code` (no ODS code on the record). Absent when one would be.',
    }),
    createdAt: Instant,
    updatedAt: Instant.optional().openapi({ description: 'When the record was last changed (absent if never).' }),
  })
  .openapi('Patient');

/** Who sent a public referral, as stored on it (their role is the referral's `source`). */
export const PublicReferrer = z
  .object({ name: z.string().optional(), organisation: z.string().optional(), email: z.string().optional(), phone: z.string().optional() })
  .openapi('PublicReferrer');

export const Referral = z
  .object({
    referralId: Id,
    patientId: Id,
    navigator: z
      .string()
      .optional()
      .openapi({ description: 'Who works it; absent while it waits in the unassigned triage queue (a public referral).' }),
    status: z.enum(REFERRAL_STATUSES),
    source: z.enum(REFERRAL_SOURCES),
    reasons: z.array(z.string()),
    notes: z.string().optional(),
    channel: z
      .enum(REFERRAL_CHANNELS)
      .optional()
      .openapi({ description: '`public_form`: sent with the public referral form (no account); absent: taken by staff.' }),
    referrer: PublicReferrer.optional().openapi({ description: 'Who sent a public referral, as they gave it (for the navigator to contact).' }),
    consentToContact: z.literal(true).optional().openapi({ description: 'A public referral: the person agreed to be contacted about it.' }),
    assignedAt: Instant.optional().openapi({ description: 'When a referral from the unassigned queue was given to its navigator.' }),
    assignedBy: z.string().optional().openapi({ description: 'Who assigned it (user id).' }),
    repeatedRequests: z
      .object({ count: z.number().int().min(1), lastAt: Instant })
      .optional()
      .openapi({
        description:
          'Public referrals for this person received while this one was open: how many and the latest (their contents are not kept).',
      }),
    snomedCode: z.literal(SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING),
    declinedSnomedCode: z
      .literal(SNOMED_SOCIAL_PRESCRIBING_DECLINED)
      .optional()
      .openapi({ description: 'SNOMED CT 871711000000103 "Social prescribing declined", on a declined referral.' }),
    createdAt: Instant.openapi({ description: 'When it was received.' }),
    acceptedAt: Instant.optional().openapi({ description: 'When first contact was made (absent on referrals from before it was recorded).' }),
    prescribedAt: Instant.optional(),
    endedAt: Instant.optional().openapi({ description: 'When it was declined or closed.' }),
    endedBy: z.string().optional(),
    endReason: z.enum(CLOSE_REASONS).optional(),
    endNote: z.string().optional(),
    updatedAt: Instant.optional(),
  })
  .openapi('Referral');

export const ReferralListItem = Referral.extend({
  patient: z.object({ givenName: z.string(), familyName: z.string() }).optional(),
}).openapi('ReferralListItem');

export const CreatedReferral = z
  .object({
    referralId: Id,
    patientId: Id,
    referral: Referral,
    patient: Patient,
    rereferral: z
      .object({ matchedBy: z.enum(['nhs_number', 'name_and_date_of_birth']) })
      .optional()
      .openapi({
        description:
          'Present when the person was already registered: the referral is a new episode of their record, found by NHS number ' +
          'or (without one) by name and date of birth. Check it is them; their record is not changed by the referral.',
      }),
  })
  .openapi('CreatedReferral');

const reasonNoteRule = <T extends { reason: string; note?: string | undefined }>(body: T) => body.reason !== 'other' || body.note !== undefined;
const REASON_NOTE = { message: 'a note is required when the reason is other', path: ['note'] };

export const DeclineReferralBody = z
  .object({ reason: z.enum(DECLINE_REASONS), note: Note.optional() })
  .refine(reasonNoteRule, REASON_NOTE)
  .openapi('DeclineReferral');

export const CloseReferralBody = z
  .object({
    reason: z.enum(CLOSE_REASONS).openapi({ description: 'As for declining, or `completed`: the support was given.' }),
    note: Note.optional(),
  })
  .refine(reasonNoteRule, REASON_NOTE)
  .openapi('CloseReferral');

/** Why ending a referral prepared no summary for the GP: a block on the record, or the follow-up's summary already said it. */
export const GP_SUMMARY_SKIPS = [...GP_SUMMARY_BLOCKS, 'repeats_follow_up'] as const;

export const GpSummaryPrepared = z
  .object({
    prepared: z.boolean(),
    messageId: Id.optional().openapi({ description: 'The message prepared for the GP outbox, when one was.' }),
    why: z.enum(GP_SUMMARY_SKIPS).optional().openapi({
      description:
        'When none was: `no_consent` (the person has not agreed to it), `no_practice_code` (no ODS code on the record), or `repeats_follow_up` (the summary of their completed follow-up already says it).',
    }),
  })
  .openapi('GpSummaryPrepared');
export type GpSummaryPreparedView = z.infer<typeof GpSummaryPrepared>;

export const ReferralChanged = Referral.extend({
  withdrawnPrescriptionId: Id.optional().openapi({ description: 'The current prescription this withdrew (its follow-up cancelled), if any.' }),
  gpSummary: GpSummaryPrepared.optional().openapi({ description: 'On a decline or close: whether a summary for their GP was prepared, and if not, why.' }),
}).openapi('ReferralChanged');

export const CreateContactBody = z
  .object({
    at: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant, e.g. 2026-11-23T10:15:00Z' }).openapi({ format: 'date-time' }),
    kind: z.enum(CONTACT_KINDS),
    outcome: z.enum(CONTACT_OUTCOMES),
    note: Note.optional(),
  })
  .openapi('CreateContact');

export const Contact = z
  .object({
    contactId: Id,
    patientId: Id,
    referralId: Id.openapi({ description: 'The referral (episode) it belongs to.' }),
    at: Instant,
    kind: z.enum(CONTACT_KINDS),
    outcome: z.enum(CONTACT_OUTCOMES),
    note: z.string().optional(),
    recordedBy: z.string(),
    recordedAt: Instant,
  })
  .openapi('Contact');

export const RecordedContact = Contact.extend({
  referralAccepted: z.boolean().openapi({ description: 'This contact (the first that reached the person) accepted the received referral.' }),
}).openapi('RecordedContact');

export const TIMELINE_TYPES = ['referral', 'contact', 'assessment', 'prescription', 'card', 'follow_up'] as const;

export const TimelineEntry = z
  .object({
    eventId: z.string().openapi({ description: 'Unique within the patient’s timeline.' }),
    at: Instant,
    type: z.enum(TIMELINE_TYPES),
    action: z.string().openapi({
      description:
        'referral: received, accepted, prescribed, declined, closed; contact: contact; assessment: recorded; ' +
        'prescription: written, paused, withdrawn, completed; card: issued, revoked; follow_up: scheduled, due, completed, cancelled.',
    }),
    referralId: Id.optional(),
    contactId: Id.optional(),
    assessmentId: Id.optional(),
    prescriptionId: Id.optional(),
    cardId: z.string().optional(),
    followUpId: Id.optional(),
    kind: z.string().optional().openapi({ description: 'A contact’s kind, or an assessment’s (baseline, follow_up).' }),
    outcome: z.string().optional().openapi({ description: 'A contact’s outcome.' }),
    reason: z.string().optional().openapi({ description: 'Why a referral ended or a card was revoked.' }),
    note: z.string().optional().openapi({ description: 'A contact’s note, or why a referral ended.' }),
    status: z.string().optional(),
    dueAt: Instant.optional(),
    by: z.string().optional().openapi({ description: 'Who did it (user id), when recorded.' }),
  })
  .openapi('TimelineEntry');

export const TimelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25).openapi({ description: 'Page size, 1–100.' }),
  cursor: z.string().min(1).max(400).optional().openapi({ description: 'The nextCursor of the previous page.' }),
});

export const ReassignBody = z
  .object({
    from: z.string().min(1).max(128).openapi({ description: 'The navigator (user id) whose caseload moves.' }),
    to: z.string().min(1).max(128).openapi({ description: 'The navigator who takes it on.' }),
  })
  .refine((body) => body.from !== body.to, { message: 'from and to must differ', path: ['to'] })
  .openapi('ReassignCaseload');

export type PatientInputT = z.infer<typeof PatientInput>;
export type CreateReferralInput = z.infer<typeof CreateReferralBody>;
export type PublicReferralInput = z.infer<typeof PublicReferralBody>;
export type ChangePatientInput = z.infer<typeof ChangePatientBody>;
export type DeclineReferralInput = z.infer<typeof DeclineReferralBody>;
export type CloseReferralInput = z.infer<typeof CloseReferralBody>;
export type CreateContactInput = z.infer<typeof CreateContactBody>;
export type PatientView = z.infer<typeof Patient>;
export type ConsentDecisionView = z.infer<typeof ConsentDecision>;
export type ConsentsView = z.infer<typeof Consents>;
export type SetConsentInput = z.infer<typeof SetConsentBody>;
export type ReferralView = z.infer<typeof Referral>;
export type ContactView = z.infer<typeof Contact>;
export type TimelineEntryView = z.infer<typeof TimelineEntry>;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
export type OpenReferralStatus = (typeof OPEN_REFERRAL_STATUSES)[number];
export type EndReason = (typeof CLOSE_REASONS)[number];
export type PreferredContact = (typeof PREFERRED_CONTACT)[number];
