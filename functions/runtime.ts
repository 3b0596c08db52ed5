import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createRemoteJWKSet } from 'jose';
import { z } from 'zod';
import { createTokenVerifier } from '#shared/platform/auth';
import { systemClock } from '#shared/platform/clock';
import { loadAwsConfig } from '#shared/platform/config';
import { createDocumentClient } from '#shared/platform/dynamo';
import { ulidSource } from '#shared/platform/ids';
import { createLogger } from '#shared/platform/logger';
import type { AppDependencies } from '#shared/app/services';
import { AwsFollowUpScheduler, awsSchedulerSettingsFromEnv } from '#shared/followups/aws-scheduler';
import { FollowUpDueMarker } from '#shared/followups/service';
import { FollowUpStore } from '#shared/followups/store';
import { onceKeySource, type PseudonymKeySource } from '#shared/reports/pseudonym';

/**
 * The AWS adapters, built once per Lambda container from its checked environment: the DynamoDB
 * document client, Cognito's JWKS, EventBridge Scheduler, the system clock.
 */
export function awsDependencies(env: Record<string, string | undefined> = process.env): AppDependencies {
  const config = loadAwsConfig(env);
  const schedulerSettings = awsSchedulerSettingsFromEnv(env);
  if (!schedulerSettings) throw new Error('Invalid function environment: the follow-up scheduler settings are missing');
  return {
    db: { client: createDocumentClient(), tableName: config.tableName },
    clock: systemClock,
    ids: ulidSource(systemClock),
    verifyToken: createTokenVerifier({
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      keys: createRemoteJWKSet(new URL(config.auth.jwksUrl)),
      clock: systemClock,
    }),
    logger: createLogger(),
    scheduler: new AwsFollowUpScheduler(new SchedulerClient({}), schedulerSettings),
    pseudonymKey: secretsManagerPseudonymKey(config.pseudonym),
  };
}

/** The follow-up functions need only the table: no tokens to verify, no schedules to make. */
export function awsFollowUpDueMarker(env: Record<string, string | undefined> = process.env) {
  const parsed = z.object({ TABLE_NAME: z.string().min(1) }).safeParse(env);
  if (!parsed.success) throw new Error('Invalid function environment: check TABLE_NAME');
  const logger = createLogger();
  const followUps = new FollowUpStore({ client: createDocumentClient(), tableName: parsed.data.TABLE_NAME });
  return { marker: new FollowUpDueMarker(followUps, systemClock, logger), logger };
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
