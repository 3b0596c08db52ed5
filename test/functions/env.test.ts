import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiEnvironment, deviceTokensEnvironment, exportsEnvironment, followUpDigestEnvironment, followUpDueEnvironment, followUpSweepEnvironment } from '../../functions/env';
import { authSettings, InvalidEnvironmentError } from '#shared/platform/config';

/**
 * Each Lambda's environment (functions/env.ts): exactly its variables, parsed once at init, and one
 * message naming every bad variable when the deployment is broken. The stack side (each function
 * gets exactly these variables) is in test/infra/stack.test.ts.
 */

const table = { TABLE_NAME: 'Waymark-TableCD117FA1-1A2B3C4D5E6F' };
const auth = {
  AUTH_ISSUER: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_example',
  AUTH_AUDIENCE: 'client-id',
};
const scheduler = {
  SCHEDULE_GROUP_NAME: 'Waymark-FollowUpSchedules-E795414B',
  FOLLOWUP_FUNCTION_ARN: 'arn:aws:lambda:eu-west-2:123456789012:function:Waymark-FollowUpDueFunction-AbC',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/Waymark-FollowUpSchedulerRole-AbC',
  FOLLOWUP_DLQ_ARN: 'arn:aws:sqs:eu-west-2:123456789012:Waymark-FollowUpDeadLetterQueue-AbC',
};
const pseudonym = {
  PSEUDONYM_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:PseudonymKey-AbCdEf',
  PROGRAMME_ID: 'north-leeds',
};
const directory = { USER_POOL_ID: 'eu-west-2_example' };
const deviceTokens = {
  DEVICE_KEY_ARN: 'arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  DEVICE_TOKEN_ISSUER: 'urn:waymark:Waymark:devices',
  DEVICE_TOKEN_AUDIENCE: 'urn:waymark:Waymark:scanner',
};
const scannerAddress = { SCANNER_URL_PARAMETER: '/Waymark/scanner-url' };
/** As the stack sets them without a web ACL (`-c waf=false`): the origin check off. */
const originVerify = { ORIGIN_VERIFY_SECRET: 'off', ORIGIN_VERIFY_PREVIOUS_SECRET: 'none' };
/** As CloudFormation resolves them with the web ACL on, after one rotation: 48 letters and digits each. */
const originVerifyOn = { ORIGIN_VERIFY_SECRET: 'C'.repeat(24) + 'c1'.repeat(12), ORIGIN_VERIFY_PREVIOUS_SECRET: 'P'.repeat(24) + 'p2'.repeat(12) };
/** What Lambda and the function defaults add: present in every real environment, never parsed. */
const runtimeVariables = { AWS_REGION: 'eu-west-2', POWERTOOLS_SERVICE_NAME: 'waymark', NODE_OPTIONS: '--enable-source-maps' };

/** The thrown message, or '' when nothing is thrown. */
function failure(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    return (error as Error).message;
  }
  return '';
}

describe('the API function environment', () => {
  const valid = { ...table, ...auth, ...scheduler, ...pseudonym, ...directory, ...deviceTokens, ...scannerAddress, ...originVerify };

  it('declares exactly the table, auth, scheduler, pseudonym, user pool, device-token and origin-verify variables', () => {
    expect(apiEnvironment.variables).toEqual([
      'TABLE_NAME',
      'AUTH_ISSUER',
      'AUTH_AUDIENCE',
      'SCHEDULE_GROUP_NAME',
      'FOLLOWUP_FUNCTION_ARN',
      'SCHEDULER_ROLE_ARN',
      'FOLLOWUP_DLQ_ARN',
      'PSEUDONYM_SECRET_ARN',
      'PROGRAMME_ID',
      'USER_POOL_ID',
      'DEVICE_KEY_ARN',
      'DEVICE_TOKEN_ISSUER',
      'DEVICE_TOKEN_AUDIENCE',
      'SCANNER_URL_PARAMETER',
      'ORIGIN_VERIFY_SECRET',
      'ORIGIN_VERIFY_PREVIOUS_SECRET',
    ]);
  });

  it('parses the origin check on, with the current and previous secrets, and refuses a malformed one without echoing it', () => {
    expect(apiEnvironment.parse({ ...valid, ...originVerifyOn })).toMatchObject(originVerifyOn);
    const message = failure(() => apiEnvironment.parse({ ...valid, ORIGIN_VERIFY_SECRET: 'secret-with-dashes-0123456789abcdef' }));
    expect(message).toBe(
      'Invalid environment of the API function: ORIGIN_VERIFY_SECRET is invalid (expected "off" or the generated secret (32 or more letters and digits))',
    );
    expect(message).not.toContain('secret-with-dashes');
  });

  it('parses a valid environment to exactly its variables', () => {
    expect(apiEnvironment.parse({ ...valid, ...runtimeVariables })).toEqual(valid);
  });

  it('names every missing variable in one message, in declaration order', () => {
    const { AUTH_AUDIENCE: _audience, FOLLOWUP_DLQ_ARN: _dlq, PROGRAMME_ID: _programme, SCANNER_URL_PARAMETER: _scanner, ...partial } = valid;
    expect(failure(() => apiEnvironment.parse(partial))).toBe(
      'Invalid environment of the API function: AUTH_AUDIENCE is missing; FOLLOWUP_DLQ_ARN is missing; PROGRAMME_ID is missing; SCANNER_URL_PARAMETER is missing',
    );
  });

  it('names missing and malformed variables together, saying what was expected and never the value', () => {
    const message = failure(() => apiEnvironment.parse({ ...valid, TABLE_NAME: '', AUTH_ISSUER: 'not a url', PROGRAMME_ID: 'North Leeds' }));
    expect(message).toBe(
      'Invalid environment of the API function: TABLE_NAME is missing; ' +
        'AUTH_ISSUER is invalid (expected the user pool issuer URL); ' +
        'PROGRAMME_ID is invalid (expected 1 to 40 lower-case letters, digits and hyphens)',
    );
    expect(message).not.toContain('not a url');
    expect(message).not.toContain('North Leeds');
  });

  it('fails the cold start naming each missing variable', () => {
    // Moved here from the API entry's tests with the checks it made of loadAwsConfig, which this replaces.
    expect(() => apiEnvironment.parse({ AUTH_ISSUER: 'not a url' })).toThrow(
      /TABLE_NAME.*AUTH_ISSUER.*AUTH_AUDIENCE|TABLE_NAME, AUTH_ISSUER, AUTH_AUDIENCE/,
    );
    expect(authSettings(apiEnvironment.parse(valid)).jwksUrl).toBe(`${auth.AUTH_ISSUER}/.well-known/jwks.json`);
  });

  it('refuses the scheduler settings unless all four are set: the API always schedules', () => {
    expect(failure(() => apiEnvironment.parse({ ...table, ...auth, ...pseudonym, ...directory, ...deviceTokens, ...scannerAddress, ...originVerify }))).toBe(
      'Invalid environment of the API function: SCHEDULE_GROUP_NAME is missing; FOLLOWUP_FUNCTION_ARN is missing; ' +
        'SCHEDULER_ROLE_ARN is missing; FOLLOWUP_DLQ_ARN is missing',
    );
  });

  it('needs the user pool id, in the shape Cognito gives it: the API administers people', () => {
    const { USER_POOL_ID: _pool, ...withoutPool } = valid;
    expect(failure(() => apiEnvironment.parse(withoutPool))).toBe('Invalid environment of the API function: USER_POOL_ID is missing');
    expect(failure(() => apiEnvironment.parse({ ...valid, USER_POOL_ID: 'no pool' }))).toBe(
      'Invalid environment of the API function: USER_POOL_ID is invalid (expected a Cognito user pool id, e.g. eu-west-2_AbC123xyz)',
    );
  });
});

describe('the exports function environment', () => {
  const valid = { ...table, ...auth, ...pseudonym, ...originVerify };

  it('declares the API’s variables but none of the scheduler’s: it only reads', () => {
    expect(exportsEnvironment.variables).toEqual([
      'TABLE_NAME',
      'AUTH_ISSUER',
      'AUTH_AUDIENCE',
      'PSEUDONYM_SECRET_ARN',
      'PROGRAMME_ID',
      'ORIGIN_VERIFY_SECRET',
      'ORIGIN_VERIFY_PREVIOUS_SECRET',
    ]);
    expect(exportsEnvironment.variables.every((variable) => apiEnvironment.variables.includes(variable))).toBe(true);
  });

  it('parses a valid environment to exactly its variables (scheduler settings, if any, are not read)', () => {
    expect(exportsEnvironment.parse({ ...valid, ...scheduler, ...runtimeVariables })).toEqual(valid);
  });

  it('names every missing variable in one message', () => {
    const { TABLE_NAME: _table, PSEUDONYM_SECRET_ARN: _secret, ...partial } = valid;
    expect(failure(() => exportsEnvironment.parse(partial))).toBe(
      'Invalid environment of the exports function: TABLE_NAME is missing; PSEUDONYM_SECRET_ARN is missing',
    );
  });

  it('names a malformed variable without echoing it', () => {
    const message = failure(() => exportsEnvironment.parse({ ...valid, AUTH_ISSUER: 'cognito-idp/eu-west-2_example' }));
    expect(message).toBe('Invalid environment of the exports function: AUTH_ISSUER is invalid (expected the user pool issuer URL)');
  });
});

describe.each([
  { name: 'follow-up due', environment: followUpDueEnvironment },
  { name: 'follow-up sweep', environment: followUpSweepEnvironment },
])('the $name function environment', ({ name, environment }) => {
  it('declares the table alone: nothing of auth or the scheduler', () => {
    expect(environment.variables).toEqual(['TABLE_NAME']);
  });

  it('parses a valid environment to exactly its variable', () => {
    expect(environment.parse({ ...table, ...auth, ...scheduler, ...runtimeVariables })).toEqual(table);
  });

  it('names the missing table, unset or empty', () => {
    expect(failure(() => environment.parse(runtimeVariables))).toBe(`Invalid environment of the ${name} function: TABLE_NAME is missing`);
    expect(failure(() => environment.parse({ TABLE_NAME: '' }))).toBe(`Invalid environment of the ${name} function: TABLE_NAME is missing`);
  });

  it.each(['waymark table', 'q7', 't'.repeat(256), 'arn:aws:dynamodb:eu-west-2:123456789012:table/waymark'])(
    'names a malformed table name (%j) without echoing it',
    (value) => {
      const message = failure(() => environment.parse({ TABLE_NAME: value }));
      expect(message).toBe(
        `Invalid environment of the ${name} function: TABLE_NAME is invalid (expected a DynamoDB table name: 3–255 of [a-zA-Z0-9_.-])`,
      );
      expect(message).not.toContain(value);
    },
  );
});

describe('the follow-up digest function environment', () => {
  const valid = { ...table, DIGEST_FROM_ADDRESS: 'waymark@example.org', CONSOLE_URL: 'https://d111.cloudfront.net' };

  it('declares the table, the sender and the console URL: nothing of auth or the scheduler', () => {
    expect(followUpDigestEnvironment.variables).toEqual(['TABLE_NAME', 'DIGEST_FROM_ADDRESS', 'CONSOLE_URL']);
    expect(followUpDigestEnvironment.parse({ ...valid, ...auth, ...scheduler, ...runtimeVariables })).toEqual(valid);
  });

  it('names a missing or malformed sender and console URL without echoing them', () => {
    expect(failure(() => followUpDigestEnvironment.parse(table))).toBe(
      'Invalid environment of the follow-up digest function: DIGEST_FROM_ADDRESS is missing; CONSOLE_URL is missing',
    );
    const message = failure(() => followUpDigestEnvironment.parse({ ...valid, DIGEST_FROM_ADDRESS: 'waymark-at-example', CONSOLE_URL: 'console' }));
    expect(message).toBe(
      'Invalid environment of the follow-up digest function: DIGEST_FROM_ADDRESS is invalid (expected an email address); CONSOLE_URL is invalid (expected the console URL)',
    );
    expect(message).not.toContain('waymark-at-example');
  });
});

describe('each Lambda entry, at init', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  const entries = [
    { entry: 'functions/api.ts', load: () => import('../../functions/api'), environment: apiEnvironment },
    { entry: 'functions/exports.ts', load: () => import('../../functions/exports'), environment: exportsEnvironment },
    { entry: 'functions/followup-due.ts', load: () => import('../../functions/followup-due'), environment: followUpDueEnvironment },
    { entry: 'functions/followup-sweep.ts', load: () => import('../../functions/followup-sweep'), environment: followUpSweepEnvironment },
    { entry: 'functions/followup-digest.ts', load: () => import('../../functions/followup-digest'), environment: followUpDigestEnvironment },
  ];

  it.each(entries)('$entry fails to load with the one message when its environment is unset', async ({ load, environment }) => {
    vi.resetModules();
    for (const variable of environment.variables) vi.stubEnv(variable, '');
    await expect(load()).rejects.toThrow(
      `Invalid environment of the ${environment.functionName} function: ${environment.variables.map((variable) => `${variable} is missing`).join('; ')}`,
    );
  });
});

describe('the device-token function environment', () => {
  it('is the table, the device key with its issuer and the origin check: no people, schedules or pseudonyms', () => {
    expect(deviceTokensEnvironment.variables).toEqual([
      'TABLE_NAME',
      'DEVICE_KEY_ARN',
      'DEVICE_TOKEN_ISSUER',
      'DEVICE_TOKEN_AUDIENCE',
      'ORIGIN_VERIFY_SECRET',
      'ORIGIN_VERIFY_PREVIOUS_SECRET',
    ]);
    expect(deviceTokensEnvironment.parse({ ...table, ...deviceTokens, ...originVerifyOn, ...runtimeVariables })).toEqual({
      ...table,
      ...deviceTokens,
      ...originVerifyOn,
    });
  });

  it('refuses a key that is not a KMS key ARN, naming the variable and never the value', () => {
    const message = failure(() => deviceTokensEnvironment.parse({ ...table, ...deviceTokens, ...originVerify, DEVICE_KEY_ARN: 'alias/secret-value' }));
    expect(message).toBe('Invalid environment of the device tokens function: DEVICE_KEY_ARN is invalid (expected a KMS key ARN)');
  });
});
