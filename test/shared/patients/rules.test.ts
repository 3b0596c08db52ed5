import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/platform/clock';
import type { Principal } from '#shared/platform/auth';
import {
  REFERRAL_TRANSITIONS,
  acceptReferral,
  advancedReferral,
  changePatient,
  compareTimeline,
  contactAccepts,
  decodeTimelineCursor,
  encodeTimelineCursor,
  endReferral,
  identityHashOf,
  identityMatch,
  newContact,
  newEpisode,
  newReferral,
  normaliseIdentityPart,
  referralEntries,
  referralRefusal,
  rereferralRefusal,
  timelinePage,
  type PatientRecord,
  type ReferralRecord,
} from '#shared/patients/rules';
import { REFERRAL_STATUSES, type CreateReferralInput, type ReferralStatus, type TimelineEntryView } from '#shared/patients/schema';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const navigator: Principal = { sub: 'nav-1', role: 'navigator' };
const admin: Principal = { sub: 'admin-1', role: 'admin' };

function counter() {
  let n = 0;
  return { next: () => `01J${String(n++).padStart(23, '0')}` };
}

const referral = (status: ReferralStatus, extra: Partial<ReferralRecord> = {}): ReferralRecord => ({
  referralId: '01J00000000000000000000001',
  patientId: '01J00000000000000000000002',
  navigator: 'nav-1',
  status,
  source: 'gp',
  reasons: ['isolation'],
  snomedCode: '871731000000106',
  createdAt: '2026-11-01T09:00:00.000Z',
  ...extra,
});

const patient = (extra: Partial<PatientRecord> = {}): PatientRecord => ({
  patientId: '01J00000000000000000000002',
  navigator: 'nav-1',
  givenName: 'Ada',
  familyName: 'Byron',
  dateOfBirth: '1952-12-10',
  phone: '+447700900123',
  createdAt: '2026-11-01T09:00:00.000Z',
  openReferralId: '01J00000000000000000000001',
  identityHash: identityHashOf({ givenName: 'Ada', familyName: 'Byron', dateOfBirth: '1952-12-10' }),
  ...extra,
});

const input = (patientFields: Partial<CreateReferralInput['patient']> = {}, rest: Partial<CreateReferralInput> = {}): CreateReferralInput => ({
  patient: { givenName: 'Ada', familyName: 'Byron', dateOfBirth: '1952-12-10', ...patientFields },
  source: 'gp',
  reasons: ['isolation'],
  ...rest,
});

/** Every pair of statuses, and whether the lifecycle allows it (the same status again is no change, except for the final ones). */
const ALLOWED: [ReferralStatus, ReferralStatus][] = [
  ['received', 'received'],
  ['received', 'accepted'],
  ['received', 'prescribed'],
  ['received', 'declined'],
  ['accepted', 'accepted'],
  ['accepted', 'prescribed'],
  ['accepted', 'declined'],
  ['prescribed', 'prescribed'],
  ['prescribed', 'closed'],
];
const allowed = (from: ReferralStatus, to: ReferralStatus) => ALLOWED.some(([a, b]) => a === from && b === to);
const ALL_PAIRS = REFERRAL_STATUSES.flatMap((from) => REFERRAL_STATUSES.map((to) => [from, to] as [ReferralStatus, ReferralStatus]));

describe('referral transitions', () => {
  it.each(ALL_PAIRS.filter(([from, to]) => allowed(from, to)))('%s → %s is allowed', (from, to) => {
    expect(referralRefusal(from, to)).toBeUndefined();
  });

  it.each(ALL_PAIRS.filter(([from, to]) => !allowed(from, to)))('%s → %s is refused', (from, to) => {
    const refusal = referralRefusal(from, to);
    expect(refusal?.code).toBe(from === 'declined' || from === 'closed' ? 'referral_ended' : 'illegal_referral_transition');
    expect(refusal?.message).toBeTruthy();
  });

  it('the table and the refusals agree, and declined and closed are final', () => {
    for (const [from, to] of ALL_PAIRS) {
      if (from !== to) expect(REFERRAL_TRANSITIONS[from].includes(to), `${from} → ${to}`).toBe(allowed(from, to));
    }
    expect(REFERRAL_TRANSITIONS.declined).toEqual([]);
    expect(REFERRAL_TRANSITIONS.closed).toEqual([]);
  });

  it('tells the navigator what to do instead', () => {
    expect(referralRefusal('received', 'closed')?.message).toMatch(/decline it instead/);
    expect(referralRefusal('prescribed', 'declined')?.message).toMatch(/closed, not declined/);
  });
});

describe('accepting', () => {
  it('moves a received referral to accepted, recording when', () => {
    const move = acceptReferral(referral('received'), NOW);
    expect(move).toMatchObject({ kind: 'moved', after: { status: 'accepted', acceptedAt: NOW.toISOString(), updatedAt: NOW.toISOString() } });
  });

  it('an accepted referral again is no change', () => {
    expect(acceptReferral(referral('accepted'), NOW)).toEqual({ kind: 'unchanged', referral: referral('accepted') });
  });

  it.each(['prescribed', 'declined', 'closed'] as const)('a %s referral is refused', (status) => {
    expect(acceptReferral(referral(status), NOW).kind).toBe('refused');
  });
});

describe('declining and closing', () => {
  it('a decline records the reason, note, who and when, and SNOMED CT 871711000000103 beside the referral’s concept', () => {
    const move = endReferral(referral('accepted'), 'declined', { reason: 'other', note: 'Prefers the church group' }, { by: 'nav-1', now: NOW });
    expect(move.kind).toBe('moved');
    if (move.kind !== 'moved') return;
    expect(move.after).toMatchObject({
      status: 'declined',
      endReason: 'other',
      endNote: 'Prefers the church group',
      endedBy: 'nav-1',
      endedAt: NOW.toISOString(),
      snomedCode: '871731000000106',
      declinedSnomedCode: '871711000000103',
    });
  });

  it('closing a prescribed referral records no decline concept', () => {
    const move = endReferral(referral('prescribed'), 'closed', { reason: 'completed' }, { by: 'nav-1', now: NOW });
    expect(move.kind === 'moved' && move.after).toMatchObject({ status: 'closed', endReason: 'completed' });
    expect(move.kind === 'moved' && move.after.declinedSnomedCode).toBeUndefined();
  });

  it.each([
    ['received', 'closed', 'illegal_referral_transition'],
    ['accepted', 'closed', 'illegal_referral_transition'],
    ['prescribed', 'declined', 'illegal_referral_transition'],
    ['declined', 'declined', 'referral_ended'],
    ['declined', 'closed', 'referral_ended'],
    ['closed', 'closed', 'referral_ended'],
    ['closed', 'declined', 'referral_ended'],
  ] as const)('%s → %s is refused as %s', (from, to, code) => {
    expect(endReferral(referral(from), to, { reason: 'moved_away' }, { by: 'nav-1', now: NOW })).toMatchObject({ kind: 'refused', code });
  });
});

describe('advancing with what happens to the patient', () => {
  it.each([
    ['received', 'accepted', 'accepted'],
    ['received', 'prescribed', 'prescribed'],
    ['accepted', 'prescribed', 'prescribed'],
    ['accepted', 'accepted', undefined],
    ['prescribed', 'accepted', undefined],
    ['prescribed', 'prescribed', undefined],
    ['declined', 'accepted', undefined],
    ['closed', 'prescribed', undefined],
  ] as const)('%s advanced to %s is %s', (from, to, result) => {
    expect(advancedReferral(referral(from), to, NOW)?.status).toBe(result);
  });

  it('records when it was accepted or prescribed', () => {
    expect(advancedReferral(referral('received'), 'accepted', NOW)?.acceptedAt).toBe(NOW.toISOString());
    expect(advancedReferral(referral('accepted'), 'prescribed', NOW)?.prescribedAt).toBe(NOW.toISOString());
  });
});

describe('identity', () => {
  it('normalises case, spaces, compatibility forms and typographic apostrophes, and nothing else', () => {
    expect(normaliseIdentityPart('  MICHAEL   o’brien ')).toBe("michael o'brien");
    expect(normaliseIdentityPart('Ｊｏａｎ')).toBe('joan'); // full-width letters
    expect(normaliseIdentityPart('Smith-Jones')).not.toBe(normaliseIdentityPart('Smith Jones'));
    expect(normaliseIdentityPart('Zoë')).not.toBe(normaliseIdentityPart('Zoe'));
    expect(normaliseIdentityPart('Zoe\u0308')).toBe(normaliseIdentityPart('Zoë')); // decomposed and composed
  });

  it('hashes name and date of birth so that names never appear in a key', () => {
    const hash = identityHashOf({ givenName: 'Michael', familyName: 'O’Brien', dateOfBirth: '1958-04-03' });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(identityHashOf({ givenName: ' michael ', familyName: "O'BRIEN", dateOfBirth: '1958-04-03' })).toBe(hash);
    expect(identityHashOf({ givenName: 'Michael', familyName: 'O’Brien', dateOfBirth: '1958-04-04' })).not.toBe(hash);
    // The parts cannot run together: "Ann Marie" + "Smith" is not "Ann" + "Marie Smith".
    expect(identityHashOf({ givenName: 'Ann Marie', familyName: 'Smith', dateOfBirth: '1958-04-03' })).not.toBe(
      identityHashOf({ givenName: 'Ann', familyName: 'Marie Smith', dateOfBirth: '1958-04-03' }),
    );
  });

  it.each([
    [{ hasNhsNumber: true, nhsNumberHolder: 'P1', sameIdentity: ['P2'] }, { kind: 'existing', patientId: 'P1', matchedBy: 'nhs_number' }],
    [{ hasNhsNumber: true, sameIdentity: ['P2'] }, { kind: 'new' }],
    [{ hasNhsNumber: false, sameIdentity: [] }, { kind: 'new' }],
    [{ hasNhsNumber: false, sameIdentity: ['P2'] }, { kind: 'existing', patientId: 'P2', matchedBy: 'name_and_date_of_birth' }],
    [{ hasNhsNumber: false, sameIdentity: ['P2', 'P3'] }, { kind: 'ambiguous' }],
  ])('matches %j as %j', (referralFacts, expected) => {
    expect(identityMatch(referralFacts)).toEqual(expected);
  });

  it('refuses a re-referral while the latest referral is open, naming it', () => {
    for (const status of ['received', 'accepted', 'prescribed'] as const) {
      const refusal = rereferralRefusal(referral(status));
      expect(refusal?.code).toBe('patient_has_open_referral');
      expect(refusal?.message).toContain('01J00000000000000000000001');
    }
    expect(rereferralRefusal(referral('declined'))).toBeUndefined();
    expect(rereferralRefusal(referral('closed'))).toBeUndefined();
  });
});

describe('taking a referral', () => {
  it('a new patient is registered under their identity, the referral received', () => {
    const made = newReferral(input({ preferredContact: 'letter' }), navigator, { clock: fixedClock(NOW), ids: counter() });
    expect(made.ok && made.patient.identityHash).toBe(identityHashOf({ givenName: 'Ada', familyName: 'Byron', dateOfBirth: '1952-12-10' }));
    expect(made.ok && made.referral.status).toBe('received');
    expect(made.ok && made.patient.preferredContact).toBe('letter');
  });

  it('a preferred contact the details do not allow is a field issue', () => {
    const made = newReferral(input({ preferredContact: 'email' }), navigator, { clock: fixedClock(NOW), ids: counter() });
    expect(!made.ok && made.issues.map((i) => [i.path, i.code])).toEqual([['patient.preferredContact', 'preferred_contact_unavailable']]);
  });

  it('a new episode joins the caller’s caseload; an admin who names no navigator leaves the patient’s', () => {
    const mine = newEpisode({ patientId: 'P', navigator: 'nav-2' }, input(), navigator, { clock: fixedClock(NOW), ids: counter() });
    expect(mine.ok && mine.referral).toMatchObject({ patientId: 'P', navigator: 'nav-1', status: 'received' });
    const admins = newEpisode({ patientId: 'P', navigator: 'nav-2' }, input(), admin, { clock: fixedClock(NOW), ids: counter() });
    expect(admins.ok && admins.referral.navigator).toBe('nav-2');
    const named = newEpisode({ patientId: 'P', navigator: 'nav-2' }, input({}, { navigator: 'nav-3' }), admin, { clock: fixedClock(NOW), ids: counter() });
    expect(named.ok && named.referral.navigator).toBe('nav-3');
  });
});

describe('changing the record', () => {
  it('normalises as at referral, removes with null, and says what changed', () => {
    const change = changePatient(patient({ email: 'ada@example.org' }), { nhsNumber: '943 476 5919', postcode: 'lu1 2ab', email: null }, NOW);
    expect(change.ok && change.after).toMatchObject({ nhsNumber: '9434765919', postcode: 'LU1 2AB', updatedAt: NOW.toISOString() });
    expect(change.ok && change.after.email).toBeUndefined();
    expect(change.ok && change.changed.sort()).toEqual(['email', 'nhsNumber', 'postcode']);
    // The identity did not move.
    expect(change.ok && change.after.identityHash).toBe(patient().identityHash);
  });

  it('a new name moves the identity', () => {
    const change = changePatient(patient(), { familyName: 'Lovelace' }, NOW);
    expect(change.ok && change.after.identityHash).toBe(identityHashOf({ givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1952-12-10' }));
  });

  it('a record kept from before identities gets one on its first change', () => {
    const change = changePatient(patient({ identityHash: undefined }), { postcode: 'LU1 2AB' }, NOW);
    expect(change.ok && change.after.identityHash).toBe(patient().identityHash);
  });

  it('the same values again change nothing', () => {
    const before = patient();
    expect(changePatient(before, { givenName: 'Ada', phone: '07700 900123' }, NOW)).toEqual({ ok: true, after: before, changed: [] });
  });

  it.each([
    [{ dateOfBirth: '2026-11-24' }, 'dateOfBirth', 'implausible_date_of_birth'],
    [{ preferredContact: 'email' as const }, 'preferredContact', 'preferred_contact_unavailable'],
  ])('%j is a field issue at %s', (change, path, code) => {
    const result = changePatient(patient(), change, NOW);
    expect(!result.ok && result.issues).toEqual([expect.objectContaining({ path, code })]);
  });

  it('removing the phone of someone who prefers texts is an issue on the phone', () => {
    const result = changePatient(patient({ preferredContact: 'text' }), { phone: null }, NOW);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['phone']);
  });
});

describe('contacts', () => {
  const context = { clock: fixedClock(NOW), ids: counter() };

  it('belong to the latest episode', () => {
    const made = newContact({ at: '2026-11-23T09:30:00+00:00', kind: 'phone', outcome: 'reached' }, patient(), navigator, context);
    expect(made.ok && made.contact).toMatchObject({ referralId: '01J00000000000000000000001', at: '2026-11-23T09:30:00.000Z', recordedBy: 'nav-1' });
  });

  it.each([
    ['2026-11-23T10:06:00Z', 'contact_in_future'],
    ['2025-11-01T10:00:00Z', 'contact_too_old'],
  ])('at %s is %s', (at, code) => {
    const made = newContact({ at, kind: 'visit', outcome: 'did_not_attend' }, patient(), navigator, context);
    expect(!made.ok && made.issues[0]?.code).toBe(code);
  });

  it('a little ahead of our clock is allowed (a laptop’s clock drifts)', () => {
    expect(newContact({ at: '2026-11-23T10:04:00Z', kind: 'visit', outcome: 'reached' }, patient(), navigator, context).ok).toBe(true);
  });

  it.each([
    ['reached', 'received', true],
    ['reached', 'accepted', false],
    ['reached', 'declined', false],
    ['no_answer', 'received', false],
    ['left_message', 'received', false],
    ['did_not_attend', 'received', false],
  ] as const)('%s with a %s referral accepts it: %s', (outcome, status, accepts) => {
    expect(contactAccepts({ outcome }, { status })).toBe(accepts);
  });
});

describe('the timeline', () => {
  const entry = (eventId: string, at: string): TimelineEntryView => ({ eventId, at, type: 'contact', action: 'contact' });
  const entries = [
    entry('contact:A:contact', '2026-11-20T10:00:00Z'),
    entry('contact:B:contact', '2026-11-22T10:00:00.000Z'),
    entry('contact:C:contact', '2026-11-22T10:00:00Z'), // the same instant as B, written differently
    entry('contact:D:contact', '2026-11-21T10:00:00+01:00'),
  ];

  it('is newest first, ties by event id, times in one form', () => {
    const { items } = timelinePage(entries, { limit: 10 });
    expect(items.map((e) => e.eventId)).toEqual(['contact:C:contact', 'contact:B:contact', 'contact:D:contact', 'contact:A:contact']);
    expect(items.map((e) => e.at)).toContain('2026-11-21T09:00:00.000Z');
    expect(compareTimeline(items[0]!, items[1]!)).toBeLessThan(0);
  });

  it('pages with a cursor that round-trips, and stops', () => {
    const first = timelinePage(entries, { limit: 3 });
    expect(first.items).toHaveLength(3);
    const cursor = encodeTimelineCursor(first.next!);
    const second = timelinePage(entries, { limit: 3, after: decodeTimelineCursor(cursor) });
    expect(second.items.map((e) => e.eventId)).toEqual(['contact:A:contact']);
    expect(second.next).toBeUndefined();
  });

  it.each([
    ['not base64 json', 'nope!'],
    ['an object', Buffer.from('{"at":"x"}').toString('base64url')],
    ['a bad time', Buffer.from(JSON.stringify(['2026-13-01T00:00:00.000Z', 'contact:A:contact'])).toString('base64url')],
    ['a bad event id', Buffer.from(JSON.stringify(['2026-11-01T00:00:00.000Z', 'DROP TABLE'])).toString('base64url')],
    ['too many parts', Buffer.from(JSON.stringify(['2026-11-01T00:00:00.000Z', 'contact:A:contact', 1])).toString('base64url')],
  ])('a forged cursor (%s) is not accepted', (_label, cursor) => {
    expect(decodeTimelineCursor(cursor)).toBeUndefined();
  });

  it('tells a referral’s steps, with the end reason and note', () => {
    const ended = referral('declined', { acceptedAt: '2026-11-02T09:00:00.000Z', endedAt: '2026-11-03T09:00:00.000Z', endReason: 'other', endNote: 'n', endedBy: 'nav-1' });
    expect(referralEntries(ended).map((e) => [e.action, e.at])).toEqual([
      ['received', '2026-11-01T09:00:00.000Z'],
      ['accepted', '2026-11-02T09:00:00.000Z'],
      ['declined', '2026-11-03T09:00:00.000Z'],
    ]);
    expect(referralEntries(ended)[2]).toMatchObject({ reason: 'other', note: 'n', by: 'nav-1' });
  });
});
