import { describe, expect, it } from 'vitest';
import { addReason, emptyReferralForm, parseReasons, toCreateReferral, validateReferral, type ReferralForm } from '../../../web/console/lib/referral';
import { REFERRAL_SOURCES } from '../../../web/console/lib/format';

const filled = (changes: Partial<ReferralForm> = {}): ReferralForm => ({
  ...emptyReferralForm(),
  givenName: ' Aisha ',
  familyName: 'Rahman',
  dateOfBirth: '1961-03-14',
  source: 'gp',
  reasons: 'isolation, low mood',
  ...changes,
});

describe('the new referral form', () => {
  it('offers the six referral sources the API takes, with plain labels', () => {
    expect(REFERRAL_SOURCES.map((s) => [s.label, s.value])).toEqual([
      ['GP', 'gp'],
      ['Practice nurse', 'nurse'],
      ['Pharmacist', 'pharmacist'],
      ['Social care', 'social_care'],
      ['Self-referral', 'self'],
      ['Other', 'other'],
    ]);
  });

  it('reads comma-separated reasons, dropping blanks and repeats', () => {
    expect(parseReasons(' isolation,  low   mood ,, Isolation, debt ')).toEqual(['isolation', 'low mood', 'debt']);
    expect(parseReasons('')).toEqual([]);
    expect(addReason('isolation', 'debt')).toBe('isolation, debt');
    expect(addReason('isolation, debt', 'Debt')).toBe('isolation, debt');
    expect(addReason('', 'housing')).toBe('housing');
  });

  it('maps the form to the API body, leaving out empty optional fields', () => {
    expect(toCreateReferral(filled())).toEqual({
      patient: { givenName: 'Aisha', familyName: 'Rahman', dateOfBirth: '1961-03-14' },
      source: 'gp',
      reasons: ['isolation', 'low mood'],
    });
    expect(
      toCreateReferral(
        filled({ nhsNumber: '943 476 5919', postcode: 'lu1 2ab', phone: '07700 900123', email: 'a@example.com', gpPractice: 'Bute House', notes: ' Prefers mornings ', navigator: 'nav-2' }),
      ),
    ).toEqual({
      patient: {
        givenName: 'Aisha',
        familyName: 'Rahman',
        dateOfBirth: '1961-03-14',
        nhsNumber: '943 476 5919',
        postcode: 'lu1 2ab',
        phone: '07700 900123',
        email: 'a@example.com',
        gpPractice: 'Bute House',
      },
      source: 'gp',
      reasons: ['isolation', 'low mood'],
      notes: 'Prefers mornings',
      navigator: 'nav-2',
    });
  });

  it('asks for what is missing before sending', () => {
    const problems = validateReferral(emptyReferralForm(), '2026-11-23');
    expect(Object.keys(problems.fields).sort()).toEqual(['dateOfBirth', 'familyName', 'givenName', 'reasons', 'source']);
    expect(problems.fields.givenName).toBe('Enter the given name');
    expect(validateReferral(filled(), '2026-11-23').fields).toEqual({});
  });

  it('checks the date of birth, email, NHS number and reasons', () => {
    const today = '2026-11-23';
    expect(validateReferral(filled({ dateOfBirth: '2026-11-24' }), today).fields.dateOfBirth).toBe('Date of birth must be in the past');
    expect(validateReferral(filled({ dateOfBirth: '1961-02-30' }), today).fields.dateOfBirth).toBe('Date of birth must be a real date');
    expect(validateReferral(filled({ email: 'nope' }), today).fields.email).toMatch(/correct format/);
    expect(validateReferral(filled({ nhsNumber: 'ABC' }), today).fields.nhsNumber).toMatch(/10 digits/);
    expect(validateReferral(filled({ reasons: 'a,b,c,d,e,f,g,h,i,j,k' }), today).fields.reasons).toBe('Enter at most 10 reasons');
    expect(validateReferral(filled({ reasons: 'x'.repeat(41) }), today).fields.reasons).toMatch(/40 characters/);
  });
});
