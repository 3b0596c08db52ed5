import { CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpRoute, HttpRouteKey, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
} from 'aws-cdk-lib/aws-cognito';
import type { UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CLAIMS, ROLES } from '../shared/platform/auth';
import type { Role as WaymarkRole } from '../shared/platform/auth';
import { tableDeclaration } from '../shared/platform/table';
import { auditLogRetention, WaymarkFunction } from './constructs/waymark-function';

/** One Cognito group per Waymark role; the record makes a new role in ROLES fail to compile here until described. */
const groupDescriptions: Record<WaymarkRole, string> = {
  provider: 'Provider staff and scanning devices: scan cards at their own venues',
  navigator: 'Link workers: referrals, patients, prescriptions, cards, follow-ups for their caseload',
  manager: 'Programme managers: registry, reports and exports',
  admin: 'Administrators: everything, plus users and devices',
};

/** `custom:providerId` -> `providerId`: the attribute's name in the user pool schema. */
const providerIdAttribute = CLAIMS.providerId.replace(/^custom:/, '');

/** API Gateway's default route throttling for every route of the `$default` stage. */
export const apiThrottle = { burstLimit: 200, rateLimit: 100 } as const;

export class WaymarkStack extends Stack {
  readonly table: Table;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly api: WaymarkFunction;
  readonly httpApi: HttpApi;
  readonly followUpSchedules: ScheduleGroup;
  readonly followUpDeadLetterQueue: Queue;
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // ---- Data: the one table, built from the declaration the local runtime also uses.
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableDeclaration.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDeclaration.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Encrypted at rest with the AWS managed KMS key (aws/dynamodb): key use is logged in
      // CloudTrail, and there is no key policy or key deletion to get wrong.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDeclaration.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    // ---- Identity: staff accounts are created by an admin, never by sign-up.
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // A changed email address takes effect only once the new one is verified.
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        [providerIdAttribute]: new StringAttribute({ mutable: true, minLen: 1, maxLen: 64 }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Every account can reach patient data or record attendance: a second factor is required,
      // by authenticator app (TOTP). No SMS: no SNS role, no SIM-swap exposure.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus plan: threat protection (compromised-credential checks, adaptive authentication)
      // enforced for every sign-in.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const role of ROLES) {
      this.userPool.addGroup(`Group-${role}`, { groupName: role, description: groupDescriptions[role] });
    }

    // Users may edit their own name and email, never custom:providerId: a provider that could
    // rewrite it would act for another provider's venues. Only an admin (server side) sets it.
    // The ID token carries only attributes the client can read, so providerId is readable.
    this.userPoolClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, givenName: true, familyName: true })
        .withCustomAttributes(providerIdAttribute),
      writeAttributes: new ClientAttributes().withStandardAttributes({
        email: true,
        givenName: true,
        familyName: true,
      }),
    });

    // ---- Follow-up reminders: schedules are created at runtime by the API, one per prescription.
    this.followUpSchedules = new ScheduleGroup(this, 'FollowUpSchedules', {
      // Deleting the group would delete every pending reminder with it.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.followUpDeadLetterQueue = new Queue(this, 'FollowUpDeadLetterQueue', {
      // SQS-managed keys: the scheduler cannot use the AWS managed aws/sqs KMS key (its key
      // policy cannot grant scheduler.amazonaws.com), and the messages hold only ids.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.followUpDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the EventBridge Scheduler follow-up schedules; ' +
        'a dead-letter queue for a dead-letter queue would only move the same messages again.',
    });

    this.schedulerRole = new Role(this, 'FollowUpSchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to deliver Waymark follow-up reminders',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          // Confused-deputy protection: only schedules of this account's follow-up group.
          StringEquals: {
            'aws:SourceAccount': this.account,
            'aws:SourceArn': this.followUpSchedules.scheduleGroupArn,
          },
        },
      }),
    });
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'FollowUpDeadLetters',
        actions: ['sqs:SendMessage'],
        resources: [this.followUpDeadLetterQueue.queueArn],
      }),
    );

    // ---- The API function.
    const issuer = `https://cognito-idp.${this.region}.${this.urlSuffix}/${this.userPool.userPoolId}`;
    this.api = new WaymarkFunction(this, 'Api', {
      entry: 'functions/api.ts',
      description: 'Waymark HTTP API v1 (Hono)',
      environment: {
        TABLE_NAME: this.table.tableName,
        AUTH_ISSUER: issuer,
        AUTH_AUDIENCE: this.userPoolClient.userPoolClientId,
        SCHEDULE_GROUP_NAME: this.followUpSchedules.scheduleGroupName,
        SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
        FOLLOWUP_DLQ_ARN: this.followUpDeadLetterQueue.queueArn,
      },
    });
    this.table.grantReadWriteData(this.api.role);

    this.api.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'FollowUpSchedules',
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:GetSchedule',
        ],
        resources: [this.followUpScheduleArn('*')],
      }),
    );
    this.api.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'PassSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    Validations.of(this.api.role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(this.table)}.Arn>/index/*]`,
        reason:
          'grantReadWriteData covers the GSIs of the one Waymark table (the index names come from ' +
          'shared/platform/table.ts); the wildcard never reaches beyond this table.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${this.resolve(this.followUpSchedules.scheduleGroupName)}/*]`,
        reason:
          'Follow-up schedules are created at runtime, one per prescription, with names not known at ' +
          'deploy time; the wildcard is confined to schedules in the follow-up schedule group.',
      },
    );

    // ---- HTTP API: one catch-all route; Hono routes on rawPath inside the function.
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: auditLogRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Waymark API v1',
      createDefaultStage: false,
    });

    const defaultRoute = new HttpRoute(this, 'DefaultRoute', {
      httpApi: this.httpApi,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('ApiIntegration', this.api.function),
    });
    Validations.of(defaultRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Authentication happens in the function: jose verifies the Cognito ID token against the user ' +
        "pool's JWKS (issuer and audience checked) on every /v1 route, so a refusal keeps the API's JSON " +
        'error shape, and GET /v1/openapi.json and /docs stay public. An API Gateway authorizer on the ' +
        'catch-all $default route would answer those with its own 401 body.',
    });

    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // One JSON line per request. No query strings, headers or bodies, so no patient data; the
        // source IP and user agent are kept for security investigations.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            sourceIp: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            routeKey: '$context.routeKey',
            protocol: '$context.protocol',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the Waymark API' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  /** ARN of a schedule in the follow-up group (`*` for all of them). */
  followUpScheduleArn(scheduleName: string): string {
    return this.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.followUpSchedules.scheduleGroupName}/${scheduleName}`,
    });
  }

  /** The CloudFormation logical id of a construct's main resource, as cdk-nag prints it. */
  private logicalIdOf(construct: Construct): string {
    const resource = construct.node.defaultChild;
    if (!CfnElement.isCfnElement(resource)) {
      throw new Error(`${construct.node.path} has no CloudFormation resource`);
    }
    return this.getLogicalId(resource);
  }
}
