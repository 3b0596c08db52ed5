import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { unauthenticated } from '#shared/platform/errors';
import { ULID_PATTERN } from '#shared/platform/ids';
import type { Principal, TrustedIssuer } from '#shared/platform/auth';
import { ACCESS_TOKEN_SECONDS } from './rules';

/** Device tokens are ES256 and nothing else (the KMS key is ECC_NIST_P256). */
export const DEVICE_TOKEN_ALGORITHM = 'ES256';
/** Marks a device's access token, so it can never pass for a person's ID token or the reverse. */
export const DEVICE_TOKEN_USE = 'device';

/** Who device tokens are from and for: fixed per deployment (the stack sets them; local mode has its own). */
export interface DeviceIssuerSettings {
  issuer: string;
  audience: string;
}

/**
 * Signs device access tokens with Waymark's device key: a KMS key in AWS (only the device-token
 * function may sign), a local key pair in local mode. The public half is served as a JWKS and
 * is what the API's verifier trusts for device tokens.
 */
export interface DeviceTokenSigner {
  /** Signs a JWS over `signingInput` (`base64url(header).base64url(payload)`), returning the raw 64-byte r‖s signature. */
  signatureOf(signingInput: Uint8Array): Promise<Uint8Array>;
  /** The key id put in each token's header, matching the JWKS. */
  keyId(): Promise<string>;
  /** The public key set (one key). */
  publicKeys(): Promise<JSONWebKeySet>;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** A device's access token: role provider, its provider and device, for at most ACCESS_TOKEN_SECONDS. */
export async function signDeviceToken(
  signer: DeviceTokenSigner,
  settings: DeviceIssuerSettings,
  device: { deviceId: string; providerId: string },
  now: Date,
): Promise<{ token: string; expiresIn: number }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const header = { alg: DEVICE_TOKEN_ALGORITHM, typ: 'JWT', kid: await signer.keyId() };
  const payload: JWTPayload = {
    iss: settings.issuer,
    aud: settings.audience,
    sub: device.deviceId,
    iat: issuedAt,
    exp: issuedAt + ACCESS_TOKEN_SECONDS,
    token_use: DEVICE_TOKEN_USE,
    role: 'provider',
    providerId: device.providerId,
    deviceId: device.deviceId,
  };
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  const signature = await signer.signatureOf(Buffer.from(signingInput, 'ascii'));
  return { token: `${signingInput}.${Buffer.from(signature).toString('base64url')}`, expiresIn: ACCESS_TOKEN_SECONDS };
}

/** A device token's verified claims as a principal: a provider principal carrying its device. */
export function devicePrincipal(payload: JWTPayload): Principal {
  const { sub, deviceId, providerId } = payload as JWTPayload & { deviceId?: unknown; providerId?: unknown };
  if (payload.token_use !== DEVICE_TOKEN_USE || payload.role !== 'provider') throw unauthenticated('The token is not valid.');
  if (typeof deviceId !== 'string' || !ULID_PATTERN.test(deviceId) || sub !== deviceId) throw unauthenticated('The token is not valid.');
  if (typeof providerId !== 'string' || !ULID_PATTERN.test(providerId)) throw unauthenticated('The token is not valid.');
  return { sub: deviceId, role: 'provider', providerId, deviceId };
}

/**
 * The second issuer the API trusts: Waymark's device key, ES256 only, its own audience. The
 * key set is fetched once (KMS GetPublicKey in AWS) when the first device token arrives, and
 * kept; a failed fetch is tried again by the next token.
 */
export function deviceIssuer(settings: DeviceIssuerSettings, publicKeys: () => Promise<JSONWebKeySet>): TrustedIssuer {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const loaded = () => {
    keys ??= publicKeys().then(
      (set) => createLocalJWKSet(set),
      (error: unknown) => {
        keys = undefined;
        throw error;
      },
    );
    return keys;
  };
  return {
    issuer: settings.issuer,
    audience: settings.audience,
    algorithms: [DEVICE_TOKEN_ALGORITHM],
    keys: async (header, token) => (await loaded())(header, token),
    principal: devicePrincipal,
  };
}

/** ECDSA signatures come from KMS (and node's default) as DER; a JWS carries r‖s, each 32 bytes. */
export function derToJoseSignature(der: Uint8Array): Uint8Array {
  const bytes = Buffer.from(der);
  let offset = 0;
  const expect = (tag: number) => {
    if (bytes[offset++] !== tag) throw new Error('Not a DER ECDSA signature');
  };
  const length = () => {
    let value = bytes[offset++]!;
    if (value & 0x80) {
      const count = value & 0x7f;
      value = 0;
      for (let i = 0; i < count; i++) value = (value << 8) | bytes[offset++]!;
    }
    return value;
  };
  expect(0x30);
  length();
  const integer = () => {
    expect(0x02);
    const size = length();
    let value = bytes.subarray(offset, offset + size);
    offset += size;
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) throw new Error('Not a P-256 signature');
    return Buffer.concat([Buffer.alloc(32 - value.length), value]);
  };
  return Buffer.concat([integer(), integer()]);
}

/** For a function with no device key at all (the exports): every use fails, naming the function. */
export function noDeviceKey(owner: string): DeviceTokenSigner {
  const refuse = async (): Promise<never> => {
    throw new Error(`There is no device key in ${owner}`);
  };
  return { signatureOf: refuse, keyId: refuse, publicKeys: refuse };
}
