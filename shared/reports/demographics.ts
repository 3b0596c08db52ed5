import type { PatientRecord } from '#shared/patients/rules';

/**
 * The demographic columns of `outcomes.csv` (ARCHITECTURE.md decision 89; docs/data-dictionary.md,
 * "Demographics"): the census codes as recorded, `prefer_not_to_say` passed on as it is (a person
 * who would rather not say is not the same as one never asked), and an empty cell when nothing is
 * recorded. The IMD decile is the one recorded, or else the postcode's (the report store's lookup).
 */
export const DEMOGRAPHIC_COLUMNS = ['sex', 'gender_identity', 'ethnicity', 'disability', 'imd_decile'] as const;

export type DemographicColumn = (typeof DEMOGRAPHIC_COLUMNS)[number];

/** What an export carries of a person's demographics: the patient's five fields, nothing else. */
export type PersonDemographics = Pick<PatientRecord, 'sex' | 'genderIdentity' | 'ethnicity' | 'disability' | 'imdDecile'>;

/** Only the five fields, whatever else the record passed in holds (so nothing more can reach a row). */
export function personDemographics(patient: PersonDemographics): PersonDemographics {
  return {
    ...(patient.sex !== undefined ? { sex: patient.sex } : {}),
    ...(patient.genderIdentity !== undefined ? { genderIdentity: patient.genderIdentity } : {}),
    ...(patient.ethnicity !== undefined ? { ethnicity: patient.ethnicity } : {}),
    ...(patient.disability !== undefined ? { disability: patient.disability } : {}),
    ...(patient.imdDecile !== undefined ? { imdDecile: patient.imdDecile } : {}),
  };
}

/** The five cells of a row. */
export function demographicCells(patient: PersonDemographics): Record<DemographicColumn, string | number> {
  return {
    sex: patient.sex ?? '',
    gender_identity: patient.genderIdentity ?? '',
    ethnicity: patient.ethnicity ?? '',
    disability: patient.disability ?? '',
    imd_decile: patient.imdDecile ?? '',
  };
}
