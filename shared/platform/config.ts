import { z } from 'zod';

/**
 * Configuration of a deployed function, read from its environment once at
 * module load: a missing or malformed variable fails the cold start with a
 * clear message instead of failing some request later.
 */
const awsEnvironmentSchema = z.object({
  TABLE_NAME: z.string().min(1),
  /** Cognito user pool issuer, e.g. https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_abc */
  AUTH_ISSUER: z.url(),
  /** The Cognito app client id that ID tokens are issued for. */
  AUTH_AUDIENCE: z.string().min(1),
  /** Defaults to the issuer's well-known JWKS. */
  AUTH_JWKS_URL: z.url().optional(),
  /** Used by the follow-up scheduling. */
  SCHEDULE_GROUP_NAME: z.string().min(1).optional(),
  SCHEDULER_ROLE_ARN: z.string().min(1).optional(),
  FOLLOWUP_DLQ_ARN: z.string().min(1).optional(),
  FOLLOWUP_FUNCTION_ARN: z.string().min(1).optional(),
  /** The Secrets Manager secret holding the evaluator exports' pseudonymisation key. */
  PSEUDONYM_SECRET_ARN: z.string().min(1),
  /** Names the programme: pseudonyms differ between programmes. */
  PROGRAMME_ID: z.string().regex(/^[a-z0-9-]{1,40}$/),
});

export type AwsEnvironment = z.infer<typeof awsEnvironmentSchema>;

export interface AwsConfig {
  readonly tableName: string;
  readonly auth: { readonly issuer: string; readonly audience: string; readonly jwksUrl: string };
  readonly pseudonym: { readonly secretArn: string; readonly programmeId: string };
}

export function loadAwsConfig(env: Record<string, string | undefined>): AwsConfig {
  const parsed = awsEnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Invalid function environment: check ${fields}`);
  }
  const e = parsed.data;
  return {
    tableName: e.TABLE_NAME,
    auth: {
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      jwksUrl: e.AUTH_JWKS_URL ?? `${e.AUTH_ISSUER}/.well-known/jwks.json`,
    },
    pseudonym: { secretArn: e.PSEUDONYM_SECRET_ARN, programmeId: e.PROGRAMME_ID },
  };
}
