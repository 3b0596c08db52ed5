import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { keys } from '#shared/platform/keys';
import { londonDate } from '#shared/platform/london';
import type { DeprivationLookup } from '#shared/patients/ports';
import { createTestApp, type TestApp } from '../../support/app';
import { makeActivities, referralBody } from '../../support/fixtures';

/**
 * The demographic fields through the API (decision 89): recorded at referral, changed and cleared
 * on the record, checked (400 with the field), and kept to the record — never in the logs, the
 * audit trail's values, the caseload list, a provider's scan answer or the ORUK feed.
 */
let t: TestApp;
let activities: Awaited<ReturnType<typeof makeActivities>>;

/** Our own port's test double: a tiny table of postcodes and deciles, counting its look-ups. */
const lookups: string[] = [];
const table: DeprivationLookup = {
  decileFor: async (postcode) => {
    lookups.push(postcode);
    return ({ 'LU4 8AA': 2, 'LU1 3JH': 15 } as Record<string, number>)[postcode];
  },
};

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z', deprivation: table });
  activities = await makeActivities(t);
});

const ALL = { sex: 'female', genderIdentity: 'trans_woman', ethnicity: 'white_gypsy_or_irish_traveller', disability: 'yes_limited_a_little', imdDecile: 7 };

async function refer(patient: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient }) });
  expect(res.status, res.text).toBe(201);
  return { patientId: res.body.patientId as string, referralId: res.body.referralId as string, answer: res.body.patient };
}
const patch = (patientId: string, body: unknown) => t.call('PATCH', `/v1/patients/${patientId}`, { as: 'navigator', body });
const read = async (patientId: string) => (await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body;
const stored = async (patientId: string) =>
  (await t.db.client.send(new GetCommand({ TableName: t.db.tableName, Key: keys.patient(patientId), ConsistentRead: true }))).Item!;

describe('POST /v1/referrals with demographics', () => {
  it('records the ones given, answers them and reads them back; the others stay absent', async () => {
    const { patientId, answer } = await refer({ ...ALL, postcode: undefined });
    expect(answer).toMatchObject(ALL);
    expect(await read(patientId)).toMatchObject(ALL);

    const some = await refer({ ethnicity: 'prefer_not_to_say', postcode: undefined });
    expect(some.answer.ethnicity).toBe('prefer_not_to_say');
    for (const field of ['sex', 'genderIdentity', 'disability', 'imdDecile']) expect(some.answer).not.toHaveProperty(field);
  });

  it.each([
    [{ sex: 'f' }, 'patient.sex'],
    [{ genderIdentity: 'woman' }, 'patient.genderIdentity'],
    [{ ethnicity: 'white' }, 'patient.ethnicity'],
    [{ disability: true }, 'patient.disability'],
    [{ imdDecile: 0 }, 'patient.imdDecile'],
    [{ imdDecile: 11 }, 'patient.imdDecile'],
    [{ imdDecile: 1.5 }, 'patient.imdDecile'],
    [{ imdDecile: '5' }, 'patient.imdDecile'],
  ])('%j is a 400 at %s and no one is registered', async (patient, path) => {
    const body = referralBody({ patient });
    const res = await t.call('POST', '/v1/referrals', { as: 'navigator', body });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual([path]);
    const found = await t.call('GET', `/v1/patients?q=${encodeURIComponent(String(body.patient.nhsNumber))}`, { as: 'navigator' });
    expect(found.body.items).toEqual([]);
  });
});

describe('PATCH /v1/patients/{patientId} with demographics', () => {
  it('sets, replaces and clears them (null), leaving the rest of the record alone', async () => {
    const { patientId } = await refer({ postcode: undefined });
    const before = await read(patientId);
    const set = await patch(patientId, ALL);
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({ ...before, ...ALL, updatedAt: expect.any(String) });

    const replaced = await patch(patientId, { sex: 'prefer_not_to_say', imdDecile: 1, disability: null });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ sex: 'prefer_not_to_say', imdDecile: 1, ethnicity: ALL.ethnicity });
    expect(replaced.body).not.toHaveProperty('disability');

    const cleared = await patch(patientId, { sex: null, genderIdentity: null, ethnicity: null, imdDecile: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ ...before, updatedAt: expect.any(String) });
    expect(await stored(patientId)).not.toHaveProperty('sex');
    expect(await read(patientId)).toEqual(cleared.body);
  });

  it.each([
    [{ sex: 'other' }, 'sex'],
    [{ genderIdentity: 'prefer not to say' }, 'genderIdentity'],
    [{ ethnicity: 'WHITE_IRISH' }, 'ethnicity'],
    [{ disability: 'limited' }, 'disability'],
    [{ imdDecile: 0 }, 'imdDecile'],
    [{ imdDecile: 11 }, 'imdDecile'],
    [{ imdDecile: 1.5 }, 'imdDecile'],
  ])('%j is a 400 at %s and changes nothing', async (body, path) => {
    const { patientId } = await refer({ sex: 'male', imdDecile: 3 });
    const before = await read(patientId);
    const res = await patch(patientId, body);
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual([path]);
    expect(await read(patientId)).toEqual(before);
  });

  it('the audit entry names the fields changed, never their values; the caseload row and its summary do not change', async () => {
    const { patientId } = await refer({ givenName: 'Winifred', postcode: undefined });
    const row = async () =>
      ((await t.call('GET', '/v1/patients?q=Winifred', { as: 'navigator' })).body.items as { patientId: string }[]).find((item) => item.patientId === patientId);
    const rowBefore = await row();
    expect((await patch(patientId, ALL)).status).toBe(200);
    const rowAfter = (await row()) as Record<string, unknown>;
    // The caseload row carries no demographics, and its summary is what it was.
    for (const field of Object.keys(ALL)) expect(rowAfter).not.toHaveProperty(field);
    expect(rowAfter.summary).toEqual((rowBefore as Record<string, unknown>).summary);
    const { updatedAt: _a, ...restAfter } = rowAfter;
    const { updatedAt: _b, ...restBefore } = rowBefore as Record<string, unknown>;
    expect(restAfter).toEqual(restBefore);
    // They are not searched: the caseload's search finds names and NHS numbers, not census codes.
    for (const q of ['Gypsy', 'white_gypsy_or_irish_traveller', 'trans_woman']) {
      expect((await t.call('GET', `/v1/patients?q=${q}`, { as: 'navigator' })).body.items).toEqual([]);
    }

    const audit = await t.call('GET', `/v1/patients/${patientId}/audit?limit=100`, { as: 'admin' });
    expect(audit.status).toBe(200);
    const change = (audit.body.items as { action: string; refs?: Record<string, string> }[]).find((entry) => entry.action === 'change_patient');
    expect(change?.refs?.fields).toBe('disability,ethnicity,genderIdentity,imdDecile,sex');
    for (const value of ['female', 'trans_woman', 'white_gypsy_or_irish_traveller', 'yes_limited_a_little']) {
      expect(JSON.stringify(audit.body)).not.toContain(value);
    }
  });
});

describe('the IMD decile: recorded, or looked up through the port', () => {
  it('without a recorded decile the postcode’s is answered, and never written to the record', async () => {
    lookups.length = 0;
    const { patientId, answer } = await refer({ postcode: 'lu4 8aa' });
    expect(answer.imdDecile).toBe(2);
    expect(lookups).toEqual(['LU4 8AA']); // the normalised postcode, nothing else
    expect((await read(patientId)).imdDecile).toBe(2);
    expect(await stored(patientId)).not.toHaveProperty('imdDecile');
  });

  it('a recorded decile wins over the looked-up one, and clearing it falls back to the postcode’s', async () => {
    lookups.length = 0;
    const { patientId, answer } = await refer({ postcode: 'LU4 8AA', imdDecile: 9 });
    expect(answer.imdDecile).toBe(9);
    expect(lookups).toEqual([]);
    const cleared = await patch(patientId, { imdDecile: null });
    expect(cleared.body.imdDecile).toBe(2);
    expect(await stored(patientId)).not.toHaveProperty('imdDecile');
    // A new postcode the table does not know: no decile at all.
    expect((await patch(patientId, { postcode: 'LU2 7HA' })).body).not.toHaveProperty('imdDecile');
  });

  it('a postcode the lookup answers nonsense for, or no postcode, has no decile', async () => {
    expect((await refer({ postcode: 'LU1 3JH' })).answer).not.toHaveProperty('imdDecile');
    lookups.length = 0;
    expect((await refer({ postcode: undefined })).answer).not.toHaveProperty('imdDecile');
    expect(lookups).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  it('describes each code with its census label', async () => {
    const doc = (await t.call('GET', '/v1/openapi.json')).body;
    const input = doc.components.schemas.PatientInput.properties;
    expect(input.ethnicity.enum).toHaveLength(20);
    expect(input.ethnicity.description).toContain('`white_british`: English, Welsh, Scottish, Northern Irish or British');
    expect(input.genderIdentity.description).toContain('`non_binary`: Non-binary');
    expect(input.disability.description).toContain('`yes_limited_a_lot`: Yes, limited a lot');
    expect(input.imdDecile).toMatchObject({ type: 'integer', minimum: 1, maximum: 10 });
    expect(doc.components.schemas.ChangePatient.properties.sex).toBeDefined();
    expect(doc.components.schemas.CaseloadPatient.properties).not.toHaveProperty('ethnicity');
  });
});

describe('special-category data stays on the record', () => {
  it('reaches neither the logs, nor a provider’s scan answer, nor the ORUK feed', async () => {
    t.clock.set(new Date('2026-11-30T10:00:00Z'));
    const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) => vi.spyOn(t.services.logger, level));
    try {
      const { patientId } = await refer(ALL);
      const prescription = await t.call('POST', '/v1/prescriptions', {
        as: 'navigator',
        body: { patientId, startDate: londonDate(t.clock.now()), goals: ['g'], activityIds: activities.activityIds },
      });
      expect(prescription.status).toBe(201);
      expect((await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'DEMOG-0001', patientId } })).status).toBe(201);
      expect((await patch(patientId, { ethnicity: 'mixed_white_and_black_caribbean', disability: 'yes_limited_a_lot' })).status).toBe(200);
      // A refused value is not logged either (nor told back).
      const refused = await patch(patientId, { ethnicity: 'SECRET-ethnicity-typed' });
      expect(refused.status).toBe(400);
      expect(refused.text).not.toContain('SECRET-ethnicity-typed');
      const scan = () =>
        t.call('POST', '/v1/scans', {
          as: 'provider',
          providerId: activities.providerId,
          body: { scanId: randomUUID(), cardId: 'DEMOG-0001', venueId: activities.venueId, activityId: activities.activityIds[0], scannedAt: t.clock.now().toISOString() },
        });
      const accepted = await scan();
      expect(accepted.status).toBe(201);
      const duplicate = await scan();
      const services = await t.call('GET', '/oruk/services');
      const locations = await t.call('GET', '/oruk/service_at_locations');
      expect(services.status).toBe(200);
      expect(locations.status).toBe(200);
      const day = londonDate(t.clock.now());
      const attendance = await t.call('GET', `/v1/providers/${activities.providerId}/attendance?from=${day}&to=${day}`, { as: 'provider', providerId: activities.providerId });

      const logged = JSON.stringify(spies.flatMap((spy) => spy.mock.calls));
      const values = ['SECRET-ethnicity-typed', 'trans_woman', 'white_gypsy_or_irish_traveller', 'mixed_white_and_black_caribbean', 'yes_limited_a_little', 'yes_limited_a_lot'];
      for (const value of values) expect(logged, `log: ${value}`).not.toContain(value);
      for (const [what, text] of [
        ['scan', accepted.text],
        ['repeated scan', duplicate.text],
        ['ORUK services', services.text],
        ['ORUK service_at_locations', locations.text],
        ['provider attendance', attendance.text],
      ] as const) {
        for (const value of values) expect(text, `${what}: ${value}`).not.toContain(value);
        for (const field of ['genderIdentity', 'ethnicity', 'disability', 'imdDecile', '"sex"']) expect(text, `${what}: ${field}`).not.toContain(field);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
