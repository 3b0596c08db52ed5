import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './openapi';
import { DEV_SECRET_HEADER, devSecret, isDevRoute } from './dev-secret';

/**
 * The typed API client both apps use: every path, parameter and body is checked against the
 * types generated from the server's OpenAPI document (`openapi.d.ts`), so an app that drifts
 * from the API stops compiling.
 */
export type Api = ReturnType<typeof createApi>;
export type { paths };

/**
 * `fetch`, when given, sends each request instead of the browser's own (the scanner's device
 * sessions use one that refreshes the token and tries once more after a refused one).
 */
export function createApi(
  getToken: () => string | undefined,
  baseUrl = (globalThis as { location?: { origin: string } }).location?.origin ?? '',
  fetch?: (request: Request) => Promise<Response>,
) {
  const auth: Middleware = {
    onRequest({ request }) {
      const token = getToken();
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      if (isDevRoute(request.url)) {
        // Local mode on a network: the dev routes need the secret the server printed (dev-secret.ts).
        const secret = devSecret();
        if (secret) request.headers.set(DEV_SECRET_HEADER, secret);
      }
      return request;
    },
  };
  const client = createClient<paths>({ baseUrl, ...(fetch ? { fetch } : {}) });
  client.use(auth);
  return client;
}

/** The message of an API error body (`{error: {code, message, issues?}}`), for people to read. */
export function errorMessage(error: unknown, fallback = 'Something went wrong. Try again.'): string {
  const body = error as { error?: { message?: string; issues?: { path: string; message: string }[] } } | undefined;
  const issues = body?.error?.issues?.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return issues || body?.error?.message || fallback;
}
