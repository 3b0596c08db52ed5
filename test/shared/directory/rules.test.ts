import { describe, expect, it } from 'vitest';
import { derivedUuid, filterServices, location, orukPage, publishedServices, ulidToUuid, uuidToUlid, type RegistrySnapshot } from '#shared/directory/rules';
import type { ProviderRecord } from '#shared/registry/rules';

const provider = (overrides: Partial<ProviderRecord> = {}): ProviderRecord => ({
  providerId: '01JD0000000000000000000001',
  name: 'P',
  categories: ['physical'],
  accreditation: { status: 'accredited', validUntil: '2026-11-20', updatedAt: '2026-01-01T00:00:00.000Z' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const snapshotOf = (p: ProviderRecord): RegistrySnapshot => ({
  providers: [
    {
      provider: p,
      venues: [{ venueId: '01JD0000000000000000000002', providerId: p.providerId, name: 'Hall', postcode: 'LU1 2AB', createdAt: '2026-01-01T00:00:00.000Z' }],
      activities: [
        { activityId: '01JD0000000000000000000003', providerId: p.providerId, venueId: '01JD0000000000000000000002', name: 'Walk', category: 'physical', createdAt: '2026-01-01T00:00:00.000Z' },
      ],
    },
  ],
});

describe('feed ids', () => {
  it('writes a ULID as a UUID of the same 128 bits, and reads it back', () => {
    const ulid = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const uuid = ulidToUuid(ulid);
    expect(uuid).toBe('01563e3a-b5d3-d676-4c61-efb99302bd5b');
    expect(uuidToUlid(uuid)).toBe(ulid);
    expect(uuidToUlid(uuid.toUpperCase())).toBe(ulid);
    expect(uuidToUlid('ffffffff-ffff-ffff-ffff-ffffffffffff')).toBeUndefined();
    expect(uuidToUlid('not-a-uuid')).toBeUndefined();
  });

  it('derives stable version-5 UUIDs, different per name', () => {
    expect(derivedUuid('a')).toBe(derivedUuid('a'));
    expect(derivedUuid('a')).not.toBe(derivedUuid('b'));
    expect(derivedUuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('what is published on a day', () => {
  it('is an accredited provider up to and including its last day, listed unless opted out; never suspended, lapsed or pending', () => {
    expect(publishedServices(snapshotOf(provider()), '2026-11-20')).toHaveLength(1);
    expect(publishedServices(snapshotOf(provider()), '2026-11-21')).toHaveLength(0);
    expect(publishedServices(snapshotOf(provider({ listed: false })), '2026-11-20')).toHaveLength(0);
    expect(publishedServices(snapshotOf(provider({ listed: true })), '2026-11-20')).toHaveLength(1);
    for (const status of ['suspended', 'lapsed', 'pending'] as const) {
      expect(publishedServices(snapshotOf(provider({ accreditation: { status, validUntil: '2030-01-01', updatedAt: '2026-01-01T00:00:00.000Z' } })), '2026-11-20'), status).toHaveLength(0);
    }
  });

  it('leaves out an activity in a category the provider is no longer accredited for', () => {
    expect(publishedServices(snapshotOf(provider({ categories: ['advice'] })), '2026-11-20')).toHaveLength(0);
  });

  it('matches a postcode exactly or by district', () => {
    const entries = publishedServices(snapshotOf(provider()), '2026-11-20');
    expect(filterServices(entries, { postcode: 'LU1' })).toHaveLength(1);
    expect(filterServices(entries, { postcode: 'LU1 2AB' })).toHaveLength(1);
    expect(filterServices(entries, { postcode: 'LU12' })).toHaveLength(0);
    expect(filterServices(entries, { postcode: 'LU1 2AC' })).toHaveLength(0);
  });
});

describe('pages', () => {
  it('counts over everything and slices the page asked for, past the end empty', () => {
    const all = [1, 2, 3, 4, 5];
    expect(orukPage(all, { page: 2, perPage: 2 }, String)).toEqual({ total_items: 5, total_pages: 3, page_number: 2, size: 2, first_page: false, last_page: false, empty: false, contents: ['3', '4'] });
    expect(orukPage(all, { page: 3, perPage: 2 }, String)).toMatchObject({ size: 1, last_page: true });
    expect(orukPage(all, { page: 9, perPage: 2 }, String)).toMatchObject({ size: 0, last_page: true, empty: false, contents: [] });
    expect(orukPage([], { page: 1, perPage: 2 }, String)).toMatchObject({ total_items: 0, total_pages: 0, first_page: true, last_page: true, empty: true });
  });
});

describe('a venue’s address', () => {
  const venue = { venueId: '01J9Z8X7W6V5T4S3R2Q1P0N9M8', providerId: '01J9Z8X7W6V5T4S3R2Q1P0N9M7', name: 'Hall', postcode: 'LU1 2AB', createdAt: '2026-01-01T00:00:00Z' };
  const luton = { city: 'Luton', stateProvince: 'Bedfordshire' };

  it('takes the venue’s own town and county, else the scheme’s locality', () => {
    expect(location({ ...venue, town: 'Dunstable', county: 'Central Bedfordshire' }, luton).addresses?.[0]).toMatchObject({ city: 'Dunstable', state_province: 'Central Bedfordshire' });
    expect(location({ ...venue, town: 'Dunstable' }, luton).addresses?.[0]).toMatchObject({ city: 'Dunstable', state_province: 'Bedfordshire' });
    expect(location(venue, luton).addresses?.[0]).toMatchObject({ city: 'Luton', state_province: 'Bedfordshire', postal_code: 'LU1 2AB' });
  });

  it('without a town and a county from either, has no address rather than half of one', () => {
    expect(location({ ...venue, town: 'Dunstable' }, undefined)).not.toHaveProperty('addresses');
    expect(location(venue, undefined)).not.toHaveProperty('addresses');
    expect(location({ ...venue, town: 'Dunstable', county: 'Central Bedfordshire' }, undefined).addresses).toHaveLength(1);
  });
});
