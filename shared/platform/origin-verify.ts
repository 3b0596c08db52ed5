import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError, errorBody } from './errors';

/**
 * Origin verification (ARCHITECTURE.md, decision 91). In AWS, CloudFront adds this header, with a
 * generated secret as its value, to every request it sends to the API and to the exports function
 * URL; AWS WAF sees CloudFront's traffic only, so a request that did not come through CloudFront
 * (straight to the execute-api endpoint or the function URL) must not be served.
 */
export const ORIGIN_VERIFY_HEADER = 'x-waymark-origin-verify';

/**
 * The public reference pages, served without the header: they hold nothing, are throttled at five
 * a second, and stay readable at the API's own address, where Swagger UI (loaded from a CDN) is not
 * held back by the apps' Content-Security-Policy that CloudFront puts on `/docs`.
 */
export const ORIGIN_VERIFY_EXEMPT_PATHS: ReadonlySet<string> = new Set(['/docs', '/v1/openapi.json']);

export interface OriginVerification {
  /**
   * The values CloudFront may be sending: the current secret, and during a rotation the one before
   * it (CloudFront takes minutes to reach every edge with a new configuration).
   */
  readonly accepted: readonly string[];
}

/** Equal in constant time (over SHA-256 digests, so the length of the secret does not show either). */
export function matchesOneOf(given: string, accepted: readonly string[]): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  const givenDigest = digest(given);
  let matched = false;
  // Every value is compared, whichever matches, so the time taken does not say which one did.
  for (const value of accepted) matched = timingSafeEqual(givenDigest, digest(value)) || matched;
  return matched;
}

/**
 * Refuses a request without the right header with 403 `forbidden` in the one error shape, before
 * anything else reads it; the reference pages are exempt. Never logs or echoes the value.
 */
export function verifyOrigin(verification: OriginVerification): MiddlewareHandler {
  const accepted = verification.accepted.filter((value) => value.length > 0);
  if (accepted.length === 0) throw new Error('Origin verification needs at least one accepted value');
  return async (c, next) => {
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && ORIGIN_VERIFY_EXEMPT_PATHS.has(c.req.path)) return next();
    const given = c.req.header(ORIGIN_VERIFY_HEADER);
    if (given === undefined || !matchesOneOf(given, accepted)) {
      return c.json(
        errorBody(new ApiError(403, 'forbidden', 'This address serves requests through the Waymark web address only: send them there.')),
        403,
      );
    }
    return next();
  };
}
