import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMOGRAPHIC_COLUMNS, demographicCells, personDemographics } from '#shared/reports/demographics';
import { ATTENDANCE_COLUMNS, OUTCOME_COLUMNS } from '#shared/reports/exports';
import { pseudonymFor } from '#shared/reports/pseudonym';
import { createTestApp, type TestApp } from '../../support/app';
import { makeActivities, referPatient } from '../../support/fixtures';

/**
 * The demographic columns of outcomes.csv (decision 89): the recorded codes as they are,
 * `prefer_not_to_say` passed on, empty cells for what is not recorded, and the IMD decile the
 * record answers (recorded, or else looked up from the postcode). attendance.csv has none.
 */
let t: TestApp;
const key = { programmeId: 'test-programme', secret: 'test-secret' };
const range = 'from=2026-03-01&to=2026-03-31';
const people = { recorded: '', unrecorded: '', lookedUp: '', recordedWins: '' };

beforeAll(async () => {
  // A tiny table standing in for a postcode lookup (our own port, DeprivationLookup).
  const table: Record<string, number> = { 'LU4 8AA': 2 };
  t = await createTestApp({ now: '2026-03-02T10:00:00Z', pseudonymKey: key, deprivation: { decileFor: async (postcode) => table[postcode] } });
  const a = await makeActivities(t, { categories: ['physical'], name: 'Census Leisure' });
  const patients: Record<keyof typeof people, Record<string, unknown>> = {
    recorded: { sex: 'prefer_not_to_say', genderIdentity: 'non_binary', ethnicity: 'mixed_white_and_asian', disability: 'no', imdDecile: 10 },
    unrecorded: { postcode: 'LU2 7HA' },
    lookedUp: { postcode: 'LU4 8AA', ethnicity: 'prefer_not_to_say' },
    recordedWins: { postcode: 'LU4 8AA', imdDecile: 6 },
  };
  for (const who of Object.keys(people) as (keyof typeof people)[]) {
    people[who] = await referPatient(t, { patient: patients[who] });
    const prescription = await t.call('POST', '/v1/prescriptions', {
      as: 'navigator',
      body: { patientId: people[who], startDate: '2026-03-02', goals: ['Walk more'], activityIds: a.activityIds },
    });
    expect(prescription.status).toBe(201);
  }
});

const rowsOf = (csv: string): Record<string, string>[] => parse(csv, { columns: true });

describe('outcomes.csv demographics', () => {
  it('are the last five columns', () => {
    expect(OUTCOME_COLUMNS.slice(-5)).toEqual([...DEMOGRAPHIC_COLUMNS]);
    expect(DEMOGRAPHIC_COLUMNS).toEqual(['sex', 'gender_identity', 'ethnicity', 'disability', 'imd_decile']);
    for (const column of DEMOGRAPHIC_COLUMNS) expect(ATTENDANCE_COLUMNS as readonly string[]).not.toContain(column);
  });

  it('carry the recorded values, prefer_not_to_say as it is, empty cells for the rest, and the decile the record answers', async () => {
    const res = await t.call('GET', `/v1/reports/outcomes.csv?${range}`, { as: 'manager' });
    expect(res.status).toBe(200);
    const rows = rowsOf(res.text);
    const of = (who: keyof typeof people) => {
      const row = rows.find((r) => r.patient === pseudonymFor(key, 'patient', people[who]));
      expect(row, who).toBeDefined();
      return Object.fromEntries(DEMOGRAPHIC_COLUMNS.map((column) => [column, row![column]]));
    };
    expect(of('recorded')).toEqual({ sex: 'prefer_not_to_say', gender_identity: 'non_binary', ethnicity: 'mixed_white_and_asian', disability: 'no', imd_decile: '10' });
    expect(of('unrecorded')).toEqual({ sex: '', gender_identity: '', ethnicity: '', disability: '', imd_decile: '' });
    expect(of('lookedUp')).toEqual({ sex: '', gender_identity: '', ethnicity: 'prefer_not_to_say', disability: '', imd_decile: '2' });
    expect(of('recordedWins')).toMatchObject({ imd_decile: '6' });
  });

  it('follow a change of the record into the next export', async () => {
    expect((await t.call('PATCH', `/v1/patients/${people.recorded}`, { as: 'navigator', body: { sex: null, imdDecile: 1 } })).status).toBe(200);
    const rows = rowsOf((await t.call('GET', `/v1/reports/outcomes.csv?${range}`, { as: 'manager' })).text);
    const row = rows.find((r) => r.patient === pseudonymFor(key, 'patient', people.recorded))!;
    expect(row.sex).toBe('');
    expect(row.imd_decile).toBe('1');
    expect(row.ethnicity).toBe('mixed_white_and_asian');
  });
});

describe('the cells of a row', () => {
  it('are the five fields, empty when absent, whatever else the record holds', () => {
    expect(demographicCells({})).toEqual({ sex: '', gender_identity: '', ethnicity: '', disability: '', imd_decile: '' });
    expect(demographicCells({ sex: 'male', genderIdentity: 'prefer_not_to_say', ethnicity: 'other_arab', disability: 'yes_limited_a_lot', imdDecile: 3 })).toEqual({
      sex: 'male',
      gender_identity: 'prefer_not_to_say',
      ethnicity: 'other_arab',
      disability: 'yes_limited_a_lot',
      imd_decile: 3,
    });
    const record = { dateOfBirth: '1950-01-01', postcode: 'LU1 3JH', nhsNumber: '9434765919', ethnicity: 'white_roma' as const };
    expect(personDemographics(record)).toEqual({ ethnicity: 'white_roma' });
  });
});
