import { demographicsForm, imdDecileProblem, parseImdDecile, type DemographicsForm, type Disability, type Ethnicity, type GenderIdentity, type Sex } from './demographics';
import { formatPhone } from './format';
import { personProblems } from './referral';
import type { FieldMap, FormProblems } from './issues';
import type { components } from '../../shared/openapi';

/** "Edit details" of a patient's record: `PATCH /v1/patients/{id}` with only what changed. */
type Schemas = components['schemas'];
export type ChangePatient = Schemas['ChangePatient'];
type Patient = Schemas['Patient'];
export type PreferredContact = NonNullable<Patient['preferredContact']>;

export const PREFERRED_CONTACTS: readonly { value: PreferredContact; label: string }[] = [
  { value: 'phone', label: 'Phone' },
  { value: 'text', label: 'Text message' },
  { value: 'email', label: 'Email' },
  { value: 'letter', label: 'Letter' },
];

export interface DetailsForm extends DemographicsForm {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  nhsNumber: string;
  postcode: string;
  phone: string;
  email: string;
  gpPractice: string;
  gpPracticeCode: string;
  preferredContact: string;
}

const OPTIONAL = ['nhsNumber', 'postcode', 'phone', 'email', 'gpPractice', 'gpPracticeCode', 'preferredContact'] as const;

/** The form filled from the record. */
export function detailsForm(patient: Patient): DetailsForm {
  return {
    givenName: patient.givenName,
    familyName: patient.familyName,
    dateOfBirth: patient.dateOfBirth,
    nhsNumber: patient.nhsNumber ?? '',
    postcode: patient.postcode ?? '',
    phone: formatPhone(patient.phone) ?? '',
    email: patient.email ?? '',
    gpPractice: patient.gpPractice ?? '',
    gpPracticeCode: patient.gpPracticeCode ?? '',
    preferredContact: patient.preferredContact ?? '',
    ...demographicsForm(patient),
  };
}

export const DETAILS_FIELDS: FieldMap = {
  givenName: { id: 'editGivenName', label: 'Given name' },
  familyName: { id: 'editFamilyName', label: 'Family name' },
  dateOfBirth: { id: 'editDateOfBirth', label: 'Date of birth' },
  nhsNumber: { id: 'editNhsNumber', label: 'NHS number' },
  postcode: { id: 'editPostcode', label: 'Postcode' },
  phone: { id: 'editPhone', label: 'Phone' },
  email: { id: 'editEmail', label: 'Email' },
  gpPractice: { id: 'editGpPractice', label: 'GP practice' },
  gpPracticeCode: { id: 'editGpPracticeCode', label: 'GP practice ODS code' },
  preferredContact: { id: 'editPreferredContact', label: 'Preferred contact' },
  sex: { id: 'editSex', label: 'Sex' },
  genderIdentity: { id: 'editGenderIdentity', label: 'Gender identity' },
  ethnicity: { id: 'editEthnicity', label: 'Ethnic group' },
  disability: { id: 'editDisability', label: 'Disability' },
  imdDecile: { id: 'editImdDecile', label: 'IMD decile' },
};
export const DETAILS_FIELD_ORDER = Object.values(DETAILS_FIELDS).map((field) => field.id);

/** The console's own checks (the API checks everything again). */
export function validateDetails(form: DetailsForm, today: string): FormProblems {
  // The same checks as at referral, placed on this form's own field ids.
  const fields: Record<string, string> = Object.fromEntries(
    Object.entries(personProblems(form, today)).map(([name, message]) => [DETAILS_FIELDS[name]!.id, message]),
  );
  if ((form.preferredContact === 'phone' || form.preferredContact === 'text') && !form.phone.trim()) {
    fields.editPreferredContact = 'Enter a phone number to be contacted by phone or text';
  }
  if (form.preferredContact === 'email' && !form.email.trim()) fields.editPreferredContact = 'Enter an email address to be contacted by email';
  const decile = imdDecileProblem(form.imdDecile);
  if (decile) fields.editImdDecile = decile;
  return { fields, general: [] };
}

/** Only what changed: required fields trimmed, an emptied optional one as null (removes it). */
export function toChangePatient(form: DetailsForm, patient: Patient): ChangePatient {
  const change: ChangePatient = {};
  const was = detailsForm(patient);
  for (const key of ['givenName', 'familyName', 'dateOfBirth'] as const) {
    const value = form[key].trim();
    if (value !== was[key]) change[key] = value;
  }
  for (const key of OPTIONAL) {
    const value = form[key].trim();
    if (value === was[key]) continue;
    if (key === 'preferredContact') change.preferredContact = value ? (value as PreferredContact) : null;
    else change[key] = value ? value : null;
  }
  // The demographics: a choice, or null when set back to "Not recorded".
  if (form.sex !== was.sex) change.sex = form.sex ? (form.sex as Sex) : null;
  if (form.genderIdentity !== was.genderIdentity) change.genderIdentity = form.genderIdentity ? (form.genderIdentity as GenderIdentity) : null;
  if (form.ethnicity !== was.ethnicity) change.ethnicity = form.ethnicity ? (form.ethnicity as Ethnicity) : null;
  if (form.disability !== was.disability) change.disability = form.disability ? (form.disability as Disability) : null;
  const decile = form.imdDecile.trim();
  if (decile !== was.imdDecile) change.imdDecile = decile ? (parseImdDecile(decile) ?? null) : null;
  return change;
}
