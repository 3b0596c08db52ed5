import type { MiddlewareHandler } from 'hono';

/**
 * The security headers of every answer, in one place: the CloudFront response headers policy
 * (infra/constructs/web-apps.ts) is built from these values, the API sets them on its own answers
 * (the execute-api endpoint and the exports function URL are reachable without CloudFront), and
 * local mode sets them on the web apps it serves (local/web.ts). `test/infra/stack.test.ts` checks
 * the CloudFront policy says the same.
 */

/** The browser features the apps may use: the scanner's camera (QR codes) and NFC cards, nothing else. */
export const PERMISSIONS_POLICY = 'camera=(self), nfc=(self), geolocation=(), microphone=()';

/** Two years, in seconds: the max-age HSTS preload lists ask for. */
export const HSTS_MAX_AGE_SECONDS = 730 * 24 * 60 * 60;

export const STRICT_TRANSPORT_SECURITY = `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains; preload`;

export const REFERRER_POLICY = 'no-referrer';
export const FRAME_OPTIONS = 'DENY';
export const CONTENT_TYPE_OPTIONS = 'nosniff';

/** Where the apps sign in, for `connect-src` and `form-action`: Cognito in AWS, nowhere else locally. */
export interface SignInOrigins {
  /** `https://cognito-idp.<region>.<suffix>` */
  userPoolApi: string;
  /** `https://<hosted sign-in domain>` */
  hostedSignIn: string;
}

/**
 * The Content-Security-Policy of the web apps. Scripts, styles, workers and the manifest come from
 * the apps' own origin only (no inline script, no CDN); the API is on the same origin, so
 * `connect-src` adds only Cognito in AWS: its user pool API and the hosted sign-in domain (token
 * exchange). Images and media allow `data:`/`blob:` for QR codes and the scanner's camera preview.
 * Local mode signs in through its own dev routes, so it has no sign-in origins.
 */
export function appContentSecurityPolicy(signIn?: SignInOrigins): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    ['connect-src', "'self'", ...(signIn ? [signIn.userPoolApi, signIn.hostedSignIn] : [])].join(' '),
    "worker-src 'self'",
    "manifest-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    ['form-action', "'self'", ...(signIn ? [signIn.hostedSignIn] : [])].join(' '),
  ].join('; ');
}

/** The API's JSON and CSV answers load nothing and are never framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";
/** The API reference page (HTML that loads Swagger UI, from a CDN in AWS): never framed. */
export const DOCS_CONTENT_SECURITY_POLICY = "frame-ancestors 'none'";

/** The headers every answer carries, whatever it is (the CSP depends on what it is). */
export function baseSecurityHeaders(options: { strictTransportSecurity: boolean }): Record<string, string> {
  return {
    'X-Content-Type-Options': CONTENT_TYPE_OPTIONS,
    'X-Frame-Options': FRAME_OPTIONS,
    'Referrer-Policy': REFERRER_POLICY,
    'Permissions-Policy': PERMISSIONS_POLICY,
    ...(options.strictTransportSecurity ? { 'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY } : {}),
  };
}

/**
 * Sets the security headers on every answer. An answer that already has a Content-Security-Policy
 * (the web apps local mode serves) keeps it; otherwise HTML gets the docs policy and anything else
 * the API's. HSTS only where the answer went over HTTPS (AWS); a browser ignores it over HTTP anyway.
 */
export function securityHeaders(options: { strictTransportSecurity: boolean }): MiddlewareHandler {
  const base = Object.entries(baseSecurityHeaders(options));
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    for (const [name, value] of base) if (!headers.has(name)) headers.set(name, value);
    if (!headers.has('Content-Security-Policy')) {
      const html = (headers.get('Content-Type') ?? '').startsWith('text/html');
      headers.set('Content-Security-Policy', html ? DOCS_CONTENT_SECURITY_POLICY : API_CONTENT_SECURITY_POLICY);
    }
  };
}
