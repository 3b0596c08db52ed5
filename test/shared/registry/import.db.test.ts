import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '#shared/platform/dynamo';
import { keys } from '#shared/platform/keys';
import { ulidSource } from '#shared/platform/ids';
import { RegistryImportService } from '#shared/registry/import-service';
import { RegistryImportStore } from '#shared/registry/import-store';
import { createTestApp, type TestApp } from '../../support/app';
import { orukDir, withFreshIds } from '../../support/reference';
import { diffSnapshots, isEmptyDiff, tableSnapshot } from '../../support/table-snapshot';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '#shared/app/app';
import { HttpFeedFetcher } from '#shared/registry/import-fetch';
import { ulidToUuid } from '#shared/directory/rules';

/**
 * The ORUK import over HTTP against DynamoDB Local, with the published example feeds (read from
 * the reference folder at test time, never copied in) and broken variants of them. The clock is
 * 10:00 GMT on Wednesday 4 March 2026.
 */
const example = (name: string): any => JSON.parse(readFileSync(join(orukDir!, 'examples', name), 'utf8'));


/** service_full.json made to fit Waymark: a UK postcode, and its schedule not ended in 2005. */
function fittingService() {
  const service = withFreshIds(example('service_full.json'));
  service.service_at_locations[0].location.addresses[0].postal_code = 'lu1 2ab';
  delete service.schedules[0].valid_to;
  return service;
}

const NOW = '2026-03-04T10:00:00Z';
const importFeed = (t: TestApp, body: unknown, query = '', as: 'manager' | 'admin' = 'manager') =>
  t.call('POST', `/v1/registry/imports${query}`, { as, body });

describe.skipIf(!orukDir)('POST /v1/registry/imports with the ORUK examples', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: NOW });
  });

  it('every example that is a service list (or one service) is accepted', () => {
    const services = readdirSync(join(orukDir!, 'examples')).filter((name) => /^service_(list|full)\.json$/.test(name));
    expect(services.sort()).toEqual(['service_full.json', 'service_list.json']);
  });

  it('service_list.json creates a pending provider; its service, with no location, is skipped with the reason', async () => {
    const feed = example('service_list.json');
    const res = await importFeed(t, feed);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.providers).toEqual([
      { sourceId: 'd9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610', name: 'Example Organization Inc.', outcome: 'created', id: expect.any(String) },
    ]);
    expect(res.body.activities).toEqual([
      { sourceId: 'ac148810-d857-441c-9679-408f346de14b', name: 'Community Counselling', outcome: 'skipped', reason: 'no_location', message: expect.any(String) },
    ]);
    expect(res.body.counts).toEqual({ created: 1, updated: 0, unchanged: 0, skipped: 1 });

    const provider = await t.call('GET', `/v1/providers/${res.body.providers[0].id}`, { as: 'manager' });
    expect(provider.body).toMatchObject({
      name: 'Example Organization Inc.',
      accreditation: { status: 'pending', validUntil: '2026-03-04', currentlyAccredited: false },
    });
  });

  it('importing it again finds the same provider: unchanged, nothing written, never a duplicate', async () => {
    const before = await tableSnapshot(t.db);
    const res = await importFeed(t, example('service_list.json'));
    expect(res.status).toBe(200);
    expect(res.body.providers).toEqual([expect.objectContaining({ outcome: 'unchanged' })]);
    expect(res.body.counts).toEqual({ created: 0, updated: 0, unchanged: 1, skipped: 1 });
    expect(res.body.transactions).toBe(0);
    expect(isEmptyDiff(diffSnapshots(before, await tableSnapshot(t.db)))).toBe(true);
    const listed = await t.call('GET', '/v1/providers?limit=100', { as: 'manager' });
    expect(listed.body.items.filter((p: { name: string }) => p.name === 'Example Organization Inc.')).toHaveLength(1);
  });

  it('service_full.json as published: its US address has no UK postcode, so the venue and activity are skipped, each saying why', async () => {
    const res = await importFeed(t, withFreshIds(example('service_full.json')), '?defaultCategory=wellbeing');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.providers).toEqual([expect.objectContaining({ outcome: 'created' })]);
    expect(res.body.venues).toEqual([expect.objectContaining({ name: 'MyCity Civic Center', outcome: 'skipped', reason: 'no_uk_postcode' })]);
    expect(res.body.activities).toEqual([expect.objectContaining({ outcome: 'skipped', reason: 'venue_skipped' })]);
  });

  it('a service at a UK location becomes a venue and an activity with its weekly schedule', async () => {
    const service = fittingService();
    const res = await importFeed(t, service, '?defaultCategory=wellbeing');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.counts).toEqual({ created: 3, updated: 0, unchanged: 0, skipped: 0 });
    const providerId = res.body.providers[0].id;
    const venue = await t.call('GET', `/v1/providers/${providerId}/venues/${res.body.venues[0].id}`, { as: 'manager' });
    // Its address's city and state_province are the venue's town and county.
    expect(venue.body).toMatchObject({ name: 'MyCity Civic Center', postcode: 'LU1 2AB', town: 'MyCity', county: 'MyState', providerId });
    const activity = await t.call('GET', `/v1/providers/${providerId}/activities/${res.body.activities[0].id}`, { as: 'manager' });
    expect(activity.body).toMatchObject({
      name: 'Community Counselling',
      category: 'wellbeing',
      venueId: res.body.venues[0].id,
      schedule: [
        { day: 'thursday', startTime: '10:00', endTime: '18:00' },
        { day: 'friday', startTime: '10:00', endTime: '18:00' },
      ],
    });
    const provider = await t.call('GET', `/v1/providers/${providerId}`, { as: 'manager' });
    expect(provider.body).toMatchObject({ categories: ['wellbeing'], accreditation: { status: 'pending' } });

    // Again: all unchanged. Then renamed in the feed: updated in place, same ids.
    const again = await importFeed(t, service, '?defaultCategory=wellbeing');
    expect(again.body.counts).toEqual({ created: 0, updated: 0, unchanged: 3, skipped: 0 });
    const renamed = structuredClone(service);
    renamed.name = 'Community Counselling (evenings)';
    renamed.service_at_locations[0].location.name = 'Civic Centre';
    renamed.schedules[0].byday = 'MO';
    const changed = await importFeed(t, renamed, '?defaultCategory=wellbeing');
    expect(changed.body.counts).toEqual({ created: 0, updated: 2, unchanged: 1, skipped: 0 });
    expect(changed.body.activities[0]).toMatchObject({ outcome: 'updated', id: res.body.activities[0].id });
    const after = await t.call('GET', `/v1/providers/${providerId}/activities/${res.body.activities[0].id}`, { as: 'manager' });
    expect(after.body).toMatchObject({ name: 'Community Counselling (evenings)', schedule: [{ day: 'monday', startTime: '10:00', endTime: '18:00' }] });
    const venues = await t.call('GET', `/v1/providers/${providerId}/venues`, { as: 'manager' });
    expect(venues.body.items).toEqual([expect.objectContaining({ name: 'Civic Centre' })]);
  });

  it('round trip: a feed’s town and county reach the venue, and from there the published feed’s address', async () => {
    const service = fittingService();
    const address = service.service_at_locations[0].location.addresses[0];
    Object.assign(address, { city: 'Luton', state_province: 'Bedfordshire', country: 'GB', address_type: 'physical' });
    const res = await importFeed(t, service, '?defaultCategory=wellbeing');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const providerId = res.body.providers[0].id;
    const venuePath = `/v1/providers/${providerId}/venues/${res.body.venues[0].id}`;
    expect((await t.call('GET', venuePath, { as: 'manager' })).body).toMatchObject({ town: 'Luton', county: 'Bedfordshire' });

    // A new town in the feed updates it; a feed without one (or with one too long to keep) leaves the venue's own.
    address.city = 'Dunstable';
    expect((await importFeed(t, service, '?defaultCategory=wellbeing')).body.venues[0]).toMatchObject({ outcome: 'updated' });
    expect((await t.call('GET', venuePath, { as: 'manager' })).body).toMatchObject({ town: 'Dunstable', county: 'Bedfordshire' });
    delete address.city;
    address.state_province = 'x'.repeat(61);
    expect((await importFeed(t, service, '?defaultCategory=wellbeing')).body.venues[0]).toMatchObject({ outcome: 'unchanged' });
    expect((await t.call('GET', venuePath, { as: 'manager' })).body).toMatchObject({ town: 'Dunstable', county: 'Bedfordshire' });

    // Accredited, the provider is published: the location's address says the imported town and county.
    await t.call('PUT', `/v1/providers/${providerId}/accreditation`, { as: 'manager', body: { status: 'accredited', validUntil: '2027-03-31' } });
    const published = await t.call('GET', `/oruk/services/${ulidToUuid(res.body.activities[0].id)}`);
    expect(published.status, published.text).toBe(200);
    expect(published.body.service_at_locations[0].location.addresses).toEqual([
      expect.objectContaining({ city: 'Dunstable', state_province: 'Bedfordshire', postal_code: 'LU1 2AB', country: 'GB' }),
    ]);
  });

  it('an ended schedule is left out with a note; a service the feed does not classify is skipped without a default category', async () => {
    const service = withFreshIds(example('service_full.json'));
    service.service_at_locations[0].location.addresses[0].postal_code = 'LU2 7HA';
    const unclassified = await importFeed(t, service);
    expect(unclassified.body.activities).toEqual([expect.objectContaining({ outcome: 'skipped', reason: 'no_category' })]);
    service.attributes[0].taxonomy_term.term = 'Physical activity';
    const classified = await importFeed(t, service);
    expect(classified.body.activities).toEqual([
      expect.objectContaining({ outcome: 'created', notes: [expect.stringContaining('ended on 2005-01-01')] }),
    ]);
    const activity = await t.call('GET', `/v1/providers/${classified.body.providers[0].id}/activities/${classified.body.activities[0].id}`, { as: 'manager' });
    expect(activity.body.category).toBe('physical');
    expect(activity.body.schedule).toBeUndefined();
  });

  it('an accredited provider keeps its accreditation and categories; a service in another area is skipped', async () => {
    const service = fittingService();
    const first = await importFeed(t, service, '?defaultCategory=wellbeing');
    const providerId = first.body.providers[0].id;
    await t.call('PUT', `/v1/providers/${providerId}/accreditation`, { as: 'manager', body: { status: 'accredited', validUntil: '2027-03-31' } });
    const second = await importFeed(t, service, '?defaultCategory=advice');
    expect(second.body.activities).toEqual([expect.objectContaining({ outcome: 'skipped', reason: 'category_not_accredited' })]);
    const provider = await t.call('GET', `/v1/providers/${providerId}`, { as: 'manager' });
    expect(provider.body).toMatchObject({ categories: ['wellbeing'], accreditation: { status: 'accredited', validUntil: '2027-03-31' } });
  });
});

describe.skipIf(!orukDir)('a pending provider at the door', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: NOW });
  });

  it('is refused at a scan (provider_not_accredited) until a manager accredits it', async () => {
    const res = await importFeed(t, fittingService(), '?defaultCategory=social');
    const providerId = res.body.providers[0].id;
    const venueId = res.body.venues[0].id;
    const activityId = res.body.activities[0].id;
    const token = (await t.issuer.mint({ role: 'provider', providerId, sub: 'door-device' }, t.clock.now())).token;
    const scan = () =>
      t.call('POST', '/v1/scans', { token, body: { scanId: randomUUID(), cardId: 'PENDING-CARD-1', venueId, activityId, scannedAt: t.clock.now().toISOString() } });
    const refused = await scan();
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ status: 'rejected', reason: 'provider_not_accredited' });

    await t.call('PUT', `/v1/providers/${providerId}/accreditation`, { as: 'manager', body: { status: 'accredited', validUntil: '2027-03-31' } });
    // Past the provider's own checks now: the card is the next thing the door hears about.
    const next = await scan();
    expect(next.body).toMatchObject({ status: 'rejected', reason: 'unknown_card' });
  });

  it('cannot be prescribed: its activities are refused as not accredited', async () => {
    const res = await importFeed(t, fittingService(), '?defaultCategory=social');
    const patient = await t.call('POST', '/v1/referrals', {
      as: 'navigator',
      body: { patient: { givenName: 'Pending', familyName: `Test${Date.now()}`, dateOfBirth: '1950-01-01' }, source: 'gp', reasons: ['isolation'] },
    });
    expect(patient.status, JSON.stringify(patient.body)).toBe(201);
    const prescription = await t.call('POST', '/v1/prescriptions', {
      as: 'navigator',
      body: { patientId: patient.body.patientId, startDate: '2026-03-09', goals: ['g'], activityIds: [res.body.activities[0].id] },
    });
    expect(prescription.status).toBe(400);
    expect(JSON.stringify(prescription.body)).toContain('provider_not_accredited');
  });
});

describe.skipIf(!orukDir)('broken feeds: a 400 naming what is wrong, and nothing written', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: NOW });
  });

  const page = (...contents: unknown[]) => ({ ...example('service_list.json'), contents });
  const cases: [string, () => unknown, { path: string; code: string }][] = [
    ['a service without an id', () => page({ ...withFreshIds(example('service_full.json')), id: undefined }), { path: 'contents.0.id', code: 'invalid_type' }],
    ['an organization without an id', () => {
      const s = withFreshIds(example('service_full.json'));
      delete s.organization.id;
      return page(s);
    }, { path: 'contents.0.organization.id', code: 'invalid_type' }],
    ['a status that is a number', () => page({ ...withFreshIds(example('service_full.json')), status: 3 }), { path: 'contents.0.status', code: 'invalid_value' }],
    ['a name that is not a string', () => page({ ...withFreshIds(example('service_full.json')), name: ['x'] }), { path: 'contents.0.name', code: 'invalid_type' }],
    ['schedules that are not a list', () => page({ ...withFreshIds(example('service_full.json')), schedules: 'weekly' }), { path: 'contents.0.schedules', code: 'invalid_type' }],
    ['a location of an unknown type', () => {
      const s = withFreshIds(example('service_full.json'));
      s.service_at_locations[0].location.location_type = 'castle';
      return page(s);
    }, { path: 'contents.0.service_at_locations.0.location.location_type', code: 'invalid_value' }],
    ['the same service twice', () => {
      const s = withFreshIds(example('service_full.json'));
      return page(s, s);
    }, { path: 'contents.1.id', code: 'duplicate_id' }],
    ['the same service at a location twice', () => {
      const a = withFreshIds(example('service_full.json'));
      const b = withFreshIds(example('service_full.json'));
      b.service_at_locations[0].id = a.service_at_locations[0].id;
      return page(a, b);
    }, { path: 'contents.1.service_at_locations.0.id', code: 'duplicate_id' }],
    ['one organization with two names', () => {
      const a = withFreshIds(example('service_full.json'));
      const b = withFreshIds(example('service_full.json'));
      b.organization = { ...a.organization, name: 'Someone else' };
      return page(a, b);
    }, { path: 'contents.1.organization.name', code: 'conflicting_organization' }],
    ['a service naming no organization', () => {
      const s = withFreshIds(example('service_list.json').contents[0]);
      delete s.organization;
      return page(s);
    }, { path: 'contents.0.organization', code: 'missing_organization' }],
    ['an id that cannot be a key', () => page({ ...withFreshIds(example('service_full.json')), id: 'has spaces#and hashes' }), { path: 'contents.0.id', code: 'invalid_format' }],
    ['contents that are not a list', () => ({ contents: { id: 'x' } }), { path: 'contents', code: 'invalid_type' }],
    ['a page with no services', () => page(), { path: 'contents', code: 'empty_feed' }],
    ['something that is not a feed', () => ({ hello: 'world' }), { path: '(body)', code: 'not_a_service_feed' }],
    ['a bare number', () => 42, { path: '(body)', code: 'not_a_service_feed' }],
  ];

  it.each(cases)('%s', async (_name, build, expected) => {
    // A valid service beside the broken one: it is not written either.
    const body = build() as any;
    if (Array.isArray(body?.contents) && body.contents.length > 0 && expected.code !== 'duplicate_id' && expected.code !== 'conflicting_organization') {
      body.contents.unshift(fittingService());
      expected = { ...expected, path: expected.path.replace(/^contents\.(\d+)/, (_m, n) => `contents.${Number(n) + 1}`) };
    }
    const before = await tableSnapshot(t.db);
    const res = await importFeed(t, body, '?defaultCategory=social');
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'body', ...expected, message: expect.any(String) })]));
    expect(diffSnapshots(before, await tableSnapshot(t.db))).toEqual({ added: [], removed: [], changed: [] });
  });

  it('malformed JSON is a 400, not a 500', async () => {
    const res = await t.call('POST', '/v1/registry/imports', { as: 'manager', body: '{"contents": [' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('an unknown default category is a 400 on the query', async () => {
    const res = await importFeed(t, fittingService(), '?defaultCategory=knitting');
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ in: 'query', path: 'defaultCategory' });
  });

  it('takes a feed over the app’s usual 64 KiB, and refuses one over 4 MiB with 413', async () => {
    const big = fittingService();
    big.description = 'x'.repeat(200 * 1024);
    expect((await importFeed(t, big, '?defaultCategory=social')).status).toBe(200);
    const huge = fittingService();
    huge.description = 'x'.repeat(4 * 1024 * 1024 + 1);
    const before = await tableSnapshot(t.db);
    const res = await importFeed(t, huge, '?defaultCategory=social');
    expect(res.status).toBe(413);
    expect(isEmptyDiff(diffSnapshots(before, await tableSnapshot(t.db)))).toBe(true);
    // Every other route keeps the 64 KiB limit.
    const other = await t.call('POST', '/v1/providers', { as: 'manager', body: { name: 'x'.repeat(70 * 1024) } });
    expect(other.status).toBe(413);
  });

  it('providers, navigators and anonymous callers may not import', async () => {
    expect((await t.call('POST', '/v1/registry/imports', { body: fittingService() })).status).toBe(401);
    expect((await t.call('POST', '/v1/registry/imports', { as: 'navigator', body: fittingService() })).status).toBe(403);
  });
});

/** A feed of `services` services under `organizations` organizations, each service at a location of its own. */
function largeFeed(services: number, organizations: number) {
  const base = fittingService();
  const orgs = Array.from({ length: organizations }, (_, i) => ({ id: randomUUID(), name: `Large Org ${i}`, description: 'd' }));
  return {
    contents: Array.from({ length: services }, (_, i) => ({
      ...base,
      id: randomUUID(),
      name: `Service ${i}`,
      organization: orgs[i % organizations],
      service_at_locations: [{ id: randomUUID(), location: { ...base.service_at_locations[0].location, id: randomUUID(), name: `Hall ${i}` } }],
    })),
  };
}

describe.skipIf(!orukDir)('a feed larger than one transaction', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: NOW });
  });

  it('is written in transactions of at most 100 items, and importing it again changes nothing', async () => {
    const feed = largeFeed(60, 4); // 4 providers + 60 venues + 60 activities, each with its pointer: 248 items
    const res = await importFeed(t, feed, '?defaultCategory=advice');
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body.counts).toEqual({ created: 124, updated: 0, unchanged: 0, skipped: 0 });
    expect(res.body.transactions).toBe(3);
    const again = await importFeed(t, feed, '?defaultCategory=advice');
    expect(again.body.counts).toEqual({ created: 0, updated: 0, unchanged: 124, skipped: 0 });
    const activities = await t.call('GET', `/v1/providers/${res.body.providers[0].id}/activities?limit=100`, { as: 'manager' });
    expect(activities.body.items).toHaveLength(15);
  });

  /** The test table, with the n-th TransactWriteItems handed to `instead` (which may send it on). */
  function interrupting(db: Db, n: number, instead: (command: TransactWriteCommand) => Promise<unknown>): Db {
    let seen = 0;
    const client = new Proxy(db.client, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: unknown) => {
          if (command instanceof TransactWriteCommand && ++seen === n) return instead(command);
          return target.send(command as never);
        };
      },
    });
    return { ...db, client };
  }

  const serviceOn = (db: Db) => new RegistryImportService({ imports: new RegistryImportStore(db), clock: t.clock, ids: ulidSource(t.clock), logger: t.services.logger });

  it('cut short by a crash after its first transaction, it resumes safely when sent again: nothing doubled, nothing lost', async () => {
    const feed = largeFeed(60, 4);
    const crash = serviceOn(
      interrupting(t.db, 2, () => {
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }),
    );
    await expect(crash.importFeed(feed, { defaultCategory: 'advice' })).rejects.toThrow('socket hang up');

    const resumed = await importFeed(t, feed, '?defaultCategory=advice');
    expect(resumed.status).toBe(200);
    // The first transaction (4 providers and 46 venues, each with its pointer) is found by feed ids.
    expect(resumed.body.counts).toEqual({ created: 74, updated: 0, unchanged: 50, skipped: 0 });
    let activities = 0;
    for (const entry of resumed.body.providers) {
      activities += (await t.call('GET', `/v1/providers/${entry.id}/activities?limit=100`, { as: 'manager' })).body.items.length;
    }
    expect(activities).toBe(60);
    const venues = await t.call('GET', `/v1/providers/${resumed.body.providers[0].id}/venues?limit=100`, { as: 'manager' });
    expect(venues.body.items).toHaveLength(15);
  });

  it('meeting a concurrent import of the same records, it stops with 409 import_interrupted, and sending it again finishes it', async () => {
    const feed = largeFeed(60, 4);
    const placement = feed.contents[59]!.service_at_locations[0]!.id;
    const racing = serviceOn(
      interrupting(t.db, 3, async (command) => {
        // Another import of the same feed wrote one of this transaction's records first.
        await t.db.client.send(
          new PutCommand({
            TableName: t.db.tableName,
            Item: { ...keys.importSource('service_at_location', placement), type: 'import_source', kind: 'service_at_location', sourceId: placement, targetId: 'GONE', providerId: 'GONE' },
          }),
        );
        return t.db.client.send(command);
      }),
    );
    const outcome = await racing.importFeed(feed, { defaultCategory: 'advice' });
    expect(outcome).toMatchObject({ kind: 'conflict', code: 'import_interrupted' });

    const again = await importFeed(t, feed, '?defaultCategory=advice');
    expect(again.status).toBe(200);
    expect(again.body.counts).toEqual({ created: 23, updated: 0, unchanged: 100, skipped: 1 });
    expect(again.body.activities.at(-1)).toMatchObject({ sourceId: placement, outcome: 'skipped', reason: 'imported_item_missing' });
  });
});

describe.skipIf(!orukDir)('POST /v1/registry/imports/from-url', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let served: unknown;
  beforeAll(async () => {
    t = await createTestApp({ now: NOW });
    // No internet here: the feed is served by a local HTTP server, and the fetcher is told to allow it.
    server = createServer((req, res) => {
      if (req.url !== '/services') {
        res.writeHead(404);
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return () => new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const withFetcher = () => createApp({ ...t.services, feedFetcher: new HttpFeedFetcher({ timeoutMs: 2_000, maxBytes: 1024 * 1024, protocols: ['http:'], allowPrivateAddresses: true }) });
  const post = async (app: ReturnType<typeof createApp>, body: unknown, query = '') => {
    const res = await app.request(`/v1/registry/imports/from-url${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.tokenFor('manager')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('fetches the feed and imports it as an upload would', async () => {
    served = { ...example('service_list.json'), contents: [fittingService()] };
    const res = await post(withFetcher(), { url: `${base}/services` }, '?defaultCategory=advice');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.counts).toEqual({ created: 3, updated: 0, unchanged: 0, skipped: 0 });
  });

  it('a feed the server cannot fetch, or a broken one, is a 400 naming it; nothing is written', async () => {
    const before = await tableSnapshot(t.db);
    const missing = await post(withFetcher(), { url: `${base}/nowhere` });
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues).toEqual([expect.objectContaining({ path: 'url', code: 'feed_http_error' })]);
    served = { contents: [{ id: 'x', name: 'No status' }] };
    const broken = await post(withFetcher(), { url: `${base}/services` });
    expect(broken.status).toBe(400);
    expect(broken.body.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: '(feed).contents.0.status' })]));
    expect(isEmptyDiff(diffSnapshots(before, await tableSnapshot(t.db)))).toBe(true);
  });

  it('without a fetcher (local mode unless IMPORT_FEED_URLS=on) it is a 409 feed_urls_disabled', async () => {
    const res = await t.call('POST', '/v1/registry/imports/from-url', { as: 'admin', body: { url: 'https://directory.example.org/services' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('feed_urls_disabled');
  });

  it('a body without a url is a 400', async () => {
    const res = await t.call('POST', '/v1/registry/imports/from-url', { as: 'admin', body: { link: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path: 'url' });
  });
});
