import { decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Clock } from './clock';
import { ApiError, unauthenticated } from './errors';
import { ULID_PATTERN } from './ids';

export const ROLES = ['provider', 'navigator', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by their token. A provider principal always carries its providerId. */
export type Principal =
  /** Provider staff, or (with deviceId) one of the provider's enrolled scanning devices. */
  | { readonly sub: string; readonly role: 'provider'; readonly providerId: string; readonly deviceId?: string }
  | { readonly sub: string; readonly role: Exclude<Role, 'provider'> };

/**
 * Tokens are Cognito-shaped ID tokens: the role is the caller's one Waymark group in
 * `cognito:groups`, a provider's id is the `custom:providerId` attribute. The local
 * issuer mints the same shape, so one verification path serves AWS and local mode.
 */
export const CLAIMS = { groups: 'cognito:groups', providerId: 'custom:providerId', tokenUse: 'token_use' } as const;

/**
 * The longest a token may live, and the oldest it may be: Cognito's ID tokens last at most a day
 * (an hour by default), the local issuer's 12 hours. A token issued in the future, or made to last
 * for years, is refused whoever signed it.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/**
 * One issuer the API trusts, with everything pinned: its audience, its one algorithm (only
 * asymmetric ones: Cognito signs with RS256, the local issuer and Waymark's device key with
 * ES256), its key set, and how its claims become a principal.
 */
export interface TrustedIssuer {
  issuer: string;
  audience: string;
  algorithms: readonly string[];
  /** Where public keys come from: Cognito's JWKS in AWS, a local key set in local mode, the device key's public half. */
  keys: JWTVerifyGetKey;
  principal(payload: JWTPayload): Principal;
}

export interface TokenVerifierOptions {
  /** Exactly these issuers: a token naming any other is refused before its signature is looked at. */
  trusted: readonly TrustedIssuer[];
  clock: Clock;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

/** People: Cognito's ID tokens in AWS, the local issuer's in local mode (the same shape). */
export function personIssuer(settings: { issuer: string; audience: string; keys: JWTVerifyGetKey; algorithms: readonly string[] }): TrustedIssuer {
  return { ...settings, principal: principalFromClaims };
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const byIssuer = new Map(options.trusted.map((trusted) => [trusted.issuer, trusted]));
  return async (token) => {
    let payload: JWTPayload;
    let trusted: TrustedIssuer | undefined;
    try {
      // The unverified issuer only chooses which pinned settings to verify with; nothing else is read before the signature is checked.
      trusted = byIssuer.get(decodeJwt(token).iss ?? '');
      if (!trusted) throw unauthenticated('The token is not valid.');
      ({ payload } = await jwtVerify(token, trusted.keys, {
        issuer: trusted.issuer,
        audience: trusted.audience,
        algorithms: [...trusted.algorithms],
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
    return trusted.principal(payload);
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
