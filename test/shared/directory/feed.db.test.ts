import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { referralBody } from '../../support/fixtures';
import { orukDir } from '../../support/reference';
import { ulidToUuid } from '#shared/directory/rules';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/** The day the tests run on (London): 20 November 2026. */
const NOW = '2026-11-20T10:00:00.000Z';
const TODAY = '2026-11-20';

let t: TestApp;
const ids = {} as Record<'walkers' | 'park' | 'walk' | 'coffee' | 'advice' | 'library' | 'debt' | 'boxing' | 'singers' | 'refuge' | 'patient' | 'nhsNumber', string>;

async function provider(name: string, categories: string[], accreditation: { status: string; validUntil: string }) {
  const res = await t.call('POST', '/v1/providers', { as: 'admin', body: { name, categories, accreditation } });
  expect(res.status).toBe(201);
  return res.body.providerId as string;
}

async function venue(providerId: string, name: string, postcode: string, place: { town?: string; county?: string } = {}) {
  const res = await t.call('POST', `/v1/providers/${providerId}/venues`, { as: 'admin', body: { name, postcode, ...place } });
  expect(res.status).toBe(201);
  return res.body.venueId as string;
}

async function activity(providerId: string, body: Record<string, unknown>) {
  const res = await t.call('POST', `/v1/providers/${providerId}/activities`, { as: 'admin', body });
  expect(res.status).toBe(201);
  return res.body.activityId as string;
}

/** Every GET of the feed the tests make, kept to check none of them carries patient data. */
const answers: { path: string; text: string }[] = [];
async function feed(path: string) {
  const res = await t.call('GET', path);
  answers.push({ path, text: res.text });
  return res;
}

beforeAll(async () => {
  t = await createTestApp({ now: NOW });
  // Published: accredited today or later, listed.
  ids.walkers = await provider('Wardown Walkers', ['physical', 'social'], { status: 'accredited', validUntil: '2027-06-30' });
  ids.park = await venue(ids.walkers, 'Wardown Park Pavilion', 'lu2 7ha');
  ids.walk = await activity(ids.walkers, {
    venueId: ids.park,
    name: 'Health walk',
    category: 'physical',
    schedule: [
      { day: 'wednesday', startTime: '14:00', endTime: '15:30' },
      { day: 'monday', startTime: '10:00', endTime: '11:00' },
    ],
  });
  ids.coffee = await activity(ids.walkers, { venueId: ids.park, name: 'After-walk coffee', category: 'social' });
  ids.advice = await provider('Town Centre Advice Hub', ['advice'], { status: 'accredited', validUntil: TODAY });
  // A venue with its own town and county: its address says them, not the scheme's locality.
  ids.library = await venue(ids.advice, 'Central Library', 'LU6 1AA', { town: 'Dunstable', county: 'Central Bedfordshire' });
  ids.debt = await activity(ids.advice, { venueId: ids.library, name: 'Debt advice drop-in', category: 'advice', schedule: [{ day: 'friday', startTime: '09:00', endTime: '12:00' }] });
  // Not published: suspended; lapsed by date; opted out; pending (an import's).
  ids.boxing = await provider('Bury Park Boxing Club', ['physical'], { status: 'suspended', validUntil: '2027-06-30' });
  await activity(ids.boxing, { venueId: await venue(ids.boxing, 'Boxing Gym', 'LU4 8AA'), name: 'Boxing fitness', category: 'physical' });
  ids.singers = await provider('Leagrave Singers', ['social'], { status: 'accredited', validUntil: '2026-11-19' });
  await activity(ids.singers, { venueId: await venue(ids.singers, 'Leagrave Hall', 'LU4 9LR'), name: 'Community choir', category: 'social' });
  ids.refuge = await provider('Quiet Refuge', ['wellbeing'], { status: 'accredited', validUntil: '2027-06-30' });
  await activity(ids.refuge, { venueId: await venue(ids.refuge, 'Safe House', 'LU3 1AA'), name: 'Wellbeing circle', category: 'wellbeing' });
  const optOut = await t.call('PUT', `/v1/providers/${ids.refuge}/listing`, { as: 'manager', body: { listed: false } });
  expect(optOut.status).toBe(200);
  expect(optOut.body.listed).toBe(false);

  // Patients with distinctive details, prescribed one of the published activities.
  const body = referralBody({
    patient: { givenName: 'Zebedee', familyName: 'Quixotewright', postcode: 'LU2 7HA', phone: '07700 900777', email: 'zebedee.q@example.org', gpPractice: 'Unusualname Surgery' },
    notes: 'Xylophone-lesson anxiety disclosed',
  });
  const referral = await t.call('POST', '/v1/referrals', { as: 'navigator', body });
  expect(referral.status).toBe(201);
  ids.patient = referral.body.patientId;
  ids.nhsNumber = body.patient.nhsNumber as string;
  const prescription = await t.call('POST', '/v1/prescriptions', {
    as: 'navigator',
    body: { patientId: ids.patient, startDate: TODAY, goals: ['Walk with Quixotewright-friendly group'], activityIds: [ids.walk] },
  });
  expect(prescription.status).toBe(201);
}, 60_000);

describe('ORUK feed: what is published (issue 15, point 1)', () => {
  it('publishes the activities of providers accredited today and listed, and nothing else; total_items counts them', async () => {
    const res = await feed('/oruk/services');
    expect(res.status).toBe(200);
    expect(res.body.total_items).toBe(3);
    const names = res.body.contents.map((service: { name: string }) => service.name);
    expect(names).toEqual(['After-walk coffee', 'Debt advice drop-in', 'Health walk']);
    expect(res.text).not.toMatch(/Boxing|choir|Wellbeing circle|Quiet Refuge/);
  });

  it('checks total_items against the registry: every accredited, listed provider’s activities, by the registry’s own answers', async () => {
    const providers = await t.call('GET', '/v1/providers?limit=100', { as: 'manager' });
    let expected = 0;
    for (const p of providers.body.items) {
      if (!p.accreditation.currentlyAccredited || !p.listed) continue;
      const activities = await t.call('GET', `/v1/providers/${p.providerId}/activities?limit=100`, { as: 'manager' });
      expected += activities.body.items.length;
    }
    expect((await feed('/oruk/services')).body.total_items).toBe(expected);
    expect((await feed('/oruk/service_at_locations')).body.total_items).toBe(expected);
  });

  it('follows the clock: a provider accredited until today drops out tomorrow', async () => {
    t.clock.set(new Date('2026-11-21T10:00:00Z'));
    try {
      const res = await feed('/oruk/services');
      expect(res.body.total_items).toBe(2);
      expect(res.text).not.toContain('Debt advice');
    } finally {
      t.clock.set(new Date(NOW));
    }
  });

  it('lists a provider again when it opts back in, and the listing switch validates and 404s', async () => {
    expect((await t.call('PUT', `/v1/providers/${ids.refuge}/listing`, { as: 'manager', body: { listed: true } })).status).toBe(200);
    expect((await feed('/oruk/services')).body.total_items).toBe(4);
    expect((await t.call('PUT', `/v1/providers/${ids.refuge}/listing`, { as: 'manager', body: { listed: false } })).body.listed).toBe(false);
    expect((await feed('/oruk/services')).body.total_items).toBe(3);

    const bad = await t.call('PUT', `/v1/providers/${ids.refuge}/listing`, { as: 'manager', body: { listed: 'no' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('listed');
    expect((await t.call('PUT', '/v1/providers/01JD0000000000000000000000/listing', { as: 'manager', body: { listed: false } })).status).toBe(404);
    expect((await t.call('PUT', `/v1/providers/${ids.refuge}/listing`, { as: 'navigator', body: { listed: true } })).status).toBe(403);
    // New providers are listed by default.
    expect((await t.call('GET', `/v1/providers/${ids.walkers}`, { as: 'manager' })).body.listed).toBe(true);
  });

  it('maps an activity to a service: organisation, weekly schedule as RFC 5545 fields, venue with address and postcode, area, accreditation', async () => {
    const res = await feed(`/oruk/services/${ulidToUuid(ids.walk)}`);
    expect(res.status).toBe(200);
    const service = res.body;
    expect(service).toMatchObject({
      id: ulidToUuid(ids.walk),
      organization_id: ulidToUuid(ids.walkers),
      name: 'Health walk',
      status: 'active',
      assured_date: TODAY,
      organization: { id: ulidToUuid(ids.walkers), name: 'Wardown Walkers' },
    });
    expect(service.accreditations).toContain('until 2027-06-30');
    expect(service.schedules.map((s: Record<string, unknown>) => [s.freq, s.byday, s.opens_at, s.closes_at])).toEqual([
      ['WEEKLY', 'MO', '10:00:00', '11:00:00'],
      ['WEEKLY', 'WE', '14:00:00', '15:30:00'],
    ]);
    const [sal] = service.service_at_locations;
    expect(sal.location).toMatchObject({ id: ulidToUuid(ids.park), name: 'Wardown Park Pavilion', location_type: 'physical' });
    // The park has no town of its own: the scheme's locality (Luton, Bedfordshire) fills it in.
    expect(sal.location.addresses[0]).toMatchObject({ postal_code: 'LU2 7HA', city: 'Luton', state_province: 'Bedfordshire', country: 'GB' });
    // The library has its own, in the service and in the service at location (both validated below).
    const debt = (await feed(`/oruk/services/${ulidToUuid(ids.debt)}`)).body;
    expect(debt.service_at_locations[0].location.addresses).toEqual([
      expect.objectContaining({ address_1: 'Central Library', city: 'Dunstable', state_province: 'Central Bedfordshire', postal_code: 'LU6 1AA', country: 'GB', address_type: 'physical' }),
    ]);
    const debtAt = (await feed(`/oruk/service_at_locations/${debt.service_at_locations[0].id}`)).body;
    expect(debtAt.location.addresses[0]).toMatchObject({ city: 'Dunstable', state_province: 'Central Bedfordshire' });
    expect(service.attributes[0].taxonomy_term).toMatchObject({ term: 'physical', name: 'Physical activity' });
    // No empty optional field is sent as null.
    expect(res.text).not.toContain('null');
    // The service at that location is the same, read by its own id.
    const atLocation = await feed(`/oruk/service_at_locations/${sal.id}`);
    expect(atLocation.status).toBe(200);
    expect(atLocation.body.service.id).toBe(service.id);
  });

  it('filters by search, taxonomy term, day and times, modified_after and postcode', async () => {
    const names = async (query: string, path = '/oruk/services') =>
      (await feed(`${path}?${query}`)).body.contents.map((item: { name?: string; service?: { name: string } }) => item.name ?? item.service!.name);
    expect(await names('search=walk')).toEqual(['After-walk coffee', 'Health walk']);
    expect(await names('search=WARDOWN%20health')).toEqual(['Health walk']);
    expect(await names('search=advice')).toEqual(['Debt advice drop-in']);
    const terms = (await feed('/oruk/taxonomy_terms')).body.contents as { id: string; term: string }[];
    expect(terms.map((term) => term.term)).toEqual(['social', 'volunteering', 'physical', 'wellbeing', 'advice']);
    expect(await names(`taxonomy_term_id=${terms.find((term) => term.term === 'social')!.id}`)).toEqual(['After-walk coffee']);
    expect(await names('day=MO')).toEqual(['Health walk']);
    expect(await names('day=friday&start_time=09:00&end_time=12:00')).toEqual(['Debt advice drop-in']);
    expect(await names('day=WE&start_time=14:30')).toEqual([]);
    expect(await names('modified_after=2026-11-20T00:00:00Z')).toHaveLength(3);
    expect(await names('modified_after=2026-11-21T00:00:00Z')).toEqual([]);
    expect(await names('postcode=LU6', '/oruk/service_at_locations')).toEqual(['Debt advice drop-in']);
    expect(await names('postcode=lu27ha', '/oruk/service_at_locations')).toEqual(['After-walk coffee', 'Health walk']);
  });

  it('pages with the profile’s fields', async () => {
    const first = await feed('/oruk/services?per_page=2');
    expect(first.body).toMatchObject({ total_items: 3, total_pages: 2, page_number: 1, size: 2, first_page: true, last_page: false, empty: false });
    const second = await feed('/oruk/services?per_page=2&page=2');
    expect(second.body).toMatchObject({ total_items: 3, total_pages: 2, page_number: 2, size: 1, first_page: false, last_page: true, empty: false });
    const ids = [...first.body.contents, ...second.body.contents].map((service: { id: string }) => service.id);
    expect(new Set(ids).size).toBe(3);
    const none = await feed('/oruk/services?search=nothing-matches-this');
    expect(none.body).toMatchObject({ total_items: 0, total_pages: 0, size: 0, empty: true, contents: [] });
  });

  it('answers bad parameters with 400 naming the field, unknown ids with 404', async () => {
    for (const [query, field] of [
      ['page=0', 'page'],
      ['per_page=500', 'per_page'],
      ['day=someday', 'day'],
      ['start_time=25:00', 'start_time'],
      ['modified_after=yesterday', 'modified_after'],
    ] as const) {
      const res = await feed(`/oruk/services?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.issues[0]).toMatchObject({ in: 'query', path: field });
    }
    expect((await feed('/oruk/service_at_locations?postcode=NOTAPOSTCODE')).status).toBe(400);
    for (const path of ['/oruk/services/', '/oruk/service_at_locations/', '/oruk/taxonomies/', '/oruk/taxonomy_terms/']) {
      expect((await feed(`${path}00000000-0000-0000-0000-000000000000`)).status, path).toBe(404);
      expect((await feed(`${path}not-a-uuid`)).status, path).toBe(404);
    }
    // A provider that is not published is not found by id either.
    const boxing = await t.call('GET', `/v1/providers/${ids.boxing}/activities`, { as: 'manager' });
    expect((await feed(`/oruk/services/${ulidToUuid(boxing.body.items[0].activityId)}`)).status).toBe(404);
  });

  it('needs no token, lets any origin read it, and says which version and profile it is', async () => {
    const res = await t.app.request('/oruk/services', { headers: { origin: 'https://directory.example.org' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const info = await feed('/oruk/');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ version: '3.0', openapi_url: expect.stringMatching(/^http.*\/v1\/openapi\.json$/) });
    expect(info.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('carries no patient data in any answer', async () => {
    // Read every list and every item once more, so the check covers them all.
    for (const path of ['/oruk/', '/oruk/services', '/oruk/service_at_locations', '/oruk/taxonomies', '/oruk/taxonomy_terms']) {
      const res = await feed(`${path}?per_page=200`);
      for (const item of res.body.contents ?? []) {
        const itemPath = path === '/oruk/taxonomies' || path === '/oruk/taxonomy_terms' || path === '/oruk/services' || path === '/oruk/service_at_locations' ? `${path}/${item.id}` : undefined;
        if (itemPath) expect((await feed(itemPath)).status).toBe(200);
      }
    }
    expect(answers.length).toBeGreaterThan(30);
    const secrets = ['Zebedee', 'Quixotewright', '07700 900777', 'zebedee.q@example.org', 'Unusualname', 'Xylophone', ids.patient!, ids.nhsNumber!];
    for (const { path, text } of answers) for (const secret of secrets) expect(text, `${path} carries ${secret}`).not.toContain(secret);
  });
});

describe.skipIf(!orukDir)('ORUK feed: every answer is valid against the ORUK UK v3.0 schemas', () => {
  const dir = orukDir!;
  const schema = (file: string) => JSON.parse(readFileSync(join(dir, 'schema', file), 'utf8')) as Record<string, unknown>;
  let validators: Record<string, ValidateFunction>;

  beforeAll(() => {
    // The profile's schemas carry Table Schema keywords (constraints, core, example…): not strict.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(schema('taxonomy_term.json'), 'taxonomy_term.json');
    ajv.addSchema(schema('taxonomy.json'), 'taxonomy.json');
    for (const name of ['service', 'service_list', 'service_at_location', 'service_at_location_list']) ajv.addSchema(schema(`compiled/${name}.json`), `${name}.json`);
    // The profile's Page (from its OpenAPI document), with every paging field required and the list's items.
    const page = (schema('openapi.json') as { components: { schemas: { Page: Record<string, unknown> } } }).components.schemas.Page;
    const pageOf = (item: string) => ({
      allOf: [page],
      required: ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty', 'contents'],
      properties: { contents: { type: 'array', items: { $ref: item } } },
    });
    const info = (schema('openapi.json') as { paths: Record<string, { get: { responses: { 200: { content: { 'application/json': { schema: unknown } } } } } }> }).paths['/']!.get.responses[200].content['application/json'].schema as Record<string, unknown>;
    validators = {
      info: ajv.compile({ ...info, required: ['version', 'profile', 'openapi_url'] }),
      servicePage: ajv.compile(pageOf('service_list.json')),
      service: ajv.getSchema('service.json')!,
      salPage: ajv.compile(pageOf('service_at_location_list.json')),
      sal: ajv.getSchema('service_at_location.json')!,
      taxonomyPage: ajv.compile(pageOf('taxonomy.json')),
      taxonomy: ajv.getSchema('taxonomy.json')!,
      termPage: ajv.compile(pageOf('taxonomy_term.json')),
      term: ajv.getSchema('taxonomy_term.json')!,
    };
  });

  const expectValid = (validate: ValidateFunction, body: unknown, what: string) => {
    const valid = validate(body);
    expect(valid ? [] : validate.errors, what).toEqual([]);
  };

  it('validates the lists (with paging) and every item in full', async () => {
    expectValid(validators.info!, (await feed('/oruk/')).body, '/');
    const lists = [
      ['/oruk/services', validators.servicePage!, validators.service!],
      ['/oruk/service_at_locations', validators.salPage!, validators.sal!],
      ['/oruk/taxonomies', validators.taxonomyPage!, validators.taxonomy!],
      ['/oruk/taxonomy_terms', validators.termPage!, validators.term!],
    ] as const;
    let items = 0;
    for (const [path, pageValidator, itemValidator] of lists) {
      for (const query of ['', '?per_page=1&page=2', '?search=nothing-matches-this']) {
        const page = await feed(`${path}${query}`);
        expect(page.status).toBe(200);
        expectValid(pageValidator, page.body, `${path}${query}`);
      }
      for (const item of (await feed(path)).body.contents) {
        const res = await feed(`${path}/${item.id}`);
        expectValid(itemValidator, res.body, `${path}/${item.id}`);
        items += 1;
      }
    }
    expect(items).toBe(3 + 3 + 1 + 5);
  });

  it('rejects what breaks the schema (the validator can fail)', () => {
    expect(validators.servicePage!({ total_items: 1, contents: [{ id: 'not-a-uuid', name: 'x', status: 'active' }] })).toBe(false);
    expect(validators.service!({ id: '0190a5a0-0000-7000-8000-000000000000', name: 'x', status: null })).toBe(false);
  });
});
