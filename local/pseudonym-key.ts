import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PseudonymKey } from '#shared/reports/pseudonym';

const SECRET_FILE = 'pseudonym-secret';

/**
 * Local mode's pseudonymisation key: a secret generated the first time and kept beside the data
 * (so pseudonyms stay stable across restarts, as they do in AWS with Secrets Manager); in memory,
 * new each run, when there is no data folder.
 */
export function loadLocalPseudonymKey(programmeId: string, dataDir?: string): PseudonymKey {
  const file = dataDir ? join(dataDir, SECRET_FILE) : undefined;
  if (file && existsSync(file)) return { programmeId, secret: readFileSync(file, 'utf8').trim() };
  const secret = randomBytes(32).toString('base64url');
  if (file && dataDir) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, secret, { mode: 0o600 });
  }
  return { programmeId, secret };
}
