import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { type PseudonymKey, onceKeySource, pseudonymFor } from '#shared/reports/pseudonym';

/** Plain unit tests of export pseudonyms and the memoised key source. */

const KEY: PseudonymKey = { programmeId: 'prog-1', secret: 's3cret-for-tests' };
const PATIENT = '01HPATIENT0000000000000001';
const PRESCRIPTION = '01HRX00000000000000000001';

/**
 * Known answers, computed once outside the code under test with
 *   createHmac('sha256', 's3cret-for-tests').update(`waymark:prog-1:${kind}:${id}`).digest('hex').slice(0, 16).toUpperCase()
 * A change to the derivation changes every pseudonym already handed to evaluators, so it must fail here.
 */
const KNOWN_PATIENT = 'P-FEC6AF43983E1BAC';
const KNOWN_PRESCRIPTION = 'R-4620F2E0ED4598AE';

describe('pseudonymFor', () => {
  it('matches the known answer for a patient', () => {
    expect(pseudonymFor(KEY, 'patient', PATIENT)).toBe(KNOWN_PATIENT);
  });

  it('matches the known answer for a prescription', () => {
    expect(pseudonymFor(KEY, 'prescription', PRESCRIPTION)).toBe(KNOWN_PRESCRIPTION);
  });

  it('is the documented HMAC-SHA256 derivation (checks the literals above too)', () => {
    const expected = (kind: string, id: string) =>
      createHmac('sha256', KEY.secret).update(`waymark:${KEY.programmeId}:${kind}:${id}`).digest('hex').slice(0, 16).toUpperCase();
    expect(`P-${expected('patient', PATIENT)}`).toBe(KNOWN_PATIENT);
    expect(`R-${expected('prescription', PRESCRIPTION)}`).toBe(KNOWN_PRESCRIPTION);
    expect(pseudonymFor(KEY, 'patient', 'another-id')).toBe(`P-${expected('patient', 'another-id')}`);
  });

  it('is stable for the same key and id', () => {
    const first = pseudonymFor(KEY, 'patient', PATIENT);
    expect(pseudonymFor(KEY, 'patient', PATIENT)).toBe(first);
    expect(pseudonymFor({ programmeId: 'prog-1', secret: 's3cret-for-tests' }, 'patient', PATIENT)).toBe(first);
  });

  it('differs for another patient', () => {
    expect(pseudonymFor(KEY, 'patient', '01HPATIENT0000000000000002')).not.toBe(pseudonymFor(KEY, 'patient', PATIENT));
  });

  it('differs for another programme with the same secret', () => {
    expect(pseudonymFor({ ...KEY, programmeId: 'prog-2' }, 'patient', PATIENT)).not.toBe(pseudonymFor(KEY, 'patient', PATIENT));
  });

  it('differs for another secret with the same programme', () => {
    expect(pseudonymFor({ ...KEY, secret: 'another-secret' }, 'patient', PATIENT)).not.toBe(pseudonymFor(KEY, 'patient', PATIENT));
  });

  it('differs between a patient and a prescription with the same id', () => {
    const patient = pseudonymFor(KEY, 'patient', PATIENT);
    const prescription = pseudonymFor(KEY, 'prescription', PATIENT);
    expect(prescription).not.toBe(patient);
    // Not just the prefix: the digests differ too.
    expect(prescription.slice(2)).not.toBe(patient.slice(2));
  });

  it('has the shape P-<16 upper-case hex> for patients and R-<16 upper-case hex> for prescriptions', () => {
    for (const id of [PATIENT, 'x', '', 'a'.repeat(1000), 'ünïcödé 🙂']) {
      expect(pseudonymFor(KEY, 'patient', id)).toMatch(/^P-[0-9A-F]{16}$/);
      expect(pseudonymFor(KEY, 'prescription', id)).toMatch(/^R-[0-9A-F]{16}$/);
    }
  });

  it('does not contain the patient id, the programme or the secret', () => {
    for (const id of [PATIENT, 'ABCDEF0123', 'abcdef0123']) {
      const pseudonym = pseudonymFor(KEY, 'patient', id);
      expect(pseudonym).not.toContain(id);
      expect(pseudonym.toLowerCase()).not.toContain(id.toLowerCase());
      expect(pseudonym).not.toContain(KEY.programmeId);
      expect(pseudonym).not.toContain(KEY.secret);
    }
  });

  it('gives distinct pseudonyms to many patients', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `patient-${i}`);
    expect(new Set(ids.map((id) => pseudonymFor(KEY, 'patient', id))).size).toBe(ids.length);
  });
});

describe('onceKeySource', () => {
  /** A promise whose settling the test controls. */
  function deferred<T>() {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  }

  it('calls the loader once for many concurrent calls, and all get the same key', async () => {
    const pending = deferred<PseudonymKey>();
    const load = vi.fn(() => pending.promise);
    const source = onceKeySource(load);

    const calls = Array.from({ length: 10 }, () => source());
    expect(load).toHaveBeenCalledTimes(1);
    pending.resolve(KEY);
    const keys = await Promise.all(calls);
    for (const key of keys) expect(key).toBe(KEY);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not call the loader before the first call', () => {
    const load = vi.fn(async () => KEY);
    onceKeySource(load);
    expect(load).not.toHaveBeenCalled();
  });

  it('does not call the loader again after it has succeeded', async () => {
    const load = vi.fn(async () => KEY);
    const source = onceKeySource(load);
    await expect(source()).resolves.toBe(KEY);
    await expect(source()).resolves.toBe(KEY);
    await expect(source()).resolves.toBe(KEY);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('retries after a rejected load, and then succeeds and stays loaded', async () => {
    const load = vi
      .fn<() => Promise<PseudonymKey>>()
      .mockRejectedValueOnce(new Error('Secrets Manager unavailable'))
      .mockResolvedValue(KEY);
    const source = onceKeySource(load);

    await expect(source()).rejects.toThrow('Secrets Manager unavailable');
    expect(load).toHaveBeenCalledTimes(1);

    await expect(source()).resolves.toBe(KEY);
    expect(load).toHaveBeenCalledTimes(2);

    await expect(source()).resolves.toBe(KEY);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one rejection among concurrent calls, then retries once for the next ones', async () => {
    const first = deferred<PseudonymKey>();
    const second = deferred<PseudonymKey>();
    const load = vi.fn<() => Promise<PseudonymKey>>().mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    const source = onceKeySource(load);

    const failing = [source(), source(), source()];
    expect(load).toHaveBeenCalledTimes(1);
    first.reject(new Error('timeout'));
    for (const call of failing) await expect(call).rejects.toThrow('timeout');

    const retrying = [source(), source()];
    expect(load).toHaveBeenCalledTimes(2);
    second.resolve(KEY);
    for (const call of retrying) await expect(call).resolves.toBe(KEY);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
