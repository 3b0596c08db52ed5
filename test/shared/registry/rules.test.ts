import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/platform/clock';
import {
  activityProblems,
  isAccreditedAt,
  isAccreditedOn,
  isValidPostcode,
  newActivity,
  newProvider,
  newVenue,
  normalisePostcode,
} from '#shared/registry/rules';

const clock = fixedClock('2026-06-01T12:00:00Z');
const ids = (() => {
  let n = 0;
  return { next: () => `01J00000000000000000000${String(++n).padStart(3, '0')}` };
})();

describe('postcodes', () => {
  it.each([
    ['lu1 2ab', 'LU1 2AB'],
    ['LU12AB', 'LU1 2AB'],
    ['  sw1a1aa ', 'SW1A 1AA'],
    ['EC1A 1BB', 'EC1A 1BB'],
  ])('normalises %j to %j', (input, expected) => {
    expect(isValidPostcode(input)).toBe(true);
    expect(normalisePostcode(input)).toBe(expected);
  });

  it.each(['', 'LU1', '12345', 'LU1 2ABC', 'LU1 A2B', 'not a postcode'])('rejects %j', (input) => {
    expect(isValidPostcode(input)).toBe(false);
  });
});

describe('accreditation', () => {
  const accredited = { status: 'accredited' as const, validUntil: '2026-06-30' };

  it('holds up to and including validUntil, and not the day after', () => {
    expect(isAccreditedOn(accredited, '2026-06-29')).toBe(true);
    expect(isAccreditedOn(accredited, '2026-06-30')).toBe(true);
    expect(isAccreditedOn(accredited, '2026-07-01')).toBe(false);
  });

  it('never holds while suspended or lapsed, whatever the date', () => {
    expect(isAccreditedOn({ ...accredited, status: 'suspended' }, '2026-06-01')).toBe(false);
    expect(isAccreditedOn({ ...accredited, status: 'lapsed' }, '2026-06-01')).toBe(false);
  });

  it('judges an instant by its London date (23:30Z on 30 June is 1 July in BST)', () => {
    expect(isAccreditedAt(accredited, new Date('2026-06-30T22:59:59Z'))).toBe(true);
    expect(isAccreditedAt(accredited, new Date('2026-06-30T23:00:00Z'))).toBe(false);
  });

  it('judges a winter instant by GMT (23:30Z on 31 Dec is still 31 Dec)', () => {
    const winter = { status: 'accredited' as const, validUntil: '2026-12-31' };
    expect(isAccreditedAt(winter, new Date('2026-12-31T23:30:00Z'))).toBe(true);
    expect(isAccreditedAt(winter, new Date('2027-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('activityProblems', () => {
  const provider = { providerId: 'P1', categories: ['physical', 'social'] as ('physical' | 'social')[] };

  it('accepts a venue of the provider in an accredited category', () => {
    expect(activityProblems(provider, { providerId: 'P1' }, 'physical')).toEqual([]);
  });

  it("rejects another provider's venue and a missing venue", () => {
    expect(activityProblems(provider, { providerId: 'P2' }, 'physical').map((p) => p.code)).toEqual(['venue_not_at_provider']);
    expect(activityProblems(provider, undefined, 'physical').map((p) => p.field)).toEqual(['venueId']);
  });

  it('rejects a category the provider is not accredited for, naming the ones it is', () => {
    const [problem] = activityProblems(provider, { providerId: 'P1' }, 'advice');
    expect(problem).toMatchObject({ field: 'category', code: 'category_not_accredited' });
    expect(problem!.message).toContain('physical, social');
  });

  it('reports both problems at once', () => {
    expect(activityProblems(provider, { providerId: 'P2' }, 'advice')).toHaveLength(2);
  });
});

describe('new records take their time and id from the injected clock and id source', () => {
  it('provider', () => {
    const record = newProvider(
      { name: 'Walkers', categories: ['physical'], accreditation: { status: 'accredited', validUntil: '2027-01-01' } },
      { clock, ids },
    );
    expect(record).toMatchObject({
      name: 'Walkers',
      createdAt: '2026-06-01T12:00:00.000Z',
      accreditation: { status: 'accredited', validUntil: '2027-01-01', updatedAt: '2026-06-01T12:00:00.000Z' },
    });
    expect(record.providerId).toMatch(/^01J0{20}\d{3}$/);
  });

  it('venue stores the normalised postcode', () => {
    expect(newVenue('P1', { name: 'Hall', postcode: 'lu12ab' }, { clock, ids }).postcode).toBe('LU1 2AB');
  });

  it('activity keeps optional fields only when given', () => {
    const bare = newActivity('P1', { venueId: 'V1', name: 'Walk', category: 'physical' }, { clock, ids });
    expect(bare).not.toHaveProperty('capacity');
    expect(bare).not.toHaveProperty('schedule');
    const full = newActivity(
      'P1',
      { venueId: 'V1', name: 'Walk', category: 'physical', capacity: 10, schedule: [{ day: 'monday', startTime: '10:00', endTime: '11:00' }] },
      { clock, ids },
    );
    expect(full).toMatchObject({ capacity: 10, schedule: [{ day: 'monday' }] });
  });
});
