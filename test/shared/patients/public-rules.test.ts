import { describe, expect, it } from 'vitest';
import { assignmentOf, filledHoneypot, newPublicReferral } from '#shared/patients/public-rules';
import { identityHashOf } from '#shared/patients/rules';
import type { PublicReferralInput } from '#shared/patients/schema';

const clock = { now: () => new Date('2026-05-06T09:00:00Z') };
let n = 0;
const ids = { next: () => `01JD00000000000000000000${String(n++).padStart(2, '0')}` };

const input = (overrides: Partial<PublicReferralInput> = {}): PublicReferralInput => ({
  person: { givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1955-12-10', nhsNumber: '943 476 5919', phone: '07700 900123', email: 'Ada@Example.org', postcode: 'lu2 7ha' },
  referrer: { role: 'pharmacist', name: 'Priya', organisation: 'High Town Pharmacy', email: 'PRIYA@example.org', phone: '01582 000111' },
  reasons: ['isolation'],
  consentToContact: true,
  ...overrides,
});

describe('newPublicReferral', () => {
  it('makes a patient in no caseload and a received referral with no navigator, normalising what it keeps (the email’s domain, not its local part)', () => {
    const made = newPublicReferral(input(), { clock, ids });
    expect(made.ok).toBe(true);
    if (!made.ok) return;
    expect(made.patient).toMatchObject({ nhsNumber: '9434765919', phone: '+447700900123', email: 'Ada@example.org', postcode: 'LU2 7HA', openReferralId: made.referral.referralId });
    expect(made.patient.navigator).toBeUndefined();
    expect(made.patient.identityHash).toBe(identityHashOf(input().person));
    expect(made.referral).toEqual({
      referralId: made.referral.referralId,
      patientId: made.patient.patientId,
      status: 'received',
      source: 'pharmacist',
      reasons: ['isolation'],
      channel: 'public_form',
      referrer: { name: 'Priya', organisation: 'High Town Pharmacy', email: 'PRIYA@example.org', phone: '+441582000111' },
      consentToContact: true,
      snomedCode: '871731000000106',
      createdAt: '2026-05-06T09:00:00.000Z',
    });
  });

  it('keeps no referrer details a self-referral did not give', () => {
    const made = newPublicReferral(input({ referrer: { role: 'self' } }), { clock, ids });
    expect(made.ok && made.referral.referrer).toBeUndefined();
  });

  it('refuses a date of birth from today on, or over 120 years ago', () => {
    for (const dateOfBirth of ['2026-05-06', '2026-06-01', '1900-01-01']) {
      const made = newPublicReferral(input({ person: { ...input().person, dateOfBirth } }), { clock, ids });
      expect(made.ok ? [] : made.issues.map((issue) => issue.path), dateOfBirth).toEqual(['person.dateOfBirth']);
    }
  });
});

describe('filledHoneypot', () => {
  it('is filled by anything but spaces', () => {
    expect(filledHoneypot(input())).toBe(false);
    expect(filledHoneypot(input({ website: '  ' }))).toBe(false);
    expect(filledHoneypot(input({ website: 'x' }))).toBe(true);
  });
});

describe('assignmentOf', () => {
  it('assigns an unassigned referral, repeats as no change, refuses one with another navigator', () => {
    expect(assignmentOf({ referralId: 'R', navigator: undefined }, 'nav-a')).toBe('assign');
    expect(assignmentOf({ referralId: 'R', navigator: 'nav-a' }, 'nav-a')).toBe('unchanged');
    expect(assignmentOf({ referralId: 'R', navigator: 'nav-b' }, 'nav-a')).toMatchObject({ code: 'referral_assigned' });
  });
});
