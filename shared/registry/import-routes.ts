import { OpenAPIHono, z } from '@hono/zod-openapi';
import { anyRole, commonErrors, conflictError, defineRoute, failWith, jsonBody, jsonResponse, validationHook, type AppEnv } from '#shared/platform/http';
import { MAX_FEED_SERVICES, SKIP_REASONS } from './import-constants';
import type { RegistryImports } from './import-lazy';
import type { ImportResult } from './import-service';
import { Category } from './schema';

const tags = ['Registry'];
const managers = anyRole('manager', 'admin');

/** The paths whose bodies may be larger than the app's 64 KiB: an ORUK feed of a few hundred services. */
export const IMPORT_PATH = '/v1/registry/imports';
export const IMPORT_MAX_BODY_BYTES = 4 * 1024 * 1024;

const ImportQuery = z.object({
  defaultCategory: Category.optional().openapi({
    description: 'The area for services whose taxonomy terms name none of the five; without it those services are skipped (`no_category`).',
  }),
});

const Entry = z
  .object({
    sourceId: z.string().openapi({ description: "The feed's id (a venue's is `<location id>@<organization id>`: one organization's use of a location)." }),
    name: z.string().optional(),
    outcome: z.enum(['created', 'updated', 'unchanged', 'skipped']),
    id: z.string().optional().openapi({ description: 'The Waymark id: providerId, venueId or activityId.' }),
    reason: z.enum(SKIP_REASONS).optional().openapi({ description: 'Why it was skipped.' }),
    message: z.string().optional(),
    notes: z.array(z.string()).optional().openapi({ description: 'What was left out of an imported record (e.g. a monthly schedule).' }),
  })
  .openapi('ImportEntry');

const ImportReport = z
  .object({
    providers: z.array(Entry).openapi({ description: 'One per ORUK organization; new ones are accreditation `pending`.' }),
    venues: z.array(Entry).openapi({ description: "One per organization's location." }),
    activities: z.array(Entry).openapi({ description: 'One per service at a location (or per service, for one skipped as a whole).' }),
    counts: z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), skipped: z.number().int() }),
    transactions: z.number().int().openapi({ description: 'How many transactions (of at most 100 items) were written.' }),
  })
  .openapi('ImportReport');

const Feed = z.unknown().openapi({
  type: 'object',
  description: `An Open Referral UK v3.0 service feed: a page of services (\`{"contents": [...]}\`), a list of services, or one service; at most ${MAX_FEED_SERVICES} services and ${IMPORT_MAX_BODY_BYTES / 1024 / 1024} MiB.`,
});

const FromUrl = z
  .object({ url: z.string().max(2000).openapi({ example: 'https://directory.example.org/services?page=1', description: 'An https URL answering the feed as JSON.' }) })
  .openapi('ImportFromUrl');

const importDescription =
  'Organizations become providers (new ones `pending`: never accepted at a scan, listed nowhere, until a manager accredits them), each organization’s locations venues, ' +
  'each service at a location an activity (weekly schedules from `freq=WEEKLY`, `byday`, `opens_at`, `closes_at`). Idempotent by the feed’s ids: importing again updates or leaves unchanged, never duplicates. ' +
  'A feed that is not valid is a 400 naming each problem, and nothing is written; a 409 `import_interrupted` means part was written — send the same feed again to finish.';

export const registryImportRoutes = {
  importFeed: defineRoute(managers, {
    method: 'post',
    path: IMPORT_PATH,
    tags,
    summary: 'Import providers, venues and activities from an ORUK feed (the feed as the body)',
    description: importDescription,
    request: { query: ImportQuery, body: jsonBody(Feed) },
    responses: { 200: jsonResponse('What was created, updated, left unchanged and skipped, and why', ImportReport), ...commonErrors, ...conflictError },
  }),
  importFromUrl: defineRoute(managers, {
    method: 'post',
    path: `${IMPORT_PATH}/from-url`,
    tags,
    summary: 'Import from an ORUK feed the server fetches (https only, 5 s, 4 MiB)',
    description: `${importDescription} Where feed URLs are not switched on (local mode by default), 409 \`feed_urls_disabled\`.`,
    request: { query: ImportQuery, body: jsonBody(FromUrl) },
    responses: { 200: jsonResponse('The import report', ImportReport), ...commonErrors, ...conflictError },
  }),
};

export interface RegistryImportRoutesDeps {
  registryImportService: RegistryImports;
}

export function registryImportApp({ registryImportService: imports }: RegistryImportRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const answer = (outcome: ImportResult) => {
    if (outcome.kind === 'done') return { ...outcome.report, transactions: outcome.transactions };
    return failWith(outcome);
  };

  app.openapi(registryImportRoutes.importFeed, async (c) => {
    const { defaultCategory } = c.req.valid('query');
    return c.json(answer(await imports.importFeed(c.req.valid('json'), defaultCategory ? { defaultCategory } : {})), 200);
  });

  app.openapi(registryImportRoutes.importFromUrl, async (c) => {
    const { defaultCategory } = c.req.valid('query');
    return c.json(answer(await imports.importFromUrl(c.req.valid('json').url, defaultCategory ? { defaultCategory } : {})), 200);
  });

  return app;
}
