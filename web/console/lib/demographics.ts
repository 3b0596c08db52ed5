import type { components } from '../../shared/openapi';

/**
 * The demographics commissioners report on (ARCHITECTURE.md decision 89): each optional, each with
 * "Prefer not to say", in the ONS 2021 census categories and wording. The server's list and labels
 * are in shared/patients/schema.ts; the console cannot import server code (its tsconfig covers web/
 * only, and it talks to the API through the OpenAPI types), so the labels are repeated here and
 * test/web/console/demographics.test.ts holds them to the server's, code by code and word by word.
 */
type Patient = components['schemas']['Patient'];
export type Sex = NonNullable<Patient['sex']>;
export type GenderIdentity = NonNullable<Patient['genderIdentity']>;
export type Ethnicity = NonNullable<Patient['ethnicity']>;
export type Disability = NonNullable<Patient['disability']>;

export const PREFER_NOT_TO_SAY = 'Prefer not to say';
/** The blank first option of every select: nothing recorded. */
export const NOT_RECORDED = 'Not recorded';

export const SEX_LABELS: Record<Sex, string> = { female: 'Female', male: 'Male', prefer_not_to_say: PREFER_NOT_TO_SAY };

export const GENDER_IDENTITY_LABELS: Record<GenderIdentity, string> = {
  same_as_sex_registered_at_birth: 'Same as sex registered at birth',
  different_no_identity_given: 'Different from sex registered at birth but no specific identity given',
  trans_woman: 'Trans woman',
  trans_man: 'Trans man',
  non_binary: 'Non-binary',
  other: 'All other gender identities',
  prefer_not_to_say: PREFER_NOT_TO_SAY,
};

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
  prefer_not_to_say: PREFER_NOT_TO_SAY,
};

/** The five high-level census groups, each with its categories in census order (the select's optgroups). */
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

export const DISABILITY_LABELS: Record<Disability, string> = {
  yes_limited_a_lot: 'Yes, limited a lot',
  yes_limited_a_little: 'Yes, limited a little',
  no: 'No',
  prefer_not_to_say: PREFER_NOT_TO_SAY,
};

const options = <V extends string>(labels: Record<V, string>) =>
  (Object.keys(labels) as V[]).map((value) => ({ value, label: labels[value] }));

export const SEX_OPTIONS = options(SEX_LABELS);
export const GENDER_IDENTITY_OPTIONS = options(GENDER_IDENTITY_LABELS);
export const DISABILITY_OPTIONS = options(DISABILITY_LABELS);
/** Ethnicity's select: one optgroup per census group, then "Prefer not to say" on its own. */
export const ETHNICITY_GROUPS = ETHNIC_GROUPS.map(({ group, values }) => ({ label: group, options: values.map((value) => ({ value, label: ETHNICITY_LABELS[value] })) }));
export const ETHNICITY_UNGROUPED = [{ value: 'prefer_not_to_say', label: PREFER_NOT_TO_SAY }] as const;

/** The demographics as a form holds them: every value a string, '' for not recorded. */
export interface DemographicsForm {
  sex: string;
  genderIdentity: string;
  ethnicity: string;
  disability: string;
  imdDecile: string;
}

export const DEMOGRAPHIC_KEYS = ['sex', 'genderIdentity', 'ethnicity', 'disability', 'imdDecile'] as const;

export const emptyDemographics = (): DemographicsForm => ({ sex: '', genderIdentity: '', ethnicity: '', disability: '', imdDecile: '' });

export function demographicsForm(patient: Pick<Patient, (typeof DEMOGRAPHIC_KEYS)[number]>): DemographicsForm {
  return {
    sex: patient.sex ?? '',
    genderIdentity: patient.genderIdentity ?? '',
    ethnicity: patient.ethnicity ?? '',
    disability: patient.disability ?? '',
    imdDecile: patient.imdDecile === undefined ? '' : String(patient.imdDecile),
  };
}

/** The decile typed, as the API takes it: a whole number 1–10, or undefined when it is not one (or blank). */
export function parseImdDecile(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,2}$/.test(trimmed)) return undefined;
  const decile = Number(trimmed);
  return decile >= 1 && decile <= 10 ? decile : undefined;
}

/** The console's own check of the decile (the API checks it again). */
export function imdDecileProblem(text: string): string | undefined {
  return text.trim() && parseImdDecile(text) === undefined ? 'IMD decile must be a whole number from 1 to 10' : undefined;
}

/** The values recorded, for a referral's body: blanks left out. */
export function demographicsBody(form: DemographicsForm): Pick<Patient, (typeof DEMOGRAPHIC_KEYS)[number]> {
  const decile = parseImdDecile(form.imdDecile);
  return {
    ...(form.sex ? { sex: form.sex as Sex } : {}),
    ...(form.genderIdentity ? { genderIdentity: form.genderIdentity as GenderIdentity } : {}),
    ...(form.ethnicity ? { ethnicity: form.ethnicity as Ethnicity } : {}),
    ...(form.disability ? { disability: form.disability as Disability } : {}),
    ...(decile !== undefined ? { imdDecile: decile } : {}),
  };
}

/** A category with its census group, e.g. "White: Irish" ("Prefer not to say" alone). */
export function ethnicityLabel(value: Ethnicity): string {
  const group = ETHNIC_GROUPS.find((g) => (g.values as readonly string[]).includes(value));
  return group ? `${group.group}: ${ETHNICITY_LABELS[value]}` : ETHNICITY_LABELS[value];
}

/** How the record page shows one of them: its label, or "Not recorded". */
export function demographicRows(patient: Pick<Patient, (typeof DEMOGRAPHIC_KEYS)[number]>): { key: string; value: string }[] {
  return [
    { key: 'Sex', value: patient.sex ? SEX_LABELS[patient.sex] : NOT_RECORDED },
    { key: 'Gender identity', value: patient.genderIdentity ? GENDER_IDENTITY_LABELS[patient.genderIdentity] : NOT_RECORDED },
    { key: 'Ethnic group', value: patient.ethnicity ? ethnicityLabel(patient.ethnicity) : NOT_RECORDED },
    { key: 'Disability', value: patient.disability ? DISABILITY_LABELS[patient.disability] : NOT_RECORDED },
    { key: 'IMD decile', value: patient.imdDecile === undefined ? NOT_RECORDED : `${patient.imdDecile} (1 is the most deprived 10%)` },
  ];
}
