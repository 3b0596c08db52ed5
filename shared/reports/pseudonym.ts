import { createHmac } from 'node:crypto';

/**
 * The key a programme's pseudonyms are made with: a secret from configuration (Secrets Manager
 * in AWS, a generated file in local mode) and the programme's id. Never logged, never returned.
 */
export interface PseudonymKey {
  readonly programmeId: string;
  readonly secret: string;
}

/** Where the key comes from: fetched once, when the first export needs it. */
export type PseudonymKeySource = () => Promise<PseudonymKey>;

/**
 * A patient's pseudonym in one programme: a keyed HMAC-SHA256 of the programme and the patient
 * id, so it is the same in every export of that programme (evaluators can link rows and exports)
 * but cannot be reversed or recomputed without the secret, and differs between programmes.
 * 64 bits: collisions are negligible at any programme's size (about 1 in 36 million at a million patients).
 */
export function pseudonymFor(key: PseudonymKey, kind: 'patient' | 'prescription', id: string): string {
  const digest = createHmac('sha256', key.secret).update(`waymark:${key.programmeId}:${kind}:${id}`).digest('hex');
  return `${kind === 'patient' ? 'P' : 'R'}-${digest.slice(0, 16).toUpperCase()}`;
}

/** Memoises the key source, so the secret is fetched once per process (per Lambda container). */
export function onceKeySource(load: () => Promise<PseudonymKey>): PseudonymKeySource {
  let pending: Promise<PseudonymKey> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined; // a failed fetch is tried again by the next export
      throw error;
    });
    return pending;
  };
}
