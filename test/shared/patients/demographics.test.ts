import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/platform/auth';
import { fixedClock } from '#shared/platform/clock';
import { changePatient, effectiveImdDecile, identityHashOf, needsDeprivationLookup, newReferral, type PatientRecord } from '#shared/patients/rules';
import {
  ChangePatientBody,
  DEMOGRAPHIC_FIELDS,
  DISABILITY_LABELS,
  DISABILITY_VALUES,
  ETHNIC_GROUPS,
  ETHNICITY_LABELS,
  ETHNICITY_VALUES,
  GENDER_IDENTITY_LABELS,
  GENDER_IDENTITY_VALUES,
  PatientInput,
  PublicReferralBody,
  SEX_LABELS,
  SEX_VALUES,
  type CreateReferralInput,
} from '#shared/patients/schema';

/** The demographic fields (decision 89): the census lists, their checks, and how a referral and a change record them. */
const NOW = new Date('2026-11-23T10:00:00.000Z');
const navigator: Principal = { sub: 'nav-1', role: 'navigator' };
const person = { givenName: 'Ada', familyName: 'Byron', dateOfBirth: '1952-12-10' };
const ENUMS = [
  ['sex', SEX_VALUES],
  ['genderIdentity', GENDER_IDENTITY_VALUES],
  ['ethnicity', ETHNICITY_VALUES],
  ['disability', DISABILITY_VALUES],
] as const;

const record = (extra: Partial<PatientRecord> = {}): PatientRecord => ({
  patientId: '01J00000000000000000000002',
  navigator: 'nav-1',
  ...person,
  createdAt: '2026-11-01T09:00:00.000Z',
  openReferralId: '01J00000000000000000000001',
  identityHash: identityHashOf(person),
  ...extra,
});

const issuePaths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((issue) => issue.path.join('.'));

describe('the census lists', () => {
  it('are the ONS 2021 categories, each with prefer not to say, and every one has its census label', () => {
    expect(SEX_VALUES).toEqual(['female', 'male', 'prefer_not_to_say']);
    expect(GENDER_IDENTITY_VALUES).toHaveLength(7);
    expect(DISABILITY_VALUES).toEqual(['yes_limited_a_lot', 'yes_limited_a_little', 'no', 'prefer_not_to_say']);
    // 19 England and Wales categories, plus prefer not to say.
    expect(ETHNICITY_VALUES).toHaveLength(20);
    for (const [, values] of ENUMS) expect(values).toContain('prefer_not_to_say');
    for (const [values, labels] of [
      [SEX_VALUES, SEX_LABELS],
      [GENDER_IDENTITY_VALUES, GENDER_IDENTITY_LABELS],
      [ETHNICITY_VALUES, ETHNICITY_LABELS],
      [DISABILITY_VALUES, DISABILITY_LABELS],
    ] as const) {
      expect(Object.keys(labels).sort()).toEqual([...values].sort());
      for (const label of Object.values(labels)) expect(label.trim()).not.toBe('');
    }
    expect(ETHNICITY_LABELS.white_british).toBe('English, Welsh, Scottish, Northern Irish or British');
  });

  it('puts each ethnic group in exactly one of the five census groups, under its prefix', () => {
    expect(ETHNIC_GROUPS).toHaveLength(5);
    const grouped = ETHNIC_GROUPS.flatMap((group) => group.values);
    expect([...grouped, 'prefer_not_to_say'].sort()).toEqual([...ETHNICITY_VALUES].sort());
    expect(new Set(grouped).size).toBe(grouped.length);
    const prefixes = ETHNIC_GROUPS.map((group) => new Set(group.values.map((value) => value.split('_')[0])));
    for (const prefix of prefixes) expect(prefix.size).toBe(1);
  });
});

describe('PatientInput and ChangePatientBody', () => {
  it.each(ENUMS.flatMap(([field, values]) => values.map((value) => [field, value] as const)))('accept %s = %s', (field, value) => {
    expect(PatientInput.safeParse({ ...person, [field]: value }).success).toBe(true);
    expect(ChangePatientBody.safeParse({ [field]: value }).success).toBe(true);
  });

  it.each([
    ['sex', 'unknown'],
    ['sex', 'Female'],
    ['genderIdentity', 'trans'],
    ['ethnicity', 'british'],
    ['ethnicity', 'asian'],
    ['disability', 'yes'],
    ['sex', ''],
    ['imdDecile', 0],
    ['imdDecile', 11],
    ['imdDecile', 1.5],
    ['imdDecile', '3'],
    ['imdDecile', -1],
  ] as const)('refuse %s = %j, naming the field', (field, value) => {
    const input = PatientInput.safeParse({ ...person, [field]: value });
    expect(input.success).toBe(false);
    expect(issuePaths(input)).toEqual([field]);
    const change = ChangePatientBody.safeParse({ [field]: value });
    expect(change.success).toBe(false);
    expect(issuePaths(change)).toEqual([field]);
  });

  it('take the deciles 1 to 10, and null in a change (it clears the field)', () => {
    for (let decile = 1; decile <= 10; decile++) expect(PatientInput.safeParse({ ...person, imdDecile: decile }).success).toBe(true);
    for (const field of DEMOGRAPHIC_FIELDS) {
      expect(ChangePatientBody.safeParse({ [field]: null }).success, field).toBe(true);
      expect(PatientInput.safeParse({ ...person, [field]: null }).success, field).toBe(false);
    }
  });

  it('the public form does not ask for them: they are a 400 there', () => {
    const body = {
      person: { ...person, sex: 'female' },
      referrer: { role: 'self' },
      reasons: ['isolation'],
      consentToContact: true,
    };
    expect(issuePaths(PublicReferralBody.safeParse(body))).toEqual(['person']);
  });
});

describe('recording them', () => {
  const ids = (() => {
    let n = 0;
    return { next: () => `01J${String(n++).padStart(23, '0')}` };
  })();
  const input = (patient: Record<string, unknown>): CreateReferralInput => ({ patient: { ...person, ...patient }, source: 'gp', reasons: ['isolation'] }) as CreateReferralInput;

  it('a referral keeps the ones given, and leaves out the ones not', () => {
    const made = newReferral(input({ sex: 'female', ethnicity: 'white_roma', imdDecile: 1 }), navigator, { clock: fixedClock(NOW), ids });
    expect(made.ok).toBe(true);
    if (!made.ok) return;
    expect(made.patient).toMatchObject({ sex: 'female', ethnicity: 'white_roma', imdDecile: 1 });
    expect(made.patient).not.toHaveProperty('genderIdentity');
    expect(made.patient).not.toHaveProperty('disability');
  });

  it('a change sets, replaces and clears them; the identity is not touched', () => {
    const before = record({ sex: 'male', disability: 'no', imdDecile: 4 });
    const change = changePatient(before, { sex: 'prefer_not_to_say', genderIdentity: 'non_binary', disability: null, imdDecile: 10 }, NOW);
    expect(change.ok).toBe(true);
    if (!change.ok) return;
    expect(change.changed.sort()).toEqual(['disability', 'genderIdentity', 'imdDecile', 'sex']);
    expect(change.after).toMatchObject({ sex: 'prefer_not_to_say', genderIdentity: 'non_binary', imdDecile: 10, updatedAt: NOW.toISOString() });
    expect(change.after).not.toHaveProperty('disability');
    expect(change.after.identityHash).toBe(before.identityHash);

    const cleared = changePatient(change.after, { sex: null, genderIdentity: null, imdDecile: null }, NOW);
    expect(cleared.ok && cleared.after).not.toHaveProperty('sex');
    expect(cleared.ok && cleared.after).not.toHaveProperty('imdDecile');
  });

  it('the same values again (or clearing what is not there) change nothing', () => {
    const before = record({ ethnicity: 'black_african', imdDecile: 2 });
    expect(changePatient(before, { ethnicity: 'black_african', imdDecile: 2, sex: null }, NOW)).toEqual({ ok: true, after: before, changed: [] });
  });
});

describe('the IMD decile: recorded, or looked up', () => {
  it('a recorded decile wins over a looked-up one; without one the looked-up one is used', () => {
    expect(effectiveImdDecile(3, 9)).toBe(3);
    expect(effectiveImdDecile(3, undefined)).toBe(3);
    expect(effectiveImdDecile(undefined, 9)).toBe(9);
    expect(effectiveImdDecile(undefined, undefined)).toBeUndefined();
  });

  it('a lookup’s answer that is not a decile is ignored', () => {
    for (const bad of [0, 11, 2.5, Number.NaN]) expect(effectiveImdDecile(undefined, bad)).toBeUndefined();
  });

  it('is looked up only for a record with a postcode and no decile', () => {
    expect(needsDeprivationLookup({ postcode: 'LU4 8AA' })).toBe(true);
    expect(needsDeprivationLookup({ postcode: 'LU4 8AA', imdDecile: 5 })).toBe(false);
    expect(needsDeprivationLookup({})).toBe(false);
  });
});
