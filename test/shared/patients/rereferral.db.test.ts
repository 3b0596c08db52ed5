import { beforeAll, describe, expect, it } from 'vitest';
import { londonDate } from '#shared/platform/london';
import { identityHashOf } from '#shared/patients/rules';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, freshNhsNumber, makeActivities, otherNavigatorToken, referralBody } from '../../support/fixtures';

/** A second referral for someone already registered: a new episode of their record, never a second patient. */
let t: TestApp;
let activityIds: string[];

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
  ({ activityIds } = await makeActivities(t));
});

type Person = { givenName: string; familyName: string; dateOfBirth: string; nhsNumber?: string | undefined };

async function refer(person: Person, options: { token?: string; reasons?: string[] } = {}) {
  return t.call('POST', '/v1/referrals', {
    ...(options.token ? { token: options.token } : { as: 'navigator' as const }),
    body: referralBody({ patient: { ...person }, ...(options.reasons ? { reasons: options.reasons } : {}) }),
  });
}

async function decline(referralId: string, token?: string) {
  const res = await t.call('POST', `/v1/referrals/${referralId}/decline`, { ...(token ? { token } : { as: 'navigator' as const }), body: { reason: 'unable_to_contact' } });
  expect(res.status).toBe(200);
}

const episodes = async (patientId: string, token?: string) =>
  (await t.call('GET', `/v1/patients/${patientId}/referrals`, token ? { token } : { as: 'navigator' })).body.items as {
    referralId: string;
    status: string;
    reasons: string[];
    createdAt: string;
    endReason?: string;
  }[];

describe('re-referral by NHS number', () => {
  it('adds a new episode to the patient once their referral has ended; their history stays', async () => {
    const person = { givenName: 'Edith', familyName: 'Crawley', dateOfBirth: '1944-03-05', nhsNumber: freshNhsNumber() };
    const first = await refer(person, { reasons: ['isolation'] });
    const patientId = first.body.patientId as string;
    expect((await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody })).status).toBe(201);
    const prescription = await t.call('POST', '/v1/prescriptions', {
      as: 'navigator',
      body: { patientId, startDate: londonDate(t.clock.now()), goals: ['Walk'], activityIds },
    });
    expect((await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'REREFER-0001', patientId } })).status).toBe(201);
    expect((await t.call('POST', `/v1/referrals/${first.body.referralId}/close`, { as: 'navigator', body: { reason: 'did_not_attend' } })).status).toBe(200);

    t.clock.advance('P30D');
    const again = await refer({ ...person, nhsNumber: person.nhsNumber.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3') }, { reasons: ['debt'] });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ patientId, rereferral: { matchedBy: 'nhs_number' }, referral: { status: 'received', reasons: ['debt'] } });
    expect(again.body.referralId).not.toBe(first.body.referralId);

    const list = await episodes(patientId);
    expect(list.map((r) => [r.referralId, r.status, r.reasons])).toEqual([
      [again.body.referralId, 'received', ['debt']],
      [first.body.referralId, 'closed', ['isolation']],
    ]);
    expect(list[1]!.endReason).toBe('did_not_attend');
    expect(list[0]!.createdAt > list[1]!.createdAt).toBe(true);
    // Earlier prescriptions, assessments and cards are still theirs.
    expect((await t.call('GET', `/v1/patients/${patientId}/prescriptions`, { as: 'navigator' })).body.items.map((p: { prescriptionId: string; status: string }) => [p.prescriptionId, p.status])).toEqual([
      [prescription.body.prescriptionId, 'withdrawn'],
    ]);
    expect((await t.call('GET', `/v1/patients/${patientId}/assessments`, { as: 'navigator' })).body.items).toHaveLength(1);
    expect((await t.call('GET', `/v1/patients/${patientId}/cards`, { as: 'navigator' })).body.items[0]).toMatchObject({ cardId: 'REREFER-0001', status: 'active' });
    // The new episode can have a prescription of its own.
    const second = await t.call('POST', '/v1/prescriptions', {
      as: 'navigator',
      body: { patientId, startDate: londonDate(t.clock.now()), goals: ['Sort out the bills'], activityIds },
    });
    expect(second.status).toBe(201);
    expect((await episodes(patientId))[0]!.status).toBe('prescribed');
  });

  it.each(['received', 'accepted', 'prescribed'] as const)('while the referral is %s it is a 409 naming the open referral', async (status) => {
    const person = { givenName: 'Open', familyName: status, dateOfBirth: '1960-01-01', nhsNumber: freshNhsNumber() };
    const first = await refer(person);
    if (status === 'accepted') await t.call('POST', `/v1/referrals/${first.body.referralId}/accept`, { as: 'navigator' });
    if (status === 'prescribed') {
      await t.call('POST', '/v1/prescriptions', { as: 'navigator', body: { patientId: first.body.patientId, startDate: londonDate(t.clock.now()), goals: ['g'], activityIds } });
    }
    const again = await refer(person);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('patient_has_open_referral');
    expect(again.body.error.message).toContain(first.body.referralId);
    expect(await episodes(first.body.patientId)).toHaveLength(1);
  });

  it('the NHS number alone decides: the same name and birthday with another number is someone else', async () => {
    const person = { givenName: 'Twin', familyName: 'Named', dateOfBirth: '1990-09-09' };
    const a = await refer({ ...person, nhsNumber: freshNhsNumber() });
    const b = await refer({ ...person, nhsNumber: freshNhsNumber() });
    expect(b.status).toBe(201);
    expect(b.body.patientId).not.toBe(a.body.patientId);
    expect(b.body).not.toHaveProperty('rereferral');
    // Without a number the two cannot be told apart: the referral must say which.
    const neither = await refer({ ...person, nhsNumber: undefined });
    expect(neither.status).toBe(409);
    expect(neither.body.error.code).toBe('patient_identity_ambiguous');
  });

  it('a re-referral joins the caseload of the navigator who takes it; the patient, their referrals and follow-ups move there', async () => {
    const first = await otherNavigatorToken(t, 'navigator-first-episode');
    const second = await otherNavigatorToken(t, 'navigator-second-episode');
    const person = { givenName: 'Moving', familyName: 'Caseload', dateOfBirth: '1970-07-07', nhsNumber: freshNhsNumber() };
    const referral = await refer(person, { token: first });
    const patientId = referral.body.patientId as string;
    const prescription = await t.call('POST', '/v1/prescriptions', {
      token: first,
      body: { patientId, startDate: londonDate(t.clock.now()), goals: ['g'], activityIds },
    });
    expect((await t.call('POST', `/v1/referrals/${referral.body.referralId}/close`, { token: first, body: { reason: 'moved_away' } })).status).toBe(200);

    const again = await refer(person, { token: second });
    expect(again.status).toBe(201);
    expect(again.body.patient.navigator).toBe('navigator-second-episode');
    expect((await t.call('GET', `/v1/patients/${patientId}`, { token: second })).status).toBe(200);
    expect((await t.call('GET', `/v1/patients/${patientId}`, { token: first })).status).toBe(404);
    const theirs = (await t.call('GET', '/v1/referrals?limit=100', { token: second })).body.items.map((r: { referralId: string }) => r.referralId);
    expect(theirs.sort()).toEqual([referral.body.referralId, again.body.referralId].sort());
    expect((await t.call('GET', '/v1/referrals?limit=100', { token: first })).body.items).toEqual([]);
    const cancelled = await t.call('GET', '/v1/followups?status=cancelled&limit=100', { token: second });
    expect(cancelled.body.items.map((f: { followUpId: string }) => f.followUpId)).toContain(prescription.body.followUpId);
  });
});

describe('re-referral by name and date of birth (no NHS number)', () => {
  it('matches case and spacing apart, and adds the episode', async () => {
    const first = await refer({ givenName: 'Eleanor', familyName: 'Rigby', dateOfBirth: '1940-02-11', nhsNumber: undefined });
    expect(first.status).toBe(201);
    const open = await refer({ givenName: '  eleanor ', familyName: 'RIGBY', dateOfBirth: '1940-02-11', nhsNumber: undefined });
    expect(open.status).toBe(409);
    expect(open.body.error.message).toContain(first.body.referralId);
    await decline(first.body.referralId);
    const again = await refer({ givenName: '  eleanor ', familyName: 'RIGBY', dateOfBirth: '1940-02-11', nhsNumber: undefined });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ patientId: first.body.patientId, rereferral: { matchedBy: 'name_and_date_of_birth' } });
    // The record is the one registered, not the referral's spelling.
    expect(again.body.patient.givenName).toBe('Eleanor');
  });

  it('finds a patient registered with an NHS number when the referral has none', async () => {
    const first = await refer({ givenName: 'Numbered', familyName: 'Person', dateOfBirth: '1955-05-05', nhsNumber: freshNhsNumber() });
    await decline(first.body.referralId);
    const again = await refer({ givenName: 'Numbered', familyName: 'Person', dateOfBirth: '1955-05-05', nhsNumber: undefined });
    expect(again.body).toMatchObject({ patientId: first.body.patientId, rereferral: { matchedBy: 'name_and_date_of_birth' } });
  });

  it('another date of birth, or another spelling, is another person', async () => {
    const first = await refer({ givenName: 'Jon', familyName: 'Smyth', dateOfBirth: '1980-01-01', nhsNumber: undefined });
    const otherDay = await refer({ givenName: 'Jon', familyName: 'Smyth', dateOfBirth: '1980-01-02', nhsNumber: undefined });
    const otherSpelling = await refer({ givenName: 'John', familyName: 'Smyth', dateOfBirth: '1980-01-01', nhsNumber: undefined });
    expect([otherDay.status, otherSpelling.status]).toEqual([201, 201]);
    expect(new Set([first.body.patientId, otherDay.body.patientId, otherSpelling.body.patientId]).size).toBe(3);
  });

  it('the request is checked before anyone is looked up: a mistake is a 400, not a 409', async () => {
    const first = await refer({ givenName: 'Checked', familyName: 'First', dateOfBirth: '1950-01-01', nhsNumber: undefined });
    expect(first.status).toBe(201);
    const res = await t.call('POST', '/v1/referrals', {
      as: 'navigator',
      body: referralBody({ patient: { givenName: 'Checked', familyName: 'First', dateOfBirth: '1950-01-01', nhsNumber: undefined, preferredContact: 'email', email: undefined } }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['patient.preferredContact']);
  });
});

describe('the conditions under concurrency (DynamoDB Local)', () => {
  it('two re-referrals of one person at once: one new episode, the other refused', async () => {
    const person = { givenName: 'Race', familyName: 'Rereferral', dateOfBirth: '1966-06-06', nhsNumber: freshNhsNumber() };
    const first = await refer(person);
    await decline(first.body.referralId);
    const results = await Promise.all([refer(person), refer(person), refer(person)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(['patient_has_open_referral', 'patient_changed']).toContain(loser.body.error.code);
    }
    expect(await episodes(first.body.patientId)).toHaveLength(2);
  });

  it('two first referrals of one person without an NHS number at once: one patient', async () => {
    const person = { givenName: 'Race', familyName: 'Identity', dateOfBirth: '1967-07-07', nhsNumber: undefined };
    const results = await Promise.all([refer(person), refer(person)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await t.services.patients.identityHolders(identityHashOf(person))).toHaveLength(1);
  });

  it('two first referrals with one NHS number at once: one patient', async () => {
    const person = { givenName: 'Race', familyName: 'Number', dateOfBirth: '1968-08-08', nhsNumber: freshNhsNumber() };
    const results = await Promise.all([refer(person), refer(person)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = results.find((r) => r.status === 201)!;
    expect(await t.services.patients.nhsNumberHolder(person.nhsNumber)).toBe(winner.body.patientId);
  });

  it('an episode decided on a stale read of the patient, or after the NHS number moved away, writes nothing', async () => {
    const person = { givenName: 'Stale', familyName: 'Episode', dateOfBirth: '1969-09-09', nhsNumber: freshNhsNumber() };
    const first = await refer(person);
    await decline(first.body.referralId);
    const patient = (await t.services.patients.getPatient(first.body.patientId))!;
    const referral = { ...(await t.services.patients.getReferral(patient.patientId, patient.openReferralId))!, referralId: t.services.ids.next(), status: 'received' as const };
    // The NHS number now belongs to no one (moved off the record).
    expect((await t.call('PATCH', `/v1/patients/${patient.patientId}`, { as: 'navigator', body: { nhsNumber: null } })).status).toBe(200);
    expect(await t.services.patients.addEpisode(patient, referral, { by: 'nhs_number', nhsNumber: person.nhsNumber })).toBe('changed');
    // And a patient whose latest referral is no longer the one read.
    const moved = { ...patient, openReferralId: t.services.ids.next() };
    expect(await t.services.patients.addEpisode(moved, referral, { by: 'name_and_date_of_birth', identityHash: identityHashOf(person) })).toBe('changed');
    expect(await episodes(patient.patientId)).toHaveLength(1);
  });
});
