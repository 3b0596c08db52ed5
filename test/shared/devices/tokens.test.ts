import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { KmsDeviceTokenSigner, verifiesOnly } from '#shared/devices/kms-signer';
import { derToJoseSignature, deviceIssuer, signDeviceToken } from '#shared/devices/tokens';
import { createTokenVerifier, personIssuer } from '#shared/platform/auth';
import { fixedClock } from '#shared/platform/clock';
import { loadLocalDeviceKey } from '#local/device-key';

const KEY_ARN = 'arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SETTINGS = { issuer: 'urn:waymark:test:devices', audience: 'waymark-test-devices' };
const NOW = new Date('2026-03-04T10:00:00Z');
const DEVICE = { deviceId: '01JD0000000000000000000001', providerId: '01JD0000000000000000000002' };

/** A real P-256 key standing in for the KMS key: the mock signs with it as KMS would (DER, over SHA-256 of the message). */
const kmsKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kms = mockClient(KMSClient);

const PUBLIC_KEY = {
  KeyId: KEY_ARN,
  KeySpec: 'ECC_NIST_P256' as const,
  KeyUsage: 'SIGN_VERIFY' as const,
  PublicKey: new Uint8Array(kmsKey.publicKey.export({ format: 'der', type: 'spki' })),
};

beforeEach(() => {
  kms.reset();
  kms.on(GetPublicKeyCommand).resolves(PUBLIC_KEY);
  kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
    KeyId: KEY_ARN,
    SigningAlgorithm: 'ECDSA_SHA_256',
    Signature: new Uint8Array(sign('sha256', Buffer.from(input.Message), { key: kmsKey.privateKey, dsaEncoding: 'der' })),
  }));
});

describe('the KMS device key', () => {
  it('signs each token with one Sign call over the JWS signing input, and the JWKS from GetPublicKey verifies it', async () => {
    const signer = new KmsDeviceTokenSigner(async () => new KMSClient({ region: 'eu-west-2' }), KEY_ARN);
    const { token, expiresIn } = await signDeviceToken(signer, SETTINGS, DEVICE, NOW);
    expect(expiresIn).toBe(900);

    const signs = kms.commandCalls(SignCommand);
    expect(signs).toHaveLength(1);
    const [header, payload] = token.split('.');
    expect(signs[0]!.args[0].input).toEqual({
      KeyId: KEY_ARN,
      Message: Buffer.from(`${header}.${payload}`, 'ascii'),
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(kms.commandCalls(GetPublicKeyCommand).map((call) => call.args[0].input)).toEqual([{ KeyId: KEY_ARN }]);

    const keys = await signer.publicKeys();
    expect(keys.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    const { payload: claims, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys), { ...SETTINGS, algorithms: ['ES256'], currentDate: NOW });
    expect(protectedHeader.kid).toBe(keys.keys[0]!.kid);
    expect(claims).toMatchObject({ sub: DEVICE.deviceId, role: 'provider', providerId: DEVICE.providerId, deviceId: DEVICE.deviceId, token_use: 'device' });
    // The public key is read once per container.
    await signDeviceToken(signer, SETTINGS, DEVICE, NOW);
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });

  it('a failed GetPublicKey is not kept: the next call asks again', async () => {
    kms.on(GetPublicKeyCommand).rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' })).resolves(PUBLIC_KEY);
    const signer = new KmsDeviceTokenSigner(async () => new KMSClient({ region: 'eu-west-2' }), KEY_ARN);
    await expect(signer.publicKeys()).rejects.toThrow('throttled');
    expect((await signer.publicKeys()).keys).toHaveLength(1);
  });

  it('refuses a key that is not P-256', async () => {
    kms.on(GetPublicKeyCommand).resolves({ KeySpec: 'RSA_2048', PublicKey: new Uint8Array([1]) });
    await expect(new KmsDeviceTokenSigner(async () => new KMSClient({ region: 'eu-west-2' }), KEY_ARN).keyId()).rejects.toThrow(/ECC_NIST_P256/);
  });

  it("the API's copy verifies but never signs", async () => {
    const apiCopy = verifiesOnly(new KmsDeviceTokenSigner(async () => new KMSClient({ region: 'eu-west-2' }), KEY_ARN), 'the API function');
    await expect(apiCopy.signatureOf(new Uint8Array([1]))).rejects.toThrow('not signed by the API function');
    expect((await apiCopy.publicKeys()).keys).toHaveLength(1);
    expect(kms.commandCalls(SignCommand)).toHaveLength(0);
  });
});

describe('DER to JOSE signatures', () => {
  it('turns every DER signature into 64 bytes that verify (short and padded integers alike)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 50; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = derToJoseSignature(sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }));
      expect(raw).toHaveLength(64);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    }
    expect(() => derToJoseSignature(new Uint8Array([0x31, 0x00]))).toThrow();
  });
});

describe('the verifier trusts exactly two issuers, each pinned', () => {
  const people = async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'people', alg: 'ES256' };
    return { privateKey, trusted: personIssuer({ issuer: 'urn:people', audience: 'people-app', keys: createLocalJWKSet({ keys: [jwk] }), algorithms: ['ES256'] }) };
  };

  it('accepts a device token as a provider principal with its device; refuses it with any other issuer, audience or claims', async () => {
    const deviceKey = loadLocalDeviceKey();
    const person = await people();
    const verifyToken = createTokenVerifier({ trusted: [person.trusted, deviceIssuer(SETTINGS, () => deviceKey.publicKeys())], clock: fixedClock(NOW) });
    const { token } = await signDeviceToken(deviceKey, SETTINGS, DEVICE, NOW);
    expect(await verifyToken(token)).toEqual({ sub: DEVICE.deviceId, role: 'provider', providerId: DEVICE.providerId, deviceId: DEVICE.deviceId });

    const refusals = [
      // The device key, but another deployment's audience or issuer.
      (await signDeviceToken(deviceKey, { ...SETTINGS, audience: 'elsewhere' }, DEVICE, NOW)).token,
      (await signDeviceToken(deviceKey, { ...SETTINGS, issuer: 'urn:elsewhere' }, DEVICE, NOW)).token,
      // The device key claiming to be the people issuer.
      (await signDeviceToken(deviceKey, { issuer: 'urn:people', audience: 'people-app' }, DEVICE, NOW)).token,
      // The people key claiming to be the device issuer, with device claims.
      await new SignJWT({ token_use: 'device', role: 'provider', ...DEVICE })
        .setProtectedHeader({ alg: 'ES256', kid: 'people' })
        .setIssuer(SETTINGS.issuer)
        .setAudience(SETTINGS.audience)
        .setSubject(DEVICE.deviceId)
        .setIssuedAt(NOW)
        .setExpirationTime('15m')
        .sign(person.privateKey),
      // A device token an hour after it was issued.
      (await signDeviceToken(deviceKey, SETTINGS, DEVICE, new Date(NOW.getTime() - 60 * 60 * 1000))).token,
      // HS256 with the public key as the secret.
      await new SignJWT({ token_use: 'device', role: 'provider', ...DEVICE })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(SETTINGS.issuer)
        .setAudience(SETTINGS.audience)
        .setSubject(DEVICE.deviceId)
        .setIssuedAt(NOW)
        .setExpirationTime('15m')
        .sign(new TextEncoder().encode(JSON.stringify((await deviceKey.publicKeys()).keys[0]))),
    ];
    for (const refused of refusals) await expect(verifyToken(refused)).rejects.toMatchObject({ status: 401 });
  });

  it("a device token's subject must be its device, and it must say it is a device's", async () => {
    const deviceKey = loadLocalDeviceKey();
    const verifyToken = createTokenVerifier({ trusted: [deviceIssuer(SETTINGS, () => deviceKey.publicKeys())], clock: fixedClock(NOW) });
    const forge = async (claims: Record<string, unknown>, sub: string) => {
      const header = { alg: 'ES256', typ: 'JWT', kid: await deviceKey.keyId() };
      const payload = { iss: SETTINGS.issuer, aud: SETTINGS.audience, sub, iat: NOW.getTime() / 1000, exp: NOW.getTime() / 1000 + 900, ...claims };
      const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return `${input}.${Buffer.from(await deviceKey.signatureOf(Buffer.from(input))).toString('base64url')}`;
    };
    await expect(verifyToken(await forge({ token_use: 'device', role: 'provider', ...DEVICE }, 'someone-else'))).rejects.toMatchObject({ status: 401 });
    await expect(verifyToken(await forge({ token_use: 'id', role: 'provider', ...DEVICE }, DEVICE.deviceId))).rejects.toMatchObject({ status: 401 });
    await expect(verifyToken(await forge({ token_use: 'device', role: 'admin', ...DEVICE }, DEVICE.deviceId))).rejects.toMatchObject({ status: 401 });
    expect(await verifyToken(await forge({ token_use: 'device', role: 'provider', ...DEVICE }, DEVICE.deviceId))).toMatchObject({ deviceId: DEVICE.deviceId });
  });
});
