import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError, errorBody } from '#shared/platform/errors';

/**
 * Who may use the dev routes (`/v1/dev/*`: they mint tokens for any role and move the clock, with
 * no token). On a loopback address only this machine can reach the server, so anyone who can is
 * allowed. On any other address (`HOST=0.0.0.0` for phones) the LAN can reach it too: then a
 * request from this machine is still allowed, and any other needs the secret printed at start
 * (new at every start) in the `X-Waymark-Dev-Secret` header. The apps learn it from the URL
 * printed for phones (`?devSecret=…`), keep it and send it on the dev routes.
 */
export const DEV_SECRET_HEADER = 'x-waymark-dev-secret';
/** The query parameter of the printed phone URL that hands the secret to the apps. */
export const DEV_SECRET_PARAMETER = 'devSecret';

export interface DevAccess {
  /** The secret a request from another machine must carry; undefined: the server is on loopback only. */
  secret: string;
  /** The peer's address (defaults to the Node socket's; undefined when unknown, which is not loopback). */
  remoteAddress?: (c: Context) => string | undefined;
}

/** A host to bind that only this machine can reach: `localhost`, `127.x.x.x`, `::1`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  return isLoopbackAddress(bare);
}

/** A peer address on the loopback interface: `127.0.0.0/8`, `::1`, or IPv4-mapped `::ffff:127.x.x.x`. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const bare = address.toLowerCase().replace(/^::ffff:/, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/** A new secret for one start: 144 random bits, URL-safe. */
export function newDevSecret(): string {
  return randomBytes(18).toString('base64url');
}

/** This machine's non-loopback IPv4 addresses (what a phone on the LAN would use). */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

function nodeRemoteAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not served by @hono/node-server (app.request in a test): unknown
  }
}

function sameSecret(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The middleware in front of the dev routes when the server listens beyond loopback. */
export function devAccessGuard(access: DevAccess): MiddlewareHandler {
  const remoteAddress = access.remoteAddress ?? nodeRemoteAddress;
  return async (c, next) => {
    if (isLoopbackAddress(remoteAddress(c)) || sameSecret(c.req.header(DEV_SECRET_HEADER), access.secret)) return next();
    return c.json(
      errorBody(
        new ApiError(
          403,
          'dev_routes_local_only',
          'The local dev routes answer this machine only. From another device, send the secret Waymark printed at start in the X-Waymark-Dev-Secret header (open the printed phone URL).',
        ),
      ),
      403,
    );
  };
}
