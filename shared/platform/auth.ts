import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Clock } from './clock';
import { ApiError, unauthenticated } from './errors';
import { ULID_PATTERN } from './ids';

export const ROLES = ['provider', 'navigator', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by their token. A provider principal always carries its providerId. */
export type Principal =
  | { readonly sub: string; readonly role: 'provider'; readonly providerId: string }
  | { readonly sub: string; readonly role: Exclude<Role, 'provider'> };

/**
 * Tokens are Cognito-shaped ID tokens: the role is the caller's one Waymark group in
 * `cognito:groups`, a provider's id is the `custom:providerId` attribute. The local
 * issuer mints the same shape, so one verification path serves AWS and local mode.
 */
export const CLAIMS = { groups: 'cognito:groups', providerId: 'custom:providerId', tokenUse: 'token_use' } as const;

/** Only asymmetric algorithms: Cognito signs with RS256, the local issuer with ES256. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256'];

/**
 * The longest a token may live, and the oldest it may be: Cognito's ID tokens last at most a day
 * (an hour by default), the local issuer's 12 hours. A token issued in the future, or made to last
 * for years, is refused whoever signed it.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Where public keys come from: Cognito's JWKS in AWS, the local key set in local mode. */
  keys: JWTVerifyGetKey;
  clock: Clock;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        currentDate: options.clock.now(),
        requiredClaims: ['sub', 'exp', 'iat'],
        // Checks iat too: not in the future, and no older than a token may live.
        maxTokenAge: MAX_TOKEN_LIFETIME_SECONDS,
      }));
      if (payload.exp! - payload.iat! > MAX_TOKEN_LIFETIME_SECONDS) throw unauthenticated('The token is not valid.');
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('The token has expired.');
      if (error instanceof joseErrors.JOSEError) throw unauthenticated('The token is not valid.');
      throw error;
    }
    return principalFromClaims(payload);
  };
}

/** Turns verified claims into a principal; a token without exactly one Waymark role is refused. */
export function principalFromClaims(payload: JWTPayload): Principal {
  if (payload[CLAIMS.tokenUse] !== 'id') throw unauthenticated('An ID token is required.');
  const sub = payload.sub;
  if (!sub) throw unauthenticated('The token has no subject.');
  const groups = payload[CLAIMS.groups];
  const roles = Array.isArray(groups) ? ROLES.filter((role) => groups.includes(role)) : [];
  if (roles.length !== 1) {
    throw new ApiError(403, 'no_role', 'The token must carry exactly one Waymark role.');
  }
  const role = roles[0]!;
  if (role === 'provider') {
    const providerId = payload[CLAIMS.providerId];
    if (typeof providerId !== 'string' || !ULID_PATTERN.test(providerId)) {
      throw new ApiError(403, 'no_provider', 'A provider token must carry its providerId.');
    }
    return { sub, role, providerId };
  }
  return { sub, role };
}
