import { OpenAPIHono, z } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { ErrorSchema, defineRoute, failWith, jsonResponse, notFoundError, publicAccess, validationHook, type AppEnv } from '#shared/platform/http';
import { OPENAPI_PATH } from '#shared/platform/app';
import { isValidPostcode, normalisePostcode } from '#shared/registry/rules';
import { DAY_CODES, ORUK_PROFILE_URL, ORUK_VERSION, type DayCode, type ServiceFilter } from './rules';
import type { DirectoryService } from './service';

const tags = ['Directory (Open Referral UK v3.0)'];
const SCHEMA_BASE = 'https://raw.githubusercontent.com/openreferral/uk-profile/main/schema';

const badRequest = { 400: jsonResponse('An invalid query parameter or id; `issues` names it.', ErrorSchema) };

// ---------- query parameters ----------

const DAY_NAMES: Record<string, DayCode> = { monday: 'MO', tuesday: 'TU', wednesday: 'WE', thursday: 'TH', friday: 'FR', saturday: 'SA', sunday: 'SU' };

const Day = z
  .string()
  .transform((value, ctx) => {
    const lower = value.trim().toLowerCase();
    const code = DAY_NAMES[lower] ?? DAY_CODES.find((candidate) => candidate.toLowerCase() === lower);
    if (!code) {
      ctx.addIssue({ code: 'custom', message: 'must be a day: MO, TU, WE, TH, FR, SA, SU (or its name, e.g. monday)' });
      return z.NEVER;
    }
    return code;
  })
  .openapi({ type: 'string', description: 'A day of the week: RFC 5545 code (MO…SU) or name (monday…sunday).', example: 'MO' });

const Time = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be a 24-hour time, HH:MM or HH:MM:SS')
  .transform((value) => value.slice(0, 5))
  .openapi({ type: 'string', example: '09:00' });

const Instant = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) && !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 date or date-time with a zone, e.g. 2026-11-01T00:00:00Z')
  .openapi({ type: 'string', format: 'date-time', example: '2026-11-01T00:00:00Z' });

const OUTWARD_CODE = /^[A-Z]{1,2}\d[A-Z\d]?$/;
const Postcode = z
  .string()
  .max(10)
  .transform((value, ctx) => {
    const trimmed = value.trim().toUpperCase();
    if (OUTWARD_CODE.test(trimmed)) return trimmed;
    if (isValidPostcode(trimmed)) return normalisePostcode(trimmed);
    ctx.addIssue({ code: 'custom', message: 'must be a UK postcode (LU1 2AB) or its outward code (LU1)' });
    return z.NEVER;
  })
  .openapi({ type: 'string', description: 'Venues in this postcode, or in this postcode district (the outward code).', example: 'LU1' });

const PageParams = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1).openapi({ description: 'Page number, from 1.' }),
  per_page: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'Items per page, 1–200 (default 50).' }),
});

const ServiceQuery = PageParams.extend({
  search: z.string().trim().max(200).optional().openapi({ description: 'Words that must all appear in the service, organisation, venue or area name.' }),
  taxonomy_term_id: z.string().max(100).optional().openapi({ description: 'Services in this area (a term of the Waymark taxonomy).' }),
  taxonomy_id: z.string().max(100).optional(),
  day: Day.optional(),
  start_time: Time.optional().openapi({ description: 'A session starting at or after this time (UK time).' }),
  end_time: Time.optional().openapi({ description: 'A session ending at or before this time (UK time).' }),
  modified_after: Instant.optional().openapi({ description: 'Services changed at or after this instant.' }),
});
const ServiceAtLocationQuery = ServiceQuery.extend({ postcode: Postcode.optional() });

const IdPath = z.object({ id: z.string().min(1).max(100).openapi({ description: 'The feed id (a UUID).' }) });

// ---------- answers (documented by reference to the profile's own schemas) ----------

const OrukObject = (name: string, schema: string) =>
  z.record(z.string(), z.unknown()).openapi(name, { description: `An ORUK v3.0 object: ${SCHEMA_BASE}/${schema}` });

const pageOfOruk = (name: string, item: z.ZodType) =>
  z
    .object({
      total_items: z.number().int(),
      total_pages: z.number().int(),
      page_number: z.number().int(),
      size: z.number().int(),
      first_page: z.boolean(),
      last_page: z.boolean(),
      empty: z.boolean(),
      contents: z.array(item),
    })
    .openapi(name);

const Service = OrukObject('OrukService', 'compiled/service.json');
const ServiceListItem = OrukObject('OrukServiceListItem', 'compiled/service_list.json');
const ServiceAtLocation = OrukObject('OrukServiceAtLocation', 'compiled/service_at_location.json');
const ServiceAtLocationListItem = OrukObject('OrukServiceAtLocationListItem', 'compiled/service_at_location_list.json');
const Taxonomy = OrukObject('OrukTaxonomy', 'taxonomy.json');
const TaxonomyTerm = OrukObject('OrukTaxonomyTerm', 'taxonomy_term.json');

const ApiInfo = z
  .object({ version: z.string(), profile: z.string().openapi({ format: 'uri' }), openapi_url: z.string().openapi({ format: 'uri' }) })
  .openapi('OrukApiInfo');

const description = 'Public and read-only (no token; any origin may read it). Only accredited providers that have not opted out are published; no patient data is ever in it.';

export const directoryRoutes = {
  info: defineRoute(publicAccess, {
    method: 'get',
    path: '/oruk/',
    tags,
    summary: 'The ORUK feed: its version, profile and OpenAPI document',
    description,
    responses: { 200: jsonResponse('About this feed', ApiInfo) },
  }),
  listServices: defineRoute(publicAccess, {
    method: 'get',
    path: '/oruk/services',
    tags,
    summary: 'A page of services (activities of published providers)',
    description,
    request: { query: ServiceQuery },
    responses: { 200: jsonResponse('A page of services', pageOfOruk('OrukServicePage', ServiceListItem)), ...badRequest },
  }),
  getService: defineRoute(publicAccess, {
    method: 'get',
    path: '/oruk/services/{id}',
    tags,
    summary: 'A service in full: schedules, location, organisation, area',
    description,
    request: { params: IdPath },
    responses: { 200: jsonResponse('The service', Service), ...badRequest, ...notFoundError },
  }),
  listServicesAtLocations: defineRoute(publicAccess, {
    method: 'get',
    path: '/oruk/service_at_locations',
    tags,
    summary: 'A page of services at their locations (venues)',
    description,
    request: { query: ServiceAtLocationQuery },
    responses: { 200: jsonResponse('A page of services at locations', pageOfOruk('OrukServiceAtLocationPage', ServiceAtLocationListItem)), ...badRequest },
  }),
  getServiceAtLocation: defineRoute(publicAccess, {
    method: 'get',
    path: '/oruk/service_at_locations/{id}',
    tags,
    summary: 'A service at a location in full',
    description,
    request: { params: IdPath },
    responses: { 200: jsonResponse('The service at a location', ServiceAtLocation), ...badRequest, ...notFoundError },
  }),
  listTaxonomies: defineRoute(publicAccess, {
    method: 'get',
    path: '/oruk/taxonomies',
    tags,
    summary: 'The taxonomies (one: the Waymark accreditation areas)',
    description,
    request: { query: PageParams },
    responses: { 200: jsonResponse('A page of taxonomies', pageOfOruk('OrukTaxonomyPage', Taxonomy)), ...badRequest },
  }),
  getTaxonomy: defineRoute(publicAccess, {
    method: 'get',
    path: '/oruk/taxonomies/{id}',
    tags,
    summary: 'A taxonomy with its terms',
    description,
    request: { params: IdPath },
    responses: { 200: jsonResponse('The taxonomy', Taxonomy), ...badRequest, ...notFoundError },
  }),
  listTaxonomyTerms: defineRoute(publicAccess, {
    method: 'get',
    path: '/oruk/taxonomy_terms',
    tags,
    summary: 'The taxonomy terms: the five accreditation areas',
    description,
    request: { query: PageParams },
    responses: { 200: jsonResponse('A page of taxonomy terms', pageOfOruk('OrukTaxonomyTermPage', TaxonomyTerm)), ...badRequest },
  }),
  getTaxonomyTerm: defineRoute(publicAccess, {
    method: 'get',
    path: '/oruk/taxonomy_terms/{id}',
    tags,
    summary: 'A taxonomy term',
    description,
    request: { params: IdPath },
    responses: { 200: jsonResponse('The taxonomy term', TaxonomyTerm), ...badRequest, ...notFoundError },
  }),
};

export interface DirectoryRoutesDeps {
  directoryService: DirectoryService;
}

type ServiceQueryT = z.infer<typeof ServiceAtLocationQuery>;

function filterOf(query: Partial<ServiceQueryT>): ServiceFilter {
  return {
    search: query.search || undefined,
    taxonomyTermId: query.taxonomy_term_id,
    taxonomyId: query.taxonomy_id,
    day: query.day,
    startTime: query.start_time,
    endTime: query.end_time,
    modifiedAfter: query.modified_after,
    postcode: query.postcode,
  };
}

/** Feed answers may be cached for a minute by browsers and CDNs: the registry changes rarely. */
const CACHE_CONTROL = 'public, max-age=60';

export function directoryApp({ directoryService: directory }: DirectoryRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // The profile asks for a feed any web page may read: every answer (errors too) allows any origin.
  app.use('/oruk/*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'] }));
  app.use('/oruk/*', async (c, next) => {
    await next();
    if (c.res.status === 200) c.header('Cache-Control', CACHE_CONTROL);
  });

  app.openapi(directoryRoutes.info, (c) =>
    c.json({ version: ORUK_VERSION, profile: ORUK_PROFILE_URL, openapi_url: new URL(OPENAPI_PATH, c.req.url).href }, 200),
  );

  app.openapi(directoryRoutes.listServices, async (c) => {
    const query = c.req.valid('query');
    return c.json(await directory.listServices(filterOf(query), { page: query.page, perPage: query.per_page }), 200);
  });

  app.openapi(directoryRoutes.getService, async (c) => {
    const outcome = await directory.getService(c.req.valid('param').id);
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(directoryRoutes.listServicesAtLocations, async (c) => {
    const query = c.req.valid('query');
    return c.json(await directory.listServicesAtLocations(filterOf(query), { page: query.page, perPage: query.per_page }), 200);
  });

  app.openapi(directoryRoutes.getServiceAtLocation, async (c) => {
    const outcome = await directory.getServiceAtLocation(c.req.valid('param').id);
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(directoryRoutes.listTaxonomies, (c) => {
    const query = c.req.valid('query');
    return c.json(directory.listTaxonomies({ page: query.page, perPage: query.per_page }), 200);
  });

  app.openapi(directoryRoutes.getTaxonomy, (c) => {
    const outcome = directory.getTaxonomy(c.req.valid('param').id);
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(directoryRoutes.listTaxonomyTerms, (c) => {
    const query = c.req.valid('query');
    return c.json(directory.listTaxonomyTerms({ page: query.page, perPage: query.per_page }), 200);
  });

  app.openapi(directoryRoutes.getTaxonomyTerm, (c) => {
    const outcome = directory.getTaxonomyTerm(c.req.valid('param').id);
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  return app;
}
