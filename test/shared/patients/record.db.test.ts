import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { londonDate } from '#shared/platform/london';
import { acceptReferral, identityHashOf, newContact } from '#shared/patients/rules';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, freshNhsNumber, makeActivities, otherNavigatorToken, referralBody } from '../../support/fixtures';

/** The patient's record: changing it (PATCH), contacts, and the timeline — and that notes stay where they belong. */
let t: TestApp;
let activities: Awaited<ReturnType<typeof makeActivities>>;
const unknownId = '01J00000000000000000000000';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
  activities = await makeActivities(t);
});

async function refer(patient: Record<string, unknown> = {}, token?: string) {
  const res = await t.call('POST', '/v1/referrals', { ...(token ? { token } : { as: 'navigator' as const }), body: referralBody({ patient }) });
  expect(res.status, res.text).toBe(201);
  return { patientId: res.body.patientId as string, referralId: res.body.referralId as string, nhsNumber: res.body.patient.nhsNumber as string | undefined };
}

const patch = (patientId: string, body: unknown, token?: string) =>
  t.call('PATCH', `/v1/patients/${patientId}`, { ...(token ? { token } : { as: 'navigator' as const }), body });
const contact = (patientId: string, body: Record<string, unknown>, token?: string) =>
  t.call('POST', `/v1/patients/${patientId}/contacts`, {
    ...(token ? { token } : { as: 'navigator' as const }),
    body: { at: t.clock.now().toISOString(), kind: 'phone', outcome: 'reached', ...body },
  });
const status = async (patientId: string) => (await t.call('GET', `/v1/patients/${patientId}/referrals`, { as: 'navigator' })).body.items[0].status as string;

describe('PATCH /v1/patients/{patientId}', () => {
  it('changes only the fields given, normalised as at referral; null removes an optional one', async () => {
    const { patientId } = await refer();
    const res = await patch(patientId, { familyName: ' Okafor-Bell ', postcode: 'lu4 8aa', phone: '+44 (0)1582 123456', email: null, preferredContact: 'letter' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ patientId, givenName: 'Margaret', familyName: 'Okafor-Bell', postcode: 'LU4 8AA', phone: '+441582123456', preferredContact: 'letter', updatedAt: expect.any(String) });
    expect(res.body).not.toHaveProperty('email');
    expect(res.body).not.toHaveProperty('identityHash');
    expect(res.body).not.toHaveProperty('openReferralId');
    expect((await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body).toEqual(res.body);
  });

  it('the same values again change nothing', async () => {
    const { patientId } = await refer();
    const before = (await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body;
    const res = await patch(patientId, { givenName: 'Margaret', phone: '07700 900123' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(before);
  });

  it.each([
    [{}, ''],
    [{ navigator: 'someone' }, ''], // not a field of the record
    [{ givenName: ' ' }, 'givenName'],
    [{ givenName: null }, 'givenName'],
    [{ familyName: 'x'.repeat(101) }, 'familyName'],
    [{ dateOfBirth: '2026-11-24' }, 'dateOfBirth'],
    [{ dateOfBirth: '1990-02-30' }, 'dateOfBirth'],
    [{ nhsNumber: '943 476 5910' }, 'nhsNumber'],
    [{ nhsNumber: '0000000000' }, 'nhsNumber'],
    [{ postcode: 'XYZ' }, 'postcode'],
    [{ phone: '12345' }, 'phone'],
    [{ email: 'not-an-email' }, 'email'],
    [{ preferredContact: 'pigeon' }, 'preferredContact'],
    [{ email: null, preferredContact: 'email' }, 'preferredContact'],
    [{ phone: null, preferredContact: 'text' }, 'preferredContact'],
  ])('%j is a 400 at %j and changes nothing', async (body, path) => {
    const { patientId } = await refer();
    const before = (await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body;
    const res = await patch(patientId, body);
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect((await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body).toEqual(before);
  });

  it('someone else’s patient is the same 404 as an unknown one; a manager may not (403); an admin may', async () => {
    const other = await otherNavigatorToken(t, 'navigator-patch');
    const { patientId } = await refer({}, other);
    const theirs = await patch(patientId, { familyName: 'X' });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual((await patch(unknownId, { familyName: 'X' })).body);
    expect((await t.call('PATCH', `/v1/patients/${patientId}`, { as: 'manager', body: { familyName: 'X' } })).status).toBe(403);
    expect((await t.call('PATCH', `/v1/patients/${patientId}`, { as: 'admin', body: { familyName: 'X' } })).status).toBe(200);
    expect((await t.call('PATCH', '/v1/patients/nope', { as: 'admin', body: { familyName: 'X' } })).status).toBe(400);
  });

  it('moves the NHS number’s pointer: the old number is free again, the new one is the patient’s', async () => {
    const { patientId, nhsNumber: old } = await refer();
    const next = freshNhsNumber();
    const res = await patch(patientId, { nhsNumber: next.replace(/(\d{3})(\d{3})(\d{4})/, '$1-$2-$3') });
    expect(res.status).toBe(200);
    expect(res.body.nhsNumber).toBe(next);
    expect(await t.services.patients.nhsNumberHolder(next)).toBe(patientId);
    expect(await t.services.patients.nhsNumberHolder(old!)).toBeUndefined();
    const newcomer = await refer({ nhsNumber: old });
    expect(newcomer.patientId).not.toBe(patientId);
    // Removing it frees it too.
    expect((await patch(patientId, { nhsNumber: null })).body).not.toHaveProperty('nhsNumber');
    expect(await t.services.patients.nhsNumberHolder(next)).toBeUndefined();
  });

  it('another patient’s NHS number is a 409 nhs_number_registered and nothing moves', async () => {
    const a = await refer();
    const b = await refer();
    const res = await patch(a.patientId, { nhsNumber: b.nhsNumber, phone: '07700 900999' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('nhs_number_registered');
    const read = (await t.call('GET', `/v1/patients/${a.patientId}`, { as: 'navigator' })).body;
    expect(read).toMatchObject({ nhsNumber: a.nhsNumber, phone: '+447700900123' });
    expect(await t.services.patients.nhsNumberHolder(a.nhsNumber!)).toBe(a.patientId);
    expect(await t.services.patients.nhsNumberHolder(b.nhsNumber!)).toBe(b.patientId);
  });

  it('keeps the name-and-date-of-birth identity in step, so a referral without a number finds the renamed person', async () => {
    const person = { givenName: 'Renata', familyName: 'Before', dateOfBirth: '1961-01-01', nhsNumber: undefined };
    const { patientId, referralId } = await refer(person);
    expect((await patch(patientId, { familyName: 'After' })).status).toBe(200);
    expect(await t.services.patients.identityHolders(identityHashOf(person))).toEqual([]);
    expect(await t.services.patients.identityHolders(identityHashOf({ ...person, familyName: 'After' }))).toEqual([patientId]);
    await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } });
    const again = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: { ...person, familyName: 'after' } }) });
    expect(again.body).toMatchObject({ patientId, rereferral: { matchedBy: 'name_and_date_of_birth' } });
    // The old name is free: someone else can be referred under it.
    expect((await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: person }) })).body.patientId).not.toBe(patientId);
  });

  describe('under concurrency (DynamoDB Local)', () => {
    it('two patients moving to one new NHS number at once: one gets it, the other keeps theirs', async () => {
      const a = await refer();
      const b = await refer();
      const wanted = freshNhsNumber();
      const [ra, rb] = await Promise.all([patch(a.patientId, { nhsNumber: wanted }), patch(b.patientId, { nhsNumber: wanted })]);
      expect([ra.status, rb.status].sort()).toEqual([200, 409]);
      const [winner, loser] = ra.status === 200 ? [a, b] : [b, a];
      expect((ra.status === 200 ? rb : ra).body.error.code).toBe('nhs_number_registered');
      expect(await t.services.patients.nhsNumberHolder(wanted)).toBe(winner.patientId);
      expect(await t.services.patients.nhsNumberHolder(winner.nhsNumber!)).toBeUndefined();
      expect(await t.services.patients.nhsNumberHolder(loser.nhsNumber!)).toBe(loser.patientId);
      expect((await t.call('GET', `/v1/patients/${loser.patientId}`, { as: 'navigator' })).body.nhsNumber).toBe(loser.nhsNumber);
    });

    it('an NHS number change racing a referral with that number: exactly one of them has it', async () => {
      const a = await refer();
      const wanted = freshNhsNumber();
      const [moved, referred] = await Promise.all([
        patch(a.patientId, { nhsNumber: wanted }),
        t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: { givenName: 'Other', nhsNumber: wanted } }) }),
      ]);
      const holder = await t.services.patients.nhsNumberHolder(wanted);
      if (moved.status === 200) {
        expect(holder).toBe(a.patientId);
        expect(referred.status).toBe(409); // the referral found a patient with an open referral
      } else {
        expect(moved.status).toBe(409);
        expect(referred.status).toBe(201);
        expect(holder).toBe(referred.body.patientId);
      }
    });

    it('two identity changes at once: one wins, and the patient is registered under exactly the identity they end with', async () => {
      const person = { givenName: 'Dora', familyName: 'Race', dateOfBirth: '1962-02-02', nhsNumber: undefined };
      const { patientId } = await refer(person);
      const [first, second] = await Promise.all([patch(patientId, { givenName: 'Dorothy' }), patch(patientId, { dateOfBirth: '1962-02-03' })]);
      expect([first.status, second.status].sort()).toEqual([200, 409]);
      expect((first.status === 409 ? first : second).body.error.code).toBe('patient_changed');
      const final = (await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body;
      expect(await t.services.patients.identityHolders(identityHashOf(final))).toEqual([patientId]);
      expect(await t.services.patients.identityHolders(identityHashOf(person))).toEqual([]);
    });
  });
});

describe('POST /v1/patients/{patientId}/contacts', () => {
  it('the first contact that reaches the person accepts the received referral, in the same write', async () => {
    const { patientId, referralId } = await refer();
    const missed = await contact(patientId, { outcome: 'no_answer' });
    expect(missed.status).toBe(201);
    expect(missed.body).toMatchObject({ patientId, referralId, kind: 'phone', outcome: 'no_answer', referralAccepted: false, recordedBy: 'local-navigator' });
    expect(await status(patientId)).toBe('received');
    const reached = await contact(patientId, { kind: 'visit', note: 'Met at the surgery' });
    expect(reached.status).toBe(201);
    expect(reached.body).toMatchObject({ outcome: 'reached', note: 'Met at the surgery', referralAccepted: true });
    expect(await status(patientId)).toBe('accepted');
    expect((await contact(patientId, {})).body.referralAccepted).toBe(false);
  });

  it('a contact after the referral ended is recorded against it and changes nothing else', async () => {
    const { patientId, referralId } = await refer();
    await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } });
    const res = await contact(patientId, { kind: 'letter', outcome: 'reached' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ referralId, referralAccepted: false });
    expect(await status(patientId)).toBe('declined');
  });

  it.each([
    [{ at: undefined }, 'at'],
    [{ at: 'yesterday' }, 'at'],
    [{ at: '2026-11-23 09:00' }, 'at'],
    [{ at: '2026-11-23T10:10:00Z' }, 'at'], // in the future
    [{ at: '2025-01-01T10:00:00Z' }, 'at'], // over a year back
    [{ kind: 'carrier_pigeon' }, 'kind'],
    [{ outcome: 'maybe' }, 'outcome'],
    [{ note: '' }, 'note'],
    [{ note: 'x'.repeat(2001) }, 'note'],
    [{ note: 'escape \u001b[31m' }, 'note'],
  ])('%j is a 400 at %s and records nothing', async (body, path) => {
    const { patientId } = await refer();
    const res = await contact(patientId, body);
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    const timeline = (await t.call('GET', `/v1/patients/${patientId}/timeline?limit=100`, { as: 'navigator' })).body.items;
    expect(timeline.filter((e: { type: string }) => e.type === 'contact')).toEqual([]);
    expect(await status(patientId)).toBe('received');
  });

  it('someone else’s patient is a 404; a manager may not (403)', async () => {
    const other = await otherNavigatorToken(t, 'navigator-contacts');
    const { patientId } = await refer({}, other);
    expect((await contact(patientId, {})).status).toBe(404);
    expect((await contact(unknownId, {})).status).toBe(404);
    expect((await t.call('POST', `/v1/patients/${patientId}/contacts`, { as: 'manager', body: { at: t.clock.now().toISOString(), kind: 'phone', outcome: 'reached' } })).status).toBe(403);
  });

  it('a contact that would accept a referral declined meanwhile fails as a whole (DynamoDB Local)', async () => {
    const { patientId, referralId } = await refer();
    const patient = (await t.services.patients.getPatient(patientId))!;
    const read = (await t.services.patients.getReferral(patientId, referralId))!;
    await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } });
    const made = newContact({ at: t.clock.now().toISOString(), kind: 'phone', outcome: 'reached' }, patient, { sub: 'local-navigator', role: 'navigator' }, t.services);
    const move = acceptReferral(read, t.clock.now());
    if (!made.ok || move.kind !== 'moved') throw new Error('expected a contact and a move');
    expect(await t.services.patients.recordContact(made.contact, 'local-navigator', { before: move.before, after: move.after })).toBe('changed');
    expect(await t.services.patients.contacts(patientId)).toEqual([]);
    expect(await status(patientId)).toBe('declined');
  });
});

describe('GET /v1/patients/{patientId}/timeline', () => {
  let patientId: string;
  let everything: { eventId: string; at: string; type: string; action: string }[];

  beforeAll(async () => {
    t.clock.set(new Date('2026-11-24T09:00:00Z'));
    ({ patientId } = await refer());
    t.clock.advance('PT1H');
    await contact(patientId, { outcome: 'no_answer', at: t.clock.now().toISOString() });
    t.clock.advance('PT1H');
    await contact(patientId, { outcome: 'reached', note: 'Agreed to meet' });
    t.clock.advance('P1D');
    await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
    t.clock.advance('PT1H');
    const prescription = await t.call('POST', '/v1/prescriptions', {
      as: 'navigator',
      body: { patientId, startDate: londonDate(t.clock.now()), goals: ['g'], activityIds: activities.activityIds },
    });
    t.clock.advance('PT1H');
    await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'TIMELINE-0001', patientId } });
    t.clock.advance('PT1H');
    await t.call('POST', '/v1/cards/TIMELINE-0001/revoke', { as: 'navigator', body: { reason: 'lost' } });
    t.clock.advance('P1D');
    await t.call('PATCH', `/v1/prescriptions/${prescription.body.prescriptionId}`, { as: 'navigator', body: { status: 'withdrawn' } });
    everything = (await t.call('GET', `/v1/patients/${patientId}/timeline?limit=100`, { as: 'navigator' })).body.items;
  });

  it('tells the whole record, newest first', () => {
    // Each step above was an hour (or a day) after the one before; the entries one request wrote
    // are moments apart, in whichever order their instants fell.
    const byHour = new Map<string, string[]>();
    for (const e of everything) byHour.set(e.at.slice(0, 13), [...(byHour.get(e.at.slice(0, 13)) ?? []), `${e.type}:${e.action}`]);
    expect([...byHour.values()].map((keys) => keys.sort())).toEqual([
      ['follow_up:cancelled', 'prescription:withdrawn'],
      ['card:revoked'],
      ['card:issued'],
      ['follow_up:scheduled', 'prescription:written', 'referral:prescribed'],
      ['assessment:recorded'],
      ['contact:contact', 'referral:accepted'],
      ['contact:contact'],
      ['referral:received'],
    ]);
    const times = everything.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(everything.find((e) => e.type === 'card' && e.action === 'revoked')).toMatchObject({ cardId: 'TIMELINE-0001', reason: 'lost' });
    expect(everything.find((e) => e.type === 'contact' && 'note' in e)).toMatchObject({ outcome: 'reached', note: 'Agreed to meet' });
  });

  it('pages through with the cursor, each entry once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await t.call('GET', `/v1/patients/${patientId}/timeline?limit=5${cursor ? `&cursor=${cursor}` : ''}`, { as: 'navigator' });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((e: { eventId: string }) => e.eventId));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(everything.map((e) => e.eventId));
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['JSON of another shape', Buffer.from('{"limit":1}').toString('base64url')],
    ['an injected event id', Buffer.from(JSON.stringify(['2026-11-24T09:00:00.000Z', 'x:y:z; DROP'])).toString('base64url')],
    ['a follow-up list’s cursor', Buffer.from(JSON.stringify({ dueAt: '2026-11-24T09:00:00.000Z', followUpId: unknownId, patientId: unknownId })).toString('base64url')],
  ])('a forged cursor (%s) is a 400 invalid_cursor, never a 500', async (_label, cursor) => {
    const res = await t.call('GET', `/v1/patients/${patientId}/timeline?cursor=${encodeURIComponent(cursor)}`, { as: 'navigator' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ in: 'query', path: 'cursor', code: 'invalid_cursor' });
  });

  it('checks the page size, and answers 404 for an unknown or someone else’s patient; managers may read it', async () => {
    expect((await t.call('GET', `/v1/patients/${patientId}/timeline?limit=0`, { as: 'navigator' })).status).toBe(400);
    expect((await t.call('GET', `/v1/patients/${patientId}/timeline?limit=101`, { as: 'navigator' })).status).toBe(400);
    expect((await t.call('GET', `/v1/patients/${unknownId}/timeline`, { as: 'navigator' })).status).toBe(404);
    const other = await otherNavigatorToken(t, 'navigator-timeline');
    expect((await t.call('GET', `/v1/patients/${patientId}/timeline`, { token: other })).status).toBe(404);
    expect((await t.call('GET', `/v1/patients/${patientId}/timeline`, { as: 'manager' })).status).toBe(200);
    expect((await t.call('GET', `/v1/patients/${patientId}/timeline`, { as: 'provider', providerId: activities.providerId })).status).toBe(403);
  });
});

describe('notes are never logged, exported or told to a provider', () => {
  it('contact and referral notes reach neither the logs, nor the evaluators’ CSVs, nor the door', async () => {
    t.clock.set(new Date('2026-11-30T10:00:00Z'));
    const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) => vi.spyOn(t.services.logger, level));
    const notes = ['NOTE-Afraid of dogs', 'NOTE-Daughter answers the phone', 'NOTE-Declined the first time'];
    try {
      const { patientId, referralId } = await refer({ givenName: 'Quentin', familyName: 'Noteworthy', phone: '07700 900777' });
      expect((await contact(patientId, { note: notes[0] })).status).toBe(201);
      const prescription = await t.call('POST', '/v1/prescriptions', {
        as: 'navigator',
        body: { patientId, startDate: londonDate(t.clock.now()), goals: ['g'], activityIds: activities.activityIds },
      });
      expect(prescription.status).toBe(201);
      expect((await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'NOTES-0001', patientId } })).status).toBe(201);
      expect((await patch(patientId, { phone: '07700 900888' })).status).toBe(200);
      expect((await contact(patientId, { note: notes[1] })).status).toBe(201);
      const scan = async () =>
        t.call('POST', '/v1/scans', {
          as: 'provider',
          providerId: activities.providerId,
          body: { scanId: randomUUID(), cardId: 'NOTES-0001', venueId: activities.venueId, activityId: activities.activityIds[0], scannedAt: t.clock.now().toISOString() },
        });
      const accepted = await scan();
      expect(accepted.status).toBe(201);
      await t.call('GET', `/v1/patients/${patientId}/timeline`, { as: 'navigator' });
      await t.call('GET', `/v1/patients/${patientId}/referrals`, { as: 'manager' });
      expect((await t.call('POST', `/v1/referrals/${referralId}/close`, { as: 'navigator', body: { reason: 'other', note: notes[2] } })).status).toBe(200);
      t.clock.advance('P1D'); // the same person at the same activity on the same day would be a duplicate
      const refused = await scan();
      expect(refused.status).toBe(422);
      expect(refused.body.reason).toBe('no_active_prescription');
      const attendance = await t.call('GET', '/v1/reports/attendance.csv?from=2026-11-01&to=2026-12-31', { as: 'manager' });
      const outcomes = await t.call('GET', '/v1/reports/outcomes.csv?from=2026-11-01&to=2026-12-31', { as: 'manager' });
      expect(attendance.status).toBe(200);
      expect(outcomes.status).toBe(200);
      expect(attendance.text.split('\n').length).toBeGreaterThan(1);
      expect(outcomes.text.split('\n').length).toBeGreaterThan(1);

      const logged = JSON.stringify(spies.flatMap((spy) => spy.mock.calls));
      // The audit trail (entries in the table, decision 82) has the contact and the close…
      const audit = await t.call('GET', `/v1/patients/${patientId}/audit?limit=100`, { as: 'admin' });
      expect(audit.status).toBe(200);
      const audited = JSON.stringify(audit.body);
      expect(audited).toContain('record_contact');
      expect(audited).toContain('close_referral');
      for (const secret of [...notes, 'Quentin', 'Noteworthy', '900777', '900888']) {
        expect(logged, `log: ${secret}`).not.toContain(secret); // …with ids only, as the logs
        expect(audited, `audit: ${secret}`).not.toContain(secret);
        expect(attendance.text, `csv: ${secret}`).not.toContain(secret);
        expect(outcomes.text, `csv: ${secret}`).not.toContain(secret);
        expect(accepted.text, `scan: ${secret}`).not.toContain(secret);
        expect(refused.text, `scan: ${secret}`).not.toContain(secret);
      }
      // The provider's own attendance view says nothing about the person either.
      const day = londonDate(t.clock.now());
      const provider = await t.call('GET', `/v1/providers/${activities.providerId}/attendance?from=${day}&to=${day}`, { as: 'provider', providerId: activities.providerId });
      for (const secret of [...notes, 'Quentin']) expect(provider.text).not.toContain(secret);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
