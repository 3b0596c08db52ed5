import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, personIssuer, principalFromClaims, type TokenVerifier } from '#shared/platform/auth';
import { fixedClock } from '#shared/platform/clock';
import { ApiError } from '#shared/platform/errors';
import { DEV_AUDIENCE, DEV_ISSUER, loadDevIssuer, type DevIssuer } from '#local/dev-issuer';

const PROVIDER_ID = '01J00000000000000000000001';
const now = new Date('2026-11-23T10:00:00Z');
let issuer: DevIssuer;
let verify: TokenVerifier;

beforeAll(async () => {
  issuer = await loadDevIssuer();
  verify = createTokenVerifier({ trusted: [personIssuer({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, keys: issuer.keys, algorithms: ['ES256'] })], clock: fixedClock(now) });
});

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('token verification (the same path for Cognito and the local issuer)', () => {
  it('accepts a token from the configured issuer and reads role and providerId', async () => {
    const { token } = await issuer.mint({ role: 'provider', providerId: PROVIDER_ID, sub: 'device-7' }, now);
    expect(await verify(token)).toEqual({ sub: 'device-7', role: 'provider', providerId: PROVIDER_ID });
    const manager = await issuer.mint({ role: 'manager' }, now);
    expect(await verify(manager.token)).toEqual({ sub: 'local-manager', role: 'manager' });
  });

  it('refuses an expired token with 401 token expired', async () => {
    const { token } = await issuer.mint({ role: 'navigator' }, new Date(now.getTime() - 13 * 3600_000));
    const error = await rejection(verify(token));
    expect([error.status, error.code, error.message]).toEqual([401, 'unauthenticated', 'The token has expired.']);
  });

  it('refuses a token signed by another key', async () => {
    const stranger = await loadDevIssuer();
    const { token } = await stranger.mint({ role: 'admin' }, now);
    expect((await rejection(verify(token))).status).toBe(401);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    const other = createTokenVerifier({ trusted: [personIssuer({ issuer: DEV_ISSUER, audience: 'someone-else', keys: issuer.keys, algorithms: ['ES256'] })], clock: fixedClock(now) });
    const { token } = await issuer.mint({ role: 'admin' }, now);
    expect((await rejection(other(token))).status).toBe(401);
    const otherIssuer = createTokenVerifier({ trusted: [personIssuer({ issuer: 'https://elsewhere', audience: DEV_AUDIENCE, keys: issuer.keys, algorithms: ['ES256'] })], clock: fixedClock(now) });
    expect((await rejection(otherIssuer(token))).status).toBe(401);
  });

  it('refuses HS256 (a symmetric algorithm) even with a matching kid, and garbage', async () => {
    const secret = new TextEncoder().encode('x'.repeat(32));
    const hs = await new SignJWT({ token_use: 'id', 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject('x')
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 60)
      .sign(secret);
    expect((await rejection(verify(hs))).status).toBe(401);
    expect((await rejection(verify('not.a.jwt'))).status).toBe(401);
  });

  it.each([
    ['issued a year in the future', 365 * 86_400, 365 * 86_400 + 3600],
    ['issued now with a 100-year expiry', 0, 100 * 365 * 86_400],
    ['issued two days ago, still unexpired', -2 * 86_400, 3600],
  ])('refuses a token %s, though its signature is good', async (_label, issuedIn, expiresIn) => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'long-lived', alg: 'ES256' };
    const verifyLocal = createTokenVerifier({ trusted: [personIssuer({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, keys: createLocalJWKSet({ keys: [jwk] }), algorithms: ['ES256'] })], clock: fixedClock(now) });
    const seconds = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({ token_use: 'id', 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'long-lived' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject('forever')
      .setIssuedAt(seconds + issuedIn)
      .setExpirationTime(seconds + expiresIn)
      .sign(privateKey);
    const error = await rejection(verifyLocal(token));
    expect([error.status, error.code]).toEqual([401, 'unauthenticated']);
  });

  it('accepts RS256 (what Cognito signs with) from a key set', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'cognito-like', alg: 'RS256' };
    const cognitoLike = createTokenVerifier({
      trusted: [
        personIssuer({
          issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_test',
          audience: 'client123',
          keys: createLocalJWKSet({ keys: [jwk] }),
          algorithms: ['RS256'],
        }),
      ],
      clock: fixedClock(now),
    });
    const token = await new SignJWT({ token_use: 'id', 'cognito:groups': ['navigator'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'cognito-like' })
      .setIssuer('https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_test')
      .setAudience('client123')
      .setSubject('user-1')
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 3600)
      .sign(privateKey);
    expect(await cognitoLike(token)).toEqual({ sub: 'user-1', role: 'navigator' });
  });
});

describe('principalFromClaims', () => {
  const base = { sub: 'u1', token_use: 'id' };

  it.each([
    ['an access token', { ...base, token_use: 'access', 'cognito:groups': ['admin'] }, 401, 'unauthenticated'],
    ['no groups', { ...base }, 403, 'no_role'],
    ['only unknown groups', { ...base, 'cognito:groups': ['superuser'] }, 403, 'no_role'],
    ['two roles', { ...base, 'cognito:groups': ['navigator', 'manager'] }, 403, 'no_role'],
    ['a provider without providerId', { ...base, 'cognito:groups': ['provider'] }, 403, 'no_provider'],
    ['a provider with a malformed providerId', { ...base, 'cognito:groups': ['provider'], 'custom:providerId': 'abc' }, 403, 'no_provider'],
  ])('refuses %s', (_label, claims, status, code) => {
    let caught: unknown;
    try {
      principalFromClaims(claims);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect([(caught as ApiError).status, (caught as ApiError).code]).toEqual([status, code]);
  });

  it('ignores groups that are not Waymark roles', () => {
    expect(principalFromClaims({ ...base, 'cognito:groups': ['eu-west-2_pool_Google', 'manager'] })).toEqual({ sub: 'u1', role: 'manager' });
  });
});
