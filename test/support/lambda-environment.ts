/**
 * A value for every variable a function may declare (functions/env.ts), of the form the stack sets:
 * what the bundle tests and the cold-start benchmark give a bundled handler to load with.
 */
export const sampleLambdaVariables: Readonly<Record<string, string>> = {
  TABLE_NAME: 'waymark-bundle-test',
  AUTH_ISSUER: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_example',
  AUTH_AUDIENCE: 'example-client-id',
  SCHEDULE_GROUP_NAME: 'waymark-follow-ups',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/example',
  FOLLOWUP_DLQ_ARN: 'arn:aws:sqs:eu-west-2:123456789012:example',
  FOLLOWUP_FUNCTION_ARN: 'arn:aws:lambda:eu-west-2:123456789012:function:example',
  PSEUDONYM_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:example-AbCdEf',
  PROGRAMME_ID: 'waymark',
  USER_POOL_ID: 'eu-west-2_example',
  DEVICE_KEY_ARN: 'arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  DEVICE_TOKEN_ISSUER: 'urn:waymark:Waymark:devices',
  DEVICE_TOKEN_AUDIENCE: 'urn:waymark:Waymark:scanner',
  SCANNER_URL_PARAMETER: '/Waymark/scanner-url',
  ORIGIN_VERIFY_SECRET: 'off',
  ORIGIN_VERIFY_PREVIOUS_SECRET: 'none',
};
