import { CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpRoute, HttpRouteKey, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  StandardThreatProtectionMode,
  OAuthScope,
  StringAttribute,
  UserPool,
} from 'aws-cdk-lib/aws-cognito';
import type { UserPoolClient, UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import type { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CLAIMS, ROLES } from '#shared/platform/auth';
import type { Role as WaymarkRole } from '#shared/platform/auth';
import { tableDeclaration } from '#shared/platform/table';
import { UserPoolClientOAuth } from './constructs/user-pool-client-oauth';
import { auditLogRetention, WaymarkFunction } from './constructs/waymark-function';
import { WebApps } from './constructs/web-apps';

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

/** The programme identifier when neither the `programmeId` prop nor the CDK context sets one. */
export const defaultProgrammeId = 'waymark';

/** Lower-case letters, digits and hyphens, 1 to 40 of them: it is written into every export. */
export const programmeIdPattern = /^[a-z0-9-]{1,40}$/;

/** The Cognito hosted sign-in domain prefix when neither the prop nor the CDK context sets one. */
export const defaultAuthDomainPrefix = 'waymark-auth';

/**
 * A Cognito prefix domain: lower-case letters, digits and hyphens, 1 to 63, not starting or ending
 * with a hyphen (Cognito also refuses prefixes containing "aws", "amazon" or "cognito").
 */
export const authDomainPrefixPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The scopes the web apps request at hosted sign-in: an ID token with the user's email and name. */
export const webSignInScopes = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE].map((scope) => scope.scopeName);

export interface WaymarkStackProps extends StackProps {
  /**
   * Identifies the social prescribing programme this deployment serves (`PROGRAMME_ID` of the API
   * and exports functions). Matches {@link programmeIdPattern}.
   * @default the CDK context value `programmeId` (`cdk synth -c programmeId=...`), else 'waymark'
   */
  readonly programmeId?: string;
  /**
   * The prefix of the Cognito hosted sign-in domain, `<prefix>.auth.<region>.amazoncognito.com`.
   * It must be unique in the Region across all AWS accounts, so a real deployment should set its
   * own (e.g. `cdk deploy -c authDomainPrefix=north-leeds-waymark`). Matches {@link authDomainPrefixPattern}.
   * @default the CDK context value `authDomainPrefix`, else 'waymark-auth'
   */
  readonly authDomainPrefix?: string;
}

export class WaymarkStack extends Stack {
  readonly programmeId: string;
  readonly pseudonymKey: Secret;
  readonly exports: WaymarkFunction;
  readonly exportsUrl: FunctionUrl;
  readonly table: Table;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly api: WaymarkFunction;
  readonly httpApi: HttpApi;
  readonly followUpSchedules: ScheduleGroup;
  readonly followUpDeadLetterQueue: Queue;
  readonly schedulerRole: Role;
  readonly followUpDue: WaymarkFunction;
  readonly followUpSweep: WaymarkFunction;
  readonly sweepSchedules: ScheduleGroup;
  readonly sweepSchedulerRole: Role;
  readonly followUpSweepSchedule: Schedule;
  readonly authDomainPrefix: string;
  readonly authDomain: UserPoolDomain;
  /** Host name of the hosted sign-in domain. */
  readonly authDomainHost: string;
  readonly web: WebApps;
  readonly webClientOAuth: UserPoolClientOAuth;

  constructor(scope: Construct, id: string, props: WaymarkStackProps = {}) {
    super(scope, id, props);
    this.programmeId = resolveProgrammeId(props.programmeId, this.node.tryGetContext('programmeId'));
    this.authDomainPrefix = resolveAuthDomainPrefix(props.authDomainPrefix, this.node.tryGetContext('authDomainPrefix'));

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
      // OAuth (hosted sign-in, code grant) is turned on by UserPoolClientOAuth below, once the
      // CloudFront domain it redirects to exists.
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
        'This queue is itself the dead-letter queue of the EventBridge Scheduler follow-up and sweep schedules; ' +
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

    // ---- The follow-up function: the target of every one-time follow-up schedule. It gets the
    // FollowUpEvent (shared/followups/rules.ts) and marks the follow-up due only if it is still
    // `scheduled` at the event's version, so a stale or repeated reminder changes nothing.
    this.followUpDue = new WaymarkFunction(this, 'FollowUpDue', {
      entry: 'functions/followup-due.ts',
      description: 'Waymark follow-up reminder: marks one follow-up due (EventBridge Scheduler target)',
      timeout: Duration.seconds(10),
      environment: { TABLE_NAME: this.table.tableName },
    });
    this.grantTableData(this.followUpDue);

    // The schedules the API creates invoke the unqualified function ARN (FOLLOWUP_FUNCTION_ARN),
    // so the target role may invoke exactly that ARN: no versions, no aliases, no other function.
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'InvokeFollowUpDue',
        actions: ['lambda:InvokeFunction'],
        resources: [this.followUpDue.function.functionArn],
      }),
    );

    // ---- The pseudonymisation key: evaluator exports carry a keyed pseudonym of each patient
    // (derived from this key and the programme id), never the patient's id. The key is read by the
    // API and exports functions only, and never returned by the API.
    this.pseudonymKey = new Secret(this, 'PseudonymKey', {
      description: 'Waymark pseudonymisation key: derives the patient pseudonyms in evaluator exports',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Deleting (or replacing) the key would change every pseudonym evaluators already hold, and
      // their earlier exports could no longer be linked with later ones.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.pseudonymKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "Not rotated on purpose: the key derives every patient's pseudonym in evaluator exports, so rotating " +
        'it would change every pseudonym and break linking exports over time. It is read only by the API and ' +
        'exports functions (grantRead) and never returned by the API.',
    });

    // ---- The API function.
    const issuer = `https://cognito-idp.${this.region}.${this.urlSuffix}/${this.userPool.userPoolId}`;
    // The app's configuration, shared by the API and the exports function (the same Hono app).
    const appEnvironment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      AUTH_ISSUER: issuer,
      AUTH_AUDIENCE: this.userPoolClient.userPoolClientId,
      SCHEDULE_GROUP_NAME: this.followUpSchedules.scheduleGroupName,
      SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
      FOLLOWUP_DLQ_ARN: this.followUpDeadLetterQueue.queueArn,
      // The target of the one-time schedules the API creates.
      FOLLOWUP_FUNCTION_ARN: this.followUpDue.function.functionArn,
      // The ARN, not the key: the function reads the key at runtime (GetSecretValue).
      PSEUDONYM_SECRET_ARN: this.pseudonymKey.secretArn,
      PROGRAMME_ID: this.programmeId,
    };
    this.api = new WaymarkFunction(this, 'Api', {
      entry: 'functions/api.ts',
      description: 'Waymark HTTP API v1 (Hono)',
      environment: appEnvironment,
    });
    this.grantTableData(this.api);
    this.pseudonymKey.grantRead(this.api.role);

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
    Validations.of(this.api.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${this.resolve(this.followUpSchedules.scheduleGroupName)}/*]`,
      reason:
        'Follow-up schedules are created at runtime, one per prescription, with names not known at ' +
        'deploy time; the wildcard is confined to schedules in the follow-up schedule group.',
    });

    // ---- The safety net: a daily sweep. A one-time schedule can fail to mark a follow-up due
    // (its delivery retries run out, or the function fails), and the issue says a follow-up is
    // never skipped. The sweep Queries the "due by time" index (no Scan) and marks every follow-up
    // whose dueAt has passed but which is still `scheduled` as due. It only marks due: it neither
    // creates nor deletes schedules, so it gets the table and nothing of the scheduler.
    this.followUpSweep = new WaymarkFunction(this, 'FollowUpSweep', {
      entry: 'functions/followup-sweep.ts',
      description: 'Waymark daily follow-up sweep: marks overdue, still scheduled follow-ups due',
      timeout: Duration.seconds(60),
      environment: { TABLE_NAME: this.table.tableName },
    });
    this.grantTableData(this.followUpSweep);

    // Not in the follow-up group: that group holds only the runtime schedules, one per follow-up,
    // which the API creates and deletes by name and which the follow-up target role is confined
    // to. The sweep is one fixed schedule owned by this stack, so it gets a group of its own (not
    // the account's shared `default` group), and its target role trusts only that group.
    this.sweepSchedules = new ScheduleGroup(this, 'SweepSchedules', {
      // It holds only the stack-defined sweep schedule, which a redeploy re-creates.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.sweepSchedulerRole = new Role(this, 'SweepSchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to run the daily Waymark follow-up sweep',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          // Confused-deputy protection: only schedules of this account's sweep group.
          StringEquals: {
            'aws:SourceAccount': this.account,
            'aws:SourceArn': this.sweepSchedules.scheduleGroupArn,
          },
        },
      }),
    });

    this.followUpSweepSchedule = new Schedule(this, 'FollowUpSweepSchedule', {
      description: 'Daily safety net: marks follow-ups due whose one-time reminder did not',
      scheduleGroup: this.sweepSchedules,
      // Every day at 09:15 London time. Follow-ups fall due at 09:00 London (the day after the
      // prescription ends), so anything a one-time schedule missed today is due within 15
      // minutes, and older misses are caught too. 09:15 exists every day (UK clocks change in
      // the small hours), so no run is skipped for daylight saving.
      schedule: ScheduleExpression.cron({ hour: '9', minute: '15', timeZone: TimeZone.EUROPE_LONDON }),
      target: new LambdaInvoke(this.followUpSweep.function, {
        role: this.sweepSchedulerRole,
        // Delivery failures (throttling, a Lambda outage) are retried with back-off for up to
        // three hours, still the same working day; then the event goes to the dead-letter queue
        // the follow-up reminders use, and tomorrow's run catches up regardless (it is idempotent).
        retryAttempts: 10,
        maxEventAge: Duration.hours(3),
        deadLetterQueue: this.followUpDeadLetterQueue,
      }),
    });
    // The schedule names its group by the name CDK generated at synth time (a plain string, not a
    // Ref), so CloudFormation would not otherwise wait for the group before creating the schedule.
    this.followUpSweepSchedule.node.addDependency(this.sweepSchedules);
    // LambdaInvoke grants lambda:InvokeFunction through Function.grantInvoke, which adds
    // "<function ARN>:*" (its versions and aliases) beside the function ARN.
    Validations.of(this.sweepSchedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(this.followUpSweep.function)}.Arn>:*]`,
      reason:
        'The LambdaInvoke schedule target grants invoke through Function.grantInvoke, which adds the ' +
        "sweep function's versions and aliases (<arn>:*) beside its ARN; the wildcard is confined to " +
        'that one function, and the role can be assumed only by schedules of the sweep group.',
    });

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

    // ---- The exports function: the same Hono app (functions/exports.ts), behind a Lambda function
    // URL in RESPONSE_STREAM mode. API Gateway and a buffered Lambda response cap a response at 6 MB,
    // which a programme's full CSV export can exceed; a streamed response has no such cap. It gets the
    // API's environment (awsDependencies checks the scheduler settings too) but none of its scheduler
    // permissions, and may only read the table: through this URL, anything but a read fails.
    this.exports = new WaymarkFunction(this, 'Exports', {
      entry: 'functions/exports.ts',
      description: 'Waymark streamed CSV exports (the Hono app behind a function URL)',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      environment: appEnvironment,
    });
    this.grantTableData(this.exports, 'read');
    this.pseudonymKey.grantRead(this.exports.role);
    // No IAM auth on the URL: the caller is a browser holding a Cognito ID token, not an AWS
    // principal. The app itself verifies that JWT (issuer, audience, signature against the user
    // pool's JWKS) on every /v1 route, exactly as on the API, and refuses with the API's 401 shape.
    this.exportsUrl = this.exports.function.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
    });

    // ---- Hosted sign-in for the web apps: Cognito's own sign-in pages (password, then the TOTP
    // second factor) on a Cognito prefix domain.
    this.authDomain = this.userPool.addDomain('HostedSignIn', {
      cognitoDomain: { domainPrefix: this.authDomainPrefix },
      // Classic hosted UI: managed login (version 2) would also need a branding resource.
      managedLoginVersion: ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    this.authDomainHost = `${this.authDomain.domainName}.auth.${this.region}.amazoncognito.com`;

    // ---- The web apps: the console at /, the scanner at /scan/, and the API and the streamed
    // exports behind the same CloudFront domain.
    this.web = new WebApps(this, 'Web', {
      httpApi: this.httpApi,
      exportsUrl: this.exportsUrl,
      signIn: {
        mode: 'cognito',
        region: this.region,
        userPoolId: this.userPool.userPoolId,
        clientId: this.userPoolClient.userPoolClientId,
        domain: this.authDomainHost,
      },
    });

    // The apps sign in with the authorization-code grant and PKCE on the web client itself: the API
    // and the exports verify ID tokens whose audience is that client. See UserPoolClientOAuth for
    // why this is not a property of the client.
    const appUrls = [`${this.web.url}/`, `${this.web.url}/scan/`];
    this.webClientOAuth = new UserPoolClientOAuth(this, 'WebClientOAuth', {
      userPool: this.userPool,
      client: this.userPoolClient,
      callbackUrls: appUrls,
      logoutUrls: appUrls,
      scopes: webSignInScopes,
    });

    new CfnOutput(this, 'WebUrl', { value: this.web.url, description: 'The Waymark console; the scanner is at /scan/' });
    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the Waymark API' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ExportsUrl', {
      value: this.exportsUrl.url,
      description: 'Base URL of the streamed Waymark exports (the same /v1 routes as the API)',
    });
  }

  /**
   * Lets a function read and write (or only read) the one table and its indexes. Both grants add
   * `<table ARN>/index/*`, reviewed once here for every function that gets the table.
   */
  private grantTableData(fn: WaymarkFunction, access: 'readWrite' | 'read' = 'readWrite'): void {
    if (access === 'read') {
      this.table.grantReadData(fn.role);
    } else {
      this.table.grantReadWriteData(fn.role);
    }
    const grant = access === 'read' ? 'grantReadData' : 'grantReadWriteData';
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(this.table)}.Arn>/index/*]`,
      reason:
        `${grant} covers the GSIs of the one Waymark table (the index names come from ` +
        'shared/platform/table.ts); the wildcard never reaches beyond this table.',
    });
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

/** The hosted sign-in domain prefix from the prop, else the CDK context, else the default; checked either way. */
function resolveAuthDomainPrefix(fromProps: string | undefined, fromContext: unknown): string {
  const prefix: unknown = fromProps ?? fromContext ?? defaultAuthDomainPrefix;
  if (typeof prefix !== 'string' || !authDomainPrefixPattern.test(prefix) || /aws|amazon|cognito/.test(prefix)) {
    throw new Error(
      `Invalid authDomainPrefix ${JSON.stringify(prefix)} (the authDomainPrefix prop or the CDK context value ` +
        '"authDomainPrefix"): use 1 to 63 lower-case letters, digits and hyphens, not starting or ending with a ' +
        'hyphen and without "aws", "amazon" or "cognito", e.g. "north-leeds-waymark".',
    );
  }
  return prefix;
}

/** The programme id from the prop, else the CDK context, else the default; checked either way. */
function resolveProgrammeId(fromProps: string | undefined, fromContext: unknown): string {
  const programmeId: unknown = fromProps ?? fromContext ?? defaultProgrammeId;
  if (typeof programmeId !== 'string' || !programmeIdPattern.test(programmeId)) {
    throw new Error(
      `Invalid programmeId ${JSON.stringify(programmeId)} (the programmeId prop or the CDK context value ` +
        '"programmeId"): use 1 to 40 lower-case letters, digits and hyphens, e.g. "waymark" or "north-leeds".',
    );
  }
  return programmeId;
}
