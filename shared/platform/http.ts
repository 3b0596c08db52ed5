import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { ZodError } from 'zod';
import type { Principal, Role, TokenVerifier } from './auth';
import { clientAddress, type RateLimit, type RateLimiter } from './rate-limit';
import { ApiError, conflict, forbidden, invalidRequest, notFound, unauthenticated, type FieldIssue, type IssueLocation } from './errors';
import { ULID_PATTERN } from './ids';

export interface AppEnv {
  Variables: {
    principal: Principal;
    verifyToken: TokenVerifier;
    rateLimiter: RateLimiter;
    /** This request's id: API Gateway's in AWS, a fresh UUID locally; in the request log line, audit entries and `X-Request-Id`. */
    requestId: string;
  };
}

/**
 * Who may call a route. Every route states it (there is no default), and the
 * route × role matrix test holds the expected table for all of them.
 */
export type Access = { readonly roles: readonly Role[] } | { readonly public: true };

export const anyRole = (...roles: Role[]): Access => ({ roles });
export const publicAccess: Access = { public: true };

/** Verifies the bearer token and the caller's role before any validation or handler runs. */
export function authorize(access: Access): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if ('public' in access) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated();
    const principal = await c.get('verifyToken')(match[1]!);
    if (!access.roles.includes(principal.role)) throw forbidden();
    c.set('principal', principal);
    await next();
  };
}

/**
 * Counts the request against the route's limit for this caller (its token's subject, or its
 * address on a route that needs no token) and refuses it with 429 and Retry-After when over.
 * It runs after authorization, so an anonymous request to a protected route costs nothing here.
 */
export function rateLimited(route: string, limit: RateLimit): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = limit.by === 'subject' ? `sub:${c.get('principal').sub}` : `ip:${clientAddress(c)}`;
    const decision = await c.get('rateLimiter').take(`${route}#${caller}`, limit);
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfterSeconds));
      throw new ApiError(429, 'rate_limited', `Too many requests: at most ${limit.requests} every ${limit.perSeconds} seconds. Try again in ${decision.retryAfterSeconds} s.`);
    }
    await next();
  };
}

type RouteWithoutMiddleware = Omit<RouteConfig, 'middleware'>;

/**
 * An OpenAPI route with its access rule, documented in the OpenAPI operation too. A route that
 * takes a body also documents the app's answers to a body over the limit and one that is not JSON.
 */
export function defineRoute<R extends RouteWithoutMiddleware>(access: Access, config: R, limit?: RateLimit) {
  const rolesText = 'public' in access ? 'No token needed.' : `Roles: ${access.roles.join(', ')}.`;
  return createRoute({
    ...config,
    ...(config.request?.body || limit ? { responses: { ...config.responses, ...(config.request?.body ? bodyErrors : {}), ...(limit ? rateLimitedError : {}) } } : {}),
    description: [config.description, rolesText].filter(Boolean).join('\n\n'),
    ...('public' in access ? {} : { security: [{ bearerAuth: [] }] }),
    middleware: [authorize(access), ...(limit ? [rateLimited(`${config.method.toUpperCase()} ${config.path}`, limit)] : [])],
    'x-waymark-access': access,
    ...(limit ? { 'x-waymark-rate-limit': limit } : {}),
  } as R & { middleware: MiddlewareHandler<AppEnv>[] });
}

const LOCATIONS: Record<string, IssueLocation> = {
  json: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
};

export function issuesFromZod(error: ZodError, location: IssueLocation): FieldIssue[] {
  return error.issues.map((issue) => ({
    in: location,
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
}

/** Validation failures of body, query, path or headers become the contract's 400 with field-level issues. */
export function validationHook(
  result: { success: boolean; error?: ZodError; target: string },
  _c: Context,
): void {
  if (result.success || !result.error) return;
  throw invalidRequest(issuesFromZod(result.error, LOCATIONS[result.target] ?? 'body'));
}

// ---------- schemas every capability uses ----------

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z
        .array(
          z.object({
            in: z.enum(['body', 'query', 'path', 'header']),
            path: z.string(),
            code: z.string(),
            message: z.string(),
          }),
        )
        .optional(),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** The error responses every authenticated route can give. */
export const commonErrors = {
  400: errorResponse('Invalid input; `issues` lists each offending field.'),
  401: errorResponse('Missing, invalid or expired token.'),
  403: errorResponse('Your role may not do this.'),
} as const;
const rateLimitedError = { 429: errorResponse('Over this route’s rate limit for the caller; Retry-After says when to try again.') } as const;
export const notFoundError = { 404: errorResponse('No such resource (or not yours to see).') } as const;
/** What every route with a JSON body can answer (the app's body limit and media-type check). */
const bodyErrors = {
  413: errorResponse('The body is over the size limit.'),
  415: errorResponse('The body is not JSON: send `Content-Type: application/json` (or `application/*+json`).'),
} as const;
export const conflictError = { 409: errorResponse('Conflicts with the current state.') } as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const jsonResponse = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});

export const idParam = (name: string) =>
  z.string().regex(ULID_PATTERN, `${name} must be a 26-character ULID`).openapi({ example: '01JD0000000000000000000000' });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25).openapi({ description: 'Page size, 1–100.' }),
  cursor: z.string().min(1).max(200).optional().openapi({ description: 'The nextCursor of the previous page.' }),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional() });

/** Lets a handler reject a request it cannot serve for a reason the schema cannot express. */
export function bodyIssue(path: string, code: string, message: string): ApiError {
  return invalidRequest([{ in: 'body', path, code, message }]);
}

/** The failures use cases share; each capability's outcomes include whichever of these apply. */
export type CommonFailure =
  | { kind: 'not_found'; what?: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'invalid'; issues: FieldIssue[] }
  | { kind: 'conflict'; code: string; message: string }
  | { kind: 'changed'; code?: string; message?: string };

/**
 * Ends a request with the one error shape for a shared failure. It throws (to the app's error
 * handler) so that each route's own `c.json` answers stay typed against its success responses.
 */
export function failWith(outcome: CommonFailure): never {
  switch (outcome.kind) {
    case 'not_found':
      throw notFound(outcome.what ?? 'The resource');
    case 'forbidden':
      throw forbidden(outcome.message);
    case 'invalid':
      throw invalidRequest(outcome.issues);
    case 'conflict':
      throw conflict(outcome.code, outcome.message);
    case 'changed':
      throw conflict(outcome.code ?? 'changed_meanwhile', outcome.message ?? 'It changed while this request ran; read it again and retry.');
  }
}
