import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { DEVICE_TOKEN_ALGORITHM, type DeviceIssuerSettings, type DeviceTokenSigner } from '#shared/devices/tokens';

/** Local mode's device issuer: its own, so no device token passes for the local people issuer's or a deployment's. */
export const LOCAL_DEVICE_ISSUER: DeviceIssuerSettings = { issuer: 'urn:waymark:local:devices', audience: 'waymark-local-devices' };
const KEY_FILE = 'local-device-key.jwk.json';

/**
 * Local mode's stand-in for the KMS device key: a P-256 key pair made on first start and kept in
 * the data folder (so enrolled devices keep working across restarts), in memory without one.
 */
export function loadLocalDeviceKey(dataDir?: string): DeviceTokenSigner {
  const file = dataDir ? join(dataDir, KEY_FILE) : undefined;
  let privateKey: KeyObject;
  if (file && existsSync(file)) {
    privateKey = createPrivateKey({ key: JSON.parse(readFileSync(file, 'utf8')) as JWK & { kty: string }, format: 'jwk' });
  } else {
    privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    if (file && dataDir) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, JSON.stringify(privateKey.export({ format: 'jwk' })), { mode: 0o600 });
    }
  }
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const kid = calculateJwkThumbprint(publicJwk);
  return {
    // ieee-p1363 is the JWS form (r‖s) already.
    signatureOf: async (input) => sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    keyId: () => kid,
    publicKeys: async () => ({ keys: [{ ...publicJwk, alg: DEVICE_TOKEN_ALGORITHM, use: 'sig', kid: await kid }] }),
  };
}
