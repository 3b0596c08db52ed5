import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SignJWT,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { CLAIMS, type Role } from '#shared/platform/auth';

/**
 * Local mode's stand-in for Cognito: an ES256 key pair made on first start (kept in
 * the data folder) that mints Cognito-shaped ID tokens for any role. It exists only
 * in local mode and tests; the Lambda bundle never contains it (a test proves it).
 */
export const DEV_ISSUER = 'urn:waymark:local-issuer';
export const DEV_AUDIENCE = 'waymark-local';
const KEY_FILE = 'local-issuer.jwk.json';
const TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;

export interface TokenRequest {
  role: Role;
  sub?: string | undefined;
  providerId?: string | undefined;
}

export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The public key set, for the same verifier the Lambda uses. */
  readonly keys: JWTVerifyGetKey;
  mint(request: TokenRequest, now: Date): Promise<{ token: string; expiresAt: string }>;
}

/** Loads the key pair from `dataDir`, making and saving one the first time; in memory when no folder is given. */
export async function loadDevIssuer(dataDir?: string): Promise<DevIssuer> {
  const file = dataDir ? join(dataDir, KEY_FILE) : undefined;
  let privateJwk: JWK;
  if (file && existsSync(file)) {
    privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: `local-${Date.now().toString(36)}` };
    if (file && dataDir) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, 'ES256');

  return {
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    keys: createLocalJWKSet({ keys: [publicJwk] }),
    async mint({ role, sub, providerId }, now) {
      const issuedAt = Math.floor(now.getTime() / 1000);
      const expiresAt = issuedAt + TOKEN_LIFETIME_SECONDS;
      const token = await new SignJWT({
        [CLAIMS.tokenUse]: 'id',
        [CLAIMS.groups]: [role],
        ...(providerId ? { [CLAIMS.providerId]: providerId } : {}),
      })
        .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid! })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(sub ?? `local-${role}`)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(signingKey);
      return { token, expiresAt: new Date(expiresAt * 1000).toISOString() };
    },
  };
}
