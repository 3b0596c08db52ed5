import { describe, expect, it } from 'vitest';
import { emptyForm, toPublicReferral, validateReferForm, type ReferForm } from '../../../web/refer/form';

const filled = (overrides: Partial<ReferForm> = {}): ReferForm => ({
  ...emptyForm(),
  givenName: ' Ada ',
  familyName: 'Lovelace',
  dateOfBirth: '1955-12-10',
  role: 'gp',
  referrerName: 'Dr Singh',
  reasons: 'isolation, walking',
  consent: true,
  ...overrides,
});

describe('the public referral form', () => {
  it('asks for the required answers before sending', () => {
    const problems = validateReferForm(emptyForm(), '2026-05-06');
    expect(Object.keys(problems.fields).sort()).toEqual(['consent', 'dateOfBirth', 'familyName', 'givenName', 'reasons', 'role']);
    expect(validateReferForm(filled(), '2026-05-06').fields).toEqual({});
    expect(validateReferForm(filled({ dateOfBirth: '2026-05-07' }), '2026-05-06').fields.dateOfBirth).toMatch(/past/);
  });

  it('sends only what was given, trimmed; a self-referral sends no referrer details', () => {
    expect(toPublicReferral(filled())).toEqual({
      person: { givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1955-12-10' },
      referrer: { role: 'gp', name: 'Dr Singh' },
      reasons: ['isolation', 'walking'],
      consentToContact: true,
    });
    expect(toPublicReferral(filled({ role: 'self', referrerName: 'left over', phone: '07700 900123' }))).toMatchObject({
      person: { phone: '07700 900123' },
      referrer: { role: 'self' },
    });
  });

  it('sends the hidden field only when something filled it in', () => {
    expect(toPublicReferral(filled({ website: 'http://spam' })).website).toBe('http://spam');
    expect('website' in toPublicReferral(filled())).toBe(false);
  });
});
