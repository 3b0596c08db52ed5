import { describe, expect, it } from 'vitest';
import * as server from '#shared/patients/schema';
import {
  DISABILITY_LABELS,
  ETHNIC_GROUPS,
  ETHNICITY_GROUPS,
  ETHNICITY_LABELS,
  ETHNICITY_UNGROUPED,
  GENDER_IDENTITY_LABELS,
  SEX_LABELS,
  demographicRows,
  ethnicityLabel,
  parseImdDecile,
} from '../../../web/console/lib/demographics';
import { detailsForm, toChangePatient, validateDetails, type DetailsForm } from '../../../web/console/lib/patient-edit';
import { emptyReferralForm, toCreateReferral, validateReferral, type ReferralForm } from '../../../web/console/lib/referral';

/** The console's demographics (decision 89): the same census words as the server's, and what the forms send. */
describe('the console’s census labels', () => {
  it('are the server’s, code for code and word for word (the console cannot import server code, so this test keeps the copy true)', () => {
    expect(SEX_LABELS).toEqual(server.SEX_LABELS);
    expect(GENDER_IDENTITY_LABELS).toEqual(server.GENDER_IDENTITY_LABELS);
    expect(ETHNICITY_LABELS).toEqual(server.ETHNICITY_LABELS);
    expect(DISABILITY_LABELS).toEqual(server.DISABILITY_LABELS);
    expect(ETHNIC_GROUPS).toEqual(server.ETHNIC_GROUPS);
    // In the server's order, too: the selects list them as the census does.
    expect(Object.keys(ETHNICITY_LABELS)).toEqual([...server.ETHNICITY_VALUES]);
    expect(Object.keys(SEX_LABELS)).toEqual([...server.SEX_VALUES]);
    expect(Object.keys(GENDER_IDENTITY_LABELS)).toEqual([...server.GENDER_IDENTITY_VALUES]);
    expect(Object.keys(DISABILITY_LABELS)).toEqual([...server.DISABILITY_VALUES]);
  });

  it('offer every ethnic group once in the select: five optgroups, then prefer not to say', () => {
    expect(ETHNICITY_GROUPS.map((group) => group.label)).toEqual([
      'Asian, Asian British or Asian Welsh',
      'Black, Black British, Black Welsh, Caribbean or African',
      'Mixed or Multiple ethnic groups',
      'White',
      'Other ethnic group',
    ]);
    const offered = [...ETHNICITY_GROUPS.flatMap((group) => group.options), ...ETHNICITY_UNGROUPED].map((option) => option.value);
    expect(offered.sort()).toEqual([...server.ETHNICITY_VALUES].sort());
    expect(ethnicityLabel('white_irish')).toBe('White: Irish');
    expect(ethnicityLabel('prefer_not_to_say')).toBe('Prefer not to say');
  });

  it('show what is recorded, and "Not recorded" for the rest', () => {
    expect(demographicRows({ sex: 'prefer_not_to_say', ethnicity: 'black_caribbean', imdDecile: 1 })).toEqual([
      { key: 'Sex', value: 'Prefer not to say' },
      { key: 'Gender identity', value: 'Not recorded' },
      { key: 'Ethnic group', value: 'Black, Black British, Black Welsh, Caribbean or African: Caribbean' },
      { key: 'Disability', value: 'Not recorded' },
      { key: 'IMD decile', value: '1 (1 is the most deprived 10%)' },
    ]);
  });
});

describe('the IMD decile as typed', () => {
  it.each([
    ['1', 1],
    [' 10 ', 10],
    ['0', undefined],
    ['11', undefined],
    ['1.5', undefined],
    ['-3', undefined],
    ['three', undefined],
    ['', undefined],
  ])('%j is %j', (text, decile) => expect(parseImdDecile(text)).toBe(decile));
});

describe('the new referral form', () => {
  const filled = (changes: Partial<ReferralForm> = {}): ReferralForm => ({
    ...emptyReferralForm(),
    givenName: 'Aisha',
    familyName: 'Rahman',
    dateOfBirth: '1961-03-14',
    source: 'gp',
    reasons: 'isolation',
    ...changes,
  });

  it('sends the ones chosen and leaves the blank ones out', () => {
    expect(toCreateReferral(filled()).patient).toEqual({ givenName: 'Aisha', familyName: 'Rahman', dateOfBirth: '1961-03-14' });
    expect(toCreateReferral(filled({ sex: 'female', ethnicity: 'asian_bangladeshi', disability: 'prefer_not_to_say', imdDecile: ' 4 ' })).patient).toEqual({
      givenName: 'Aisha',
      familyName: 'Rahman',
      dateOfBirth: '1961-03-14',
      sex: 'female',
      ethnicity: 'asian_bangladeshi',
      disability: 'prefer_not_to_say',
      imdDecile: 4,
    });
  });

  it('checks the decile before sending', () => {
    expect(validateReferral(filled({ imdDecile: '4' }), '2026-12-02').fields).toEqual({});
    for (const bad of ['0', '11', '2.5', 'x']) {
      expect(validateReferral(filled({ imdDecile: bad }), '2026-12-02').fields).toEqual({ imdDecile: 'IMD decile must be a whole number from 1 to 10' });
    }
  });
});

describe('editing them on the record', () => {
  const patient = {
    patientId: 'p1',
    navigator: 'n1',
    givenName: 'Joan',
    familyName: 'Baptiste',
    dateOfBirth: '1950-05-01',
    sex: 'female' as const,
    ethnicity: 'white_irish' as const,
    imdDecile: 6,
    createdAt: '2026-11-01T10:00:00.000Z',
  };
  const form = (changes: Partial<DetailsForm> = {}): DetailsForm => ({ ...detailsForm(patient), ...changes });

  it('starts from the record and sends only what changed: a new choice, or null for "Not recorded"', () => {
    expect(detailsForm(patient)).toMatchObject({ sex: 'female', genderIdentity: '', ethnicity: 'white_irish', disability: '', imdDecile: '6' });
    expect(toChangePatient(form(), patient)).toEqual({});
    expect(toChangePatient(form({ sex: 'prefer_not_to_say', genderIdentity: 'same_as_sex_registered_at_birth', ethnicity: '', imdDecile: '' }), patient)).toEqual({
      sex: 'prefer_not_to_say',
      genderIdentity: 'same_as_sex_registered_at_birth',
      ethnicity: null,
      imdDecile: null,
    });
    expect(toChangePatient(form({ imdDecile: '10', disability: 'yes_limited_a_lot' }), patient)).toEqual({ imdDecile: 10, disability: 'yes_limited_a_lot' });
  });

  it('puts a bad decile on the form’s own field', () => {
    expect(validateDetails(form({ imdDecile: '12' }), '2026-12-02').fields).toEqual({ editImdDecile: 'IMD decile must be a whole number from 1 to 10' });
  });
});
