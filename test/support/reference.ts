import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The published reference material (the Open Referral UK v3.0 schemas and example feeds) lives
 * beside the project, not in it: its licence and the brief keep it out of the repository. Tests
 * find it through WAYMARK_REFERENCE_DIR, then `../shared/reference` next to the checkout, then the
 * workspace's copy; a machine with none of them skips those tests and says so.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const candidates = [process.env.WAYMARK_REFERENCE_DIR, join(repoRoot, '..', 'shared', 'reference'), '/work/shared/reference'].filter(
  (dir): dir is string => typeof dir === 'string' && dir.length > 0,
);

export const referenceDir: string | undefined = candidates.find((dir) => existsSync(join(dir, 'oruk', 'schema')));

/** The ORUK reference folder (schema/, examples/), or undefined when this machine has none. */
export const orukDir: string | undefined = referenceDir ? join(referenceDir, 'oruk') : undefined;

if (!orukDir) console.warn('ORUK reference material not found (set WAYMARK_REFERENCE_DIR): the ORUK schema tests are skipped.');

/** An ORUK feed with every id (`id`, `*_id`) replaced, consistently, by a new UUID: each test its own records. */
export function withFreshIds<T>(feed: T): T {
  const fresh = new Map<string, string>();
  const swap = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(swap);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => {
          if ((key === 'id' || key.endsWith('_id')) && typeof inner === 'string') {
            if (!fresh.has(inner)) fresh.set(inner, randomUUID());
            return [key, fresh.get(inner)];
          }
          return [key, swap(inner)];
        }),
      );
    }
    return value;
  };
  return swap(feed) as T;
}
