import { describe, expect, it } from 'vitest';
import { CARD_NUMBER_MAX_PT, activeCard, cardNumberFontPt, cardNumberProblem, issueConflictMessage, normaliseCardNumber } from '../../../web/console/lib/card';
import {
  emptyProviderForm,
  toCreateActivity,
  toCreateProvider,
  toCreateVenue,
  toUpdateVenue,
  venueFormOf,
  venuePlace,
  validateActivity,
  validateProvider,
  validateVenue,
} from '../../../web/console/lib/registry';
import { formatChange, formatInterval, formatNumber, formatShare, formatPhone } from '../../../web/console/lib/format';
import type { Card } from '../../../web/console/lib/types';

describe('card numbers', () => {
  it('tidies and checks the number as typed', () => {
    expect(normaliseCardNumber(' luton demo-04 ')).toBe('LUTONDEMO-04');
    expect(cardNumberProblem('')).toBe('Enter the card number');
    expect(cardNumberProblem('ABC-123')).toMatch(/8 to 32/);
    expect(cardNumberProblem('LUTON-DEMO-04')).toBeUndefined();
    expect(cardNumberProblem('A'.repeat(33))).toBeDefined();
    expect(cardNumberProblem('CARD_0001')).toBeDefined();
  });

  it('finds the active card and explains a conflict', () => {
    const card = (cardId: string, status: Card['status']): Card => ({ cardId, patientId: 'P', issueId: cardId, status, issuedAt: '', issuedBy: '' });
    expect(activeCard([card('OLD-00001', 'revoked'), card('NEW-00002', 'active')])?.cardId).toBe('NEW-00002');
    expect(activeCard([card('OLD-00001', 'revoked')])).toBeUndefined();
    expect(issueConflictMessage('card_retired', 'x')).toMatch(/cannot be used again/);
    expect(issueConflictMessage('unknown', 'fallback')).toBe('fallback');
  });
});

describe('the printed card number', () => {
  it('keeps 17 pt while every run between hyphens fits on a line, and shrinks for a longer run', () => {
    expect(cardNumberFontPt('LUTON-DEMO-04')).toBe(CARD_NUMBER_MAX_PT);
    expect(cardNumberFontPt('04A2-B3C4-D5E6')).toBe(CARD_NUMBER_MAX_PT);
    const long = cardNumberFontPt('A'.repeat(32));
    expect(long).toBeLessThan(CARD_NUMBER_MAX_PT);
    // 32 Courier characters (and the line's end) at that size fit in the 45 mm column.
    expect(((33 * 0.6 * long) / 72) * 25.4).toBeLessThanOrEqual(45);
    expect(cardNumberFontPt('ABCDEFGHIJKLMNOP-1')).toBeLessThan(CARD_NUMBER_MAX_PT);
  });
});

describe('registry forms', () => {
  it('adds a provider accredited for a year by default', () => {
    const form = emptyProviderForm('2026-11-23');
    expect(form).toMatchObject({ status: 'accredited', validUntil: '2027-11-23' });
    expect(Object.keys(validateProvider(form).fields).sort()).toEqual(['categories', 'providerName']);
    expect(toCreateProvider({ ...form, name: ' Men’s Shed ', categories: ['social', 'social', 'volunteering'] })).toEqual({
      name: 'Men’s Shed',
      categories: ['social', 'volunteering'],
      accreditation: { status: 'accredited', validUntil: '2027-11-23' },
    });
  });

  it('checks venues and activities', () => {
    expect(validateVenue({ name: 'Hall', postcode: 'LU1 2AB', town: '', county: '' }).fields).toEqual({});
    expect(validateVenue({ name: '', postcode: 'nope', town: 'x'.repeat(61), county: 'y'.repeat(61) }).fields).toEqual({
      venueName: 'Enter the venue name',
      venuePostcode: 'Enter a real postcode, like LU1 2AB',
      venueTown: 'Town or city must be 60 characters or fewer',
      venueCounty: 'County must be 60 characters or fewer',
    });
    expect(toCreateVenue({ name: ' Hall ', postcode: ' lu1 2ab ', town: '', county: ' ' })).toEqual({ name: 'Hall', postcode: 'LU1 2AB' });
    expect(toCreateVenue({ name: 'Hall', postcode: 'LU1 2AB', town: ' Luton ', county: 'Bedfordshire' })).toEqual({ name: 'Hall', postcode: 'LU1 2AB', town: 'Luton', county: 'Bedfordshire' });
    // An edit sends every field; an emptied town or county is removed.
    expect(toUpdateVenue({ name: 'Hall', postcode: 'lu1 2ab', town: '', county: 'Bedfordshire' })).toEqual({ name: 'Hall', postcode: 'LU1 2AB', town: null, county: 'Bedfordshire' });
    expect(venueFormOf({ venueId: 'V', providerId: 'P', name: 'Hall', postcode: 'LU1 2AB', town: 'Luton', createdAt: '2026-01-01T00:00:00Z' })).toEqual({ name: 'Hall', postcode: 'LU1 2AB', town: 'Luton', county: '' });
    expect(venuePlace({ town: 'Luton', county: 'Bedfordshire' })).toBe('Luton, Bedfordshire');
    expect(venuePlace({})).toBe('');
    expect(Object.keys(validateActivity({ venueId: '', name: '', category: '', capacity: '0', sessions: [] }).fields).sort()).toEqual([
      'activityCapacity',
      'activityCategory',
      'activityName',
      'activityVenue',
    ]);
    expect(toCreateActivity({ venueId: 'V', name: ' Walk ', category: 'physical', capacity: '', sessions: [] })).toEqual({ venueId: 'V', name: 'Walk', category: 'physical' });
    expect(toCreateActivity({ venueId: 'V', name: 'Walk', category: 'physical', capacity: '12', sessions: [] }).capacity).toBe(12);
  });
});

describe('numbers in reports', () => {
  it('writes means, changes, shares and intervals', () => {
    expect(formatNumber(6.1)).toBe('6.1');
    expect(formatNumber(null)).toBe('–');
    expect(formatChange(2.333, 2)).toBe('+2.33');
    expect(formatChange(-2, 2)).toBe('−2.00');
    expect(formatChange(0)).toBe('0.0');
    expect(formatShare(0.7)).toBe('70%');
    expect(formatInterval({ low: -0.54, high: 5.2 }, 2)).toBe('−0.54 to +5.20');
    expect(formatInterval(null)).toBe('–');
  });
});

describe('phone numbers', () => {
  it('shows a stored UK number as people write it, grouped by its area code', () => {
    expect(formatPhone('+447700900123')).toBe('07700 900123');
    expect(formatPhone('+441582123456')).toBe('01582 123456');
    expect(formatPhone('+442079460000')).toBe('020 7946 0000');
    expect(formatPhone(undefined)).toBeUndefined();
  });
});
