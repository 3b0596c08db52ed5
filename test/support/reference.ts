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
