import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { registerLocalPerson } from '#local/person-directory';
import { addNavigator, otherNavigatorToken, referPatient, referralBody } from '../../support/fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
});

async function caseloadSize(token?: string) {
  const res = await t.call('GET', '/v1/patients?limit=100', token ? { token } : { as: 'navigator' });
  expect(res.status).toBe(200);
  return res.body.items.length as number;
}

describe('POST /v1/referrals', () => {
  it('registers the patient in the navigator’s caseload with a new referral, normalising what it stores', async () => {
    const res = await t.call('POST', '/v1/referrals', {
      as: 'navigator',
      body: referralBody({ patient: { nhsNumber: '943 476 5919', phone: '+44 (0)7700-900123', email: 'm@Example.ORG' }, source: 'self' }),
    });
    expect(res.status).toBe(201);
    expect(res.body.referral).toMatchObject({
      status: 'received',
      source: 'self',
      reasons: ['isolation', 'exercise'],
      snomedCode: '871731000000106',
      navigator: 'local-navigator',
      patientId: res.body.patientId,
    });
    expect(res.body.patient).toMatchObject({
      patientId: res.body.patientId,
      navigator: 'local-navigator',
      nhsNumber: '9434765919',
      postcode: 'LU2 7HA',
      phone: '+447700900123',
      email: 'm@example.org',
    });
    expect(res.body.patient).not.toHaveProperty('openReferralId');
    const read = await t.call('GET', `/v1/patients/${res.body.patientId}`, { as: 'navigator' });
    expect(read.body).toEqual(res.body.patient);
  });

  it.each([
    [{ patient: { nhsNumber: '943 476 5910' } }, 'patient.nhsNumber'],
    [{ patient: { nhsNumber: '12345' } }, 'patient.nhsNumber'],
    [{ patient: { dateOfBirth: '2026-11-24' } }, 'patient.dateOfBirth'],
    [{ patient: { dateOfBirth: '1899-01-01' } }, 'patient.dateOfBirth'],
    [{ patient: { dateOfBirth: '1990-02-30' } }, 'patient.dateOfBirth'],
    [{ patient: { postcode: 'XYZ' } }, 'patient.postcode'],
    [{ patient: { phone: '12345' } }, 'patient.phone'],
    [{ patient: { email: 'not-an-email' } }, 'patient.email'],
    [{ patient: { givenName: ' ' } }, 'patient.givenName'],
    [{ source: 'police' }, 'source'],
    [{ reasons: [] }, 'reasons'],
    [{ reasons: ['x'.repeat(41)] }, 'reasons.0'],
    [{ reasons: Array.from({ length: 11 }, (_, i) => `r${i}`) }, 'reasons'],
    [{ navigator: 'someone-else' }, 'navigator'],
  ])('rejects %j at %s and writes nothing', async (overrides, path) => {
    const before = await caseloadSize();
    const res = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody(overrides) });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(await caseloadSize()).toBe(before);
  });

  it('an NHS number already in the scheme with an open referral is a 409 naming it, and no second patient is created', async () => {
    const first = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: { nhsNumber: '401 023 2137' } }) });
    const before = await caseloadSize();
    const again = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: { nhsNumber: '4010232137' } }) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('patient_has_open_referral');
    expect(again.body.error.message).toContain(first.body.referralId);
    expect(await caseloadSize()).toBe(before);
  });

  it('an admin may place a referral in a named navigator’s caseload', async () => {
    const res = await t.call('POST', '/v1/referrals', { as: 'admin', body: referralBody({ navigator: 'navigator-north' }) });
    expect(res.status).toBe(201);
    expect(res.body.patient.navigator).toBe('navigator-north');
  });

  it('writes audit entries with ids only: no name, NHS number, contact details or notes reach the logs', async () => {
    const info = vi.spyOn(t.services.logger, 'info');
    const error = vi.spyOn(t.services.logger, 'error');
    const res = await t.call('POST', '/v1/referrals', {
      as: 'navigator',
      body: referralBody({ patient: { givenName: 'Zebedee', familyName: 'Quixotic', nhsNumber: '6001234566' } }),
    });
    await t.call('GET', `/v1/patients/${res.body.patientId}`, { as: 'navigator' });
    const logged = JSON.stringify([...info.mock.calls, ...error.mock.calls]);
    // The audit trail itself is entries in the table (decision 82; test/shared/audit), not log lines.
    const entries = (await t.call('GET', `/v1/patients/${res.body.patientId}/audit`, { as: 'admin' })).body.items;
    expect(entries).toContainEqual(expect.objectContaining({ action: 'read_patient', patientId: res.body.patientId, actor: 'local-navigator' }));
    expect(JSON.stringify(entries)).not.toMatch(/Zebedee|Quixotic|6001234566/);
    for (const secret of ['Zebedee', 'Quixotic', '6001234566', '600 123 4566', 'margaret@example.org', '7700', 'Lost her husband', 'LU2 7HA']) {
      expect(logged).not.toContain(secret);
    }
    info.mockRestore();
    error.mockRestore();
  });
});

describe('caseloads', () => {
  it('a navigator sees only their own patients and referrals; another navigator gets 404 for the patient', async () => {
    const other = await otherNavigatorToken(t, 'navigator-caseload-test');
    const mine = await referPatient(t);
    const theirs = await referPatient(t, { token: other });
    expect((await t.call('GET', `/v1/patients/${theirs}`, { as: 'navigator' })).status).toBe(404);
    expect((await t.call('GET', `/v1/patients/${mine}`, { token: other })).status).toBe(404);
    const theirList = await t.call('GET', '/v1/patients?limit=100', { token: other });
    expect(theirList.body.items.map((p: { patientId: string }) => p.patientId)).toEqual([theirs]);
    const theirReferrals = await t.call('GET', '/v1/referrals?limit=100', { token: other });
    expect(theirReferrals.body.items).toHaveLength(1);
    expect(theirReferrals.body.items[0]).toMatchObject({ patientId: theirs, patient: { givenName: 'Margaret', familyName: 'Okafor' } });
    // Asking for someone else's caseload by name is refused outright.
    expect((await t.call('GET', '/v1/referrals?navigator=local-navigator', { token: other })).status).toBe(403);
  });

  it('managers see every patient and can narrow to one navigator', async () => {
    const other = await otherNavigatorToken(t, 'navigator-manager-view');
    const theirs = await referPatient(t, { token: other });
    const all = await t.call('GET', '/v1/patients?limit=100', { as: 'manager' });
    expect(all.body.items.map((p: { patientId: string }) => p.patientId)).toContain(theirs);
    const one = await t.call('GET', '/v1/patients?navigator=navigator-manager-view', { as: 'manager' });
    expect(one.body.items.map((p: { patientId: string }) => p.patientId)).toEqual([theirs]);
    expect((await t.call('GET', `/v1/patients/${theirs}`, { as: 'manager' })).status).toBe(200);
  });

  it('filters referrals by status', async () => {
    const other = await otherNavigatorToken(t, 'navigator-status-filter');
    const a = await referPatient(t, { token: other });
    await referPatient(t, { token: other });
    await t.call('POST', `/v1/patients/${a}/assessments`, {
      token: other,
      body: { kind: 'baseline', ons4: { satisfied: 5, worthwhile: 5, happy: 5, anxious: 5 } },
    });
    const accepted = await t.call('GET', '/v1/referrals?status=accepted&limit=100', { token: other });
    expect(accepted.body.items.map((r: { patientId: string }) => r.patientId)).toEqual([a]);
    expect((await t.call('GET', '/v1/referrals?status=received&limit=100', { token: other })).body.items).toHaveLength(1);
    expect((await t.call('GET', '/v1/referrals?status=lost', { token: other })).status).toBe(400);
    // The old names are not statuses any more (stored items under them are read as the new ones).
    expect((await t.call('GET', '/v1/referrals?status=new', { token: other })).status).toBe(400);
  });

  it('a manager reassigns a leaving navigator’s caseload, referrals and all; a repeat moves nothing', async () => {
    const leaving = await otherNavigatorToken(t, 'navigator-leaving');
    const taking = await otherNavigatorToken(t, 'navigator-taking');
    await addNavigator(t, 'navigator-taking');
    const ids = [await referPatient(t, { token: leaving }), await referPatient(t, { token: leaving }), await referPatient(t, { token: leaving })];
    const res = await t.call('POST', '/v1/caseloads/reassign', { as: 'manager', body: { from: 'navigator-leaving', to: 'navigator-taking' } });
    expect(res.status).toBe(200);
    expect(res.body.moved).toBe(3);
    expect(await caseloadSize(leaving)).toBe(0);
    const taken = await t.call('GET', '/v1/patients?limit=100', { token: taking });
    expect(taken.body.items.map((p: { patientId: string }) => p.patientId).sort()).toEqual([...ids].sort());
    expect((await t.call('GET', '/v1/referrals?limit=100', { token: taking })).body.items).toHaveLength(3);
    expect((await t.call('GET', '/v1/referrals?limit=100', { token: leaving })).body.items).toHaveLength(0);
    for (const id of ids) {
      expect((await t.call('GET', `/v1/patients/${id}`, { token: taking })).body.navigator).toBe('navigator-taking');
      expect((await t.call('GET', `/v1/patients/${id}`, { token: leaving })).status).toBe(404);
    }
    const again = await t.call('POST', '/v1/caseloads/reassign', { as: 'manager', body: { from: 'navigator-leaving', to: 'navigator-taking' } });
    expect(again.body.moved).toBe(0);
    expect((await t.call('POST', '/v1/caseloads/reassign', { as: 'manager', body: { from: 'a', to: 'a' } })).status).toBe(400);
  });

  it('refuses a caseload to someone who is not an enabled navigator with 404, and moves nothing', async () => {
    const leaving = await otherNavigatorToken(t, 'navigator-leaving-404');
    const patientId = await referPatient(t, { token: leaving });
    const managerId = await registerManager();
    const disabledId = await addNavigator(t, 'navigator-disabled');
    expect((await t.call('PATCH', `/v1/people/${disabledId}`, { as: 'admin', body: { enabled: false } })).status).toBe(200);
    for (const to of ['navigator-nobody', 'navigator-disabled', 'manager-not-navigator']) {
      const res = await t.call('POST', '/v1/caseloads/reassign', { as: 'manager', body: { from: 'navigator-leaving-404', to } });
      expect(res.status, to).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await t.call('GET', `/v1/patients/${patientId}`, { token: leaving })).body.navigator).toBe('navigator-leaving-404');
    expect(managerId).toMatch(/^[0-9A-Z]{26}$/);
  });
});

async function registerManager() {
  return registerLocalPerson(
    t.db,
    t.clock,
    t.services.people,
    { email: 'manager-not-navigator@example.org', givenName: 'Mo', familyName: 'Manager', role: 'manager', sub: 'manager-not-navigator' },
    t.services.ids,
  );
}

describe('names and notes are plain text', () => {
  it('a given name with a NUL or a lone surrogate is a 400 on that field; notes may have line breaks', async () => {
    for (const givenName of ['Ada\u0000', 'Ada \uDE00']) {
      const res = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: { givenName } }) });
      expect(res.status).toBe(400);
      expect(res.body.error.issues.map((issue: { path: string }) => issue.path)).toContain('patient.givenName');
    }
    const ok = await t.call('POST', '/v1/referrals', {
      as: 'navigator',
      body: referralBody({ patient: { givenName: 'Plain', nhsNumber: undefined }, notes: 'Line one\nLine two' }),
    });
    expect(ok.status).toBe(201);
  });
});
