import { personProblems, parseReasons, MAX_REASONS, MAX_REASON_LENGTH } from '../console/lib/referral';
import type { FieldMap, FormProblems } from '../console/lib/issues';
import type { paths } from '../shared/openapi';

/**
 * The public referral form's state, its own checks before sending (the API checks everything
 * again), and the body it sends. Pure, so it is tested without a browser.
 */
export type PublicReferral = paths['/v1/public/referrals']['post']['requestBody']['content']['application/json'];
export type ReferrerRole = PublicReferral['referrer']['role'];

export interface ReferForm {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  nhsNumber: string;
  postcode: string;
  phone: string;
  email: string;
  role: ReferrerRole | '';
  referrerName: string;
  organisation: string;
  referrerEmail: string;
  referrerPhone: string;
  reasons: string;
  consent: boolean;
  /** The hidden field only robots fill in. */
  website: string;
}

export const emptyForm = (): ReferForm => ({
  givenName: '',
  familyName: '',
  dateOfBirth: '',
  nhsNumber: '',
  postcode: '',
  phone: '',
  email: '',
  role: '',
  referrerName: '',
  organisation: '',
  referrerEmail: '',
  referrerPhone: '',
  reasons: '',
  consent: false,
  website: '',
});

export const ROLE_OPTIONS: { value: ReferrerRole; label: string }[] = [
  { value: 'self', label: 'I am referring myself' },
  { value: 'gp', label: 'A GP or someone at a GP practice' },
  { value: 'nurse', label: 'A nurse' },
  { value: 'pharmacist', label: 'A pharmacist' },
  { value: 'social_care', label: 'Social care' },
  { value: 'other', label: 'Someone else (a friend, a relative, another service)' },
];

/** Where the API's issues belong: input ids, in the order the form shows them. */
export const REFER_FIELDS: FieldMap = {
  'person.givenName': { id: 'givenName', label: 'First name' },
  'person.familyName': { id: 'familyName', label: 'Last name' },
  'person.dateOfBirth': { id: 'dateOfBirth', label: 'Date of birth' },
  'person.nhsNumber': { id: 'nhsNumber', label: 'NHS number' },
  'person.postcode': { id: 'postcode', label: 'Postcode' },
  'person.phone': { id: 'phone', label: 'Phone number' },
  'person.email': { id: 'email', label: 'Email address' },
  'referrer.role': { id: 'role', label: 'Who is making this referral' },
  'referrer.name': { id: 'referrerName', label: 'Your name' },
  'referrer.organisation': { id: 'organisation', label: 'Your organisation' },
  'referrer.email': { id: 'referrerEmail', label: 'Your email address' },
  'referrer.phone': { id: 'referrerPhone', label: 'Your phone number' },
  reasons: { id: 'reasons', label: 'What would help' },
  consentToContact: { id: 'consent', label: 'Agreement to be contacted' },
};
export const REFER_FIELD_ORDER = Object.values(REFER_FIELDS).map((field) => field.id);

export function validateReferForm(form: ReferForm, today: string): FormProblems {
  const fields: Record<string, string> = { ...personProblems(form, today) };
  if (!form.givenName.trim()) fields.givenName = 'Enter the first name';
  if (!form.familyName.trim()) fields.familyName = 'Enter the last name';
  if (!form.role) fields.role = 'Select who is making this referral';
  const reasons = parseReasons(form.reasons);
  if (reasons.length === 0) fields.reasons = 'Enter what would help, for example loneliness or exercise';
  else if (reasons.length > MAX_REASONS) fields.reasons = `Enter at most ${MAX_REASONS} things, separated by commas`;
  else if (reasons.some((reason) => reason.length > MAX_REASON_LENGTH)) fields.reasons = `Keep each one to ${MAX_REASON_LENGTH} characters or fewer`;
  if (!form.consent) fields.consent = 'Confirm the person agrees to be contacted about this referral';
  return { fields, general: [] };
}

const given = (value: string) => value.trim() || undefined;

/** The body of `POST /v1/public/referrals`: empty optional fields are left out. */
export function toPublicReferral(form: ReferForm): PublicReferral {
  if (!form.role) throw new Error('role is required');
  const person: PublicReferral['person'] = { givenName: form.givenName.trim(), familyName: form.familyName.trim(), dateOfBirth: form.dateOfBirth };
  for (const key of ['nhsNumber', 'postcode', 'phone', 'email'] as const) {
    const value = given(form[key]);
    if (value) person[key] = value;
  }
  const referrer: PublicReferral['referrer'] = { role: form.role };
  if (form.role !== 'self') {
    const pairs = [
      ['name', form.referrerName],
      ['organisation', form.organisation],
      ['email', form.referrerEmail],
      ['phone', form.referrerPhone],
    ] as const;
    for (const [key, value] of pairs) {
      const text = given(value);
      if (text) referrer[key] = text;
    }
  }
  return {
    person,
    referrer,
    reasons: parseReasons(form.reasons),
    consentToContact: true,
    ...(form.website ? { website: form.website } : {}),
  };
}
