import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '#shared/platform/clock';
import { keys } from '#shared/platform/keys';
import { changedActivity, type ActivityRecord } from '#shared/registry/rules';
import { RegistryStore } from '#shared/registry/store';
import { createTestApp, type TestApp } from '../../support/app';

/**
 * Weekly schedules and changing venues and activities, through the HTTP API on DynamoDB Local:
 * good changes are stored and read back (in their collections too); bad ones are a 400, 404 or
 * 409 and change nothing.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
});

const UNKNOWN = '01J00000000000000000000000';

async function makeProvider(categories = ['physical', 'social']) {
  const res = await t.call('POST', '/v1/providers', {
    as: 'manager',
    body: { name: 'Wardown Walkers', categories, accreditation: { status: 'accredited', validUntil: '2027-03-31' } },
  });
  expect(res.status).toBe(201);
  return res.body.providerId as string;
}

async function makeVenue(providerId: string, name = 'Pavilion') {
  const res = await t.call('POST', `/v1/providers/${providerId}/venues`, { as: 'manager', body: { name, postcode: 'LU2 7HA' } });
  expect(res.status).toBe(201);
  return res.body as { venueId: string; name: string; postcode: string; providerId: string; createdAt: string };
}

const tuesday = { day: 'tuesday', startTime: '10:00', endTime: '11:30' };
const thursday = { day: 'thursday', startTime: '14:00', endTime: '15:00' };

async function makeActivity(providerId: string, venueId: string, extra: object = {}) {
  const res = await t.call('POST', `/v1/providers/${providerId}/activities`, {
    as: 'manager',
    body: { venueId, name: 'Health walk', category: 'physical', capacity: 20, schedule: [tuesday], ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, unknown> & { activityId: string };
}

const issuePaths = (body: { error: { issues?: { path: string }[] } }) => (body.error.issues ?? []).map((i) => i.path);

async function rawItem(key: { PK: string; SK: string }) {
  return (await t.db.client.send(new GetCommand({ TableName: t.db.tableName, Key: key, ConsistentRead: true }))).Item;
}

describe('a weekly schedule', () => {
  it('takes several sessions a week, kept in week order (Monday first, then by start time)', async () => {
    const providerId = await makeProvider();
    const { venueId } = await makeVenue(providerId);
    const later = { day: 'tuesday', startTime: '18:00', endTime: '19:00' };
    const monday = { day: 'monday', startTime: '09:00', endTime: '10:00' };
    const created = await makeActivity(providerId, venueId, { schedule: [thursday, later, tuesday, monday] });
    expect(created.schedule).toEqual([monday, tuesday, later, thursday]);
    const read = await t.call('GET', `/v1/providers/${providerId}/activities/${created.activityId}`, { as: 'navigator' });
    expect(read.body.schedule).toEqual([monday, tuesday, later, thursday]);
  });

  it('allows sessions that only touch, and the same times on different days', async () => {
    const providerId = await makeProvider();
    const { venueId } = await makeVenue(providerId);
    const schedule = [tuesday, { day: 'tuesday', startTime: '11:30', endTime: '12:00' }, { ...tuesday, day: 'wednesday' }];
    const created = await makeActivity(providerId, venueId, { schedule });
    expect(created.schedule).toHaveLength(3);
  });

  it.each([
    ['two sessions overlapping on the same day', 'schedule.1.startTime', [tuesday, { day: 'tuesday', startTime: '11:00', endTime: '12:00' }]],
    ['one session inside another', 'schedule.1.startTime', [{ day: 'friday', startTime: '09:00', endTime: '17:00' }, { day: 'friday', startTime: '12:00', endTime: '13:00' }]],
    ['the same session twice', 'schedule.2.startTime', [tuesday, thursday, tuesday]],
    ['an end time equal to the start time', 'schedule.0.endTime', [{ day: 'monday', startTime: '10:00', endTime: '10:00' }]],
    ['a time that is not HH:MM', 'schedule.0.startTime', [{ day: 'monday', startTime: '9:00', endTime: '10:00' }]],
    ['a missing day', 'schedule.0.day', [{ startTime: '09:00', endTime: '10:00' }]],
    ['more than 14 sessions a week', 'schedule', Array.from({ length: 15 }, (_, i) => ({ day: 'monday', startTime: `${String(i + 6).padStart(2, '0')}:00`, endTime: `${String(i + 6).padStart(2, '0')}:30` }))],
  ])('refuses %s (400 on %s) and writes nothing', async (_label, path, schedule) => {
    const providerId = await makeProvider();
    const { venueId } = await makeVenue(providerId);
    const res = await t.call('POST', `/v1/providers/${providerId}/activities`, {
      as: 'manager',
      body: { venueId, name: 'Walk', category: 'physical', schedule },
    });
    expect(res.status).toBe(400);
    expect(issuePaths(res.body)).toContain(path);
    expect((await t.call('GET', `/v1/providers/${providerId}/activities`, { as: 'manager' })).body.items).toEqual([]);
  });

  it('names the session an overlap is with', async () => {
    const providerId = await makeProvider();
    const { venueId } = await makeVenue(providerId);
    const res = await t.call('POST', `/v1/providers/${providerId}/activities`, {
      as: 'manager',
      body: { venueId, name: 'Walk', category: 'physical', schedule: [tuesday, { day: 'tuesday', startTime: '11:00', endTime: '12:00' }] },
    });
    expect(res.body.error.issues).toContainEqual(
      expect.objectContaining({ in: 'body', path: 'schedule.1.startTime', message: 'must not overlap the tuesday session 10:00–11:30' }),
    );
  });
});

describe('PATCH /v1/providers/{providerId}/venues/{venueId}', () => {
  it('renames a venue and normalises a new postcode; reads and its list show it, once', async () => {
    const providerId = await makeProvider();
    const venue = await makeVenue(providerId);
    const res = await t.call('PATCH', `/v1/providers/${providerId}/venues/${venue.venueId}`, {
      as: 'manager',
      body: { name: 'Wardown Park Pavilion', postcode: ' lu4 9aa ' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ venueId: venue.venueId, providerId, name: 'Wardown Park Pavilion', postcode: 'LU4 9AA', createdAt: venue.createdAt });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(venue.createdAt));
    const read = await t.call('GET', `/v1/providers/${providerId}/venues/${venue.venueId}`, { as: 'navigator' });
    expect(read.body).toEqual(res.body);
    const list = await t.call('GET', `/v1/providers/${providerId}/venues`, { as: 'navigator' });
    expect(list.body.items).toEqual([res.body]);
    // The item stays in its provider's collection, under the same keys.
    expect(await rawItem(keys.venue(venue.venueId))).toMatchObject({ GSI1PK: `PROVIDER#${providerId}#VENUES`, GSI1SK: `VENUE#${venue.venueId}`, type: 'venue' });
  });

  it('sets a town and county, and null removes them', async () => {
    const providerId = await makeProvider();
    const venue = await makeVenue(providerId);
    const path = `/v1/providers/${providerId}/venues/${venue.venueId}`;
    const set = await t.call('PATCH', path, { as: 'manager', body: { town: ' Luton ', county: 'Bedfordshire' } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ name: venue.name, town: 'Luton', county: 'Bedfordshire' });
    const cleared = await t.call('PATCH', path, { as: 'manager', body: { town: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.town).toBeUndefined();
    expect(cleared.body.county).toBe('Bedfordshire');
    expect(await rawItem(keys.venue(venue.venueId))).not.toHaveProperty('town');
    expect((await t.call('GET', path, { as: 'navigator' })).body).toEqual(cleared.body);
  });

  it('changes only what it is given', async () => {
    const providerId = await makeProvider();
    const venue = await makeVenue(providerId);
    const res = await t.call('PATCH', `/v1/providers/${providerId}/venues/${venue.venueId}`, { as: 'admin', body: { name: 'The Hub' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'The Hub', postcode: venue.postcode });
  });

  it.each([
    ['an empty body', {}, 'name'],
    ['an unknown field', { name: 'Hall', colour: 'blue' }, ''],
    ['a blank name', { name: '  ' }, 'name'],
    ['a bad postcode', { postcode: '90210' }, 'postcode'],
    ['a name with a line break', { name: 'Hall\nTwo' }, 'name'],
    ['a blank town', { town: ' ' }, 'town'],
    ['a town with a line break', { town: 'Luton\nNorth' }, 'town'],
    ['a county over 60 characters', { county: 'B'.repeat(61) }, 'county'],
    ['a county that is not text', { county: 7 }, 'county'],
  ])('refuses %s with a 400 and changes nothing', async (_label, body, path) => {
    const providerId = await makeProvider();
    const venue = await makeVenue(providerId);
    const res = await t.call('PATCH', `/v1/providers/${providerId}/venues/${venue.venueId}`, { as: 'manager', body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(issuePaths(res.body)).toContain(path);
    expect((await t.call('GET', `/v1/providers/${providerId}/venues/${venue.venueId}`, { as: 'manager' })).body).toEqual(venue);
  });

  it('is 404 for an unknown venue (and creates none) and for another provider’s venue (unchanged)', async () => {
    const a = await makeProvider();
    const b = await makeProvider();
    const venueOfB = await makeVenue(b);
    const missing = await t.call('PATCH', `/v1/providers/${a}/venues/${UNKNOWN}`, { as: 'manager', body: { name: 'Ghost' } });
    expect(missing.status).toBe(404);
    expect(await rawItem(keys.venue(UNKNOWN))).toBeUndefined();
    const foreign = await t.call('PATCH', `/v1/providers/${a}/venues/${venueOfB.venueId}`, { as: 'manager', body: { name: 'Taken' } });
    expect(foreign.status).toBe(404);
    expect((await t.call('GET', `/v1/providers/${b}/venues/${venueOfB.venueId}`, { as: 'manager' })).body).toEqual(venueOfB);
  });

  it('is for managers and admins: a navigator or provider is 403, and nothing changes', async () => {
    const providerId = await makeProvider();
    const venue = await makeVenue(providerId);
    for (const as of ['navigator', 'provider'] as const) {
      const res = await t.call('PATCH', `/v1/providers/${providerId}/venues/${venue.venueId}`, { as, providerId, body: { name: 'Mine' } });
      expect(res.status).toBe(403);
    }
    expect((await t.call('GET', `/v1/providers/${providerId}/venues/${venue.venueId}`, { as: 'manager' })).body.name).toBe('Pavilion');
  });
});

describe('PATCH /v1/providers/{providerId}/activities/{activityId}', () => {
  it('changes the name, the weekly schedule and the venue, and clears the capacity; reads and its list show it', async () => {
    const providerId = await makeProvider();
    const { venueId } = await makeVenue(providerId);
    const other = await makeVenue(providerId, 'Church hall');
    const activity = await makeActivity(providerId, venueId);
    const res = await t.call('PATCH', `/v1/providers/${providerId}/activities/${activity.activityId}`, {
      as: 'manager',
      body: { name: 'Nordic walking', venueId: other.venueId, capacity: null, schedule: [thursday, tuesday] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      activityId: activity.activityId,
      providerId,
      venueId: other.venueId,
      name: 'Nordic walking',
      category: 'physical',
      schedule: [tuesday, thursday],
      createdAt: activity.createdAt,
    });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(activity.createdAt as string));
    expect(res.body).not.toHaveProperty('capacity');
    const read = await t.call('GET', `/v1/providers/${providerId}/activities/${activity.activityId}`, { as: 'navigator' });
    expect(read.body).toEqual(res.body);
    const list = await t.call('GET', `/v1/providers/${providerId}/activities`, { as: 'navigator' });
    expect(list.body.items).toEqual([res.body]);
    expect(await rawItem(keys.activity(activity.activityId))).toMatchObject({ GSI1PK: `PROVIDER#${providerId}#ACTIVITIES`, GSI1SK: `ACTIVITY#${activity.activityId}`, type: 'activity' });
  });

  it('an empty schedule removes the times', async () => {
    const providerId = await makeProvider();
    const { venueId } = await makeVenue(providerId);
    const activity = await makeActivity(providerId, venueId);
    const res = await t.call('PATCH', `/v1/providers/${providerId}/activities/${activity.activityId}`, { as: 'admin', body: { schedule: [] } });
    expect(res.status).toBe(200);
    expect(res.body.schedule ?? []).toEqual([]);
    expect(res.body).toMatchObject({ name: 'Health walk', capacity: 20 });
  });

  it('refuses another provider’s venue and an unaccredited category, naming both fields, and changes nothing', async () => {
    const a = await makeProvider(['physical']);
    const b = await makeProvider();
    const { venueId } = await makeVenue(a);
    const venueOfB = await makeVenue(b);
    const activity = await makeActivity(a, venueId);
    const res = await t.call('PATCH', `/v1/providers/${a}/activities/${activity.activityId}`, {
      as: 'manager',
      body: { venueId: venueOfB.venueId, category: 'advice', name: 'Debt advice' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string; code: string }) => `${i.path}:${i.code}`).sort()).toEqual([
      'category:category_not_accredited',
      'venueId:venue_not_at_provider',
    ]);
    expect((await t.call('GET', `/v1/providers/${a}/activities/${activity.activityId}`, { as: 'manager' })).body).toEqual(activity);
  });

  it.each([
    ['an empty body', {}, 'name'],
    ['an unknown field', { name: 'Walk', providerId: UNKNOWN }, ''],
    ['overlapping sessions', { schedule: [tuesday, { day: 'tuesday', startTime: '11:00', endTime: '12:00' }] }, 'schedule.1.startTime'],
    ['an end before the start', { schedule: [{ day: 'monday', startTime: '11:00', endTime: '10:00' }] }, 'schedule.0.endTime'],
    ['a capacity of 0', { capacity: 0 }, 'capacity'],
    ['a venue id that is not a ULID', { venueId: 'nope' }, 'venueId'],
  ])('refuses %s with a 400 and changes nothing', async (_label, body, path) => {
    const providerId = await makeProvider();
    const { venueId } = await makeVenue(providerId);
    const activity = await makeActivity(providerId, venueId);
    const res = await t.call('PATCH', `/v1/providers/${providerId}/activities/${activity.activityId}`, { as: 'manager', body });
    expect(res.status).toBe(400);
    expect(issuePaths(res.body)).toContain(path);
    expect((await t.call('GET', `/v1/providers/${providerId}/activities/${activity.activityId}`, { as: 'manager' })).body).toEqual(activity);
  });

  it('is 404 for an unknown activity or provider (creating nothing) and for another provider’s activity (unchanged)', async () => {
    const a = await makeProvider();
    const b = await makeProvider();
    const activityOfB = await makeActivity(b, (await makeVenue(b)).venueId);
    const missing = await t.call('PATCH', `/v1/providers/${a}/activities/${UNKNOWN}`, { as: 'manager', body: { name: 'Ghost' } });
    expect(missing.status).toBe(404);
    expect(await rawItem(keys.activity(UNKNOWN))).toBeUndefined();
    const noProvider = await t.call('PATCH', `/v1/providers/${UNKNOWN}/activities/${activityOfB.activityId}`, { as: 'manager', body: { name: 'Ghost' } });
    expect(noProvider.status).toBe(404);
    const foreign = await t.call('PATCH', `/v1/providers/${a}/activities/${activityOfB.activityId}`, { as: 'manager', body: { name: 'Taken' } });
    expect(foreign.status).toBe(404);
    expect((await t.call('GET', `/v1/providers/${b}/activities/${activityOfB.activityId}`, { as: 'manager' })).body).toEqual(activityOfB);
  });
});

describe('a change that meets a concurrent one', () => {
  const later = fixedClock('2026-11-24T09:00:00Z');

  async function setUp() {
    const providerId = await makeProvider(['physical', 'social']);
    const { venueId } = await makeVenue(providerId);
    const created = (await makeActivity(providerId, venueId)) as unknown as ActivityRecord;
    return { providerId, venueId, created, store: new RegistryStore(t.db) };
  }

  it('is refused as changed when the activity was changed since it was read, and the other change stands', async () => {
    const { providerId, created, store } = await setUp();
    const first = await t.call('PATCH', `/v1/providers/${providerId}/activities/${created.activityId}`, { as: 'manager', body: { name: 'First' } });
    expect(first.status).toBe(200);
    // A second change made from the copy read before the first.
    expect(await store.updateActivity(created, changedActivity(created, { capacity: 5 }, later), {})).toBe('changed');
    expect((await store.getActivity(created.activityId))).toMatchObject({ name: 'First', capacity: 20 });
  });

  it('is refused as changed when the new venue left the provider or the new category was lost meanwhile', async () => {
    const { providerId, created, store } = await setUp();
    const elsewhere = await makeVenue(await makeProvider());
    // As if the service's checks had passed: the venue is then another provider's.
    const moved = changedActivity(created, { venueId: elsewhere.venueId }, later);
    expect(await store.updateActivity(created, moved, { venueId: elsewhere.venueId })).toBe('changed');
    const advice = changedActivity(created, { category: 'advice' }, later);
    expect(await store.updateActivity(created, advice, { category: 'advice' })).toBe('changed');
    expect(await store.getActivity(created.activityId)).toEqual(created);
    expect((await t.call('GET', `/v1/providers/${providerId}/activities/${created.activityId}`, { as: 'manager' })).body).toEqual(created);
  });

  it('is answered 409 registry_changed by the API, with nothing written', async () => {
    const { providerId, created } = await setUp();
    const spy = vi.spyOn(RegistryStore.prototype, 'updateActivity').mockResolvedValueOnce('changed');
    const res = await t.call('PATCH', `/v1/providers/${providerId}/activities/${created.activityId}`, { as: 'manager', body: { name: 'Lost' } });
    spy.mockRestore();
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('registry_changed');
    expect((await t.call('GET', `/v1/providers/${providerId}/activities/${created.activityId}`, { as: 'manager' })).body.name).toBe('Health walk');
  });

  it('a venue update of a missing venue writes nothing', async () => {
    const store = new RegistryStore(t.db);
    expect(await store.updateVenue(await makeProvider(), UNKNOWN, { name: 'Ghost', updatedAt: later.now().toISOString() })).toBeUndefined();
    expect(await rawItem(keys.venue(UNKNOWN))).toBeUndefined();
  });
});
