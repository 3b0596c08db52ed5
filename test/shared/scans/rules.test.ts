import { describe, expect, it } from 'vitest';
import type { CardRecord } from '#shared/cards/rules';
import { newPrescription, type PrescriptionRecord } from '#shared/prescriptions/rules';
import type { AccreditationRecord, ActivityRecord, ProviderRecord, VenueRecord } from '#shared/registry/rules';
import {
  MAX_CLOCK_AHEAD_MS,
  OFFLINE_WINDOW_MS,
  REJECTION_REASONS,
  decideScan,
  doorCounts,
  isActiveOn,
  rejectionMessage,
  type NoPrescriptionWhy,
  type RejectionReason,
  type ScanDecision,
  type ScanFacts,
} from '#shared/scans/rules';

// ---------------------------------------------------------------------------------------------
// Facts: one provider with one venue and two activities there; one patient with an active card
// and a 16-week prescription (2026-06-01 → 2026-09-20) naming ACT-1. Every factory takes
// overrides, so each test states only the fact it is about.
// ---------------------------------------------------------------------------------------------

const PROVIDER = 'PRV-1';
const OTHER_PROVIDER = 'PRV-2';
const VENUE = 'VEN-1';
const PATIENT = 'PAT-1';
const OTHER_PATIENT = 'PAT-2';
const ON_PRESCRIPTION = 'ACT-1';
const NOT_ON_PRESCRIPTION = 'ACT-2';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Wednesday 15 July 2026, 11:00 BST. */
const SCANNED_AT = new Date('2026-07-15T10:00:00.000Z');

const instant = (iso: string) => new Date(iso);
const plus = (at: Date, ms: number) => new Date(at.getTime() + ms);

function provider(accreditation: Partial<AccreditationRecord> = {}): ProviderRecord {
  return {
    providerId: PROVIDER,
    name: 'Luton Walking Group',
    categories: ['physical', 'social'],
    accreditation: { status: 'accredited', validUntil: '2027-03-31', updatedAt: '2026-01-01T00:00:00.000Z', ...accreditation },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

function venue(overrides: Partial<VenueRecord> = {}): VenueRecord {
  return { venueId: VENUE, providerId: PROVIDER, name: 'Wardown Park', postcode: 'LU2 7HA', createdAt: '2026-01-01T00:00:00.000Z', ...overrides };
}

function activity(overrides: Partial<ActivityRecord> = {}): ActivityRecord {
  return {
    activityId: ON_PRESCRIPTION,
    providerId: PROVIDER,
    venueId: VENUE,
    name: 'Health walk',
    category: 'physical',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function card(overrides: Partial<CardRecord> = {}): CardRecord {
  return {
    cardId: '04A2-B3C4-D5E6',
    patientId: PATIENT,
    issueId: 'ISSUE-1',
    status: 'active',
    issuedAt: '2026-01-01T00:00:00.000Z',
    issuedBy: 'nav-1',
    ...overrides,
  };
}

function revokedCard(revokedAt: string | undefined, overrides: Partial<CardRecord> = {}): CardRecord {
  return card({
    status: 'revoked',
    ...(revokedAt !== undefined ? { revokedAt } : {}),
    revokedBy: 'nav-1',
    revokeReason: 'lost',
    ...overrides,
  });
}

function prescription(
  overrides: Partial<PrescriptionRecord> = {},
  startDate = '2026-06-01',
  weeks = 16,
): PrescriptionRecord {
  const made = newPrescription(
    { patientId: PATIENT, startDate, weeks, goals: ['get out more'], activityIds: [ON_PRESCRIPTION] },
    { prescriptionId: 'RX-1', now: new Date('2026-05-20T09:00:00.000Z'), createdBy: 'nav-1', hasBaseline: true },
  );
  return { ...made, ...overrides };
}

/** A prescription wide enough to cover every scan in tests that are not about its dates. */
const wholeYearPrescription = () => prescription({ startDate: '2026-01-01', endDate: '2027-12-31' });

/** Everything right; `now` is an hour after `scannedAt` unless given. */
function facts(overrides: Partial<ScanFacts> = {}): ScanFacts {
  const scannedAt = overrides.scannedAt ?? SCANNED_AT;
  return {
    providerId: PROVIDER,
    provider: provider(),
    venue: venue(),
    activityRequested: true,
    activity: activity(),
    card: card(),
    prescription: prescription(),
    scannedAt,
    now: plus(scannedAt, HOUR),
    ...overrides,
  };
}

type Accepted = Extract<ScanDecision, { outcome: 'accepted' }>;

function accepted(decision: ScanDecision): Accepted {
  expect(decision).toMatchObject({ outcome: 'accepted' });
  return decision as Accepted;
}

const rejected = (reason: RejectionReason): ScanDecision => ({ outcome: 'rejected', reason });

// ---------------------------------------------------------------------------------------------

describe('constants', () => {
  it('the reasons are exactly the eight the API documents', () => {
    expect([...REJECTION_REASONS].sort()).toEqual(
      [
        'unknown_card',
        'card_revoked',
        'card_not_yet_issued',
        'no_active_prescription',
        'provider_not_accredited',
        'venue_not_yours',
        'activity_not_at_venue',
        'scanned_at_out_of_range',
      ].sort(),
    );
  });

  it('a device clock may be 5 minutes fast; an offline scan may wait 14 days', () => {
    expect(MAX_CLOCK_AHEAD_MS).toBe(5 * 60 * 1000);
    expect(OFFLINE_WINDOW_MS).toBe(14 * 24 * 60 * 60 * 1000);
  });
});

describe('decideScan: an eligible scan', () => {
  it('is accepted for the card holder, on the London day of the scan, against their prescription', () => {
    const f = facts();
    expect(decideScan(f)).toEqual({
      outcome: 'accepted',
      day: '2026-07-15',
      patientId: PATIENT,
      prescription: f.prescription,
      onPrescription: true,
    });
    expect(accepted(decideScan(f)).prescription).toBe(f.prescription);
  });

  it('the day is the London date of scannedAt, not the UTC date nor the date of now', () => {
    // 23:30Z on 30 June is 00:30 BST on 1 July; the server reads it ten days later.
    const scannedAt = instant('2026-06-30T23:30:00.000Z');
    const decision = accepted(decideScan(facts({ scannedAt, now: plus(scannedAt, 10 * DAY) })));
    expect(decision.day).toBe('2026-07-01');
  });
});

describe('decideScan: every reason with a minimal fact set', () => {
  it.each<[string, Partial<ScanFacts>, RejectionReason]>([
    ['scannedAt more than 5 minutes ahead of now', { now: plus(SCANNED_AT, -(MAX_CLOCK_AHEAD_MS + 1)) }, 'scanned_at_out_of_range'],
    ['scannedAt older than 14 days', { now: plus(SCANNED_AT, OFFLINE_WINDOW_MS + 1) }, 'scanned_at_out_of_range'],
    ['no venue was found', { venue: undefined }, 'venue_not_yours'],
    ["the venue is another provider's", { venue: venue({ providerId: OTHER_PROVIDER }) }, 'venue_not_yours'],
    ['an activity was named but not found', { activity: undefined }, 'activity_not_at_venue'],
    ['the activity runs at another venue', { activity: activity({ venueId: 'VEN-2' }) }, 'activity_not_at_venue'],
    ['no provider record', { provider: undefined }, 'provider_not_accredited'],
    ['accreditation suspended', { provider: provider({ status: 'suspended' }) }, 'provider_not_accredited'],
    ['accreditation lapsed (even with validUntil ahead)', { provider: provider({ status: 'lapsed' }) }, 'provider_not_accredited'],
    ['accreditation pending (imported, never accredited; validUntil ahead)', { provider: provider({ status: 'pending' }) }, 'provider_not_accredited'],
    ['accreditation validUntil before the scan day', { provider: provider({ validUntil: '2026-07-14' }) }, 'provider_not_accredited'],
    ['no card with that number', { card: undefined }, 'unknown_card'],
    ['the card was revoked before the scan', { card: revokedCard('2026-07-01T00:00:00.000Z') }, 'card_revoked'],
    ['the card is revoked with no revokedAt', { card: revokedCard(undefined) }, 'card_revoked'],
    ['the card was issued (to its current holder) well after the scan', { card: card({ issuedAt: '2026-07-15T10:05:00.001Z' }) }, 'card_not_yet_issued'],
    ['no prescription', { prescription: undefined }, 'no_active_prescription'],
    ['the prescription is paused', { prescription: prescription({ status: 'paused', pausedOn: '2026-07-01' }) }, 'no_active_prescription'],
    ['the prescription is withdrawn', { prescription: prescription({ status: 'withdrawn' }) }, 'no_active_prescription'],
    ['the prescription is completed', { prescription: prescription({ status: 'completed' }) }, 'no_active_prescription'],
    ['the prescription has not started', { prescription: prescription({}, '2026-07-16') }, 'no_active_prescription'],
    ['the prescription has ended', { prescription: prescription({}, '2026-03-02', 12) }, 'no_active_prescription'],
    ["the prescription is another patient's", { prescription: prescription({ patientId: OTHER_PATIENT }) }, 'no_active_prescription'],
  ])('%s → %s', (_, overrides, reason) => {
    expect(decideScan(facts(overrides))).toMatchObject(rejected(reason));
  });

  it.each<[string, Partial<ScanFacts>, NoPrescriptionWhy, RegExp]>([
    ['no prescription', { prescription: undefined }, 'none', /has no active prescription today/],
    ["another patient's", { prescription: prescription({ patientId: OTHER_PATIENT }) }, 'none', /has no active prescription today/],
    ['paused', { prescription: prescription({ status: 'paused', pausedOn: '2026-07-01' }) }, 'paused', /prescription is paused/],
    ['not started', { prescription: prescription({}, '2026-07-16') }, 'not_started', /has not started yet/],
    ['past its end date, still active', { prescription: prescription({}, '2026-03-02', 12) }, 'ended', /prescription has ended/],
    ['withdrawn', { prescription: prescription({ status: 'withdrawn' }) }, 'ended', /prescription has ended/],
    ['completed', { prescription: prescription({ status: 'completed' }) }, 'ended', /prescription has ended/],
  ])('a prescription that does not count (%s) is said plainly at the door', (_, overrides, why, words) => {
    expect(decideScan(facts(overrides))).toEqual({ outcome: 'rejected', reason: 'no_active_prescription', why });
    expect(rejectionMessage('no_active_prescription', undefined, why)).toMatch(words);
  });
});

describe('decideScan: scannedAt against the server clock (instants, to the millisecond)', () => {
  const now = instant('2026-07-15T12:00:00.000Z');
  it.each<[string, Date, 'accepted' | 'rejected']>([
    ['exactly now', now, 'accepted'],
    ['5 minutes ahead', plus(now, 5 * MINUTE), 'accepted'],
    ['5 minutes and 1 ms ahead', plus(now, 5 * MINUTE + 1), 'rejected'],
    ['a day ahead', plus(now, DAY), 'rejected'],
    ['1 ms behind', plus(now, -1), 'accepted'],
    ['exactly 14 days old', plus(now, -14 * DAY), 'accepted'],
    ['14 days and 1 ms old', plus(now, -14 * DAY - 1), 'rejected'],
    ['30 days old', plus(now, -30 * DAY), 'rejected'],
  ])('%s → %s', (_, scannedAt, outcome) => {
    const decision = decideScan(facts({ scannedAt, now, prescription: wholeYearPrescription() }));
    expect(decision.outcome).toBe(outcome);
    if (outcome === 'rejected') expect(decision).toEqual(rejected('scanned_at_out_of_range'));
  });

  it.each<[string, Date, 'accepted' | 'rejected']>([
    // now is 13:00 BST on 5 April; 14 × 24 h earlier is 12:00 GMT on 22 March, across the spring change.
    ['exactly 14 × 24 h old across the March clock change', instant('2026-03-22T12:00:00.000Z'), 'accepted'],
    ['1 ms more than that', instant('2026-03-22T11:59:59.999Z'), 'rejected'],
  ])('%s → %s', (_, scannedAt, outcome) => {
    const decision = decideScan(facts({ scannedAt, now: instant('2026-04-05T12:00:00.000Z'), prescription: wholeYearPrescription() }));
    expect(decision.outcome).toBe(outcome);
  });
});

describe('decideScan: accreditation is judged on the London date of scannedAt', () => {
  it.each<[string, string, string, 'accepted' | 'rejected']>([
    // BST (UTC+1)
    ['23:30 BST 30 June', '2026-06-30T22:30:00.000Z', '2026-06-30', 'accepted'],
    ['23:30 BST 30 June', '2026-06-30T22:30:00.000Z', '2026-06-29', 'rejected'],
    ['00:30 BST 1 July (23:30Z on 30 June)', '2026-06-30T23:30:00.000Z', '2026-07-01', 'accepted'],
    ['00:30 BST 1 July (23:30Z on 30 June)', '2026-06-30T23:30:00.000Z', '2026-06-30', 'rejected'],
    ['00:00 BST 1 July exactly', '2026-06-30T23:00:00.000Z', '2026-06-30', 'rejected'],
    ['23:59:59.999 BST 30 June', '2026-06-30T22:59:59.999Z', '2026-06-30', 'accepted'],
    // GMT (UTC+0)
    ['23:30 GMT 31 December', '2026-12-31T23:30:00.000Z', '2026-12-31', 'accepted'],
    ['23:30 GMT 31 December', '2026-12-31T23:30:00.000Z', '2026-12-30', 'rejected'],
    ['00:30 GMT 1 January', '2027-01-01T00:30:00.000Z', '2027-01-01', 'accepted'],
    ['00:30 GMT 1 January', '2027-01-01T00:30:00.000Z', '2026-12-31', 'rejected'],
    ['23:59:59.999 GMT 31 December', '2026-12-31T23:59:59.999Z', '2026-12-31', 'accepted'],
    ['00:00 GMT 1 January exactly', '2027-01-01T00:00:00.000Z', '2026-12-31', 'rejected'],
  ])('a scan at %s with validUntil %s → %s', (_, at, validUntil, outcome) => {
    const decision = decideScan(
      facts({ scannedAt: instant(at), provider: provider({ validUntil }), prescription: wholeYearPrescription() }),
    );
    expect(decision).toEqual(outcome === 'accepted' ? expect.objectContaining({ outcome }) : rejected('provider_not_accredited'));
  });

  it('not on the date of now: a scan on the last accredited day, synced days after it lapsed, counts', () => {
    const scannedAt = instant('2026-06-30T10:00:00.000Z');
    const f = facts({ scannedAt, now: plus(scannedAt, 10 * DAY), provider: provider({ validUntil: '2026-06-30' }) });
    expect(accepted(decideScan(f)).day).toBe('2026-06-30');
  });

  it.each(['suspended', 'lapsed', 'pending'] as const)('%s is refused whatever validUntil says', (status) => {
    expect(decideScan(facts({ provider: provider({ status, validUntil: '2099-12-31' }) }))).toEqual(rejected('provider_not_accredited'));
  });
});

describe('decideScan: prescription dates are inclusive London days', () => {
  // BST: 2026-06-01 for 12 weeks ends 2026-08-23. At 00:30 London the UTC date is the day before.
  const summer = prescription({}, '2026-06-01', 12);
  // GMT: 2026-11-02 for 12 weeks ends 2027-01-24.
  const winter = prescription({}, '2026-11-02', 12);
  // Starting on the spring-forward Sunday and ending on the fall-back Sunday.
  const changes = prescription({ startDate: '2026-03-29', endDate: '2026-10-25' });

  it('the factories give the dates the table assumes', () => {
    expect([summer.startDate, summer.endDate]).toEqual(['2026-06-01', '2026-08-23']);
    expect([winter.startDate, winter.endDate]).toEqual(['2026-11-02', '2027-01-24']);
  });

  it.each<[string, PrescriptionRecord, string, 'accepted' | 'rejected']>([
    ['BST: 00:30 on the day before start', summer, '2026-05-30T23:30:00.000Z', 'rejected'],
    ['BST: 23:59:59.999 on the day before start', summer, '2026-05-31T22:59:59.999Z', 'rejected'],
    ['BST: 00:00 on startDate', summer, '2026-05-31T23:00:00.000Z', 'accepted'],
    ['BST: 00:30 on startDate', summer, '2026-05-31T23:30:00.000Z', 'accepted'],
    ['BST: 00:30 on endDate', summer, '2026-08-22T23:30:00.000Z', 'accepted'],
    ['BST: 23:59:59.999 on endDate', summer, '2026-08-23T22:59:59.999Z', 'accepted'],
    ['BST: 00:00 on the day after end', summer, '2026-08-23T23:00:00.000Z', 'rejected'],
    ['BST: 00:30 on the day after end', summer, '2026-08-23T23:30:00.000Z', 'rejected'],
    ['GMT: 00:30 on the day before start', winter, '2026-11-01T00:30:00.000Z', 'rejected'],
    ['GMT: 23:59:59.999 on the day before start', winter, '2026-11-01T23:59:59.999Z', 'rejected'],
    ['GMT: 00:30 on startDate', winter, '2026-11-02T00:30:00.000Z', 'accepted'],
    ['GMT: 00:30 on endDate', winter, '2027-01-24T00:30:00.000Z', 'accepted'],
    ['GMT: 23:59:59.999 on endDate', winter, '2027-01-24T23:59:59.999Z', 'accepted'],
    ['GMT: 00:30 on the day after end', winter, '2027-01-25T00:30:00.000Z', 'rejected'],
    ['spring-forward: 23:30 GMT the day before start', changes, '2026-03-28T23:30:00.000Z', 'rejected'],
    ['spring-forward: 00:30 GMT on startDate', changes, '2026-03-29T00:30:00.000Z', 'accepted'],
    ['fall-back: 00:30 BST on endDate', changes, '2026-10-24T23:30:00.000Z', 'accepted'],
    ['fall-back: 23:30 GMT on endDate', changes, '2026-10-25T23:30:00.000Z', 'accepted'],
    ['fall-back: 00:30 GMT on the day after end', changes, '2026-10-26T00:30:00.000Z', 'rejected'],
  ])('%s → %s', (_, rx, at, outcome) => {
    const decision = decideScan(facts({ scannedAt: instant(at), prescription: rx }));
    expect(decision).toEqual(outcome === 'accepted' ? expect.objectContaining({ outcome }) : expect.objectContaining(rejected('no_active_prescription')));
  });

  it.each(['paused', 'withdrawn', 'completed'] as const)('a %s prescription is not active, even within its dates', (status) => {
    expect(decideScan(facts({ prescription: prescription({ status }) }))).toMatchObject(rejected('no_active_prescription'));
  });

  it("a prescription of a patient other than the card's holder does not count", () => {
    expect(decideScan(facts({ prescription: prescription({ patientId: OTHER_PATIENT }) }))).toMatchObject(rejected('no_active_prescription'));
    // ...and the card holder's own prescription does.
    expect(decideScan(facts({ card: card({ patientId: OTHER_PATIENT }), prescription: prescription({ patientId: OTHER_PATIENT }) }))).toMatchObject({
      outcome: 'accepted',
      patientId: OTHER_PATIENT,
    });
  });
});

describe('decideScan: the card at the moment of the scan', () => {
  const at = SCANNED_AT.toISOString();
  const ms = (delta: number) => plus(SCANNED_AT, delta).toISOString();

  it.each<[string, CardRecord, ScanDecision | { outcome: 'accepted' }]>([
    ['active, issued exactly at scannedAt', card({ issuedAt: at }), { outcome: 'accepted' }],
    ['active, issued 1 ms after scannedAt (a door clock a little slow)', card({ issuedAt: ms(1) }), { outcome: 'accepted' }],
    ['active, issued 5 minutes after scannedAt (the same leeway as a fast clock)', card({ issuedAt: ms(MAX_CLOCK_AHEAD_MS) }), { outcome: 'accepted' }],
    ['active, issued 5 minutes and 1 ms after scannedAt', card({ issuedAt: ms(MAX_CLOCK_AHEAD_MS + 1) }), rejected('card_not_yet_issued')],
    ['never revoked, issued a day after scannedAt: not called revoked', card({ issuedAt: ms(DAY) }), rejected('card_not_yet_issued')],
    ['revoked exactly at scannedAt', revokedCard(at), rejected('card_revoked')],
    ['revoked 1 ms before scannedAt', revokedCard(ms(-1)), rejected('card_revoked')],
    ['revoked 1 ms after scannedAt (an offline scan synced later)', revokedCard(ms(1)), { outcome: 'accepted' }],
    ['revoked with no revokedAt', revokedCard(undefined), rejected('card_revoked')],
    ['revoked after scannedAt but issued after it too', revokedCard(ms(2 * HOUR), { issuedAt: ms(HOUR) }), rejected('card_not_yet_issued')],
  ])('%s', (_, c, expected) => {
    const decision = decideScan(facts({ card: c }));
    expect(decision).toEqual(expected.outcome === 'accepted' ? expect.objectContaining(expected) : expected);
  });

  it('an offline scan made 10 days ago with a card lost 2 days ago counts', () => {
    const now = instant('2026-07-25T10:00:00.000Z');
    const f = facts({ scannedAt: plus(now, -10 * DAY), now, card: revokedCard(plus(now, -2 * DAY).toISOString()) });
    const decision = accepted(decideScan(f));
    expect(decision).toMatchObject({ day: '2026-07-15', patientId: PATIENT });
  });
});

describe('decideScan: onPrescription', () => {
  it.each<[string, Partial<ScanFacts>, boolean]>([
    ['an activity on the prescription', {}, true],
    ['another activity at the same venue, not on the prescription', { activity: activity({ activityId: NOT_ON_PRESCRIPTION, name: 'Coffee morning', category: 'social' }) }, false],
    ['no activity named: a scan at the venue', { activityRequested: false, activity: undefined }, false],
    ['an activity, with a prescription naming no activities', { prescription: prescription({ activityIds: [] }) }, false],
  ])('%s → accepted, onPrescription %s', (_, overrides, onPrescription) => {
    expect(accepted(decideScan(facts(overrides))).onPrescription).toBe(onPrescription);
  });
});

describe('decideScan: the order of checks is clock → venue → activity → accreditation → card → prescription', () => {
  // One way for each check to fail; each touches different facts, so any two can be combined
  // (except the two card problems, which are the same fact).
  const PROBLEMS: [RejectionReason, Partial<ScanFacts>][] = [
    ['scanned_at_out_of_range', { now: plus(SCANNED_AT, OFFLINE_WINDOW_MS + 1) }],
    ['venue_not_yours', { venue: venue({ providerId: OTHER_PROVIDER }) }],
    ['activity_not_at_venue', { activity: activity({ venueId: 'VEN-2' }) }],
    ['provider_not_accredited', { provider: provider({ status: 'suspended' }) }],
    ['unknown_card', { card: undefined }],
    ['card_revoked', { card: revokedCard('2026-07-01T00:00:00.000Z', { revokeReason: 'stolen' }) }],
    ['no_active_prescription', { prescription: prescription({ status: 'paused' }) }],
  ];

  const pairs: [RejectionReason, RejectionReason, Partial<ScanFacts>][] = [];
  PROBLEMS.forEach(([first, a], i) =>
    PROBLEMS.slice(i + 1).forEach(([second, b]) => {
      if (first === 'unknown_card' && second === 'card_revoked') return;
      pairs.push([first, second, { ...a, ...b }]);
    }),
  );

  it('the table has every pair', () => {
    expect(pairs).toHaveLength((7 * 6) / 2 - 1);
  });

  it.each(pairs)('%s and %s together → %s wins', (winner, _, overrides) => {
    expect(decideScan(facts(overrides))).toMatchObject(rejected(winner));
  });

  it.each(PROBLEMS.map(([reason], i) => [reason, reason, i] as const))(
    '%s and every later problem together → %s',
    (_, reason, i) => {
      const overrides = Object.assign(
        {},
        ...PROBLEMS.slice(i)
          .filter(([r]) => !(r === 'card_revoked' && i <= 4)) // unknown_card already set the card
          .map(([, o]) => o),
      ) as Partial<ScanFacts>;
      expect(decideScan(facts(overrides))).toMatchObject(rejected(reason));
    },
  );

  it('a bad venue with an unknown card is venue_not_yours (the door hears about its own set-up first)', () => {
    expect(decideScan(facts({ venue: undefined, card: undefined }))).toEqual(rejected('venue_not_yours'));
  });
});

describe('isActiveOn', () => {
  const rx = prescription({}, '2026-06-01', 12); // → 2026-08-23
  it.each<[string, PrescriptionRecord | undefined, string, string, boolean]>([
    ['on the start day', rx, PATIENT, '2026-06-01', true],
    ['on the end day', rx, PATIENT, '2026-08-23', true],
    ['the day before start', rx, PATIENT, '2026-05-31', false],
    ['the day after end', rx, PATIENT, '2026-08-24', false],
    ['for another patient', rx, OTHER_PATIENT, '2026-07-01', false],
    ['paused', { ...rx, status: 'paused' }, PATIENT, '2026-07-01', false],
    ['withdrawn', { ...rx, status: 'withdrawn' }, PATIENT, '2026-07-01', false],
    ['completed', { ...rx, status: 'completed' }, PATIENT, '2026-07-01', false],
    ['no prescription', undefined, PATIENT, '2026-07-01', false],
  ])('%s → %s', (_, p, patientId, day, expected) => {
    expect(isActiveOn(p, patientId, day)).toBe(expected);
  });
});

describe('rejectionMessage', () => {
  it('gives a distinct, non-empty message for every reason', () => {
    const messages = REJECTION_REASONS.map((reason) => rejectionMessage(reason));
    for (const message of messages) expect(message.trim()).not.toBe('');
    expect(new Set(messages).size).toBe(REJECTION_REASONS.length);
  });

  it.each([
    ['lost', 'lost'],
    ['stolen', 'stolen'],
    ['damaged', 'damaged'],
    ['withdrawn', 'handed back'],
  ] as const)('card_revoked for a card revoked as %s says "%s"', (revokeReason, words) => {
    expect(rejectionMessage('card_revoked', { revokeReason })).toContain(words);
  });

  it('card_revoked says something different for each revoke reason, and without one', () => {
    const messages = [undefined, 'lost', 'stolen', 'damaged', 'withdrawn'].map((revokeReason) =>
      rejectionMessage('card_revoked', revokeReason === undefined ? undefined : { revokeReason: revokeReason as CardRecord['revokeReason'] }),
    );
    for (const message of messages) expect(message.trim()).not.toBe('');
    expect(new Set(messages).size).toBe(5);
    // A card with no revoke reason (e.g. active, issued after the scan) still gets a message.
    expect(rejectionMessage('card_revoked', {})).toBe(messages[0]);
  });

  it('the revoke reason changes only the card_revoked message', () => {
    for (const reason of REJECTION_REASONS.filter((r) => r !== 'card_revoked')) {
      expect(rejectionMessage(reason, { revokeReason: 'stolen' })).toBe(rejectionMessage(reason));
    }
  });
});

describe('doorCounts', () => {
  const rx = prescription({}, '2026-03-02', 12); // ends 2026-05-24 (a Sunday)
  it.each([
    ['2026-03-02', 11], // the first day
    ['2026-05-10', 2], // 14 days left
    ['2026-05-11', 1], // 13 days left
    ['2026-05-17', 1], // 7 days left
    ['2026-05-18', 0], // the last week
    ['2026-05-24', 0], // the last day
    ['2026-06-30', 0], // after the end: never negative
  ])('on %s weeksRemaining is %i', (day, weeks) => {
    expect(doorCounts(rx, 5, day)).toEqual({ sessionsAttended: 5, weeksRemaining: weeks });
  });

  it('counts from the London day of an accepted scan: 23:30Z on Sunday 17 May is Monday 18 May, the last week', () => {
    const f = facts({ scannedAt: instant('2026-05-17T23:30:00.000Z'), prescription: rx });
    const decision = accepted(decideScan(f));
    expect(decision.day).toBe('2026-05-18');
    expect(doorCounts(decision.prescription, 3, decision.day)).toEqual({ sessionsAttended: 3, weeksRemaining: 0 });
  });
});
