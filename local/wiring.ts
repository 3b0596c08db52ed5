import { createTokenVerifier } from '#shared/platform/auth';
import { createApp } from '#shared/app/app';
import type { Db } from '#shared/platform/dynamo';
import { ulidSource } from '#shared/platform/ids';
import { createLogger } from '#shared/platform/logger';
import type { AppDependencies } from '#shared/app/services';
import type { DevClock } from './dev-clock';
import type { DevIssuer } from './dev-issuer';
import { devApp } from './dev-routes';
import { LocalFollowUpScheduler } from './scheduler';
import type { PseudonymKey } from '#shared/reports/pseudonym';
import { loadLocalPseudonymKey } from './pseudonym-key';

/** The local adapters for the app: DynamoDB Local, the dev issuer's keys, the dev clock, a local pseudonym key. */
export function localDependencies(
  db: Db,
  clock: DevClock,
  issuer: DevIssuer,
  logLevel = 'WARN',
  pseudonymKey: PseudonymKey = loadLocalPseudonymKey('local'),
): AppDependencies & { scheduler: LocalFollowUpScheduler } {
  const logger = createLogger({ level: logLevel });
  return {
    db,
    clock,
    ids: ulidSource(clock),
    verifyToken: createTokenVerifier({ issuer: issuer.issuer, audience: issuer.audience, keys: issuer.keys, clock }),
    logger,
    scheduler: new LocalFollowUpScheduler(db, clock, logger),
    pseudonymKey: async () => pseudonymKey,
  };
}

/** The same app the Lambda serves, plus the local-only dev routes. */
export function createLocalApp(deps: AppDependencies, clock: DevClock, issuer: DevIssuer, options: { docsAssetBaseUrl?: string } = {}) {
  const app = createApp(deps, options);
  app.route('/', devApp(issuer, clock));
  return app;
}
