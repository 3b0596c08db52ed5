import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ROLES } from '#shared/platform/auth';
import { ULID_PATTERN } from '#shared/platform/ids';
import {
  commonErrors,
  defineRoute,
  jsonBody,
  jsonResponse,
  publicAccess,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import type { DevClock } from './dev-clock';
import { isIsoDuration } from './dev-clock';
import type { DevIssuer } from './dev-issuer';

const tags = ['Local mode only'];
const note = 'Local mode only: absent from the Lambda build. Needs no token.';

const TokenBody = z
  .object({
    role: z.enum(ROLES),
    sub: z.string().min(1).max(128).optional().openapi({ description: 'The user id; defaults to local-<role>.' }),
    providerId: z.string().regex(ULID_PATTERN, 'must be a 26-character ULID').optional(),
  })
  .superRefine((body, ctx) => {
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
    },
  }),
  readClock: defineRoute(publicAccess, {
    method: 'get',
    path: '/v1/dev/clock',
    tags,
    summary: 'Read the local clock',
    description: note,
    responses: { 200: jsonResponse('The local time', ClockView) },
  }),
  moveClock: defineRoute(publicAccess, {
    method: 'post',
    path: '/v1/dev/clock',
    tags,
    summary: 'Set or advance the local clock',
    description: note,
    request: { body: jsonBody(ClockBody) },
    responses: { 200: jsonResponse('The local time', ClockView), 400: commonErrors[400] },
  }),
};

export function devApp(issuer: DevIssuer, clock: DevClock) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(devRoutes.mintToken, async (c) => c.json(await issuer.mint(c.req.valid('json'), clock.now()), 200));
  app.openapi(devRoutes.readClock, (c) => c.json({ now: clock.now().toISOString() }, 200));
  app.openapi(devRoutes.moveClock, (c) => {
    const body = c.req.valid('json');
    const now = body.now !== undefined ? clock.set(new Date(body.now)) : clock.advance(body.advance!);
    return c.json({ now: now.toISOString() }, 200);
  });
  return app;
}
