import { createPublicKey } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import { calculateJwkThumbprint, type JSONWebKeySet, type JWK } from 'jose';
import { z } from 'zod';
import { DEVICE_TOKEN_ALGORITHM, derToJoseSignature, type DeviceTokenSigner } from './tokens';

/** What a function that verifies device tokens (the API) or signs them (the device-token function) is told. */
export const deviceTokenVariables = {
  /** The KMS device key's ARN. */
  DEVICE_KEY_ARN: z.string().regex(/^arn:aws[a-z-]*:kms:/, 'expected a KMS key ARN'),
  /** The device tokens' issuer and audience: this deployment's own. */
  DEVICE_TOKEN_ISSUER: z.string().min(1),
  DEVICE_TOKEN_AUDIENCE: z.string().min(1),
};

/** Where enrolment links point: the scanner app (the stack's web URL + `/scan/`). */
export const enrolmentVariables = {
  SCANNER_URL: z.url({ error: 'expected the scanner app URL' }),
};

/**
 * Waymark's device key in AWS KMS (ECC_NIST_P256, SIGN_VERIFY). The private key never leaves
 * KMS: each token is one Sign call (the message is the JWS signing input; KMS hashes it with
 * SHA-256). The public key is read once per container (GetPublicKey) and kept. The KMS client
 * is loaded when first needed, so a cold start of the API (which verifies device tokens only
 * once one arrives) does not load it.
 */
export class KmsDeviceTokenSigner implements DeviceTokenSigner {
  private publicJwk: Promise<JWK & { kid: string }> | undefined;

  constructor(
    private readonly kms: () => Promise<KMSClient>,
    private readonly keyId_: string,
  ) {}

  async signatureOf(signingInput: Uint8Array): Promise<Uint8Array> {
    const { SignCommand } = await import('@aws-sdk/client-kms');
    const result = await (await this.kms()).send(
      new SignCommand({ KeyId: this.keyId_, Message: signingInput, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    if (!result.Signature) throw new Error('KMS returned no signature');
    return derToJoseSignature(result.Signature);
  }

  async keyId(): Promise<string> {
    return (await this.jwk()).kid;
  }

  async publicKeys(): Promise<JSONWebKeySet> {
    return { keys: [await this.jwk()] };
  }

  private jwk(): Promise<JWK & { kid: string }> {
    this.publicJwk ??= this.fetchJwk().catch((error: unknown) => {
      this.publicJwk = undefined; // not cached: the next call tries again
      throw error;
    });
    return this.publicJwk;
  }

  private async fetchJwk(): Promise<JWK & { kid: string }> {
    const { GetPublicKeyCommand } = await import('@aws-sdk/client-kms');
    const result = await (await this.kms()).send(new GetPublicKeyCommand({ KeyId: this.keyId_ }));
    if (!result.PublicKey || result.KeySpec !== 'ECC_NIST_P256') throw new Error('The device key is not an ECC_NIST_P256 key');
    const jwk = createPublicKey({ key: Buffer.from(result.PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' }) as JWK;
    return { ...jwk, alg: DEVICE_TOKEN_ALGORITHM, use: 'sig', kid: await calculateJwkThumbprint(jwk) };
  }
}

/** A signer for a function that must never sign (the API verifies device tokens only): signing fails, naming it. */
export function verifiesOnly(signer: DeviceTokenSigner, owner: string): DeviceTokenSigner {
  return {
    signatureOf: async () => {
      throw new Error(`Device tokens are not signed by ${owner}`);
    },
    keyId: () => signer.keyId(),
    publicKeys: () => signer.publicKeys(),
  };
}
