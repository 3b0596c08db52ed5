import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ROLES } from '#shared/platform/auth';
import { ULID_PATTERN } from '#shared/platform/ids';
import {
  commonErrors,
  conflictError,
  defineRoute,
  failWith,
  jsonBody,
  jsonResponse,
  notFoundError,
  publicAccess,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import type { DevClock } from './dev-clock';
import { isIsoDuration, MAX_CLOCK_JUMP_YEARS } from './dev-clock';
import type { DevIssuer } from './dev-issuer';
import type { LocalOutbox } from './digest';
import type { PeopleStore } from '#shared/people/store';
import { conflict, notFound } from '#shared/platform/errors';
import { devAccessGuard, type DevAccess } from './dev-access';

const tags = ['Local mode only'];
const note =
  'Local mode only: absent from the Lambda build. Needs no token. When the server listens beyond loopback (HOST=0.0.0.0), ' +
  'a request from another machine needs the secret printed at start in the X-Waymark-Dev-Secret header (else 403 dev_routes_local_only).';
/** The answer to another machine without the secret, when the server listens beyond loopback. */
const devForbidden = { 403: commonErrors[403] };

const TokenBody = z
  .object({
    role: z.enum(ROLES).optional().openapi({ description: 'Any role (with sub and providerId as you like); or give personId instead.' }),
    sub: z.string().min(1).max(128).optional().openapi({ description: 'The user id; defaults to local-<role>.' }),
    providerId: z.string().regex(ULID_PATTERN, 'must be a 26-character ULID').optional(),
    personId: z
      .string()
      .regex(ULID_PATTERN, 'must be a 26-character ULID')
      .optional()
      .openapi({ description: 'Sign in as one of the local people: their sub, role and providerId.' }),
  })
  .superRefine((body, ctx) => {
    if ((body.personId === undefined) === (body.role === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'give exactly one of role or personId' });
    }
    if (body.personId !== undefined && (body.sub !== undefined || body.providerId !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['personId'], message: 'a person brings their own sub and providerId' });
    }
    if (body.personId !== undefined) return;
    if (body.role === 'provider' && !body.providerId) {
      ctx.addIssue({ code: 'custom', path: ['providerId'], message: 'a provider token needs its providerId' });
    }
    if (body.role !== 'provider' && body.providerId) {
      ctx.addIssue({ code: 'custom', path: ['providerId'], message: 'only provider tokens carry a providerId' });
    }
  })
  .openapi('DevTokenRequest');

const ClockBody = z
  .object({
    now: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Jump to this instant.' }),
    advance: z
      .string()
      .refine(isIsoDuration, 'must be an ISO-8601 duration such as P84D or PT2H')
      .optional()
      .openapi({ description: 'Move forward (or back, with a minus sign) by this duration, in London calendar time.' }),
  })
  .refine((body) => (body.now === undefined) !== (body.advance === undefined), {
    message: 'give exactly one of now or advance',
    path: ['now'],
  })
  .openapi('DevClockChange');

const ClockView = z.object({ now: z.string() }).openapi('DevClock');

const LocalPeopleView = z
  .object({
    items: z.array(
      z
        .object({ personId: z.string(), sub: z.string(), givenName: z.string(), familyName: z.string(), role: z.enum(ROLES), providerId: z.string().optional() })
        .openapi('DevLocalPerson'),
    ),
  })
  .openapi('DevLocalPeople');

const OutboxView = z
  .object({
    items: z.array(
      z.object({ messageId: z.string(), sentAt: z.string(), to: z.string(), subject: z.string(), text: z.string() }).openapi('DevOutboxMessage'),
    ),
  })
  .openapi('DevOutbox');

export const devRoutes = {
  mintToken: defineRoute(publicAccess, {
    method: 'post',
    path: '/v1/dev/tokens',
    tags,
    summary: 'Mint a token for any role',
    description: note,
    request: { body: jsonBody(TokenBody) },
    responses: {
      200: jsonResponse('A bearer token', z.object({ token: z.string(), expiresAt: z.string() })),
      400: commonErrors[400],
      ...devForbidden,
      ...notFoundError,
      ...conflictError,
    },
  }),
  listPeople: defineRoute(publicAccess, {
    method: 'get',
    path: '/v1/dev/people',
    tags,
    summary: 'The local people who can sign in (enabled), for the local sign-in page',
    description: note,
    responses: { 200: jsonResponse('Up to 100 people', LocalPeopleView), ...devForbidden },
  }),
  readClock: defineRoute(publicAccess, {
    method: 'get',
    path: '/v1/dev/clock',
    tags,
    summary: 'Read the local clock',
    description: note,
    responses: { 200: jsonResponse('The local time', ClockView), ...devForbidden },
  }),
  moveClock: defineRoute(publicAccess, {
    method: 'post',
    path: '/v1/dev/clock',
    tags,
    summary: 'Set or advance the local clock',
    description: note,
    request: { body: jsonBody(ClockBody) },
    responses: { 200: jsonResponse('The local time', ClockView), 400: commonErrors[400], ...devForbidden },
  }),
  readOutbox: defineRoute(publicAccess, {
    method: 'get',
    path: '/v1/dev/outbox',
    tags,
    summary: 'The emails local mode would have sent (the daily follow-up digest), newest first',
    description: note,
    responses: { 200: jsonResponse('The newest 100 messages', OutboxView), ...devForbidden },
  }),
};

export function devApp(
  issuer: DevIssuer,
  clock: DevClock,
  outbox: Pick<LocalOutbox, 'list'>,
  people: Pick<PeopleStore, 'get' | 'list'>,
  /** Given when the server listens beyond loopback: other machines then need the printed secret. */
  access?: DevAccess,
) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  if (access) app.use('/v1/dev/*', devAccessGuard(access));
  app.openapi(devRoutes.mintToken, async (c) => {
    const { personId, ...request } = c.req.valid('json');
    if (personId === undefined) return c.json(await issuer.mint({ ...request, role: request.role! }, clock.now()), 200);
    const person = await people.get(personId);
    if (!person) throw notFound('Person');
    if (person.status !== 'enabled' || !person.sub) throw conflict('person_not_enabled', 'This person cannot sign in: their account is not enabled.');
    return c.json(await issuer.mint({ role: person.role, sub: person.sub, providerId: person.providerId }, clock.now()), 200);
  });
  app.openapi(devRoutes.listPeople, async (c) => {
    const page = await people.list(undefined, { limit: 100 });
    const items = page.items
      .filter((person) => person.status === 'enabled' && person.sub)
      .map(({ personId, sub, givenName, familyName, role, providerId }) => ({ personId, sub: sub!, givenName, familyName, role, ...(providerId ? { providerId } : {}) }));
    return c.json({ items }, 200);
  });
  app.openapi(devRoutes.readClock, (c) => c.json({ now: clock.now().toISOString() }, 200));
  app.openapi(devRoutes.moveClock, (c) => {
    const body = c.req.valid('json');
    if (body.advance !== undefined && !clock.advancedBy(body.advance)) {
      return failWith({
        kind: 'invalid',
        issues: [{ in: 'body', path: 'advance', code: 'out_of_range', message: `must move the clock less than ${MAX_CLOCK_JUMP_YEARS} years` }],
      });
    }
    const now = body.now !== undefined ? clock.set(new Date(body.now)) : clock.advance(body.advance!);
    return c.json({ now: now.toISOString() }, 200);
  });
  app.openapi(devRoutes.readOutbox, async (c) => c.json({ items: await outbox.list() }, 200));
  return app;
}
