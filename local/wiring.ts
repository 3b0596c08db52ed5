import { FEED_FETCH_LIMITS, HttpFeedFetcher } from '#shared/registry/import-fetch';
import { randomBytes } from 'node:crypto';
import { createTokenVerifier, personIssuer } from '#shared/platform/auth';
import { deviceIssuer, type DeviceTokenSigner } from '#shared/devices/tokens';
import { LOCAL_DEVICE_ISSUER, loadLocalDeviceKey } from './device-key';
import { createApp } from '#shared/app/app';
import type { AppOptions } from '#shared/platform/app';
import type { Db } from '#shared/platform/dynamo';
import { ulidSource } from '#shared/platform/ids';
import { createLogger } from '#shared/platform/logger';
import type { AppDependencies } from '#shared/app/services';
import type { DevClock } from './dev-clock';
import type { DevIssuer } from './dev-issuer';
import { devApp } from './dev-routes';
import type { DevAccess } from './dev-access';
import { LocalDigestSchedule, LocalFollowUpScheduler } from './scheduler';
import { createDigestService } from '#shared/app/services';
import type { NavigatorDirectory } from '#shared/digest/service';
import { LocalOutbox } from './digest';
import type { PseudonymKey } from '#shared/reports/pseudonym';
import { loadLocalPseudonymKey } from './pseudonym-key';
import { PeopleStore } from '#shared/people/store';
import { LocalPersonDirectory } from './person-directory';

export interface LocalDeviceOptions {
  /** The local device key (kept in the data folder by the server; in memory by default). */
  signer?: DeviceTokenSigner;
  /** The scanner's address for enrolment links: the local server's `/scan/`, once it listens. */
  scannerUrl?: () => Promise<string>;
}

/**
 * The local adapters for the app: DynamoDB Local, the dev issuer's keys, the dev clock, a local
 * pseudonym key, a local device key. The verifier trusts the same two issuers as in AWS: people
 * (here the dev issuer) and devices (here the local device key).
 */
export function localDependencies(
  db: Db,
  clock: DevClock,
  issuer: DevIssuer,
  logLevel = 'WARN',
  pseudonymKey: PseudonymKey = loadLocalPseudonymKey('local'),
  devices: LocalDeviceOptions = {},
): AppDependencies & { scheduler: LocalFollowUpScheduler } {
  const logger = createLogger({ level: logLevel });
  const deviceSigner = devices.signer ?? loadLocalDeviceKey();
  return {
    db,
    clock,
    ids: ulidSource(clock),
    verifyToken: createTokenVerifier({
      trusted: [
        personIssuer({ issuer: issuer.issuer, audience: issuer.audience, keys: issuer.keys, algorithms: ['ES256'] }),
        deviceIssuer(LOCAL_DEVICE_ISSUER, () => deviceSigner.publicKeys()),
      ],
      clock,
    }),
    logger,
    scheduler: new LocalFollowUpScheduler(db, clock, logger),
    pseudonymKey: async () => pseudonymKey,
    directory: new LocalPersonDirectory(db, clock),
    deviceSigner,
    deviceIssuer: LOCAL_DEVICE_ISSUER,
    scannerUrl: devices.scannerUrl ?? (async () => 'http://localhost/scan/'),
    random: { bytes: (count) => randomBytes(count) },
    // Registry imports by feed URL only when asked for (IMPORT_FEED_URLS=on): https and public addresses, as in AWS.
    ...(process.env.IMPORT_FEED_URLS === 'on' ? { feedFetcher: new HttpFeedFetcher(FEED_FETCH_LIMITS) } : {}),
    // The ORUK feed's addresses: the demo scheme is in Luton.
    directoryLocality: { city: process.env.DIRECTORY_CITY ?? 'Luton', stateProvince: process.env.DIRECTORY_COUNTY ?? 'Bedfordshire' },
  };
}

/**
 * The same app the Lambda serves, plus the local-only dev routes (`devAccess` when the server
 * listens beyond loopback: other machines then need the printed secret for them).
 */
export function createLocalApp(deps: AppDependencies, clock: DevClock, issuer: DevIssuer, options: AppOptions = {}, devAccess?: DevAccess) {
  // Local mode is plain HTTP: no Strict-Transport-Security.
  const app = createApp(deps, { strictTransportSecurity: false, ...options });
  app.route('/', devApp(issuer, clock, new LocalOutbox(deps.db, clock, deps.ids), new PeopleStore(deps.db), devAccess));
  return app;
}

/**
 * The daily digest in local mode: the same DigestService as in AWS, mailing into the local outbox,
 * run by the local daily schedule on the dev clock, to the enabled navigators of the local people
 * directory (the demo team, with the demo data).
 */
export function localDigest(deps: AppDependencies, clock: DevClock, consoleUrl: string, navigators: NavigatorDirectory = new PeopleStore(deps.db)) {
  const outbox = new LocalOutbox(deps.db, clock, deps.ids);
  const service = createDigestService({ db: deps.db, clock, logger: deps.logger, mailer: outbox, navigators, consoleUrl });
  return { service, outbox, schedule: new LocalDigestSchedule(clock, deps.logger) };
}
