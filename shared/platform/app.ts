import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { ApiError, errorBody } from './errors';
import { isTransactionConflict } from './transactions';
import { validationHook, type AppEnv } from './http';
import type { Logger } from './logger';
import type { TokenVerifier } from './auth';
import type { RateLimiter } from './rate-limit';
import { securityHeaders } from './security-headers';
import { verifyOrigin, type OriginVerification } from './origin-verify';

/** Request bodies are small JSON documents; a batch of 100 scans is about 20 KB. */
export const MAX_BODY_BYTES = 64 * 1024;

export const OPENAPI_PATH = '/v1/openapi.json';

const UNSUPPORTED_MEDIA_TYPE_MESSAGE = 'Request bodies are JSON: send them with Content-Type: application/json.';

export interface AppOptions {
  /** Where the API reference page loads Swagger UI from; local mode serves it itself (no internet needed). */
  docsAssetBaseUrl?: string;
  /** How rate-limited routes count requests: the table's counters unless a benchmark turns them off. */
  rateLimiter?: RateLimiter;
  /** Exact paths whose bodies may be larger than MAX_BODY_BYTES, with their own limit (the registry import's feeds). */
  largerBodies?: Readonly<Record<string, number>>;
  /** Strict-Transport-Security on every answer: on by default (AWS serves HTTPS only); local mode is HTTP. */
  strictTransportSecurity?: boolean;
  /**
   * Serve only requests that came through CloudFront (its secret origin header, decision 91): in
   * AWS when the stack puts AWS WAF in front; absent (no check) in local mode and the tests.
   */
  originVerification?: OriginVerification;
}

/** What the HTTP layer itself needs: how to verify a token, and where to log. */
export interface HttpDependencies {
  verifyToken: TokenVerifier;
  logger: Logger;
  /** Counts requests to rate-limited routes (the table's window counters, in AWS and locally alike). */
  rateLimiter: RateLimiter;
}

/**
 * The HTTP shell every route is mounted in: request logging, body limits, the OpenAPI document,
 * the API reference page and the one error shape. It knows no capability (the composition root,
 * `shared/app/`, mounts them) and nothing of its runtime: the Lambda serves it through
 * `hono/aws-lambda`, local mode through `@hono/node-server`.
 */
export function createHttpApp(deps: HttpDependencies, mount: (app: OpenAPIHono<AppEnv>) => void, options: AppOptions = {}) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  // The execute-api endpoint and the exports function URL answer without CloudFront: the API sets
  // the same security headers itself (CloudFront overrides them with the same values).
  app.use('*', securityHeaders({ strictTransportSecurity: options.strictTransportSecurity ?? true }));

  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('verifyToken', deps.verifyToken);
    c.set('rateLimiter', deps.rateLimiter);
    const requestId = requestIdOf(c);
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    await next();
    // Route pattern, not the raw URL: ids are not personal data, but the pattern is what we aggregate on.
    deps.logger.info('request', {
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      durationMs: Math.round(performance.now() - started),
      requestId,
    });
  });

  // After the request log (a refusal is logged like any answer), before anything reads the request.
  if (options.originVerification) app.use('*', verifyOrigin(options.originVerification));

  const limitOf = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `Request bodies are limited to ${maxSize} bytes.`);
      },
    });
  const defaultLimit = limitOf(MAX_BODY_BYTES);
  const largerLimits = new Map(Object.entries(options.largerBodies ?? {}).map(([path, size]) => [path, limitOf(size)]));
  app.use('/v1/*', (c, next) => (largerLimits.get(c.req.path) ?? defaultLimit)(c, next));

  mount(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Cognito ID token in AWS; in local mode, one minted by the local issuer (see the README).',
  });
  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'Waymark API',
      version: '1.0.0',
      description:
        'Social prescribing: referrals, 12-week prescriptions, smart-card attendance at accredited providers, follow-ups and reports.',
    },
  });
  app.get(
    '/docs',
    swaggerUI({
      url: OPENAPI_PATH,
      title: 'Waymark API',
      persistAuthorization: true,
      ...(options.docsAssetBaseUrl ? { baseUrl: options.docsAssetBaseUrl } : {}),
    }),
  );

  app.notFound((c) => c.json(errorBody(new ApiError(404, 'not_found', 'No such route.')), 404));
  app.onError((error, c) => errorResponse(error, c, deps));
  return app;
}

/**
 * The id API Gateway gave this request (in the Lambda event's request context; the function URL of
 * the exports function has one too), or a fresh UUID where there is none (local mode, tests). A
 * client's own header is not trusted: the id ties audit entries to the gateway's access log.
 */
function requestIdOf(c: Context): string {
  const env = c.env as { event?: { requestContext?: { requestId?: unknown } } } | undefined;
  const fromGateway = env?.event?.requestContext?.requestId;
  return typeof fromGateway === 'string' && /^[A-Za-z0-9=_-]{1,100}$/.test(fromGateway) ? fromGateway : randomUUID();
}

/** The evaluator exports: the only requests the streaming exports function answers. */
export const EXPORT_ROUTE = /^\/v1\/reports\/[a-z]+(?:-[a-z]+)*\.csv$/;

/**
 * An app as a function that serves part of the API sees it: only the requests `allowed` lets
 * through (anything else is a 404 there — another function serves it), with the same auth,
 * validation and errors, because it is the same app behind a guard.
 */
export function servingOnly(app: OpenAPIHono<AppEnv>, allowed: (method: string, path: string) => boolean, what: string) {
  const guarded = new Hono();
  guarded.use('*', securityHeaders({ strictTransportSecurity: true }));
  guarded.use('*', async (c, next) => {
    if (!allowed(c.req.method, c.req.path)) {
      return c.json(errorBody(new ApiError(404, 'not_found', `No such route here: this address serves ${what} only.`)), 404);
    }
    await next();
  });
  guarded.route('/', app);
  return guarded;
}

/** The streaming exports function's app: the CSV exports only. */
export function exportsOnly(app: OpenAPIHono<AppEnv>) {
  return servingOnly(app, (method, path) => (method === 'GET' || method === 'HEAD') && EXPORT_ROUTE.test(path), 'the CSV exports');
}

/** DynamoDB errors that mean "too much at once", not "you made a mistake" or "we broke". */
const RETRYABLE_AWS_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TransactionInProgressException',
]);

/**
 * Network failures between us and the database (refused, reset, timed out): nothing is known to
 * have been written, and the same request later will likely work, so they are a 503 too.
 */
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const NETWORK_ERROR_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

export function isUnavailable(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return NETWORK_ERROR_NAMES.has(error.name) || (typeof code === 'string' && NETWORK_ERROR_CODES.has(code));
}

function errorResponse(error: Error, c: Context, deps: HttpDependencies) {
  if (error instanceof ApiError) {
    if (error.status === 503) c.header('Retry-After', '1');
    return c.json(errorBody(error), error.status);
  }
  if (isUnavailable(error)) {
    c.header('Retry-After', '2');
    deps.logger.warn('database unavailable', { name: error.name, route: c.req.routePath });
    return c.json(errorBody(new ApiError(503, 'unavailable', 'The service cannot reach its database just now; nothing was changed. Try again shortly.')), 503);
  }
  if (RETRYABLE_AWS_ERRORS.has(error.name) || isTransactionConflict(error)) {
    // DynamoDB throttled us (after the SDK's own retries): nothing was written; the client should retry.
    c.header('Retry-After', '1');
    deps.logger.warn('throttled', { name: error.name, route: c.req.routePath });
    return c.json(errorBody(new ApiError(503, 'busy', 'The service is busy; nothing was changed. Try again shortly.')), 503);
  }
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's own client errors: malformed JSON in a body, mostly, and (from @hono/zod-openapi's
    // media-type check, before any validation or handler) a body that is not JSON at all.
    const known =
      error.status === 400
        ? new ApiError(400, 'invalid_json', 'The body is not valid JSON.')
        : error.status === 415
          ? new ApiError(415, 'unsupported_media_type', UNSUPPORTED_MEDIA_TYPE_MESSAGE)
          : undefined;
    return c.json(errorBody(known ?? new ApiError(400, 'invalid_request', error.message)), known?.status ?? 400);
  }
  // A server fault. Log what it was, never the request's data.
  // `message` is a reserved key in Powertools' logger (it would be dropped): the error's own
  // message goes under another name, cut short.
  deps.logger.error('unhandled error', { name: error.name, errorMessage: error.message.slice(0, 300), route: c.req.routePath });
  return c.json({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } }, 500);
}
