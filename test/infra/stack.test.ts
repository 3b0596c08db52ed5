import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CfnElement, CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import type { CfnUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Section, SectionNaming } from '#infra/constructs/section';
import { UserPoolClientOAuth } from '#infra/constructs/user-pool-client-oauth';
import { DeclaredEnvironment, projectRoot } from '#infra/constructs/waymark-function';
import {
  apiPathPatterns,
  orukFeedTtl,
  contentSecurityPolicy,
  hstsMaxAge,
  indexRewriteCode,
  permissionsPolicy,
} from '#infra/constructs/web-apps';
import { apiThrottle, webSignInScopes } from '#infra/constructs/api-and-auth';
import { defaultAuthDomainPrefix, defaultDigestFromAddress, defaultProgrammeId } from '#infra/waymark-stack';
import type { WaymarkStack } from '#infra/waymark-stack';
import { createWaymarkApp } from '#infra/waymark-app';
import { CLAIMS, ROLES } from '#shared/platform/auth';
import * as securityHeaderValues from '#shared/platform/security-headers';
import { functionEnvironment } from '#shared/platform/config';
import { tableDeclaration } from '#shared/platform/table';
import { apiEnvironment, exportsEnvironment, followUpDigestEnvironment, followUpDueEnvironment, followUpSweepEnvironment } from '../../functions/env';

/** The same feature flags `cdk synth` gets from cdk.json. */
const cdkContext = (JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
  .context;

type Json = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

const outdirs: string[] = [];
function newOutdir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'waymark-cdk-'));
  outdirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function logicalId(construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!CfnElement.isCfnElement(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource);
}

const asList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** The Properties of the resource behind a construct, as synthesized. */
function propertiesOf(construct: IConstruct): Json {
  const resource = template.toJSON().Resources[logicalId(construct)] as { Properties?: Json } | undefined;
  if (!resource?.Properties) throw new Error(`${construct.node.path} is not in the template`);
  return resource.Properties;
}

/** Every statement of every AWS::IAM::Policy attached to the given role. */
function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleLogicalId }]) },
  });
  return Object.values(policies).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

/** What the CDK validation framework reports for one synth (file written to the cloud assembly). */
interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath?: string }[] }[];
  }[];
}

interface Finding {
  plugin: string;
  rule: string;
  severity: string;
  path: string | undefined;
}

/**
 * Synthesizes the app and returns every finding of every validation plugin, errors and warnings
 * alike. cdk-nag v3 is a CDK policy-validation plugin: its unacknowledged findings go to
 * `validation-report.json` in the cloud assembly, and in a test process (NODE_ENV=test) an
 * error-level finding also makes `app.synth()` throw. Warnings (e.g. AwsSolutions-DDB3, -COG2)
 * never throw, which is why the report is read rather than relying on the exception.
 */
function synthFindings(app: App, outdir: string): { findings: Finding[]; synthError: unknown } {
  let synthError: unknown;
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  const report = JSON.parse(readFileSync(path.join(outdir, VALIDATION_REPORT_FILE), 'utf8')) as ValidationReport;
  const findings = report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map((construct) => ({
        plugin: plugin.pluginName,
        rule: violation.ruleName,
        severity: violation.severity,
        path: construct.constructPath,
      })),
    ),
  );
  return { findings, synthError };
}

/** Every acknowledgement recorded in the construct tree: rule id (without the annotation prefix) and reason. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason: typeof reason === 'string' ? reason : JSON.stringify(reason),
        })),
      ),
  );
}

/** A CloudFormation intrinsic as a readable placeholder: `{{Ref:Id}}`, `{{GetAtt:Id.Attr}}`. */
function placeholder(value: unknown): string {
  const intrinsic = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (typeof intrinsic.Ref === 'string') return `{{Ref:${intrinsic.Ref}}}`;
  if (intrinsic['Fn::GetAtt']) return `{{GetAtt:${intrinsic['Fn::GetAtt'].join('.')}}}`;
  throw new Error(`unexpected intrinsic ${JSON.stringify(value)}`);
}

/** A string property, or an `Fn::Join` of strings and intrinsics, as one string with placeholders. */
function joinToString(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error(`not a string or Fn::Join: ${JSON.stringify(value)}`);
  return join[1].map((part) => (typeof part === 'string' ? part : placeholder(part))).join(join[0]);
}

/** The origin-verify secret as the template holds it: a dynamic reference, resolved by CloudFormation, never the value. */
function originVerifySecretReference(): Json {
  const secret = stack.originVerify.current;
  if (!secret) throw new Error('the origin check is off');
  return { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalId(secret) }, ':SecretString:::}}']] };
}

/** The S3 keys of the web deployment's sources: the built apps, then config.json. */
function deploymentSourceKeys(): string[] {
  const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0] as {
    Properties: { SourceObjectKeys: string[] };
  };
  return deployment.Properties.SourceObjectKeys;
}

/** The id of BucketDeployment's handler function, a singleton at the stack's root. */
function deploymentHandlerId(): string {
  const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) throw new Error('no BucketDeployment handler');
  return handler.node.id;
}

// The Waymark app is built (and its function bundled) once for this file, and synthesized once:
// that synth runs cdk-nag, and the stack assertions read the same cloud assembly.
let app: App;
let stack: WaymarkStack;
let template: Template;
let nag: { findings: Finding[]; synthError: unknown };
/** The cloud assembly of that synth (templates and staged assets). */
let assemblyDir: string;

beforeAll(() => {
  const outdir = newOutdir();
  assemblyDir = outdir;
  ({ app, stack } = createWaymarkApp({ outdir, context: cdkContext }));
  nag = synthFindings(app, outdir);
  // After a clean synth this reuses the assembly. After a failed one (a cdk-nag finding), read the
  // template it wrote, so that the stack assertions still run and the nag test names the finding.
  template =
    nag.synthError === undefined
      ? Template.fromStack(stack)
      : Template.fromJSON(JSON.parse(readFileSync(path.join(outdir, stack.templateFile), 'utf8')) as Json);
});


describe('Data (infra/constructs/data.ts)', () => {
  describe('DynamoDB table', () => {
    it('has the keys of tableDeclaration, on-demand billing, PITR, encryption and deletion protection', () => {
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: tableDeclaration.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDeclaration.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      });
    });

    it('is retained when removed from the stack or replaced', () => {
      template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    it('has exactly the GSIs of tableDeclaration, every key a string', () => {
      const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0] as {
        Properties: { GlobalSecondaryIndexes: Json[]; AttributeDefinitions: { AttributeName: string; AttributeType: string }[] };
      };
      const expected = tableDeclaration.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      }));
      expect(table.Properties.GlobalSecondaryIndexes).toEqual(expected);

      const keyNames = [
        tableDeclaration.partitionKey,
        tableDeclaration.sortKey,
        ...tableDeclaration.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
      ];
      expect(table.Properties.AttributeDefinitions).toEqual(
        expect.arrayContaining(keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
      );
      expect(table.Properties.AttributeDefinitions).toHaveLength(new Set(keyNames).size);
    });
  });

  describe('Table from tableDeclaration', () => {
    it('gains a GSI added to the declaration without any change to the stack', async () => {
      vi.resetModules();
      vi.doMock('#shared/platform/table', async (importOriginal) => {
        const actual = await importOriginal<typeof import('#shared/platform/table')>();
        return {
          ...actual,
          tableDeclaration: {
            ...actual.tableDeclaration,
            globalSecondaryIndexes: [
              ...actual.tableDeclaration.globalSecondaryIndexes,
              { indexName: 'GSI9', partitionKey: 'GSI9PK', sortKey: 'GSI9SK' },
            ],
          },
        };
      });
      try {
        const fresh = await import('#infra/waymark-app');
        // No bundling: only the table matters here.
        const { stack } = fresh.createWaymarkApp({
          outdir: newOutdir(),
          context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] },
        });
        Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
          GlobalSecondaryIndexes: Match.arrayWith([
            Match.objectLike({
              IndexName: 'GSI9',
              KeySchema: [
                { AttributeName: 'GSI9PK', KeyType: 'HASH' },
                { AttributeName: 'GSI9SK', KeyType: 'RANGE' },
              ],
            }),
          ]),
          AttributeDefinitions: Match.arrayWith([{ AttributeName: 'GSI9PK', AttributeType: 'S' }]),
        });
      } finally {
        vi.doUnmock('../../shared/platform/table');
        vi.resetModules();
      }
    });
  });

  describe('Pseudonymisation key', () => {
    it('is one generated Secrets Manager secret of 64 characters without punctuation', () => {
      // The other secret is the origin-verify header's (decision 91), tested with the distribution.
      template.resourceCountIs('AWS::SecretsManager::Secret', 2);
      expect(propertiesOf(stack.data.pseudonymKey)).toMatchObject({
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      });
      // Never a literal value in the template.
      expect(propertiesOf(stack.data.pseudonymKey).SecretString).toBeUndefined();
    });

    it('is retained when removed from the stack or replaced (a new key would change every pseudonym)', () => {
      expect(template.toJSON().Resources[logicalId(stack.data.pseudonymKey)]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it('is not rotated (no rotation schedule: the SMG4 acknowledgement)', () => {
      template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    });

    it('may be read by the API and exports roles only, on that secret only', () => {
      const secretArn = { Ref: logicalId(stack.data.pseudonymKey) };
      for (const fn of [stack.apiAndAuth.api, stack.streamedExports.exports]) {
        const secrets = statementsOfRole(template, logicalId(fn.role)).filter((s) =>
          asList(s.Action).some((action) => action.startsWith('secretsmanager:')),
        );
        expect(secrets, fn.node.path).toEqual([
          {
            Effect: 'Allow',
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: secretArn,
          },
        ]);
      }
      const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
        Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
      }[];
      const readers = policies
        .filter((policy) =>
          policy.Properties.PolicyDocument.Statement.some((s) =>
            asList(s.Action).some((action) => action.startsWith('secretsmanager:')),
          ),
        )
        .flatMap((policy) => policy.Properties.Roles.map((role) => role.Ref))
        .sort();
      expect(readers).toEqual([logicalId(stack.apiAndAuth.api.role), logicalId(stack.streamedExports.exports.role)].sort());
    });
  });
});

describe('API and auth (infra/constructs/api-and-auth.ts)', () => {
  describe('Cognito', () => {
    it('is a user pool for invited staff: email sign-in, strong passwords, TOTP MFA, protected and retained', () => {
      template.hasResource('AWS::Cognito::UserPool', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
          UsernameAttributes: ['email'],
          UsernameConfiguration: { CaseSensitive: false },
          MfaConfiguration: 'ON',
          EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
          Policies: {
            PasswordPolicy: Match.objectLike({
              MinimumLength: 12,
              RequireLowercase: true,
              RequireUppercase: true,
              RequireNumbers: true,
              RequireSymbols: true,
            }),
          },
          AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
          DeletionProtection: 'ACTIVE',
          UserPoolTier: 'PLUS',
          UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        }),
      });
    });

    it('has the mutable custom attribute that the API reads as custom:providerId', () => {
      expect(CLAIMS.providerId).toBe('custom:providerId');
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        Schema: Match.arrayWith([Match.objectLike({ Name: 'providerId', AttributeDataType: 'String', Mutable: true })]),
      });
    });

    it('has one group per Waymark role', () => {
      expect([...ROLES].sort()).toEqual(['admin', 'manager', 'navigator', 'provider']);
      template.resourceCountIs('AWS::Cognito::UserPoolGroup', ROLES.length);
      for (const role of ROLES) {
        template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
          GroupName: role,
          UserPoolId: { Ref: logicalId(stack.apiAndAuth.userPool) },
        });
      }
    });

    it('has a public web client (no secret, SRP) that can read but never write custom:providerId', () => {
      template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        // OAuth is turned on by the WebClientOAuth custom resource (see 'Hosted sign-in' below).
        AllowedOAuthFlowsUserPoolClient: false,
        PreventUserExistenceErrors: 'ENABLED',
        ReadAttributes: Match.arrayWith([CLAIMS.providerId]),
        WriteAttributes: Match.not(Match.arrayWith([CLAIMS.providerId])),
      });
      // An empty list would mean "every attribute" to Cognito.
      const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0] as {
        Properties: { WriteAttributes: string[] };
      };
      expect(client.Properties.WriteAttributes.length).toBeGreaterThan(0);
    });
  });

  describe('API function', () => {
    it('runs on the newest Node.js runtime, arm64, traced, 1024 MB, 10 s', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 1024,
        Timeout: 10,
        TracingConfig: { Mode: 'Active' },
      });
    });

    it('gets its configuration from the stack resources', () => {
      const env = { Properties: propertiesOf(stack.apiAndAuth.api.function) as { Environment: { Variables: Json } } };
      const issuer = {
        'Fn::Join': [
          '',
          ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: logicalId(stack.apiAndAuth.userPool) }],
        ],
      };
      expect(env.Properties.Environment.Variables).toEqual({
        TABLE_NAME: { Ref: logicalId(stack.data.table) },
        AUTH_ISSUER: issuer,
        AUTH_AUDIENCE: { Ref: logicalId(stack.apiAndAuth.userPoolClient) },
        SCHEDULE_GROUP_NAME: stack.resolve(stack.followUps.schedules.scheduleGroupName),
        SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [logicalId(stack.followUps.schedulerRole), 'Arn'] },
        FOLLOWUP_DLQ_ARN: { 'Fn::GetAtt': [logicalId(stack.followUps.deadLetterQueue), 'Arn'] },
        FOLLOWUP_FUNCTION_ARN: { 'Fn::GetAtt': [logicalId(stack.followUps.due.function), 'Arn'] },
        PSEUDONYM_SECRET_ARN: { Ref: logicalId(stack.data.pseudonymKey) },
        PROGRAMME_ID: defaultProgrammeId,
        USER_POOL_ID: { Ref: logicalId(stack.apiAndAuth.userPool) },
        DEVICE_KEY_ARN: { 'Fn::GetAtt': [logicalId(stack.deviceTokens.key), 'Arn'] },
        DEVICE_TOKEN_ISSUER: 'urn:waymark:Waymark:devices',
        DEVICE_TOKEN_AUDIENCE: 'urn:waymark:Waymark:scanner',
        SCANNER_URL_PARAMETER: '/Waymark/scanner-url',
        ORIGIN_VERIFY_SECRET: originVerifySecretReference(),
        ORIGIN_VERIFY_PREVIOUS_SECRET: 'none',
        POWERTOOLS_SERVICE_NAME: 'waymark',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it('logs to its own log group, kept for a year and retained', () => {
      const logGroupId = logicalId(stack.apiAndAuth.api.logGroup);
      template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroupId } } });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 365 },
        DeletionPolicy: 'Retain',
      });
      expect(template.toJSON().Resources[logGroupId]).toMatchObject({
        Properties: { RetentionInDays: 365 },
        DeletionPolicy: 'Retain',
      });
    });

    it('has a role with no AWS managed policy, writing only to its own log group', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        },
        ManagedPolicyArns: Match.absent(),
      });
      const logs = statementsOfRole(template, logicalId(stack.apiAndAuth.api.role)).filter((s) =>
        asList(s.Action).some((action) => action.startsWith('logs:')),
      );
      expect(logs).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalId(stack.apiAndAuth.api.logGroup), 'Arn'] },
        },
      ]);
    });

    it('reads and writes the table (and its indexes) and nothing else in DynamoDB', () => {
      const dynamo = statementsOfRole(template, logicalId(stack.apiAndAuth.api.role)).filter((s) =>
        asList(s.Action).some((action) => action.startsWith('dynamodb:')),
      );
      const tableArn = { 'Fn::GetAtt': [logicalId(stack.data.table), 'Arn'] };
      expect(dynamo).toHaveLength(1);
      expect(dynamo[0]?.Action).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem']));
      expect(dynamo[0]?.Resource).toEqual([tableArn, { 'Fn::Join': ['', [tableArn, '/index/*']] }]);
    });

    it('may manage schedules in the follow-up group only', () => {
      const scheduler = statementsOfRole(template, logicalId(stack.apiAndAuth.api.role)).filter((s) =>
        asList(s.Action).some((action) => action.startsWith('scheduler:')),
      );
      expect(scheduler).toEqual([
        {
          Sid: 'FollowUpSchedules',
          Effect: 'Allow',
          Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule', 'scheduler:UpdateSchedule'],
          Resource: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':scheduler:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                `:schedule/${stack.resolve(stack.followUps.schedules.scheduleGroupName)}/*`,
              ],
            ],
          },
        },
      ]);
    });

    it('may administer users of its own user pool with exactly the admin actions the directory adapter calls', () => {
      const cognito = statementsOfRole(template, logicalId(stack.apiAndAuth.api.role)).filter((s) =>
        asList(s.Action).some((action) => action.startsWith('cognito-idp:')),
      );
      expect(cognito).toEqual([
        {
          Effect: 'Allow',
          Action: [
            'cognito-idp:AdminAddUserToGroup',
            'cognito-idp:AdminCreateUser',
            'cognito-idp:AdminDisableUser',
            'cognito-idp:AdminEnableUser',
            'cognito-idp:AdminGetUser',
            'cognito-idp:AdminRemoveUserFromGroup',
            'cognito-idp:AdminUpdateUserAttributes',
            'cognito-idp:AdminUserGlobalSignOut',
          ],
          Resource: { 'Fn::GetAtt': [logicalId(stack.apiAndAuth.userPool), 'Arn'] },
        },
      ]);
      // The exports function serves the same app but administers no one.
      const exportsCognito = statementsOfRole(template, logicalId(stack.streamedExports.exports.role)).filter((s) =>
        asList(s.Action).some((action) => action.startsWith('cognito-idp:')),
      );
      expect(exportsCognito).toEqual([]);
    });

    it('may pass the scheduler target role, to EventBridge Scheduler only, and no other role', () => {
      const passRole = statementsOfRole(template, logicalId(stack.apiAndAuth.api.role)).filter((s) =>
        asList(s.Action).includes('iam:PassRole'),
      );
      expect(passRole).toEqual([
        {
          Sid: 'PassSchedulerRole',
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: { 'Fn::GetAtt': [logicalId(stack.followUps.schedulerRole), 'Arn'] },
          Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        },
      ]);
    });
  });

  describe('HTTP API', () => {
    it('sends every request through the $default route to the function (payload v2), but the device’s own three and those throttled apart', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
      const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => (route as { Properties: { RouteKey: string } }).Properties.RouteKey);
      expect(routeKeys.sort()).toEqual([
        '$default',
        'GET /docs',
        'GET /oruk/{proxy+}',
        'GET /v1/devices/jwks.json',
        'GET /v1/openapi.json',
        'POST /v1/devices/enrol',
        'POST /v1/devices/token',
        'POST /v1/public/referrals',
        'POST /v1/scans',
        'POST /v1/scans/batch',
      ]);
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: '$default',
        AuthorizationType: 'NONE',
        Target: Match.anyValue(),
      });
      template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalId(stack.apiAndAuth.api.function), 'Arn'] },
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [logicalId(stack.apiAndAuth.api.function), 'Arn'] },
      });
    });

    it('has one $default stage, auto-deployed, throttled, with access logs kept for a year', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingBurstLimit: apiThrottle.burstLimit,
          ThrottlingRateLimit: apiThrottle.rateLimit,
        },
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiAccessLogs'), 'Arn'] },
          Format: Match.stringLikeRegexp('\\$context\\.requestId'),
        },
      });
      const accessLogs = template.findResources('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 365 },
        DeletionPolicy: 'Retain',
      });
      expect(Object.keys(accessLogs).some((id) => id.startsWith('ApiAccessLogs'))).toBe(true);
    });
  });

  describe('Hosted sign-in', () => {
    /** The UpdateUserPoolClient call the custom resource makes, with intrinsics as placeholders. */
    const oauthCall = (event: 'Create' | 'Update') => {
      const properties = propertiesOf(oauthResource()) as Record<string, unknown>;
      return JSON.parse(joinToString(properties[event])) as { action: string; service: string; parameters: Json; outputPaths?: string[] };
    };
    const distributionDomain = () => `{{GetAtt:${logicalId(stack.web.distribution)}.DomainName}}`;
    /** AwsCustomResource wraps a CustomResource, whose own default child is the CloudFormation resource. */
    const oauthResource = () => stack.webClientOAuth.resource.node.defaultChild!;

    it("has a Cognito prefix domain, 'waymark-auth' by default", () => {
      expect(defaultAuthDomainPrefix).toBe('waymark-auth');
      template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
      expect(propertiesOf(stack.apiAndAuth.authDomain)).toEqual({
        Domain: 'waymark-auth',
        UserPoolId: { Ref: logicalId(stack.apiAndAuth.userPool) },
        ManagedLoginVersion: 1,
      });
    });

    it('turns on the code grant (no implicit grant) for the web client, with the two app URLs and openid, email, profile', () => {
      const call = oauthCall('Create');
      expect(call).toMatchObject({ service: '@aws-sdk/client-cognito-identity-provider', action: 'UpdateUserPoolClient' });
      const appUrls = [`https://${distributionDomain()}/`, `https://${distributionDomain()}/scan/`];
      expect(call.parameters).toMatchObject({
        UserPoolId: `{{Ref:${logicalId(stack.apiAndAuth.userPool)}}}`,
        ClientId: `{{Ref:${logicalId(stack.apiAndAuth.userPoolClient)}}}`,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        CallbackURLs: appUrls,
        LogoutURLs: appUrls,
        SupportedIdentityProviders: ['COGNITO'],
      });
      expect(webSignInScopes).toEqual(['openid', 'email', 'profile']);
      expect(oauthCall('Update')).toEqual(call);
      // Only the client id comes back: a custom resource may return at most 4 KB.
      expect(call).toMatchObject({ outputPaths: ['UserPoolClient.ClientId'] });
      // A public client: no secret (PKCE protects the code exchange), so it is the client the API verifies.
      expect(propertiesOf(stack.apiAndAuth.userPoolClient).GenerateSecret).toBe(false);
      expect(propertiesOf(stack.apiAndAuth.api.function)).toMatchObject({
        Environment: { Variables: { AUTH_AUDIENCE: { Ref: logicalId(stack.apiAndAuth.userPoolClient) } } },
      });
    });

    it('repeats every other setting the client declares, so UpdateUserPoolClient resets none of them', () => {
      const { parameters } = oauthCall('Create');
      const declared = propertiesOf(stack.apiAndAuth.userPoolClient);
      const notRepeated = ['UserPoolId', 'GenerateSecret', 'AllowedOAuthFlowsUserPoolClient'];
      for (const [name, value] of Object.entries(declared)) {
        if (notRepeated.includes(name)) continue;
        expect(parameters[name], name).toEqual(value);
      }
      expect(Object.keys(parameters).sort()).toEqual(
        [
          ...Object.keys(declared).filter((name) => !notRepeated.includes(name)),
          'UserPoolId',
          'ClientId',
          'AllowedOAuthFlowsUserPoolClient',
          'AllowedOAuthFlows',
          'AllowedOAuthScopes',
          'CallbackURLs',
          'LogoutURLs',
        ].sort(),
      );
    });

    it('refuses a client setting it could not repeat, rather than let the update reset it', () => {
      const scratch = new Stack();
      const pool = new UserPool(scratch, 'Pool');
      // Token validities add TokenValidityUnits, which the call does not carry.
      const client = pool.addClient('Client', { disableOAuth: true, accessTokenValidity: Duration.minutes(30) });
      expect(
        () =>
          new UserPoolClientOAuth(scratch, 'OAuth', {
            userPool: pool,
            client,
            callbackUrls: ['https://example.org/'],
            logoutUrls: ['https://example.org/'],
            scopes: ['openid'],
          }),
      ).toThrow(/declares TokenValidityUnits/);
    });

    it('is a custom resource because the client cannot name the distribution itself (a dependency cycle)', () => {
      const outdir = newOutdir();
      const { app: cyclicApp, stack: cyclic } = createWaymarkApp({
        outdir,
        context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] },
      });
      // What the client's own CallbackURLs would do: client -> distribution -> exports URL -> exports
      // function (AUTH_AUDIENCE) -> client.
      (cyclic.apiAndAuth.userPoolClient.node.defaultChild as CfnUserPoolClient).callbackUrLs = [`${cyclic.web.url}/`];
      const { findings } = synthFindings(cyclicApp, outdir);
      expect(findings.filter((finding) => finding.rule === 'F3004').map((finding) => finding.path).sort()).toEqual([
        'Waymark/ApiAndAuth/UserPool/WebClient/Resource',
        'Waymark/StreamedExports/Exports/Function/FunctionUrl/Resource',
        'Waymark/StreamedExports/Exports/Function/Resource',
        'Waymark/Web/Distribution/Resource',
      ]);
    });

    it("runs with a role of its own that may only update this pool's clients, and logs to its own group", () => {
      expect(statementsOfRole(template, logicalId(stack.webClientOAuth.role))).toEqual(
        expect.arrayContaining([
          {
            Effect: 'Allow',
            Action: 'cognito-idp:UpdateUserPoolClient',
            Resource: { 'Fn::GetAtt': [logicalId(stack.apiAndAuth.userPool), 'Arn'] },
          },
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [logicalId(stack.webClientOAuth.logGroup), 'Arn'] },
          },
        ]),
      );
      expect(statementsOfRole(template, logicalId(stack.webClientOAuth.role))).toHaveLength(2);
      // The handler uses the SDK in its runtime: nothing is downloaded from npm during a deployment.
      expect(propertiesOf(oauthResource()).InstallLatestAwsSdk).toBe(false);
    });
  });

  describe('Hosted sign-in domain prefix', () => {
    /** The Waymark app without bundling: only the configuration matters here. */
    function unbundled(context: Record<string, unknown> = {}, authDomainPrefix?: string) {
      return createWaymarkApp(
        { outdir: newOutdir(), context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context } },
        authDomainPrefix === undefined ? {} : { authDomainPrefix },
      );
    }
    const domainOf = (stack: WaymarkStack) => Template.fromStack(stack).findResources('AWS::Cognito::UserPoolDomain');
    const prefixOf = (stack: WaymarkStack) =>
      (Object.values(domainOf(stack))[0] as { Properties: { Domain: string } }).Properties.Domain;

    it("is 'waymark-auth' by default", () => {
      expect(stack.authDomainPrefix).toBe('waymark-auth');
    });

    it('takes the prop, else the CDK context value authDomainPrefix', () => {
      expect(prefixOf(unbundled({}, 'north-leeds-waymark').stack)).toBe('north-leeds-waymark');
      expect(prefixOf(unbundled({ authDomainPrefix: 'from-context' }).stack)).toBe('from-context');
      expect(prefixOf(unbundled({ authDomainPrefix: 'from-context' }, 'from-prop').stack)).toBe('from-prop');
    });

    it.each(['Waymark', 'north leeds', '-waymark', 'waymark-', 'a'.repeat(64), 'my-aws-login', 'amazon-x', 'cognito1', '', 42])(
      'refuses the invalid prefix %j with a clear error',
      (prefix) => {
        const attempt = () => (typeof prefix === 'string' ? unbundled({}, prefix) : unbundled({ authDomainPrefix: prefix }));
        expect(attempt).toThrow(/Invalid authDomainPrefix .*lower-case letters, digits and hyphens/);
      },
    );

    it('accepts 63 characters', () => {
      expect(unbundled({}, 'a'.repeat(63)).stack.authDomainPrefix).toBe('a'.repeat(63));
    });
  });
});

describe('Follow-ups (infra/constructs/follow-ups.ts)', () => {
  describe('Follow-up functions', () => {
    const functions = () =>
      [
        { name: 'FollowUpDue', fn: stack.followUps.due, timeout: 10 },
        { name: 'FollowUpSweep', fn: stack.followUps.sweep, timeout: 60 },
      ] as const;


    it.each(['FollowUpDue', 'FollowUpSweep'])('%s runs on the API\'s runtime, arm64, traced, with its own timeout', (name) => {
      const { fn, timeout } = functions().find((candidate) => candidate.name === name)!;
      expect(propertiesOf(fn.function)).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 1024,
        Timeout: timeout,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalId(fn.logGroup) } },
      });
    });

    it.each(['FollowUpDue', 'FollowUpSweep'])('%s gets the table name and nothing of the scheduler', (name) => {
      const { fn } = functions().find((candidate) => candidate.name === name)!;
      expect((propertiesOf(fn.function) as { Environment: { Variables: Json } }).Environment.Variables).toEqual({
        TABLE_NAME: { Ref: logicalId(stack.data.table) },
        POWERTOOLS_SERVICE_NAME: 'waymark',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it.each(['FollowUpDue', 'FollowUpSweep'])(
      '%s may write its logs, trace, and read and write the table and its indexes: nothing else',
      (name) => {
        const { fn } = functions().find((candidate) => candidate.name === name)!;
        const tableArn = { 'Fn::GetAtt': [logicalId(stack.data.table), 'Arn'] };
        const statements = statementsOfRole(template, logicalId(fn.role));
        expect(statements.map((s) => asList(s.Action)[0]?.split(':')[0]).sort()).toEqual(['dynamodb', 'logs', 'xray']);
        expect(statements.find((s) => asList(s.Action).some((action) => action.startsWith('logs:')))).toEqual({
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalId(fn.logGroup), 'Arn'] },
        });
        const dynamo = statements.find((s) => asList(s.Action).some((action) => action.startsWith('dynamodb:')));
        expect(dynamo?.Action).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']));
        expect(dynamo?.Resource).toEqual([tableArn, { 'Fn::Join': ['', [tableArn, '/index/*']] }]);
      },
    );
  });

  describe('EventBridge Scheduler', () => {
    it('has a retained schedule group for follow-up reminders, and another for the sweep (and the digest its own)', () => {
      template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 3);
      expect(template.toJSON().Resources[logicalId(stack.followUps.schedules)]).toMatchObject({
        Properties: { Name: stack.resolve(stack.followUps.schedules.scheduleGroupName) },
        DeletionPolicy: 'Retain',
      });
      expect(stack.resolve(stack.followUps.sweepSchedules.scheduleGroupName)).not.toEqual(
        stack.resolve(stack.followUps.schedules.scheduleGroupName),
      );
    });

    it('has a standard, encrypted, SSL-only dead-letter queue keeping messages 14 days', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 60 * 60,
        FifoQueue: Match.absent(),
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(stack.followUps.deadLetterQueue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it("has a target role only EventBridge Scheduler can assume, for this account's follow-up group", () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: {
                StringEquals: {
                  'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                  'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack.followUps.schedules), 'Arn'] },
                },
              },
            },
          ],
        },
      });
    });

    it('lets the target role send to the dead-letter queue and invoke the follow-up function (that ARN only)', () => {
      expect(statementsOfRole(template, logicalId(stack.followUps.schedulerRole))).toEqual([
        {
          Sid: 'FollowUpDeadLetters',
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [logicalId(stack.followUps.deadLetterQueue), 'Arn'] },
        },
        {
          Sid: 'InvokeFollowUpDue',
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: { 'Fn::GetAtt': [logicalId(stack.followUps.due.function), 'Arn'] },
        },
      ]);
    });

    it('runs the sweep every day at 09:15 London time, with retries and the dead-letter queue', () => {
      // The sweep's and the digest's (see the digest's tests).
      template.resourceCountIs('AWS::Scheduler::Schedule', 2);
      expect(template.toJSON().Resources[logicalId(stack.followUps.sweepSchedule)]).toMatchObject({
        DependsOn: expect.arrayContaining([logicalId(stack.followUps.sweepSchedules)]),
        Properties: {
          GroupName: stack.resolve(stack.followUps.sweepSchedules.scheduleGroupName),
          ScheduleExpression: 'cron(15 9 * * ? *)',
          ScheduleExpressionTimezone: 'Europe/London',
          State: 'ENABLED',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: { 'Fn::GetAtt': [logicalId(stack.followUps.sweep.function), 'Arn'] },
            RoleArn: { 'Fn::GetAtt': [logicalId(stack.followUps.sweepSchedulerRole), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.followUps.deadLetterQueue), 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3 * 60 * 60 },
          },
        },
      });
    });

    it("has a sweep target role only EventBridge Scheduler can assume, for this account's sweep group", () => {
      expect(propertiesOf(stack.followUps.sweepSchedulerRole)).toMatchObject({
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: {
                StringEquals: {
                  'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                  'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack.followUps.sweepSchedules), 'Arn'] },
                },
              },
            },
          ],
        },
      });
    });

    it('lets the sweep target role invoke the sweep function (and its versions) and send to the dead-letter queue, nothing else', () => {
      const sweepArn = { 'Fn::GetAtt': [logicalId(stack.followUps.sweep.function), 'Arn'] };
      expect(statementsOfRole(template, logicalId(stack.followUps.sweepSchedulerRole))).toEqual([
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: [sweepArn, { 'Fn::Join': ['', [sweepArn, ':*']] }],
        },
        {
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [logicalId(stack.followUps.deadLetterQueue), 'Arn'] },
        },
      ]);
    });

    it('lets no role but the three target roles invoke the follow-up functions (reminder, sweep, digest)', () => {
      const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
        Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
      }[];
      const invokers = policies
        .filter((policy) =>
          policy.Properties.PolicyDocument.Statement.some((s) => asList(s.Action).includes('lambda:InvokeFunction')),
        )
        .flatMap((policy) => policy.Properties.Roles.map((role) => role.Ref))
        .sort();
      expect(invokers).toEqual(
        [logicalId(stack.followUps.schedulerRole), logicalId(stack.followUps.sweepSchedulerRole), logicalId(stack.digest.schedulerRole)].sort(),
      );
      // Resource-based permissions: API Gateway on the API function, and the public function URL of
      // the exports function (InvokeFunctionUrl, and InvokeFunction only via that URL). None on these.
      const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as {
        Properties: { FunctionName: unknown };
      }[];
      expect(permissions.map((permission) => permission.Properties.FunctionName)).toEqual(
        expect.arrayContaining([
          { 'Fn::GetAtt': [logicalId(stack.apiAndAuth.api.function), 'Arn'] },
          { 'Fn::GetAtt': [logicalId(stack.streamedExports.exports.function), 'Arn'] },
        ]),
      );
      for (const fn of [stack.followUps.due, stack.followUps.sweep, stack.digest.digest]) {
        expect(permissions.map((permission) => permission.Properties.FunctionName), fn.node.path).not.toContainEqual({
          'Fn::GetAtt': [logicalId(fn.function), 'Arn'],
        });
      }
      // The API function once per route (seven), the exports function's URL (two), and the device-token function once per route (three).
      template.resourceCountIs('AWS::Lambda::Permission', 12);
    });
  });
});

describe('Exports (infra/constructs/streamed-exports.ts)', () => {
  describe('Exports function', () => {
    it('runs the exports entry on the API runtime, arm64, traced, 1024 MB, 5 minutes, with its own log group', () => {
      expect(propertiesOf(stack.streamedExports.exports.function)).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 1024,
        Timeout: 300,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalId(stack.streamedExports.exports.logGroup) } },
      });
      expect(template.toJSON().Resources[logicalId(stack.streamedExports.exports.logGroup)]).toMatchObject({
        Properties: { RetentionInDays: 365 },
        DeletionPolicy: 'Retain',
      });
    });

    it("has exactly the API function's environment (the same app) less the scheduler's and the user pool's, pseudonym key and programme id included", () => {
      const variables = (fn: typeof stack.apiAndAuth.api) => (propertiesOf(fn.function) as { Environment: { Variables: Json } }).Environment.Variables;
      // The exports schedule nothing and administer no one (no such permissions either): functions/env.ts
      // declares them the API's variables without the scheduler's four and the user pool id.
      // Nor do they verify device tokens or make devices (exports are for managers).
      const schedulerVariables = ['SCHEDULE_GROUP_NAME', 'FOLLOWUP_FUNCTION_ARN', 'SCHEDULER_ROLE_ARN', 'FOLLOWUP_DLQ_ARN', 'USER_POOL_ID'];
      const deviceVariables = ['DEVICE_KEY_ARN', 'DEVICE_TOKEN_ISSUER', 'DEVICE_TOKEN_AUDIENCE', 'SCANNER_URL_PARAMETER'];
      const apiVariables = Object.entries(variables(stack.apiAndAuth.api));
      expect(variables(stack.streamedExports.exports)).toEqual(
        Object.fromEntries(apiVariables.filter(([name]) => !schedulerVariables.includes(name) && !deviceVariables.includes(name))),
      );
      expect(apiVariables.filter(([name]) => schedulerVariables.includes(name))).toHaveLength(5);
      expect(variables(stack.streamedExports.exports)).toMatchObject({
        PSEUDONYM_SECRET_ARN: { Ref: logicalId(stack.data.pseudonymKey) },
        PROGRAMME_ID: defaultProgrammeId,
      });
    });

    it('has a function URL that streams the response (RESPONSE_STREAM) with no IAM auth (the app verifies the JWT)', () => {
      template.resourceCountIs('AWS::Lambda::Url', 1);
      expect(propertiesOf(stack.streamedExports.url)).toEqual({
        AuthType: 'NONE',
        InvokeMode: 'RESPONSE_STREAM',
        TargetFunctionArn: { 'Fn::GetAtt': [logicalId(stack.streamedExports.exports.function), 'Arn'] },
      });
      // The URL's public permissions are on the exports function and only reachable through its URL.
      const exportsArn = { 'Fn::GetAtt': [logicalId(stack.streamedExports.exports.function), 'Arn'] };
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionName: exportsArn,
        FunctionUrlAuthType: 'NONE',
        Principal: '*',
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: exportsArn,
        InvokedViaFunctionUrl: true,
        Principal: '*',
      });
    });

    it('may only read the table and its indexes: no PutItem, UpdateItem, DeleteItem or BatchWriteItem', () => {
      const statements = statementsOfRole(template, logicalId(stack.streamedExports.exports.role));
      const actions = statements.flatMap((s) => asList(s.Action));
      for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
        expect(actions).not.toContain(write);
      }
      expect(actions.some((action) => action.includes('*'))).toBe(false);
      const tableArn = { 'Fn::GetAtt': [logicalId(stack.data.table), 'Arn'] };
      const dynamo = statements.filter((s) => asList(s.Action).some((action) => action.startsWith('dynamodb:')));
      expect(dynamo).toHaveLength(1);
      expect(dynamo[0]?.Action).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      expect(dynamo[0]?.Resource).toEqual([tableArn, { 'Fn::Join': ['', [tableArn, '/index/*']] }]);
    });

    it('writes its logs, traces, reads the table and the pseudonym key: nothing of the scheduler, no PassRole', () => {
      const statements = statementsOfRole(template, logicalId(stack.streamedExports.exports.role));
      expect(statements.map((s) => asList(s.Action)[0]?.split(':')[0]).sort()).toEqual([
        'dynamodb',
        'logs',
        'secretsmanager',
        'xray',
      ]);
      expect(statements.find((s) => asList(s.Action).some((action) => action.startsWith('logs:')))).toEqual({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalId(stack.streamedExports.exports.logGroup), 'Arn'] },
      });
    });
  });
});

describe('Web (infra/constructs/web-apps.ts)', () => {
  describe('Web apps', () => {
    const bucketArn = () => ({ 'Fn::GetAtt': [logicalId(stack.web.bucket), 'Arn'] });
    const distributionConfig = () =>
      propertiesOf(stack.web.distribution).DistributionConfig as {
        DefaultRootObject: string;
        DefaultCacheBehavior: Json & { FunctionAssociations: Json[]; TargetOriginId: string };
        CacheBehaviors: (Json & { PathPattern: string; TargetOriginId: string })[];
        Origins: (Json & { Id: string; DomainName: unknown })[];
        ViewerCertificate?: Json;
      };
    const originOf = (behaviour: { TargetOriginId: string }) =>
      distributionConfig().Origins.find((origin) => origin.Id === behaviour.TargetOriginId);
    const behaviourFor = (pattern: string) => {
      const behaviour = distributionConfig().CacheBehaviors.find((candidate) => candidate.PathPattern === pattern);
      if (!behaviour) throw new Error(`no behaviour for ${pattern}`);
      return behaviour;
    };

    it('keeps the built apps in a private bucket: all public access blocked, S3-managed encryption, retained', () => {
      template.resourceCountIs('AWS::S3::Bucket', 1);
      expect(template.toJSON().Resources[logicalId(stack.web.bucket)]).toMatchObject({
        Properties: {
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      // No auto-delete custom resource: deleting the stack never empties the bucket.
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    });

    it('refuses every request to the bucket that is not over TLS 1.2 or newer', () => {
      const objects = { 'Fn::Join': ['', [bucketArn(), '/*']] };
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(stack.web.bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: [bucketArn(), objects],
            },
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
              Resource: [bucketArn(), objects],
            },
          ]),
        },
      });
    });

    it('lets only this distribution read the bucket, through Origin Access Control (no OAI, no public policy)', () => {
      template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
      template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
      });
      const oac = Object.keys(template.findResources('AWS::CloudFront::OriginAccessControl'))[0]!;
      const s3Origin = originOf(distributionConfig().DefaultCacheBehavior);
      expect(s3Origin).toMatchObject({
        DomainName: { 'Fn::GetAtt': [logicalId(stack.web.bucket), 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [oac, 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      });
      template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);

      const policy = Object.values(template.findResources('AWS::S3::BucketPolicy', {
        Properties: { Bucket: { Ref: logicalId(stack.web.bucket) } },
      }))[0] as { Properties: { PolicyDocument: { Statement: (Statement & { Principal: unknown })[] } } };
      const allows = policy.Properties.PolicyDocument.Statement.filter((s) => s.Effect === 'Allow');
      expect(allows).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', [bucketArn(), '/*']] },
          Condition: {
            StringEquals: {
              'AWS:SourceArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':cloudfront::',
                    { Ref: 'AWS::AccountId' },
                    ':distribution/',
                    { Ref: logicalId(stack.web.distribution) },
                  ],
                ],
              },
            },
          },
        },
      ]);
    });

    it('serves index.html at the root, redirects HTTP to HTTPS, compresses and caches the app files', () => {
      template.resourceCountIs('AWS::CloudFront::Distribution', 1);
      const config = distributionConfig();
      expect(config.DefaultRootObject).toBe('index.html');
      expect(config.DefaultCacheBehavior).toMatchObject({
        ViewerProtocolPolicy: 'redirect-to-https',
        Compress: true,
        AllowedMethods: ['GET', 'HEAD'],
        CachePolicyId: CachePolicy.CACHING_OPTIMIZED.cachePolicyId,
      });
      expect(config).toMatchObject({ Enabled: true, HttpVersion: 'http2and3', PriceClass: 'PriceClass_100' });
    });

    it('runs the index rewrite as a viewer-request function on the default behaviour only', () => {
      expect(propertiesOf(stack.web.indexRewrite)).toMatchObject({
        AutoPublish: true,
        FunctionCode: indexRewriteCode,
        FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
      });
      expect(distributionConfig().DefaultCacheBehavior.FunctionAssociations).toEqual([
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [logicalId(stack.web.indexRewrite), 'FunctionARN'] } },
      ]);
      for (const behaviour of distributionConfig().CacheBehaviors) {
        expect(behaviour.FunctionAssociations, behaviour.PathPattern).toBeUndefined();
      }
    });

    it('maps folder URIs to their index.html (S3 through OAC has no index documents) and /scan to /scan/', () => {
      type Request = { uri: string; querystring?: Json };
      const handler = new Function(`${indexRewriteCode}\nreturn handler;`)() as (event: { request: Request }) => unknown;
      const viewerRequest = (uri: string) => handler({ request: { uri, querystring: {} } });
      expect(viewerRequest('/')).toEqual({ uri: '/index.html', querystring: {} });
      expect(viewerRequest('/scan/')).toEqual({ uri: '/scan/index.html', querystring: {} });
      expect(viewerRequest('/scan')).toEqual({
        statusCode: 301,
        statusDescription: 'Moved Permanently',
        headers: { location: { value: '/scan/' } },
      });
      // The public referral form likewise: /refer/ is its page, /refer goes there.
      expect(viewerRequest('/refer/')).toEqual({ uri: '/refer/index.html', querystring: {} });
      expect(viewerRequest('/refer')).toEqual({ statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/refer/' } } });
      for (const uri of ['/index.html', '/app.js', '/styles.css', '/config.json', '/scan/app.js', '/scan/sw.js', '/scanner', '/refer/app.js', '/referrals']) {
        expect(viewerRequest(uri), uri).toEqual({ uri, querystring: {} });
      }
    });

    it("sends /v1/reports/*.csv to the exports function URL before /v1/* and /docs* go to the HTTP API, none cached", () => {
      const behaviours = distributionConfig().CacheBehaviors;
      // CloudFront tries the patterns in this order: the CSV exports must come before /v1/*.
      expect(behaviours.map((behaviour) => behaviour.PathPattern)).toEqual([
        apiPathPatterns.exports,
        apiPathPatterns.api,
        apiPathPatterns.docs,
        apiPathPatterns.oruk,
      ]);
      expect(apiPathPatterns).toEqual({ exports: '/v1/reports/*.csv', api: '/v1/*', docs: '/docs*', oruk: '/oruk/*' });
      // The ORUK feed alone is cached (its own test below).
      for (const behaviour of behaviours.filter((candidate) => candidate.PathPattern !== apiPathPatterns.oruk)) {
        expect(behaviour, behaviour.PathPattern).toMatchObject({
          ViewerProtocolPolicy: 'redirect-to-https',
          CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
          OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        });
      }

      const exportsBehaviour = behaviourFor('/v1/reports/*.csv');
      expect(exportsBehaviour.AllowedMethods).toEqual(['GET', 'HEAD']);
      expect(originOf(exportsBehaviour)).toMatchObject({
        DomainName: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [logicalId(stack.streamedExports.url), 'FunctionUrl'] }] }] },
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'], OriginReadTimeout: 60 },
      });
      // No Lambda OAC: it would sign the request and replace the Authorization header (the ID token).
      expect(originOf(exportsBehaviour)?.OriginAccessControlId).toBeUndefined();

      const apiDomain = {
        'Fn::Join': ['', [{ Ref: logicalId(stack.apiAndAuth.httpApi) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
      };
      for (const pattern of ['/v1/*', '/docs*']) {
        const behaviour = behaviourFor(pattern);
        expect(behaviour.AllowedMethods, pattern).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
        expect(originOf(behaviour), pattern).toMatchObject({
          DomainName: apiDomain,
          CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
        });
      }
      expect(behaviourFor('/v1/*').TargetOriginId).toBe(behaviourFor('/docs*').TargetOriginId);
      expect(distributionConfig().Origins).toHaveLength(3);
    });

    it('puts the one security headers policy on every behaviour, and on the ORUK feed the same headers with CORS', () => {
      template.resourceCountIs('AWS::CloudFront::ResponseHeadersPolicy', 2);
      const policy = { Ref: logicalId(stack.web.securityHeaders) };
      const config = distributionConfig();
      expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policy);
      expect(config.CacheBehaviors).toHaveLength(4);
      for (const behaviour of config.CacheBehaviors.filter((candidate) => candidate.PathPattern !== apiPathPatterns.oruk)) {
        expect(behaviour.ResponseHeadersPolicyId, behaviour.PathPattern).toEqual(policy);
      }
      expect(behaviourFor(apiPathPatterns.oruk).ResponseHeadersPolicyId).toEqual({ Ref: logicalId(stack.web.feedHeaders) });
      type HeadersConfig = { ResponseHeadersPolicyConfig: Json & { SecurityHeadersConfig: Json; CustomHeadersConfig: Json } };
      const security = propertiesOf(stack.web.securityHeaders) as HeadersConfig;
      const feed = propertiesOf(stack.web.feedHeaders) as HeadersConfig;
      expect(feed.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toEqual(security.ResponseHeadersPolicyConfig.SecurityHeadersConfig);
      expect(feed.ResponseHeadersPolicyConfig.CustomHeadersConfig).toEqual(security.ResponseHeadersPolicyConfig.CustomHeadersConfig);
    });

    it('sends HSTS for two years with preload, the CSP, nosniff, DENY, no-referrer and the Permissions-Policy', () => {
      const { ResponseHeadersPolicyConfig: config } = propertiesOf(stack.web.securityHeaders) as {
        ResponseHeadersPolicyConfig: Json;
      };
      const csp = stack.resolve(contentSecurityPolicy(stack.region, stack.urlSuffix, stack.apiAndAuth.authDomainHost)) as unknown;
      expect(config).toMatchObject({
        SecurityHeadersConfig: {
          StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: true, Override: true },
          ContentSecurityPolicy: { ContentSecurityPolicy: csp, Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        },
        CustomHeadersConfig: {
          Items: [{ Header: 'Permissions-Policy', Value: 'camera=(self), nfc=(self), geolocation=(), microphone=()', Override: true }],
        },
      });
      expect(hstsMaxAge.toSeconds()).toBe(63072000);
      expect(permissionsPolicy).toBe('camera=(self), nfc=(self), geolocation=(), microphone=()');
      // One source with the API's own headers and local mode's (shared/platform/security-headers.ts).
      expect(config).toMatchObject({
        SecurityHeadersConfig: {
          StrictTransportSecurity: { AccessControlMaxAgeSec: securityHeaderValues.HSTS_MAX_AGE_SECONDS },
          ContentSecurityPolicy: {
            ContentSecurityPolicy: stack.resolve(
              securityHeaderValues.appContentSecurityPolicy({
                userPoolApi: `https://cognito-idp.${stack.region}.${stack.urlSuffix}`,
                hostedSignIn: `https://${stack.apiAndAuth.authDomainHost}`,
              }),
            ) as unknown,
          },
          FrameOptions: { FrameOption: securityHeaderValues.FRAME_OPTIONS },
          ReferrerPolicy: { ReferrerPolicy: securityHeaderValues.REFERRER_POLICY },
        },
        CustomHeadersConfig: { Items: [{ Header: 'Permissions-Policy', Value: securityHeaderValues.PERMISSIONS_POLICY }] },
      });
      expect(securityHeaderValues.STRICT_TRANSPORT_SECURITY).toBe('max-age=63072000; includeSubDomains; preload');
      // Policy names are per account: the Region keeps two deployments in one account apart.
      expect(JSON.stringify(config.Name)).toContain('"Ref":"AWS::Region"');
    });

    it("builds the CSP from the stack's Region and hosted sign-in domain: same origin, no inline script, no framing", () => {
      const csp = contentSecurityPolicy('eu-west-2', 'amazonaws.com', 'waymark-auth.auth.eu-west-2.amazoncognito.com');
      expect(csp.split('; ')).toEqual([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self' https://cognito-idp.eu-west-2.amazonaws.com https://waymark-auth.auth.eu-west-2.amazoncognito.com",
        "worker-src 'self'",
        "manifest-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self' https://waymark-auth.auth.eu-west-2.amazoncognito.com",
      ]);
      expect(csp).not.toMatch(/unsafe-|\*/);
      expect(stack.resolve(stack.apiAndAuth.authDomainHost)).toEqual({
        'Fn::Join': ['', [{ Ref: logicalId(stack.apiAndAuth.authDomain) }, '.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com']],
      });
    });

    it('deploys the build and config.json to the bucket, then invalidates /* on the distribution', () => {
      template.resourceCountIs('Custom::CDKBucketDeployment', 1);
      const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0] as { Properties: Json };
      expect(deployment.Properties).toMatchObject({
        DestinationBucketName: { Ref: logicalId(stack.web.bucket) },
        DistributionId: { Ref: logicalId(stack.web.distribution) },
        DistributionPaths: ['/*'],
        WaitForDistributionInvalidation: true,
        Prune: true,
        // File names carry no content hash: browsers revalidate every file, the edge keeps it a day.
        SystemMetadata: { 'cache-control': 'max-age=0, must-revalidate, s-maxage=86400' },
      });
      expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    });

    it('deploys the console and the scanner: the staged asset holds index.html and scan/index.html', () => {
      const [webKey] = deploymentSourceKeys();
      const assetDir = path.join(assemblyDir, `asset.${webKey!.replace(/\.zip$/, '')}`);
      for (const file of ['index.html', 'app.js', 'styles.css', 'scan/index.html', 'scan/app.js', 'scan/sw.js']) {
        expect(existsSync(path.join(assetDir, file)), file).toBe(true);
      }
      // The console's page loads the console, the scanner's the scanner.
      expect(readFileSync(path.join(assetDir, 'index.html'), 'utf8')).toMatch(/src="\/app\.js"/);
      expect(readFileSync(path.join(assetDir, 'scan/index.html'), 'utf8')).toMatch(/src="\/scan\/app\.js"/);
      // The sign-in settings come from the stack, never from the build.
      expect(existsSync(path.join(assetDir, 'config.json'))).toBe(false);
    });

    it('writes /config.json with the Cognito settings the apps sign in with', () => {
      const [, configKey] = deploymentSourceKeys();
      const assetDir = path.join(assemblyDir, `asset.${configKey!.replace(/\.zip$/, '')}`);
      expect(readdirSync(assetDir)).toEqual(['config.json']);
      const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0] as {
        Properties: { SourceMarkers: Record<string, Json>[] };
      };
      // Deploy-time values are markers in the file, replaced by the deployment from SourceMarkers.
      let text = readFileSync(path.join(assetDir, 'config.json'), 'utf8');
      for (const [marker, value] of Object.entries(deployment.Properties.SourceMarkers[1] ?? {})) {
        text = text.split(marker).join(placeholder(value));
      }
      expect(JSON.parse(text)).toEqual({
        mode: 'cognito',
        region: '{{Ref:AWS::Region}}',
        userPoolId: `{{Ref:${logicalId(stack.apiAndAuth.userPool)}}}`,
        clientId: `{{Ref:${logicalId(stack.apiAndAuth.userPoolClient)}}}`,
        domain: `{{Ref:${logicalId(stack.apiAndAuth.authDomain)}}}.auth.{{Ref:AWS::Region}}.amazoncognito.com`,
      });
    });

    it('has a deployment role of its own: logs to its log group, writes only to the web bucket, "*" only to invalidate', () => {
      const statements = statementsOfRole(template, logicalId(stack.web.deploymentRole));
      expect(statements.filter((s) => s.Resource === '*')).toEqual([
        { Effect: 'Allow', Action: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'], Resource: '*' },
      ]);
      const writes = statements.filter((s) => asList(s.Action).some((action) => /^s3:(Put|Delete|Abort)/.test(action)));
      expect(writes).toHaveLength(1);
      expect(writes[0]?.Resource).toEqual([bucketArn(), { 'Fn::Join': ['', [bucketArn(), '/*']] }]);
      expect(statements.find((s) => asList(s.Action).some((action) => action.startsWith('logs:')))).toEqual({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalId(stack.web.deploymentLogGroup), 'Arn'] },
      });
      expect(statements.map((s) => asList(s.Action)[0]?.split(':')[0]).sort()).toEqual(['cloudfront', 'logs', 's3', 's3']);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [logicalId(stack.web.deploymentRole), 'Arn'] },
        LoggingConfig: { LogGroup: { Ref: logicalId(stack.web.deploymentLogGroup) } },
      });
    });

    it("acknowledges exactly the deployment role's wildcard findings", () => {
      const ids = acknowledgements(stack.web.deploymentRole)
        .filter((ack) => ack.path === stack.web.deploymentRole.node.path)
        .map((ack) => ack.id)
        .sort();
      expect(ids).toEqual(
        [
          'AwsSolutions-IAM5[Action::s3:Abort*]',
          'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
          'AwsSolutions-IAM5[Action::s3:GetBucket*]',
          'AwsSolutions-IAM5[Action::s3:GetObject*]',
          'AwsSolutions-IAM5[Action::s3:List*]',
          `AwsSolutions-IAM5[Resource::<${logicalId(stack.web.bucket)}.Arn>/*]`,
          'AwsSolutions-IAM5[Resource::*]',
          'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        ].sort(),
      );
    });
  });
});

describe('AWS WAF and origin verification (infra/edge-stack.ts, infra/constructs/origin-verify.ts; decision 91)', () => {
  const distributionConfig = () =>
    propertiesOf(stack.web.distribution).DistributionConfig as {
      WebACLId?: unknown;
      CacheBehaviors: (Json & { PathPattern: string; TargetOriginId: string })[];
      Origins: (Json & { Id: string; OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[]; S3OriginConfig?: Json })[];
    };
  const behaviourFor = (pattern: string) => {
    const behaviour = distributionConfig().CacheBehaviors.find((candidate) => candidate.PathPattern === pattern);
    if (!behaviour) throw new Error(`no behaviour for ${pattern}`);
    return behaviour;
  };
  const originOf = (pattern: string) => distributionConfig().Origins.find((origin) => origin.Id === behaviourFor(pattern).TargetOriginId)!;

  it("attaches the edge stack's web ACL, read from its output in us-east-1 (Fn::GetStackOutput), and deploys after it", () => {
    expect(distributionConfig().WebACLId).toEqual({
      'Fn::GetStackOutput': { StackName: 'WaymarkEdge', OutputName: 'WebAclArn', Region: 'us-east-1' },
    });
    expect(stack.dependencies.map((dependency) => dependency.stackName)).toEqual(['WaymarkEdge']);
    // The main stack stays Region-agnostic; the edge stack is pinned where CloudFront's web ACLs live.
    expect(stack.resolve(stack.region)).toEqual({ Ref: 'AWS::Region' });
  });

  it('sends the secret origin header to the API origin (every /v1, /docs and /oruk behaviour) and the exports function URL, not to S3', () => {
    const header = [{ HeaderName: 'x-waymark-origin-verify', HeaderValue: originVerifySecretReference() }];
    for (const pattern of [apiPathPatterns.api, apiPathPatterns.docs, apiPathPatterns.oruk, apiPathPatterns.exports]) {
      expect(originOf(pattern).OriginCustomHeaders, pattern).toEqual(header);
    }
    const s3 = distributionConfig().Origins.filter((origin) => origin.S3OriginConfig);
    expect(s3).toHaveLength(1);
    expect(s3[0]!.OriginCustomHeaders).toBeUndefined();
  });

  it('generates the secret in Secrets Manager (48 letters and digits, never in the template), not retained, not rotated on a schedule', () => {
    const secret = stack.originVerify.current!;
    expect(propertiesOf(secret)).toEqual({
      Description: expect.stringMatching(/origin verification \(generation 1\)/),
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
    expect(template.toJSON().Resources[logicalId(secret)]).toMatchObject({ DeletionPolicy: 'Delete' });
    expect(stack.originVerify.previous).toBeUndefined();
    // The value reaches the functions and CloudFront by a dynamic reference at deploy time: no role reads it.
    const reads = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
    expect(JSON.stringify(reads)).not.toContain(logicalId(secret));
  });

  it('gives the API, exports and device-token functions the secret, and every other function none', () => {
    const variables = (fn: { function: IConstruct }) => (propertiesOf(fn.function) as { Environment: { Variables: Json } }).Environment.Variables;
    for (const fn of [stack.apiAndAuth.api, stack.streamedExports.exports, stack.deviceTokens.tokens]) {
      expect(variables(fn), fn.node.path).toMatchObject({ ORIGIN_VERIFY_SECRET: originVerifySecretReference(), ORIGIN_VERIFY_PREVIOUS_SECRET: 'none' });
    }
    for (const fn of [stack.followUps.due, stack.followUps.sweep, stack.digest.digest]) {
      expect(variables(fn).ORIGIN_VERIFY_SECRET, fn.node.path).toBeUndefined();
    }
  });

  it('caches the ORUK feed at /oruk/* for the feed’s own minute, keyed by the query string only, on the API origin', () => {
    const feed = behaviourFor(apiPathPatterns.oruk);
    expect(feed).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
      CachedMethods: ['GET', 'HEAD'],
      Compress: true,
      CachePolicyId: { Ref: logicalId(stack.web.feedCache) },
    });
    // No origin request policy: only the cache key (the query string) and the origin headers reach the API.
    expect(feed.OriginRequestPolicyId).toBeUndefined();
    expect(feed.TargetOriginId).toBe(behaviourFor(apiPathPatterns.api).TargetOriginId);
    expect(orukFeedTtl.toSeconds()).toBe(60);
    expect(propertiesOf(stack.web.feedCache)).toMatchObject({
      CachePolicyConfig: {
        DefaultTTL: 60,
        MinTTL: 0,
        MaxTTL: 60,
        ParametersInCacheKeyAndForwardedToOrigin: {
          QueryStringsConfig: { QueryStringBehavior: 'all' },
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
        },
      },
    });
  });

  it("passes the feed's Access-Control-Allow-Origin: * through (CORS for any origin, GET, no credentials, origin's header kept)", () => {
    expect(propertiesOf(stack.web.feedHeaders)).toMatchObject({
      ResponseHeadersPolicyConfig: {
        CorsConfig: {
          AccessControlAllowOrigins: { Items: ['*'] },
          AccessControlAllowMethods: { Items: ['GET', 'HEAD', 'OPTIONS'] },
          AccessControlAllowCredentials: false,
          OriginOverride: false,
        },
      },
    });
  });
});

describe('Follow-up digest (infra/constructs/follow-up-digest.ts)', () => {
  it('runs the digest entry on the API runtime, arm64, traced, 2 minutes, with its own log group', () => {
    expect(propertiesOf(stack.digest.digest.function)).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 120,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: logicalId(stack.digest.digest.logGroup) } },
    });
  });

  it('gets the table, the sender address (waymark@example.org by default) and the web URL as the console URL', () => {
    expect((propertiesOf(stack.digest.digest.function) as { Environment: { Variables: Json } }).Environment.Variables).toEqual({
      TABLE_NAME: { Ref: logicalId(stack.data.table) },
      DIGEST_FROM_ADDRESS: defaultDigestFromAddress,
      CONSOLE_URL: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.web.distribution), 'DomainName'] }]] },
      POWERTOOLS_SERVICE_NAME: 'waymark',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(defaultDigestFromAddress).toBe('waymark@example.org');
  });

  it('runs every day at 09:00 London time, in a group of its own, with the retry policy and the follow-ups dead-letter queue', () => {
    expect(template.toJSON().Resources[logicalId(stack.digest.schedule)]).toMatchObject({
      DependsOn: expect.arrayContaining([logicalId(stack.digest.schedules)]),
      Properties: {
        GroupName: stack.resolve(stack.digest.schedules.scheduleGroupName),
        ScheduleExpression: 'cron(0 9 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/London',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [logicalId(stack.digest.digest.function), 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [logicalId(stack.digest.schedulerRole), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.followUps.deadLetterQueue), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3 * 60 * 60 },
        },
      },
    });
  });

  it("has a target role only EventBridge Scheduler can assume, for this account's digest group, that invokes the digest and sends to the DLQ only", () => {
    expect(propertiesOf(stack.digest.schedulerRole)).toMatchObject({
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack.digest.schedules), 'Arn'] },
              },
            },
          },
        ],
      },
    });
    const digestArn = { 'Fn::GetAtt': [logicalId(stack.digest.digest.function), 'Arn'] };
    expect(statementsOfRole(template, logicalId(stack.digest.schedulerRole))).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [digestArn, { 'Fn::Join': ['', [digestArn, ':*']] }] },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [logicalId(stack.followUps.deadLetterQueue), 'Arn'] } },
    ]);
  });

  it('may send email as the configured SES identity only, from that address only; no other function may send', () => {
    const ses = (role: IConstruct) => statementsOfRole(template, logicalId(role)).filter((s) => asList(s.Action).some((action) => action.startsWith('ses:')));
    expect(ses(stack.digest.digest.role)).toEqual([
      {
        Sid: 'SendDigestEmail',
        Effect: 'Allow',
        Action: 'ses:SendEmail',
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/waymark@example.org']],
        },
        Condition: { StringEquals: { 'ses:FromAddress': 'waymark@example.org' } },
      },
    ]);
    for (const fn of [stack.apiAndAuth.api, stack.streamedExports.exports, stack.followUps.due, stack.followUps.sweep]) {
      expect(ses(fn.role), fn.node.path).toEqual([]);
    }
  });

  it('reads and writes the table and its indexes, and writes its logs: nothing else beside SES and X-Ray', () => {
    const statements = statementsOfRole(template, logicalId(stack.digest.digest.role));
    expect([...new Set(statements.map((s) => asList(s.Action)[0]?.split(':')[0]))].sort()).toEqual(['dynamodb', 'logs', 'ses', 'xray']);
  });

  it('takes the sender from the CDK context value digestFromAddress, and refuses one that is not an address', () => {
    const build = (context: Record<string, unknown>) =>
      createWaymarkApp({ outdir: newOutdir(), context: { ...cdkContext, ...context, 'aws:cdk:bundling-stacks': [] } }).stack;
    expect(build({ digestFromAddress: 'digest@north-luton.example.org' }).digestFromAddress).toBe('digest@north-luton.example.org');
    expect(() => build({ digestFromAddress: 'not an address' })).toThrow(/Invalid digestFromAddress/);
  });
});

describe('Device tokens (infra/constructs/device-tokens.ts)', () => {
  type KeyStatement = { Sid?: string; Principal: unknown; Action: string | string[] };
  const keyStatements = () =>
    (propertiesOf(stack.deviceTokens.key) as { KeyPolicy: { Statement: KeyStatement[] } }).KeyPolicy.Statement;

  it('is an asymmetric P-256 signing key, retained', () => {
    expect(propertiesOf(stack.deviceTokens.key)).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(template.toJSON().Resources[logicalId(stack.deviceTokens.key)]).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  it('has a key policy by which only the device-token function signs; the API reads the public key; the account administers', () => {
    const signers = keyStatements().filter((statement) => asList(statement.Action).some((action) => action === 'kms:Sign' || action === 'kms:*'));
    expect(signers).toEqual([
      expect.objectContaining({ Principal: { AWS: { 'Fn::GetAtt': [logicalId(stack.deviceTokens.tokens.role), 'Arn'] } }, Action: ['kms:GetPublicKey', 'kms:Sign'] }),
    ]);
    expect(keyStatements()).toContainEqual(
      expect.objectContaining({ Principal: { AWS: { 'Fn::GetAtt': [logicalId(stack.apiAndAuth.api.role), 'Arn'] } }, Action: 'kms:GetPublicKey' }),
    );
    const account = keyStatements().find((statement) => statement.Sid === 'AccountAdministersKey')!;
    expect(asList(account.Action)).toContain('kms:ScheduleKeyDeletion');
    expect(asList(account.Action).some((action) => /^kms:(Sign|\*|Verify)/.test(action))).toBe(false);
    // No other function holds the key in its identity policy for signing.
    const signingRoles = Object.values(template.findResources('AWS::IAM::Policy'))
      .map((policy) => policy as { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } } })
      .filter((policy) => policy.Properties.PolicyDocument.Statement.some((statement) => asList(statement.Action).includes('kms:Sign')))
      .flatMap((policy) => policy.Properties.Roles.map((role) => role.Ref));
    expect(signingRoles).toEqual([logicalId(stack.deviceTokens.tokens.role)]);
  });

  it("routes the device's own three routes to the device-token function, throttled far below the stage", () => {
    const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration')).map(
      (integration) => (integration as { Properties: { IntegrationUri: unknown } }).Properties.IntegrationUri,
    );
    expect(integrations).toContainEqual({ 'Fn::GetAtt': [logicalId(stack.deviceTokens.tokens.function), 'Arn'] });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as { Properties: { RouteSettings: Record<string, unknown> } };
    expect(stage.Properties.RouteSettings).toMatchObject({
      'POST /v1/devices/enrol': { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 },
      'POST /v1/devices/token': { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 },
      'GET /v1/devices/jwks.json': { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 },
    });
  });

  it('gives the device-token function the table, the key and its issuer, and nothing of people, schedules or pseudonyms', () => {
    expect((propertiesOf(stack.deviceTokens.tokens.function) as { Environment: { Variables: Json } }).Environment.Variables).toEqual({
      TABLE_NAME: { Ref: logicalId(stack.data.table) },
      DEVICE_KEY_ARN: { 'Fn::GetAtt': [logicalId(stack.deviceTokens.key), 'Arn'] },
      DEVICE_TOKEN_ISSUER: 'urn:waymark:Waymark:devices',
      DEVICE_TOKEN_AUDIENCE: 'urn:waymark:Waymark:scanner',
      // Its routes come through CloudFront under /v1/* like the rest (decision 91).
      ORIGIN_VERIFY_SECRET: originVerifySecretReference(),
      ORIGIN_VERIFY_PREVIOUS_SECRET: 'none',
      POWERTOOLS_SERVICE_NAME: 'waymark',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it("publishes the scanner's address for enrolment links where only the API may read it", () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/Waymark/scanner-url',
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.web.distribution), 'DomainName'] }, '/scan/']] },
    });
    const reads = statementsOfRole(template, logicalId(stack.apiAndAuth.api.role)).filter((statement) => asList(statement.Action).includes('ssm:GetParameter'));
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(reads[0])).toContain(':parameter/Waymark/scanner-url');
  });
});

describe('Limits and alerts (issue 17, point 5)', () => {
  it('throttles the scans for a 2,000 a second national peak and the public pages far lower, on the same function', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as { Properties: { RouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> } };
    expect(stage.Properties.RouteSettings).toMatchObject({
      'POST /v1/scans': { ThrottlingBurstLimit: 4000, ThrottlingRateLimit: 2000 },
      'POST /v1/scans/batch': { ThrottlingBurstLimit: 400, ThrottlingRateLimit: 200 },
      'GET /v1/openapi.json': { ThrottlingBurstLimit: 10, ThrottlingRateLimit: 5 },
      'GET /docs': { ThrottlingBurstLimit: 10, ThrottlingRateLimit: 5 },
      'GET /oruk/{proxy+}': { ThrottlingBurstLimit: 40, ThrottlingRateLimit: 20 },
    });
    // Every route key with a throttle is a real route of the API.
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => (route as { Properties: { RouteKey: string } }).Properties.RouteKey);
    for (const key of Object.keys(stage.Properties.RouteSettings)) expect(routeKeys).toContain(key);
    // The public routes are throttled below the stage default; the device's own too.
    for (const key of ['GET /v1/openapi.json', 'GET /docs', 'GET /oruk/{proxy+}', 'POST /v1/devices/enrol', 'POST /v1/devices/token']) {
      expect(stage.Properties.RouteSettings[key]!.ThrottlingRateLimit).toBeLessThan(apiThrottle.rateLimit);
    }
  });

  it('throttles the public referral form (no token) on a route of its own, far below the scans and the stage default', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as { Properties: { RouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> } };
    expect(stage.Properties.RouteSettings['POST /v1/public/referrals']).toEqual({ ThrottlingBurstLimit: 5, ThrottlingRateLimit: 1 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /v1/public/referrals' });
    expect(stage.Properties.RouteSettings['POST /v1/public/referrals']!.ThrottlingRateLimit).toBeLessThan(stage.Properties.RouteSettings['POST /v1/scans']!.ThrottlingRateLimit / 100);
  });

  it('lets DynamoDB expire the per-caller rate-limit windows (TTL on the declared attribute)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: tableDeclaration.timeToLiveAttribute, Enabled: true } });
  });

  it('caps the exports function, whose URL API Gateway does not throttle, with reserved concurrency', () => {
    expect(propertiesOf(stack.streamedExports.exports.function)).toMatchObject({ ReservedConcurrentExecutions: 10 });
  });

  it('alarms on the API 5xx rate, throttling (API, Lambda, DynamoDB) and the follow-ups dead-letter queue, each notifying the alerts topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmActions: unknown[]; Metrics?: { Expression?: string }[]; MetricName?: string; Threshold: number } }[];
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: logicalId(stack.alerts.topic) }]);
    const expressions = alarms.flatMap((alarm) => (alarm.Properties.Metrics ?? []).map((metric) => metric.Expression).filter(Boolean));
    expect(expressions).toEqual(expect.arrayContaining(['100 * errors / MAX([requests, 1])', '100 * refused / MAX([requests, 1])', 'reads + writes', 'fn0 + fn1 + fn2']));
    expect(alarms.find((alarm) => alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')).toMatchObject({ Properties: { Threshold: 0 } });
    expect(propertiesOf(stack.alerts.topic)).toMatchObject({ KmsMasterKeyId: expect.anything() });
  });

  it('emails the alerts to the address given (-c alertEmail=…), and refuses one that is not an address', () => {
    const { stack: withEmail } = createWaymarkApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], alertEmail: 'ops@example.org' }, outdir: newOutdir() });
    Template.fromStack(withEmail).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(() => createWaymarkApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], alertEmail: 'not-an-address' }, outdir: newOutdir() })).toThrow(/alertEmail/);
  });
});

describe('Every Waymark function (infra/constructs/waymark-function.ts)', () => {
  it('are six Waymark functions (API, exports, device tokens, reminder, sweep, digest) plus the two deploy-time handlers of aws-cdk-lib', () => {
    template.resourceCountIs('AWS::Lambda::Function', 8);
    // Told apart by role: the web deployment's and the client OAuth custom resource's handlers run
    // with roles of this stack too (no AWS managed policy), not ones aws-cdk-lib makes.
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Role: { 'Fn::GetAtt': [string, string] } };
    }[];
    expect(functions.map((fn) => fn.Properties.Role['Fn::GetAtt'][0]).sort()).toEqual(
      [
        stack.apiAndAuth.api.role,
        stack.streamedExports.exports.role,
        stack.deviceTokens.tokens.role,
        stack.followUps.due.role,
        stack.followUps.sweep.role,
        stack.digest.digest.role,
        stack.web.deploymentRole,
        stack.webClientOAuth.role,
      ]
        .map(logicalId)
        .sort(),
    );
  });

  it('has no role with an AWS managed policy', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as { Properties: Json }[];
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('each deploys the bundle of its own entry (CDK must not reuse one function\'s asset for another)', () => {
    const entries = [
      { fn: stack.apiAndAuth.api, entry: 'functions/api.ts' },
      { fn: stack.streamedExports.exports, entry: 'functions/exports.ts' },
      { fn: stack.followUps.due, entry: 'functions/followup-due.ts' },
      { fn: stack.followUps.sweep, entry: 'functions/followup-sweep.ts' },
      { fn: stack.digest.digest, entry: 'functions/followup-digest.ts' },
    ];
    const assetPaths = entries.map(({ fn, entry }) => {
      // The code's S3 key is `<asset hash>.zip`; the assembly stages that asset as `asset.<hash>`.
      const s3Key = (propertiesOf(fn.function) as { Code: { S3Key: string } }).Code.S3Key;
      expect(s3Key, entry).toMatch(/^[0-9a-f]{64}\.zip$/);
      const assetPath = `asset.${s3Key.replace(/\.zip$/, '')}`;
      // The source map lists the modules of the bundle (paths only: sourcesContent is off).
      const map = JSON.parse(readFileSync(path.join(assemblyDir, assetPath, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      const entrySources = map.sources.filter((source) => entries.some((other) => source.endsWith(other.entry)));
      expect(entrySources.map((source) => source.slice(source.indexOf('functions/'))), fn.node.path).toEqual([entry]);
      return assetPath;
    });
    expect(new Set(assetPaths).size).toBe(entries.length);
  });

  it('has Resource "*" only for X-Ray, which has no resource-level permissions (the IAM5 acknowledgement)', () => {
    for (const fn of [stack.apiAndAuth.api, stack.streamedExports.exports, stack.followUps.due, stack.followUps.sweep, stack.digest.digest]) {
      const unscoped = statementsOfRole(template, logicalId(fn.role)).filter((s) => s.Resource === '*');
      expect(unscoped, fn.node.path).toEqual([
        { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
      ]);
    }
  });

  describe('environment', () => {
    const declared = () => [
      { name: 'API', fn: stack.apiAndAuth.api, environment: apiEnvironment },
      { name: 'exports', fn: stack.streamedExports.exports, environment: exportsEnvironment },
      { name: 'follow-up due', fn: stack.followUps.due, environment: followUpDueEnvironment },
      { name: 'follow-up sweep', fn: stack.followUps.sweep, environment: followUpSweepEnvironment },
      { name: 'follow-up digest', fn: stack.digest.digest, environment: followUpDigestEnvironment },
    ];

    it.each(['API', 'exports', 'follow-up due', 'follow-up sweep', 'follow-up digest'])(
      'the %s function gets exactly the variables functions/env.ts declares for it, and the three defaults',
      (name) => {
        const { fn, environment } = declared().find((candidate) => candidate.name === name)!;
        const { Variables: variables } = (propertiesOf(fn.function) as { Environment: { Variables: Json } }).Environment;
        expect(environment.functionName).toBe(name);
        expect(Object.keys(variables).sort()).toEqual(
          [...environment.variables, 'NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME'].sort(),
        );
        expect(variables).toMatchObject({
          POWERTOOLS_SERVICE_NAME: 'waymark',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        });
      },
    );

    it('is set only through a declaration: a variable left out or not declared fails to compile, and to synth', () => {
      // @ts-expect-error TABLE_NAME, which the declaration names, is left out.
      expect(() => DeclaredEnvironment.of(followUpDueEnvironment, {})).toThrow(/missing \[TABLE_NAME\], undeclared \[\]/);
      // @ts-expect-error TABLE is not declared: a rename on one side only.
      expect(() => DeclaredEnvironment.of(followUpDueEnvironment, { TABLE: 't' })).toThrow(/missing \[TABLE_NAME\], undeclared \[TABLE\]/);
      // A default of every function cannot be declared by one.
      const claimsDefault = functionEnvironment('test', { NODE_OPTIONS: z.string() });
      expect(() => DeclaredEnvironment.of(claimsDefault, { NODE_OPTIONS: '--inspect' })).toThrow(/reserved \[NODE_OPTIONS\]/);
      expect(DeclaredEnvironment.of(followUpDueEnvironment, { TABLE_NAME: 'waymark' }).variables).toEqual({ TABLE_NAME: 'waymark' });
    });
  });
});

describe('The stack (infra/waymark-stack.ts): composition, outputs, settings', () => {
  it('outputs the web URL, API URL, exports URL, user pool id, client id and table name', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(['ApiUrl', 'ExportsUrl', 'TableName', 'UserPoolClientId', 'UserPoolId', 'WebUrl']);
    expect(outputs.WebUrl?.Value).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.web.distribution), 'DomainName'] }]],
    });
    expect(outputs.ExportsUrl?.Value).toEqual({ 'Fn::GetAtt': [logicalId(stack.streamedExports.url), 'FunctionUrl'] });
    expect(outputs.TableName?.Value).toEqual({ Ref: logicalId(stack.data.table) });
    expect(outputs.UserPoolId?.Value).toEqual({ Ref: logicalId(stack.apiAndAuth.userPool) });
    expect(outputs.UserPoolClientId?.Value).toEqual({ Ref: logicalId(stack.apiAndAuth.userPoolClient) });
  });

  it('is environment-agnostic (no account or region baked in)', () => {
    expect(stack.resolve(stack.account)).toEqual({ Ref: 'AWS::AccountId' });
    expect(stack.resolve(stack.region)).toEqual({ Ref: 'AWS::Region' });
  });

  describe('sections (infra/constructs/section.ts)', () => {
    it('compose the stack: one construct per concern, then the web apps and their sign-in, then the digest that links to them', () => {
      expect(stack.node.children.filter((child) => child instanceof Section).map((child) => child.node.id)).toEqual([
        'Data',
        'FollowUps',
        'OriginVerify',
        'DeviceTokens',
        'ApiAndAuth',
        'StreamedExports',
        'Digest',
        'Alerts',
      ]);
      expect(stack.apiAndAuth.api.node.path).toBe('Waymark/ApiAndAuth/Api');
    });

    it('leave the logical ids and generated names as they were before the stack had sections (a change would replace the resource)', () => {
      expect({
        table: logicalId(stack.data.table),
        pseudonymKey: logicalId(stack.data.pseudonymKey),
        userPool: logicalId(stack.apiAndAuth.userPool),
        webClient: logicalId(stack.apiAndAuth.userPoolClient),
        authDomain: logicalId(stack.apiAndAuth.authDomain),
        followUpSchedules: logicalId(stack.followUps.schedules),
        sweepSchedules: logicalId(stack.followUps.sweepSchedules),
        deadLetterQueue: logicalId(stack.followUps.deadLetterQueue),
        api: logicalId(stack.apiAndAuth.api.function),
        apiLogs: logicalId(stack.apiAndAuth.api.logGroup),
        exports: logicalId(stack.streamedExports.exports.function),
        exportsUrl: logicalId(stack.streamedExports.url),
        due: logicalId(stack.followUps.due.function),
        sweep: logicalId(stack.followUps.sweep.function),
        httpApi: logicalId(stack.apiAndAuth.httpApi),
      }).toEqual({
        table: 'TableCD117FA1',
        pseudonymKey: 'PseudonymKey2CD808DE',
        userPool: 'UserPool6BA7E5F2',
        webClient: 'UserPoolWebClient4C9370B0',
        authDomain: 'UserPoolHostedSignIn5572A49C',
        followUpSchedules: 'FollowUpSchedules806E1C5F',
        sweepSchedules: 'SweepSchedulesAC5A8661',
        deadLetterQueue: 'FollowUpDeadLetterQueueEE6192D4',
        api: 'ApiFunction6BF808ED',
        apiLogs: 'ApiLogGroup1717FE17',
        exports: 'ExportsFunction8245CB7E',
        exportsUrl: 'ExportsFunctionFunctionUrl3CCF6EEA',
        due: 'FollowUpDueFunctionEC36B1DF',
        sweep: 'FollowUpSweepFunction62968D90',
        httpApi: 'HttpApiF5A9A8A7',
      });
      // Names CDK generates from a construct's path: a schedule group cannot be renamed in place.
      expect(stack.resolve(stack.followUps.schedules.scheduleGroupName)).toBe('Waymark-FollowUpSchedules-E795414B');
      expect(stack.resolve(stack.followUps.sweepSchedules.scheduleGroupName)).toBe('Waymark-SweepSchedules-E90FE531');
      expect(propertiesOf(stack.apiAndAuth.api.role).Description).toBe('Execution role of Waymark/Api');
      expect(propertiesOf(stack.followUps.due.role).Description).toBe('Execution role of Waymark/FollowUpDue');
    });

    it('refuse two resources that would get one logical id, rather than merge them', () => {
      class SectionedStack extends Stack {
        private readonly naming = new SectionNaming();
        protected override allocateLogicalId(element: CfnElement): string {
          return this.naming.logicalIdOf(element);
        }
      }
      const scratch = new SectionedStack();
      new CfnResource(new Section(scratch, 'One'), 'Queue', { type: 'AWS::SQS::Queue' });
      new CfnResource(new Section(scratch, 'Two'), 'Queue', { type: 'AWS::SQS::Queue' });
      expect(() => Template.fromStack(scratch)).toThrow('Default/Two/Queue and Default/One/Queue would both get the logical id Queue');
    });
  });

  describe('Programme id', () => {
    /** The Waymark app without bundling: only the configuration matters here. */
    function unbundled(context: Record<string, unknown> = {}, programmeId?: string) {
      return createWaymarkApp(
        { outdir: newOutdir(), context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context } },
        programmeId === undefined ? {} : { programmeId },
      );
    }

    const programmeIdsOf = (stack: WaymarkStack) => {
      const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Properties?: Json }>;
      return [stack.apiAndAuth.api, stack.streamedExports.exports].map(
        (fn) => (resources[logicalId(fn.function)]?.Properties as { Environment: { Variables: Json } }).Environment.Variables.PROGRAMME_ID,
      );
    };

    it("is 'waymark' by default", () => {
      expect(defaultProgrammeId).toBe('waymark');
      expect(stack.programmeId).toBe('waymark');
    });

    it('passes a custom programmeId prop through to the API and exports functions', () => {
      const { stack: custom } = unbundled({}, 'north-leeds-2');
      expect(programmeIdsOf(custom)).toEqual(['north-leeds-2', 'north-leeds-2']);
    });

    it('takes the CDK context value programmeId when no prop is given, and the prop over the context', () => {
      expect(programmeIdsOf(unbundled({ programmeId: 'from-context' }).stack)).toEqual(['from-context', 'from-context']);
      expect(programmeIdsOf(unbundled({ programmeId: 'from-context' }, 'from-prop').stack)).toEqual(['from-prop', 'from-prop']);
    });

    it.each(['North-Leeds', 'north leeds', 'north_leeds', '', 'a'.repeat(41), 'café'])(
      'refuses the invalid programmeId prop %j with a clear error',
      (programmeId) => {
        expect(() => unbundled({}, programmeId)).toThrow(/Invalid programmeId .*1 to 40 lower-case letters, digits and hyphens/);
      },
    );

    it('refuses an invalid context value too (e.g. a number from cdk.json)', () => {
      expect(() => unbundled({ programmeId: 42 })).toThrow(/Invalid programmeId 42/);
      expect(() => unbundled({ programmeId: 'Has Spaces' })).toThrow(/Invalid programmeId "Has Spaces"/);
    });

    it('accepts 40 characters', () => {
      expect(unbundled({}, 'a'.repeat(40)).stack.programmeId).toBe('a'.repeat(40));
    });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the Waymark app (errors and warnings)', () => {
    expect(nag.findings).toEqual([]);
    expect(nag.synthError).toBeUndefined();
  });

  it('acknowledges only the reviewed findings, each with a specific reason', () => {
    const acks = acknowledgements(app);
    expect(acks.map((ack) => `${ack.path} ${ack.id.replace(/\[.*\]$/, '[…]')}`).sort()).toEqual([
      'Waymark/ApiAndAuth/Api/Role AwsSolutions-IAM5[…]',
      'Waymark/ApiAndAuth/Api/Role AwsSolutions-IAM5[…]',
      'Waymark/ApiAndAuth/Api/Role AwsSolutions-IAM5[…]',
      'Waymark/ApiAndAuth/DefaultRoute AwsSolutions-APIG4',
      'Waymark/ApiAndAuth/Route-get-docs AwsSolutions-APIG4',
      'Waymark/ApiAndAuth/Route-get-orukproxy AwsSolutions-APIG4',
      'Waymark/ApiAndAuth/Route-get-v1openapijson AwsSolutions-APIG4',
      'Waymark/ApiAndAuth/Route-post-v1publicreferrals AwsSolutions-APIG4',
      'Waymark/ApiAndAuth/Route-post-v1scans AwsSolutions-APIG4',
      'Waymark/ApiAndAuth/Route-post-v1scansbatch AwsSolutions-APIG4',
      'Waymark/DeviceTokens/DeviceTokens/Role AwsSolutions-IAM5[…]',
      'Waymark/DeviceTokens/DeviceTokens/Role AwsSolutions-IAM5[…]',
      'Waymark/DeviceTokens/Route-get-jwksjson AwsSolutions-APIG4',
      'Waymark/DeviceTokens/Route-post-enrol AwsSolutions-APIG4',
      'Waymark/DeviceTokens/Route-post-token AwsSolutions-APIG4',
      'Waymark/StreamedExports/Exports/Role AwsSolutions-IAM5[…]',
      'Waymark/StreamedExports/Exports/Role AwsSolutions-IAM5[…]',
      'Waymark/FollowUps/FollowUpDeadLetterQueue AwsSolutions-SQS3',
      'Waymark/FollowUps/FollowUpDue/Role AwsSolutions-IAM5[…]',
      'Waymark/FollowUps/FollowUpDue/Role AwsSolutions-IAM5[…]',
      'Waymark/FollowUps/FollowUpSweep/Role AwsSolutions-IAM5[…]',
      'Waymark/FollowUps/FollowUpSweep/Role AwsSolutions-IAM5[…]',
      'Waymark/Data/PseudonymKey AwsSolutions-SMG4',
      'Waymark/OriginVerify/OriginVerifySecret AwsSolutions-SMG4',
      'Waymark/FollowUps/SweepSchedulerRole AwsSolutions-IAM5[…]',
      'Waymark/Digest/FollowUpDigest/Role AwsSolutions-IAM5[…]',
      'Waymark/Digest/FollowUpDigest/Role AwsSolutions-IAM5[…]',
      'Waymark/Digest/DigestSchedulerRole AwsSolutions-IAM5[…]',
      `Waymark/${deploymentHandlerId()} AwsSolutions-L1`,
      'Waymark/Web/Bucket AwsSolutions-S1',
      'Waymark/Web/DeploymentRole AwsSolutions-IAM5[…]',
      'Waymark/Web/DeploymentRole AwsSolutions-IAM5[…]',
      'Waymark/Web/DeploymentRole AwsSolutions-IAM5[…]',
      'Waymark/Web/DeploymentRole AwsSolutions-IAM5[…]',
      'Waymark/Web/DeploymentRole AwsSolutions-IAM5[…]',
      'Waymark/Web/DeploymentRole AwsSolutions-IAM5[…]',
      'Waymark/Web/DeploymentRole AwsSolutions-IAM5[…]',
      'Waymark/Web/DeploymentRole AwsSolutions-IAM5[…]',
      // No CFR2: the web ACL of the edge stack is attached (decision 91).
      'Waymark/Web/Distribution AwsSolutions-CFR1',
      'Waymark/Web/Distribution AwsSolutions-CFR3',
      'Waymark/Web/Distribution AwsSolutions-CFR4',
    ].sort());
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(80);
    }
  });

  it('is registered by createWaymarkApp and reports a violation (the check above can fail)', () => {
    const outdir = newOutdir();
    const { app: canaryApp } = createWaymarkApp({
      outdir,
      context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] },
    });
    // A queue with neither SSL enforcement nor a dead-letter queue: AwsSolutions-SQS3 and -SQS4.
    new Queue(new Stack(canaryApp, 'NagCanary'), 'PlainQueue');
    const { findings, synthError } = synthFindings(canaryApp, outdir);

    expect(findings).toEqual(
      expect.arrayContaining([
        { plugin: 'AwsSolutions', rule: 'AwsSolutions-SQS3', severity: 'error', path: 'NagCanary/PlainQueue/Resource' },
        { plugin: 'AwsSolutions', rule: 'AwsSolutions-SQS4', severity: 'error', path: 'NagCanary/PlainQueue/Resource' },
      ]),
    );
    expect(findings.filter((finding) => !finding.path?.startsWith('NagCanary/'))).toEqual([]);
    expect(String(synthError)).toMatch(/AwsSolutions-SQS4/);
  });
});
