import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '#shared/platform/clock';
import type { Db } from '#shared/platform/dynamo';
import { ulidSource } from '#shared/platform/ids';
import { keys } from '#shared/platform/keys';
import { newActivity, newProvider, newVenue } from '#shared/registry/rules';
import { RegistryStore } from '#shared/registry/store';
import { createTestApp } from '../../support/app';
import { createTestDb } from '../../support/db';

let db: Db;
let store: RegistryStore;
const clock = fixedClock('2026-11-23T10:00:00Z');
const ctx = { clock, ids: ulidSource(clock) };

beforeAll(async () => {
  db = await createTestDb();
  store = new RegistryStore(db);
});

const provider = (categories: ('physical' | 'advice')[] = ['physical']) =>
  newProvider({ name: 'P', categories, accreditation: { status: 'accredited', validUntil: '2027-01-01' } }, ctx);

async function exists(key: { PK: string; SK: string }) {
  return (await db.client.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }))).Item !== undefined;
}


describe('RegistryStore against DynamoDB Local', () => {
  it('round-trips a provider without leaking key attributes', async () => {
    const p = provider();
    await store.createProvider(p);
    expect(await store.getProvider(p.providerId)).toEqual(p);
  });

  it('never overwrites an existing provider id', async () => {
    const p = provider();
    await store.createProvider(p);
    await expect(store.createProvider({ ...p, name: 'Imposter' })).rejects.toThrow();
    expect((await store.getProvider(p.providerId))?.name).toBe('P');
  });

  it('a venue for a missing provider is refused inside the transaction and not written', async () => {
    const venue = newVenue('01J00000000000000000000000', { name: 'Hall', postcode: 'LU1 2AB' }, ctx);
    expect(await store.createVenue(venue)).toBe('no_provider'); // answered 404 Provider
    expect(await exists(keys.venue(venue.venueId))).toBe(false);
  });

  it('an activity whose venue moved to another provider between check and write is refused as changed (409), not written', async () => {
    const a = provider();
    const b = provider();
    await store.createProvider(a);
    await store.createProvider(b);
    const venueOfB = newVenue(b.providerId, { name: 'Hall', postcode: 'LU1 2AB' }, ctx);
    await store.createVenue(venueOfB);
    // As if the handler's check had passed and the venue then belonged to someone else.
    const activity = newActivity(a.providerId, { venueId: venueOfB.venueId, name: 'Walk', category: 'physical' }, ctx);
    expect(await store.createActivity(activity)).toBe('changed'); // answered 409 registry_changed
    expect(await exists(keys.activity(activity.activityId))).toBe(false);
  });

  it('an activity in a category the provider lost between check and write is refused as changed (409), not written', async () => {
    const p = provider(['advice']);
    await store.createProvider(p);
    const venue = newVenue(p.providerId, { name: 'Hall', postcode: 'LU1 2AB' }, ctx);
    await store.createVenue(venue);
    const activity = newActivity(p.providerId, { venueId: venue.venueId, name: 'Walk', category: 'physical' }, ctx);
    expect(await store.createActivity(activity)).toBe('changed');
    expect(await exists(keys.activity(activity.activityId))).toBe(false);
  });

  it('reads a provider and a venue in one BatchGetItem', async () => {
    const p = provider();
    await store.createProvider(p);
    const venue = newVenue(p.providerId, { name: 'Hall', postcode: 'LU1 2AB' }, ctx);
    await store.createVenue(venue);
    expect(await store.getProviderAndVenue(p.providerId, venue.venueId)).toEqual({ provider: p, venue });
    expect(await store.getProviderAndVenue(p.providerId, '01J00000000000000000000000')).toEqual({ provider: p });
  });

  it('setAccreditation on a missing provider finds nothing (404) and creates nothing', async () => {
    const id = '01J0000000000000000000000Z';
    const updated = await store.setAccreditation(id, { status: 'lapsed', validUntil: '2026-01-01', updatedAt: clock.now().toISOString() });
    expect(updated).toBeUndefined();
    expect(await exists(keys.provider(id))).toBe(false);
  });
});

describe('RegistryService: a concurrent change while adding an activity', () => {
  it('is answered 409 registry_changed and writes nothing', async () => {
    const t = await createTestApp({ db });
    const p = provider();
    await store.createProvider(p);
    const venue = newVenue(p.providerId, { name: 'Hall', postcode: 'LU1 2AB' }, ctx);
    await store.createVenue(venue);
    // The check reads the venue as the provider's; the write then finds it changed.
    const spy = vi.spyOn(RegistryStore.prototype, 'createActivity').mockResolvedValueOnce('changed');
    const res = await t.call('POST', `/v1/providers/${p.providerId}/activities`, {
      as: 'manager',
      body: { venueId: venue.venueId, name: 'Walk', category: 'physical' },
    });
    spy.mockRestore();
    expect(res.status).toBe(409);
    expect((await t.call('GET', `/v1/providers/${p.providerId}/activities`, { as: 'manager' })).body.items).toEqual([]);
    expect(res.body.error).toEqual({ code: 'registry_changed', message: 'The provider or venue changed while this request ran; try again.' });
  });
});
