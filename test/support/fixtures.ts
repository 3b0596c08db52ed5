import { registerLocalPerson } from '#local/person-directory';
import type { TestApp } from './app';

let issuedNhsNumbers = 0;

/**
 * A valid NHS number not used before in this test file (in the 999 range, kept for testing and
 * never issued): every referral made from `referralBody()` is then a different person. A
 * referral without one is matched by name and date of birth, and the fixtures' names repeat.
 */
export function freshNhsNumber(): string {
  for (;;) {
    const digits = String(999_600_000 + issuedNhsNumbers++);
    const sum = [...digits].reduce((total, digit, i) => total + Number(digit) * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return `${digits}${check}`;
  }
}

/**
 * A valid referral body; override any part (`nhsNumber: undefined` for a person without one).
 * 943 476 5919 is the NHS's published test number.
 */
export function referralBody(overrides: { patient?: Record<string, unknown>; [key: string]: unknown } = {}) {
  const { patient, ...rest } = overrides;
  return {
    patient: {
      givenName: 'Margaret',
      familyName: 'Okafor',
      dateOfBirth: '1948-06-02',
      nhsNumber: freshNhsNumber(),
      postcode: 'lu2 7ha',
      phone: '07700 900123',
      email: 'margaret@example.org',
      gpPractice: 'Bute House Medical Centre',
      ...patient,
    },
    source: 'gp',
    reasons: ['isolation', 'exercise'],
    notes: 'Lost her husband last year; keen on walking.',
    ...rest,
  };
}

export const baselineBody = {
  kind: 'baseline',
  ons4: { satisfied: 4, worthwhile: 5, happy: 3, anxious: 7 },
  swemwbs: [3, 3, 3, 3, 3, 3, 3],
  activeDays: 1,
  selfCareConfidence: 4,
};

/** Makes a referral as a navigator (default sub local-navigator) and returns the patient id. */
export async function referPatient(t: TestApp, options: { token?: string; patient?: Record<string, unknown> } = {}) {
  const res = await t.call('POST', '/v1/referrals', {
    ...(options.token ? { token: options.token } : { as: 'navigator' as const }),
    body: referralBody(options.patient ? { patient: options.patient } : {}),
  });
  if (res.status !== 201) throw new Error(`referral failed: ${res.status} ${res.text}`);
  return res.body.patientId as string;
}

/** A provider with one venue and one activity per category given; returns the activity ids. */
export async function makeActivities(
  t: TestApp,
  options: { status?: 'accredited' | 'suspended' | 'lapsed'; validUntil?: string; categories?: string[]; name?: string } = {},
) {
  const categories = options.categories ?? ['physical'];
  const provider = await t.call('POST', '/v1/providers', {
    as: 'admin',
    body: {
      name: options.name ?? 'Test provider',
      categories,
      accreditation: { status: options.status ?? 'accredited', validUntil: options.validUntil ?? '2030-12-31' },
    },
  });
  const providerId = provider.body.providerId as string;
  const venue = await t.call('POST', `/v1/providers/${providerId}/venues`, { as: 'admin', body: { name: 'Hall', postcode: 'LU1 2AB' } });
  const activityIds: string[] = [];
  for (const category of categories) {
    const activity = await t.call('POST', `/v1/providers/${providerId}/activities`, {
      as: 'admin',
      body: { venueId: venue.body.venueId, name: `A ${category} activity`, category },
    });
    activityIds.push(activity.body.activityId);
  }
  return { providerId, venueId: venue.body.venueId as string, activityIds };
}

/** A token for a navigator other than the default one. */
export async function otherNavigatorToken(t: TestApp, sub = 'navigator-elsewhere') {
  return (await t.issuer.mint({ role: 'navigator', sub }, t.clock.now())).token;
}

/**
 * A navigator who exists as a person (enabled, in the local directory) with a chosen sub: a
 * caseload can only be reassigned to one.
 */
export async function addNavigator(t: TestApp, sub: string) {
  return registerLocalPerson(
    t.db,
    t.clock,
    t.services.people,
    { email: `${sub}@example.org`, givenName: 'Test', familyName: 'Navigator', role: 'navigator', sub },
    t.services.ids,
  );
}
