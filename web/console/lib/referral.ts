import { isCalendarDate } from './dates';
import { demographicsBody, emptyDemographics, imdDecileProblem, type DemographicsForm } from './demographics';
import type { FieldMap, FormProblems } from './issues';
import type { CreateReferral, ReferralSource } from './types';

/** The "New referral" form, as typed (every value a string until it is sent); the demographics are optional. */
export interface ReferralForm extends DemographicsForm {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  nhsNumber: string;
  postcode: string;
  phone: string;
  email: string;
  gpPractice: string;
  /** The practice's ODS code (one letter, five digits): where a summary for the GP goes. */
  gpPracticeCode: string;
  source: ReferralSource | '';
  reasons: string;
  notes: string;
  /** Admins only: whose caseload the patient joins. */
  navigator: string;
}

export const emptyReferralForm = (): ReferralForm => ({
  givenName: '',
  familyName: '',
  dateOfBirth: '',
  nhsNumber: '',
  postcode: '',
  phone: '',
  email: '',
  gpPractice: '',
  gpPracticeCode: '',
  ...emptyDemographics(),
  source: '',
  reasons: '',
  notes: '',
  navigator: '',
});

/** Reasons people are often referred for, offered as suggestions (any short tag is accepted). */
export const COMMON_REASONS = ['isolation', 'low mood', 'exercise', 'debt', 'housing', 'bereavement', 'carer stress'] as const;

export const MAX_REASONS = 10;
export const MAX_REASON_LENGTH = 40;

/** The reasons typed as a comma-separated list: trimmed, empty ones dropped, repeats removed. */
export function parseReasons(text: string): string[] {
  const seen = new Set<string>();
  const reasons: string[] = [];
  for (const part of text.split(',')) {
    const reason = part.trim().replace(/\s+/g, ' ');
    const key = reason.toLowerCase();
    if (!reason || seen.has(key)) continue;
    seen.add(key);
    reasons.push(reason);
  }
  return reasons;
}

/** The reasons text with one more reason added (unless it is already there). */
export function addReason(text: string, reason: string): string {
  const reasons = parseReasons(text);
  if (reasons.some((r) => r.toLowerCase() === reason.toLowerCase())) return reasons.join(', ');
  return [...reasons, reason].join(', ');
}

/** Where the API's issues for a referral belong. Ids are the inputs' ids. */
export const REFERRAL_FIELDS: FieldMap = {
  'patient.givenName': { id: 'givenName', label: 'Given name' },
  'patient.familyName': { id: 'familyName', label: 'Family name' },
  'patient.dateOfBirth': { id: 'dateOfBirth', label: 'Date of birth' },
  'patient.nhsNumber': { id: 'nhsNumber', label: 'NHS number' },
  'patient.postcode': { id: 'postcode', label: 'Postcode' },
  'patient.phone': { id: 'phone', label: 'Phone' },
  'patient.email': { id: 'email', label: 'Email' },
  'patient.gpPractice': { id: 'gpPractice', label: 'GP practice' },
  'patient.gpPracticeCode': { id: 'gpPracticeCode', label: 'GP practice ODS code' },
  'patient.sex': { id: 'sex', label: 'Sex' },
  'patient.genderIdentity': { id: 'genderIdentity', label: 'Gender identity' },
  'patient.ethnicity': { id: 'ethnicity', label: 'Ethnic group' },
  'patient.disability': { id: 'disability', label: 'Disability' },
  'patient.imdDecile': { id: 'imdDecile', label: 'IMD decile' },
  source: { id: 'source', label: 'Referral source' },
  reasons: { id: 'reasons', label: 'Reasons' },
  notes: { id: 'notes', label: 'Notes' },
  navigator: { id: 'navigator', label: 'Navigator' },
};

export const REFERRAL_FIELD_ORDER = Object.values(REFERRAL_FIELDS).map((field) => field.id);

/** The person's fields a referral and an edit of the record both check, keyed by field name. */
export type PersonFields = Pick<ReferralForm, 'givenName' | 'familyName' | 'dateOfBirth' | 'nhsNumber' | 'email'> & { gpPracticeCode?: string };

export function personProblems(form: PersonFields, today: string): Partial<Record<keyof PersonFields, string>> {
  const problems: Partial<Record<keyof PersonFields, string>> = {};
  if (!form.givenName.trim()) problems.givenName = 'Enter the given name';
  if (!form.familyName.trim()) problems.familyName = 'Enter the family name';
  if (!form.dateOfBirth) problems.dateOfBirth = 'Enter the date of birth';
  else if (!isCalendarDate(form.dateOfBirth)) problems.dateOfBirth = 'Date of birth must be a real date';
  else if (form.dateOfBirth > today) problems.dateOfBirth = 'Date of birth must be in the past';
  if (form.nhsNumber.trim() && !/^[\d\s]+$/.test(form.nhsNumber.trim())) {
    problems.nhsNumber = 'NHS number must be 10 digits, like 943 476 5919';
  }
  if (form.gpPracticeCode?.trim() && !/^[A-Za-z]\d{5}$/.test(form.gpPracticeCode.replace(/\s+/g, ''))) {
    problems.gpPracticeCode = 'Enter the practice’s ODS code: one letter and five digits, like A81001';
  }
  if (form.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) {
    problems.email = 'Enter an email address in the correct format, like name@example.com';
  }
  return problems;
}

/** The console's own checks, before anything is sent (the API checks everything again). */
export function validateReferral(form: ReferralForm, today: string): FormProblems {
  const fields: Record<string, string> = { ...personProblems(form, today) };
  const decile = imdDecileProblem(form.imdDecile);
  if (decile) fields.imdDecile = decile;
  if (!form.source) fields.source = 'Select where the referral came from';
  const reasons = parseReasons(form.reasons);
  if (reasons.length === 0) fields.reasons = 'Enter at least one reason, for example isolation';
  else if (reasons.length > MAX_REASONS) fields.reasons = `Enter at most ${MAX_REASONS} reasons`;
  else if (reasons.some((r) => r.length > MAX_REASON_LENGTH)) {
    fields.reasons = `Each reason must be ${MAX_REASON_LENGTH} characters or fewer`;
  }
  if (form.notes.length > 2000) fields.notes = 'Notes must be 2000 characters or fewer';
  return { fields, general: [] };
}

const optional = (value: string): string | undefined => {
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
};

/** The body of `POST /v1/referrals`: empty optional fields are left out, not sent as "". */
export function toCreateReferral(form: ReferralForm): CreateReferral {
  if (!form.source) throw new Error('source is required');
  const patient: CreateReferral['patient'] = {
    givenName: form.givenName.trim(),
    familyName: form.familyName.trim(),
    dateOfBirth: form.dateOfBirth,
  };
  const nhsNumber = optional(form.nhsNumber);
  if (nhsNumber) patient.nhsNumber = nhsNumber;
  const postcode = optional(form.postcode);
  if (postcode) patient.postcode = postcode;
  const phone = optional(form.phone);
  if (phone) patient.phone = phone;
  const email = optional(form.email);
  if (email) patient.email = email;
  const gpPractice = optional(form.gpPractice);
  if (gpPractice) patient.gpPractice = gpPractice;
  const gpPracticeCode = optional(form.gpPracticeCode);
  if (gpPracticeCode) patient.gpPracticeCode = gpPracticeCode;
  Object.assign(patient, demographicsBody(form));
  const body: CreateReferral = { patient, source: form.source, reasons: parseReasons(form.reasons) };
  const notes = optional(form.notes);
  if (notes) body.notes = notes;
  const navigator = optional(form.navigator);
  if (navigator) body.navigator = navigator;
  return body;
}
