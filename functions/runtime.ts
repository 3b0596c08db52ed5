import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet } from 'jose';
import { createTokenVerifier, personIssuer, type TrustedIssuer } from '#shared/platform/auth';
import { KmsDeviceTokenSigner, verifiesOnly } from '#shared/devices/kms-signer';
import { ssmScannerAddress } from '#shared/devices/scanner-address';
import { deviceIssuer, noDeviceKey, type DeviceIssuerSettings } from '#shared/devices/tokens';
import { systemClock } from '#shared/platform/clock';
import { authSettings } from '#shared/platform/config';
import { createDocumentClient } from '#shared/platform/dynamo';
import { ulidSource } from '#shared/platform/ids';
import { createLogger } from '#shared/platform/logger';
import { createDigestService, type AppDependencies } from '#shared/app/services';
import { PeopleStore } from '#shared/people/store';
import { SesDigestMailer } from '#shared/digest/ses-mailer';
import { AwsFollowUpScheduler, awsSchedulerSettings } from '#shared/followups/aws-scheduler';
import type { FollowUpScheduler } from '#shared/followups/scheduler';
import { FollowUpDueMarker } from '#shared/followups/reminders';
import { FollowUpStore } from '#shared/followups/store';
import { onceKeySource, type PseudonymKeySource } from '#shared/reports/pseudonym';
import { LazyPersonDirectory } from '#shared/people/lazy-directory';
import type { PersonDirectory } from '#shared/people/directory';
import type { ApiEnvironment, DeviceTokensEnvironment, DigestEnvironment, ExportsEnvironment, TableEnvironment } from './env';

/**
 * The AWS adapters, built once per Lambda container from its environment, which the entry has
 * already parsed (functions/env.ts): the DynamoDB document client, Cognito's JWKS, EventBridge
 * Scheduler, the system clock.
 */
export function awsApiDependencies(env: ApiEnvironment): AppDependencies {
  // The API verifies device tokens with the key's public half (read once) and never signs.
  const deviceKey = new KmsDeviceTokenSigner(kmsClient(), env.DEVICE_KEY_ARN);
  const devices = deviceSettings(env);
  return {
    ...appDependencies(env, [cognitoIssuer(env), deviceIssuer(devices, () => deviceKey.publicKeys())]),
    scheduler: new AwsFollowUpScheduler(new SchedulerClient({}), awsSchedulerSettings(env)),
    // Loaded at the first change of a person (decision 88): no other request pays for Cognito's client.
    directory: new LazyPersonDirectory(async () => {
      const [{ CognitoIdentityProviderClient }, { CognitoPersonDirectory }] = await Promise.all([
        import('@aws-sdk/client-cognito-identity-provider'),
        import('#shared/people/cognito-directory'),
      ]);
      // Timeouts, so a stalled Cognito endpoint is a quick 503 rather than the Lambda's own timeout
      // (throwOnRequestTimeout: without it the SDK's handler only warns and waits on).
      const cognito = new CognitoIdentityProviderClient({
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
      });
      return new CognitoPersonDirectory(cognito, env.USER_POOL_ID);
    }),
    deviceSigner: verifiesOnly(deviceKey, 'the API function'),
    deviceIssuer: devices,
    scannerUrl: ssmScannerAddress(async () => new (await import('@aws-sdk/client-ssm')).SSMClient({ maxAttempts: 3 }), env.SCANNER_URL_PARAMETER),
    // Registry imports by feed URL: https only, public addresses only, 5 s and 4 MiB (loaded on first use).
    feedFetcher: {
      fetch: async (url) => {
        const { FEED_FETCH_LIMITS, HttpFeedFetcher } = await import('#shared/registry/import-fetch');
        return new HttpFeedFetcher(FEED_FETCH_LIMITS).fetch(url);
      },
    },
    // The public ORUK feed reads the registry at most once a minute per instance (decision 81).
    directoryCacheMs: 60_000,
  };
}

/**
 * The device-token function: enrolment and token trades, which need no person's token (its
 * verifier trusts no one) and are the only requests that sign with the device key.
 */
export function awsDeviceTokenDependencies(env: DeviceTokensEnvironment): AppDependencies {
  const devices = deviceSettings(env);
  return {
    db: { client: createDocumentClient(), tableName: env.TABLE_NAME },
    clock: systemClock,
    ids: ulidSource(systemClock),
    verifyToken: createTokenVerifier({ trusted: [], clock: systemClock }),
    logger: createLogger(),
    scheduler: schedulesNothing('the device-token function'),
    pseudonymKey: async () => {
      throw new Error('The device-token function has no pseudonymisation key');
    },
    directory: administersNobody('the device-token function'),
    deviceSigner: new KmsDeviceTokenSigner(kmsClient(), env.DEVICE_KEY_ARN),
    deviceIssuer: devices,
    scannerUrl: async () => {
      throw new Error('Devices are not created by the device-token function');
    },
    random: secureRandom,
  };
}

/**
 * KMS with timeouts that throw, so a stalled KMS is a quick 503, not the function's timeout; made
 * (and its module loaded) when the device key is first used.
 */
function kmsClient(): () => Promise<import('@aws-sdk/client-kms').KMSClient> {
  let client: Promise<import('@aws-sdk/client-kms').KMSClient> | undefined;
  return () =>
    (client ??= import('@aws-sdk/client-kms').then(
      ({ KMSClient }) => new KMSClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true } }),
    ));
}

function deviceSettings(env: { DEVICE_TOKEN_ISSUER: string; DEVICE_TOKEN_AUDIENCE: string }): DeviceIssuerSettings {
  return { issuer: env.DEVICE_TOKEN_ISSUER, audience: env.DEVICE_TOKEN_AUDIENCE };
}

const secureRandom = { bytes: (count: number) => randomBytes(count) };

/**
 * The exports function serves only the CSV exports, which read: it has no scheduler settings and
 * no scheduler permissions, so a follow-up change reaching it is a bug, and says so.
 */
export function awsExportsDependencies(env: ExportsEnvironment): AppDependencies {
  return {
    ...appDependencies(env, [cognitoIssuer(env)]),
    scheduler: schedulesNothing('the exports function'),
    directory: administersNobody('the exports function'),
    deviceSigner: noDeviceKey('the exports function'),
    deviceIssuer: { issuer: 'none', audience: 'none' },
    scannerUrl: async () => {
      throw new Error('Devices are not created by the exports function');
    },
  };
}

/** The follow-up functions need only the table: no tokens to verify, no schedules to make. */
export function awsFollowUpDueMarker(env: TableEnvironment) {
  const logger = createLogger();
  const followUps = new FollowUpStore({ client: createDocumentClient(), tableName: env.TABLE_NAME });
  return { marker: new FollowUpDueMarker(followUps, systemClock, logger), logger };
}

/**
 * The daily digest: the table, SES (one attempt per message, with timeouts: a retried timeout
 * could send twice, see shared/digest/ses-mailer.ts) and the navigator directory.
 */
export function awsDigestService(env: DigestEnvironment) {
  const logger = createLogger();
  const mailer = new SesDigestMailer(
    new SESv2Client({ maxAttempts: 1, requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true } }),
    { fromAddress: env.DIGEST_FROM_ADDRESS },
  );
  const db = { client: createDocumentClient(), tableName: env.TABLE_NAME };
  // The navigators and their addresses: the people capability's directory, in the same table.
  const navigators = new PeopleStore(db);
  return { service: createDigestService({ db, clock: systemClock, logger, mailer, navigators, consoleUrl: env.CONSOLE_URL }), logger };
}

/** People's tokens: Cognito's ID tokens, RS256 only, keys from the pool's JWKS (fetched and cached by jose). */
function cognitoIssuer(env: ExportsEnvironment): TrustedIssuer {
  const auth = authSettings(env);
  return personIssuer({ issuer: auth.issuer, audience: auth.audience, keys: createRemoteJWKSet(new URL(auth.jwksUrl)), algorithms: ['RS256'] });
}

/** What the API and exports functions share: the table, the clock, ids, the verifier, the logger, the pseudonym key. */
function appDependencies(env: ExportsEnvironment, trusted: TrustedIssuer[]) {
  return {
    db: { client: createDocumentClient(), tableName: env.TABLE_NAME },
    clock: systemClock,
    ids: ulidSource(systemClock),
    verifyToken: createTokenVerifier({ trusted, clock: systemClock }),
    logger: createLogger(),
    pseudonymKey: secretsManagerPseudonymKey({ secretArn: env.PSEUDONYM_SECRET_ARN, programmeId: env.PROGRAMME_ID }),
    random: secureRandom,
  };
}

/** A directory for a function with no user pool permissions (the exports): every change fails, naming the function. */
export function administersNobody(owner: string): PersonDirectory {
  const refuse = async (): Promise<never> => {
    throw new Error(`People are not administered by ${owner}`);
  };
  return { createUser: refuse, moveGroup: refuse, setEnabled: refuse, updateName: refuse };
}

/** A scheduler for a function that must never schedule: every call fails, naming the function. */
export function schedulesNothing(owner: string): FollowUpScheduler {
  const refuse = async (): Promise<never> => {
    throw new Error(`Follow-ups are not scheduled by ${owner}`);
  };
  return { schedule: refuse, unschedule: refuse };
}

/**
 * The pseudonymisation key from Secrets Manager, fetched when the first export needs it and kept
 * for the container's life (a failed fetch is retried by the next export, never cached).
 */
export function secretsManagerPseudonymKey(settings: { secretArn: string; programmeId: string }): PseudonymKeySource {
  return onceKeySource(async () => {
    // Imported here, so only an export's cold path loads the Secrets Manager client.
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient({});
    const result = await client.send(new GetSecretValueCommand({ SecretId: settings.secretArn }));
    if (!result.SecretString) throw new Error('The pseudonymisation secret has no string value');
    return { programmeId: settings.programmeId, secret: result.SecretString };
  });
}
