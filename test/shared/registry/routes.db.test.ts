import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '#shared/platform/app';
import { createTestApp, type TestApp } from '../../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
});

const validProvider = {
  name: 'Wardown Walkers',
  categories: ['physical', 'social'],
  accreditation: { status: 'accredited', validUntil: '2027-03-31' },
};

async function makeProvider(body: object = validProvider) {
  const res = await t.call('POST', '/v1/providers', { as: 'manager', body });
  expect(res.status).toBe(201);
  return res.body as { providerId: string };
}

async function makeVenue(providerId: string, body = { name: 'Pavilion', postcode: 'lu2 7ha' }) {
  const res = await t.call('POST', `/v1/providers/${providerId}/venues`, { as: 'manager', body });
  expect(res.status).toBe(201);
  return res.body as { venueId: string; postcode: string };
}

/** Items in a provider collection, read as an admin: used to prove rejected requests wrote nothing. */
async function countAll(path: string) {
  const res = await t.call('GET', `${path}?limit=100`, { as: 'admin' });
  expect(res.status).toBe(200);
  return (res.body.items as unknown[]).length;
}

describe('providers', () => {
  it('creates, reads and reports whether accreditation holds today', async () => {
    const created = await makeProvider();
    expect(created).toMatchObject({
      name: 'Wardown Walkers',
      categories: ['physical', 'social'],
      accreditation: { status: 'accredited', validUntil: '2027-03-31', currentlyAccredited: true },
    });
    const read = await t.call('GET', `/v1/providers/${created.providerId}`, { as: 'navigator' });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created);
  });

  it('rejects invalid bodies with one issue per field, and writes nothing', async () => {
    const before = await countAll('/v1/providers');
    const res = await t.call('POST', '/v1/providers', {
      as: 'manager',
      body: { name: '  ', categories: ['physical', 'knitting'], accreditation: { status: 'pending', validUntil: '2027-02-30' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    const paths = (res.body.error.issues as { path: string; in: string }[]).map((i) => `${i.in}:${i.path}`).sort();
    expect(paths).toEqual(
      ['body:accreditation.status', 'body:accreditation.validUntil', 'body:categories.1', 'body:name'].sort(),
    );
    expect(await countAll('/v1/providers')).toBe(before);
  });

  it('rejects repeated categories and an empty list', async () => {
    for (const categories of [['physical', 'physical'], []]) {
      const res = await t.call('POST', '/v1/providers', { as: 'manager', body: { ...validProvider, categories } });
      expect(res.status).toBe(400);
      expect(res.body.error.issues[0]).toMatchObject({ in: 'body', path: 'categories' });
    }
  });

  it.each([
    ['malformed JSON', '{"name": "x",', 'invalid_json'],
    ['a JSON array', '[]', 'invalid_request'],
    ['an empty body', '', 'invalid_json'],
  ])('answers 400 for %s', async (_label, raw, code) => {
    const res = await t.call('POST', '/v1/providers', { as: 'manager', body: raw });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
  });

  it('answers 415 (not a silent empty body) when the content type is not JSON', async () => {
    const res = await t.call('POST', '/v1/providers', {
      as: 'manager',
      body: JSON.stringify(validProvider),
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('answers 413 for a body over the limit, and writes nothing', async () => {
    const before = await countAll('/v1/providers');
    const res = await t.call('POST', '/v1/providers', {
      as: 'manager',
      body: { ...validProvider, name: 'x'.repeat(MAX_BODY_BYTES + 1) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(await countAll('/v1/providers')).toBe(before);
  });

  it('answers 404 for an unknown provider and 400 for an id that is not a ULID', async () => {
    const missing = await t.call('GET', '/v1/providers/01J00000000000000000000000', { as: 'manager' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const malformed = await t.call('GET', '/v1/providers/not-an-id', { as: 'manager' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.issues[0]).toMatchObject({ in: 'path', path: 'providerId' });
  });

  it('pages through providers with a cursor, each once, oldest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await makeProvider({ ...validProvider, name: `Paged ${i}` })).providerId);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await t.call('GET', `/v1/providers?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: 'manager' });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((p: { providerId: string }) => p.providerId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => created.includes(id))).toEqual(created);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=not-ours', 'cursor'],
    [`cursor=${Buffer.from('PROVIDER#x').toString('base64url')}`, 'cursor'],
  ])('rejects the query %s with a query issue', async (query, field) => {
    const res = await t.call('GET', `/v1/providers?${query}`, { as: 'manager' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ in: 'query', path: field });
  });
});

describe('accreditation', () => {
  it('suspending a provider is visible at once and lapses currentlyAccredited', async () => {
    const { providerId } = await makeProvider();
    const res = await t.call('PUT', `/v1/providers/${providerId}/accreditation`, {
      as: 'manager',
      body: { status: 'suspended', validUntil: '2027-03-31' },
    });
    expect(res.status).toBe(200);
    expect(res.body.accreditation).toMatchObject({ status: 'suspended', currentlyAccredited: false });
    expect((await t.call('GET', `/v1/providers/${providerId}`, { as: 'manager' })).body.accreditation.status).toBe('suspended');
  });

  it('an accreditation whose validUntil has passed is not current, by the London date', async () => {
    const { providerId } = await makeProvider({ ...validProvider, accreditation: { status: 'accredited', validUntil: '2026-11-22' } });
    const res = await t.call('GET', `/v1/providers/${providerId}`, { as: 'manager' });
    expect(res.body.accreditation.currentlyAccredited).toBe(false);
  });

  it('404 for an unknown provider, 400 for a bad status, and nothing created', async () => {
    const missing = await t.call('PUT', '/v1/providers/01J00000000000000000000000/accreditation', {
      as: 'admin',
      body: { status: 'accredited', validUntil: '2027-01-01' },
    });
    expect(missing.status).toBe(404);
    expect((await t.call('GET', '/v1/providers/01J00000000000000000000000', { as: 'admin' })).status).toBe(404);
    const { providerId } = await makeProvider();
    const bad = await t.call('PUT', `/v1/providers/${providerId}/accreditation`, { as: 'admin', body: { status: 'expired' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['status', 'validUntil']);
  });
});

describe('venues', () => {
  it('validates and normalises the UK postcode', async () => {
    const { providerId } = await makeProvider();
    const venue = await makeVenue(providerId, { name: 'Hall', postcode: ' lu12ab ' });
    expect(venue.postcode).toBe('LU1 2AB');
    const bad = await t.call('POST', `/v1/providers/${providerId}/venues`, { as: 'manager', body: { name: 'Hall', postcode: '90210' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toMatchObject({ in: 'body', path: 'postcode' });
  });

  it('keeps an optional town and county; bad ones are 400s naming the field, and write nothing', async () => {
    const { providerId } = await makeProvider();
    const venue = await t.call('POST', `/v1/providers/${providerId}/venues`, { as: 'manager', body: { name: 'Hall', postcode: 'LU1 2AB', town: ' Luton ', county: 'Bedfordshire' } });
    expect(venue.status).toBe(201);
    expect(venue.body).toMatchObject({ town: 'Luton', county: 'Bedfordshire' });
    const without = await makeVenue(providerId);
    expect(without).not.toHaveProperty('town');
    for (const [body, path] of [
      [{ name: 'Hall', postcode: 'LU1 2AB', town: '' }, 'town'],
      [{ name: 'Hall', postcode: 'LU1 2AB', town: 'x'.repeat(61) }, 'town'],
      [{ name: 'Hall', postcode: 'LU1 2AB', county: 'Beds\r\nshire' }, 'county'],
      [{ name: 'Hall', postcode: 'LU1 2AB', county: null }, 'county'],
    ] as const) {
      const bad = await t.call('POST', `/v1/providers/${providerId}/venues`, { as: 'manager', body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error.issues[0]).toMatchObject({ in: 'body', path });
    }
    expect(await countAll(`/v1/providers/${providerId}/venues`)).toBe(2);
  });

  it('lists and reads venues of a provider; another provider’s venue id is 404', async () => {
    const a = await makeProvider();
    const b = await makeProvider();
    const venue = await makeVenue(a.providerId);
    const list = await t.call('GET', `/v1/providers/${a.providerId}/venues`, { as: 'navigator' });
    expect(list.body.items).toEqual([venue]);
    expect((await t.call('GET', `/v1/providers/${a.providerId}/venues/${venue.venueId}`, { as: 'manager' })).body).toEqual(venue);
    expect((await t.call('GET', `/v1/providers/${b.providerId}/venues/${venue.venueId}`, { as: 'manager' })).status).toBe(404);
  });

  it('a venue for an unknown provider is 404 and writes nothing', async () => {
    const res = await t.call('POST', '/v1/providers/01J00000000000000000000000/venues', {
      as: 'manager',
      body: { name: 'Hall', postcode: 'LU1 2AB' },
    });
    expect(res.status).toBe(404);
    expect((await t.call('GET', '/v1/providers/01J00000000000000000000000/venues', { as: 'manager' })).status).toBe(404);
  });
});

describe('activities', () => {
  it('creates an activity at the provider’s venue in an accredited category, with capacity and schedule', async () => {
    const { providerId } = await makeProvider();
    const { venueId } = await makeVenue(providerId);
    const body = {
      venueId,
      name: 'Health walk',
      category: 'physical',
      capacity: 20,
      schedule: [{ day: 'tuesday', startTime: '10:00', endTime: '11:00' }],
    };
    const res = await t.call('POST', `/v1/providers/${providerId}/activities`, { as: 'manager', body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...body, providerId });
    const read = await t.call('GET', `/v1/providers/${providerId}/activities/${res.body.activityId}`, { as: 'navigator' });
    expect(read.body).toEqual(res.body);
    const list = await t.call('GET', `/v1/providers/${providerId}/activities`, { as: 'navigator' });
    expect(list.body.items).toEqual([res.body]);
  });

  it('refuses another provider’s venue and an unaccredited category, naming both fields, and writes nothing', async () => {
    const a = await makeProvider();
    const b = await makeProvider();
    const venueOfB = await makeVenue(b.providerId);
    const res = await t.call('POST', `/v1/providers/${a.providerId}/activities`, {
      as: 'manager',
      body: { venueId: venueOfB.venueId, name: 'Debt advice', category: 'advice' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string; code: string }) => `${i.path}:${i.code}`).sort()).toEqual([
      'category:category_not_accredited',
      'venueId:venue_not_at_provider',
    ]);
    expect(await countAll(`/v1/providers/${a.providerId}/activities`)).toBe(0);
    expect(await countAll(`/v1/providers/${b.providerId}/activities`)).toBe(0);
  });

  it.each([
    [{ capacity: 0 }, 'capacity'],
    [{ capacity: 2.5 }, 'capacity'],
    [{ schedule: [{ day: 'someday', startTime: '10:00', endTime: '11:00' }] }, 'schedule.0.day'],
    [{ schedule: [{ day: 'monday', startTime: '11:00', endTime: '10:00' }] }, 'schedule.0.endTime'],
    [{ schedule: [{ day: 'monday', startTime: '25:00', endTime: '26:00' }] }, 'schedule.0.startTime'],
    [{ venueId: 'nope' }, 'venueId'],
  ])('rejects %j at %s', async (patch, path) => {
    const { providerId } = await makeProvider();
    const { venueId } = await makeVenue(providerId);
    const res = await t.call('POST', `/v1/providers/${providerId}/activities`, {
      as: 'manager',
      body: { venueId, name: 'Walk', category: 'physical', ...patch },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  it('an activity for an unknown provider is 404', async () => {
    const { providerId } = await makeProvider();
    const { venueId } = await makeVenue(providerId);
    const res = await t.call('POST', '/v1/providers/01J00000000000000000000000/activities', {
      as: 'manager',
      body: { venueId, name: 'Walk', category: 'physical' },
    });
    expect(res.status).toBe(404);
  });
});

describe('a provider token sees its own registry entries only', () => {
  it('reads its own provider, venues and activities; another provider’s are 403', async () => {
    const own = await makeProvider();
    const other = await makeProvider();
    const { venueId } = await makeVenue(own.providerId);
    const as = { as: 'provider' as const, providerId: own.providerId };
    expect((await t.call('GET', `/v1/providers/${own.providerId}`, as)).status).toBe(200);
    expect((await t.call('GET', `/v1/providers/${own.providerId}/venues`, as)).status).toBe(200);
    expect((await t.call('GET', `/v1/providers/${own.providerId}/venues/${venueId}`, as)).status).toBe(200);
    expect((await t.call('GET', `/v1/providers/${own.providerId}/activities`, as)).status).toBe(200);
    for (const path of ['', '/venues', '/activities']) {
      const res = await t.call('GET', `/v1/providers/${other.providerId}${path}`, as);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });
});

describe('unknown routes', () => {
  it('answer 404 in the error shape', async () => {
    const res = await t.call('GET', '/v1/nothing-here', { as: 'admin' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'No such route.' } });
  });
});

describe('names are plain text', () => {
  it.each([
    ['a NUL character', 'Walkers\u0000'],
    ['a lone surrogate', 'Walkers \uD83D'],
    ['a line break', 'Walkers\nGroup'],
  ])('a provider name with %s is a 400 on name, and nothing is written', async (_label, name) => {
    const before = (await t.call('GET', '/v1/providers?limit=100', { as: 'manager' })).body.items.length;
    const res = await t.call('POST', '/v1/providers', {
      as: 'manager',
      body: { name, categories: ['physical'], accreditation: { status: 'accredited', validUntil: '2030-01-01' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((issue: { path: string }) => issue.path)).toContain('name');
    expect((await t.call('GET', '/v1/providers?limit=100', { as: 'manager' })).body.items).toHaveLength(before);
  });
});
