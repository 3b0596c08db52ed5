import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import type { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
} from 'aws-cdk-lib/aws-cognito';
import type { UserPoolClient, UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CLAIMS, ROLES } from '#shared/platform/auth';
import type { Role as WaymarkRole } from '#shared/platform/auth';
import type { authVariables, VariableValues } from '#shared/platform/config';
import { DIRECTORY_ACTIONS } from '#shared/people/cognito-directory';
import { apiEnvironment } from '../../functions/env';
import type { Data } from './data';
import type { DeviceTokens, RouteThrottle } from './device-tokens';
import type { FollowUps } from './follow-ups';
import type { OriginVerify } from './origin-verify';
import { Section } from './section';
import { auditLogRetention, DeclaredEnvironment, WaymarkFunction } from './waymark-function';

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

/**
 * Routes with throttles of their own. Scans are sized for a national peak of 2,000 a second
 * (50 million a year, most of them at the same few session start times); a batch carries up to
 * 100 offline scans, so fewer batches. The public reference pages need next to nothing.
 */
export const routeThrottles = {
  'POST /v1/scans': { burstLimit: 4000, rateLimit: 2000 },
  'POST /v1/scans/batch': { burstLimit: 400, rateLimit: 200 },
  'GET /v1/openapi.json': { burstLimit: 10, rateLimit: 5 },
  'GET /docs': { burstLimit: 10, rateLimit: 5 },
  // The public ORUK directory feed: directory sites and aggregators poll it; each answer reads the
  // registry (decision 81) and may be cached for a minute, so a few a second is plenty.
  'GET /oruk/{proxy+}': { burstLimit: 40, rateLimit: 20 },
  // The public referral form (no token): a scheme receives a few dozen a day, so one a second
  // (burst 5) is ample for people and holds a flood to what the per-address limit can count.
  'POST /v1/public/referrals': { burstLimit: 5, rateLimit: 1 },
} as const satisfies Record<string, RouteThrottle>;

/** The scopes the web apps request at hosted sign-in: an ID token with the user's email and name. */
export const webSignInScopes = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE].map((scope) => scope.scopeName);

export interface ApiAndAuthProps {
  readonly data: Data;
  /** The API schedules the follow-up reminders. */
  readonly followUps: FollowUps;
  /** The Cognito hosted sign-in domain's prefix, already checked by the stack. */
  readonly authDomainPrefix: string;
  /** The API verifies device tokens (never signs them); the device's own routes go to its function. */
  readonly deviceTokens: DeviceTokens;
  /** With a web ACL in front, the API answers only what came through CloudFront. */
  readonly originVerify: OriginVerify;
}

/**
 * Who may call, and the API they call: the Cognito user pool (staff accounts, one group per role,
 * the web client, the hosted sign-in domain), the API function, and the HTTP API in front of it.
 */
export class ApiAndAuth extends Section {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly authDomain: UserPoolDomain;
  /** Host name of the hosted sign-in domain. */
  readonly authDomainHost: string;
  readonly api: WaymarkFunction;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: ApiAndAuthProps) {
    super(scope, id);
    const stack = Stack.of(this);

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
      // OAuth (hosted sign-in, code grant) is turned on by UserPoolClientOAuth (the stack adds it),
      // once the CloudFront domain it redirects to exists.
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

    // ---- The API function: the whole HTTP API; it makes and deletes the follow-up reminders.
    this.api = new WaymarkFunction(this, 'Api', {
      entry: 'functions/api.ts',
      description: 'Waymark HTTP API v1 (Hono)',
      environment: DeclaredEnvironment.of(apiEnvironment, {
        ...props.data.tableVariables,
        ...this.authVariables,
        ...props.followUps.schedulerVariables,
        ...props.data.pseudonymVariables,
        USER_POOL_ID: this.userPool.userPoolId,
        ...props.deviceTokens.tokenVariables,
        ...props.deviceTokens.scannerAddressVariables,
        ...props.originVerify.variables,
      }),
    });
    props.data.grantTableData(this.api);
    // Admins invite and manage people through the API: exactly the admin actions the Cognito
    // directory adapter calls, on this pool only.
    this.userPool.grant(this.api.role, ...DIRECTORY_ACTIONS);
    props.data.grantPseudonymKey(this.api);
    props.followUps.allowScheduling(this.api);
    props.deviceTokens.allowVerifying(this.api);

    // ---- HTTP API: one catch-all route; Hono routes on rawPath inside the function.
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: auditLogRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Waymark API v1',
      createDefaultStage: false,
    });

    const apiIntegration = new HttpLambdaIntegration('ApiIntegration', this.api.function);
    const defaultRoute = new HttpRoute(this, 'DefaultRoute', {
      httpApi: this.httpApi,
      routeKey: HttpRouteKey.DEFAULT,
      integration: apiIntegration,
    });
    Validations.of(defaultRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Authentication happens in the function: jose verifies the Cognito ID token against the user ' +
        "pool's JWKS (issuer and audience checked) on every /v1 route, so a refusal keeps the API's JSON " +
        'error shape, and GET /v1/openapi.json and /docs stay public. An API Gateway authorizer on the ' +
        'catch-all $default route would answer those with its own 401 body.',
    });

    this.stage = new HttpStage(this, 'DefaultStage', {
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

    // Routes throttled apart from the stage's default: the same function, a route key of their own.
    for (const routeKey of Object.keys(routeThrottles)) {
      const [method, path] = routeKey.split(' ') as [keyof typeof HttpMethod, string];
      const route = new HttpRoute(this, `Route-${method.toLowerCase()}-${path.split('/').filter(Boolean).join('-').replace(/\W/g, '')}`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(path, HttpMethod[method]),
        integration: apiIntegration,
      });
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'As the $default route: the function verifies the bearer token on every /v1 route (the scans need a ' +
          'provider or device token; the reference pages and the ORUK feed are public), keeping the API’s JSON error shape. The ' +
          'route exists only to carry its own throttle.',
      });
    }
    const throttles: Record<string, RouteThrottle> = { ...routeThrottles, ...props.deviceTokens.route(this.httpApi) };
    (this.stage.node.defaultChild as CfnStage).addPropertyOverride(
      'RouteSettings',
      Object.fromEntries(Object.entries(throttles).map(([key, throttle]) => [key, { ThrottlingBurstLimit: throttle.burstLimit, ThrottlingRateLimit: throttle.rateLimit }])),
    );

    // ---- Hosted sign-in for the web apps: Cognito's own sign-in pages (password, then the TOTP
    // second factor) on a Cognito prefix domain.
    this.authDomain = this.userPool.addDomain('HostedSignIn', {
      cognitoDomain: { domainPrefix: props.authDomainPrefix },
      // Classic hosted UI: managed login (version 2) would also need a branding resource.
      managedLoginVersion: ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    this.authDomainHost = `${this.authDomain.domainName}.auth.${stack.region}.amazoncognito.com`;
  }

  /** How a function verifies this pool's ID tokens: for the API and the exports (the same app). */
  get authVariables(): VariableValues<typeof authVariables> {
    const stack = Stack.of(this);
    return {
      AUTH_ISSUER: `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`,
      // The web client: the apps sign in with it, so their ID tokens have its id as audience.
      AUTH_AUDIENCE: this.userPoolClient.userPoolClientId,
    };
  }
}
