import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { CfnElement, StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { z } from 'zod';
import { programmeIdPattern } from '#shared/platform/config';
import { Alerts } from './constructs/alerts';
import { ApiAndAuth, webSignInScopes } from './constructs/api-and-auth';
import { Data } from './constructs/data';
import { DeviceTokens } from './constructs/device-tokens';
import { FollowUpDigest } from './constructs/follow-up-digest';
import { FollowUps } from './constructs/follow-ups';
import { OriginVerify } from './constructs/origin-verify';
import { SectionNaming } from './constructs/section';
import { StreamedExports } from './constructs/streamed-exports';
import { UserPoolClientOAuth } from './constructs/user-pool-client-oauth';
import { WebApps } from './constructs/web-apps';

export { programmeIdPattern };

/** The programme identifier when neither the `programmeId` prop nor the CDK context sets one. */
export const defaultProgrammeId = 'waymark';

/** The address the daily follow-up email is sent from when neither the prop nor the CDK context sets one. */
export const defaultDigestFromAddress = 'waymark@example.org';

/** The Cognito hosted sign-in domain prefix when neither the prop nor the CDK context sets one. */
export const defaultAuthDomainPrefix = 'waymark-auth';

/**
 * A Cognito prefix domain: lower-case letters, digits and hyphens, 1 to 63, not starting or ending
 * with a hyphen (Cognito also refuses prefixes containing "aws", "amazon" or "cognito").
 */
export const authDomainPrefixPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

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
  /**
   * The address the navigators' daily follow-up email is sent from: an identity verified in SES
   * in the stack's Region (the digest may send as this identity only).
   * @default the CDK context value `digestFromAddress`, else 'waymark@example.org'
   */
  readonly digestFromAddress?: string;
  /**
   * Who is emailed when an alarm fires (the API's 5xx rate, throttling, an undelivered follow-up
   * reminder). Without one the alarms still notify the stack's alerts topic, for any subscriber.
   * @default the CDK context value `alertEmail`, else none
   */
  readonly alertEmail?: string;
  /**
   * The AWS WAF web ACL in front of the distribution: a CLOUDFRONT-scope ACL, which only us-east-1
   * can hold (the edge stack, infra/edge-stack.ts). With one, CloudFront sends a secret origin header
   * and the API, exports and device-token functions refuse requests without it (decision 91).
   * @default none: no web ACL and no origin check (`-c waf=false`)
   */
  readonly webAclArn?: string;
  /**
   * Which origin-verify secret is current (1 at first); raising it by one rotates the secret.
   * @default the CDK context value `originVerifyGeneration`, else 1
   */
  readonly originVerifyGeneration?: number;
}

/**
 * The Waymark stack: one construct per concern (infra/constructs/), composed here and nowhere
 * else. Each concern is a {@link Section}, which the stack's logical ids look through, so every
 * resource keeps the logical id it had before the stack was split up.
 */
export class WaymarkStack extends Stack {
  readonly programmeId: string;
  readonly authDomainPrefix: string;
  /** The table and the pseudonymisation key. */
  readonly data: Data;
  /** The follow-up reminders and the daily sweep. */
  readonly followUps: FollowUps;
  /** Cognito, the API function and the HTTP API. */
  readonly apiAndAuth: ApiAndAuth;
  /** The streamed CSV exports behind a function URL. */
  readonly streamedExports: StreamedExports;
  /** The console and scanner, with the API and the exports behind the same CloudFront domain. */
  readonly web: WebApps;
  /** Hosted sign-in (the code grant) on the web client, once the apps' URL exists. */
  readonly webClientOAuth: UserPoolClientOAuth;
  readonly digestFromAddress: string;
  /** The navigators' daily follow-up email, linking to the console at the apps' URL. */
  readonly digest: FollowUpDigest;
  /** Scanning devices' credentials: the device key, the device-token function, the scanner address. */
  readonly deviceTokens: DeviceTokens;
  /** The alarms and the topic they notify. */
  readonly alerts: Alerts;
  /** The secret origin header CloudFront sends and the functions check, when a web ACL is in front. */
  readonly originVerify: OriginVerify;
  private readonly naming = new SectionNaming();

  constructor(scope: Construct, id: string, props: WaymarkStackProps = {}) {
    super(scope, id, props);
    this.programmeId = resolveProgrammeId(props.programmeId, this.node.tryGetContext('programmeId'));
    this.authDomainPrefix = resolveAuthDomainPrefix(props.authDomainPrefix, this.node.tryGetContext('authDomainPrefix'));
    this.digestFromAddress = resolveDigestFromAddress(props.digestFromAddress, this.node.tryGetContext('digestFromAddress'));

    this.data = new Data(this, 'Data', { programmeId: this.programmeId });
    this.followUps = new FollowUps(this, 'FollowUps', { data: this.data });
    this.originVerify = new OriginVerify(this, 'OriginVerify', {
      enabled: props.webAclArn !== undefined,
      generation: resolveOriginVerifyGeneration(props.originVerifyGeneration, this.node.tryGetContext('originVerifyGeneration')),
    });
    const originVerify = this.originVerify;
    this.deviceTokens = new DeviceTokens(this, 'DeviceTokens', { data: this.data, originVerify });
    this.apiAndAuth = new ApiAndAuth(this, 'ApiAndAuth', {
      data: this.data,
      followUps: this.followUps,
      authDomainPrefix: this.authDomainPrefix,
      deviceTokens: this.deviceTokens,
      originVerify,
    });
    this.streamedExports = new StreamedExports(this, 'StreamedExports', { data: this.data, auth: this.apiAndAuth, originVerify });

    const { userPool, userPoolClient } = this.apiAndAuth;
    this.web = new WebApps(this, 'Web', {
      httpApi: this.apiAndAuth.httpApi,
      exportsUrl: this.streamedExports.url,
      originHeaders: originVerify.originHeaders,
      ...(props.webAclArn !== undefined ? { webAclArn: props.webAclArn } : {}),
      signIn: {
        mode: 'cognito',
        region: this.region,
        userPoolId: userPool.userPoolId,
        clientId: userPoolClient.userPoolClientId,
        domain: this.apiAndAuth.authDomainHost,
      },
    });

    // The apps sign in with the authorization-code grant and PKCE on the web client itself: the API
    // and the exports verify ID tokens whose audience is that client. Here, between the two
    // constructs it joins; see UserPoolClientOAuth for why this is not a property of the client.
    const appUrls = [`${this.web.url}/`, `${this.web.url}/scan/`];
    this.webClientOAuth = new UserPoolClientOAuth(this, 'WebClientOAuth', {
      userPool,
      client: userPoolClient,
      callbackUrls: appUrls,
      logoutUrls: appUrls,
      scopes: webSignInScopes,
    });

    // Enrolment links point at the scanner; the API reads its address from here (see DeviceTokens).
    this.deviceTokens.publishScannerUrl(this.web.url);

    this.digest = new FollowUpDigest(this, 'Digest', {
      data: this.data,
      followUps: this.followUps,
      consoleUrl: this.web.url,
      fromAddress: this.digestFromAddress,
    });

    this.alerts = new Alerts(this, 'Alerts', {
      httpApi: this.apiAndAuth.httpApi,
      functions: [this.apiAndAuth.api, this.streamedExports.exports, this.deviceTokens.tokens],
      data: this.data,
      deadLetterQueue: this.followUps.deadLetterQueue,
      email: resolveAlertEmail(props.alertEmail, this.node.tryGetContext('alertEmail')),
    });

    new CfnOutput(this, 'WebUrl', { value: this.web.url, description: 'The Waymark console; the scanner is at /scan/' });
    new CfnOutput(this, 'ApiUrl', {
      value: this.apiAndAuth.stage.url,
      description: props.webAclArn
        ? 'The HTTP API itself: with the web ACL on it answers only through WebUrl (403 here), bar /docs and /v1/openapi.json'
        : 'Base URL of the Waymark API',
    });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'ExportsUrl', {
      value: this.streamedExports.url.url,
      description: props.webAclArn
        ? 'The streamed exports function URL: with the web ACL on, fetch the exports through WebUrl (403 here)'
        : 'Base URL of the streamed Waymark exports (the same /v1 routes as the API)',
    });
  }

  /** Logical ids as if no section stood between a resource and the stack (see Section). */
  protected override allocateLogicalId(element: CfnElement): string {
    return this.naming.logicalIdOf(element);
  }
}

/** The origin-verify generation from the prop, else the CDK context (a string from `-c`), else 1; checked either way. */
function resolveOriginVerifyGeneration(fromProps: number | undefined, fromContext: unknown): number {
  const given: unknown = fromProps ?? fromContext ?? 1;
  const generation = typeof given === 'string' && /^\d+$/.test(given) ? Number(given) : given;
  if (typeof generation !== 'number' || !Number.isSafeInteger(generation) || generation < 1) {
    throw new Error(
      `Invalid originVerifyGeneration ${JSON.stringify(given)} (the originVerifyGeneration prop or the CDK context value ` +
        '"originVerifyGeneration"): use a whole number from 1, raised by one to rotate the origin-verify secret.',
    );
  }
  return generation;
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

/** The alerts' recipient from the prop, else the CDK context, else none; checked when given. */
function resolveAlertEmail(fromProps: string | undefined, fromContext: unknown): string | undefined {
  const address: unknown = fromProps ?? fromContext;
  if (address === undefined) return undefined;
  if (typeof address !== 'string' || !z.email().safeParse(address).success) {
    throw new Error(`Invalid alertEmail ${JSON.stringify(address)} (the alertEmail prop or the CDK context value "alertEmail"): use an email address.`);
  }
  return address;
}

/** The digest's sender from the prop, else the CDK context, else the default; checked either way. */
function resolveDigestFromAddress(fromProps: string | undefined, fromContext: unknown): string {
  const address: unknown = fromProps ?? fromContext ?? defaultDigestFromAddress;
  if (typeof address !== 'string' || !z.email().safeParse(address).success) {
    throw new Error(
      `Invalid digestFromAddress ${JSON.stringify(address)} (the digestFromAddress prop or the CDK context value ` +
        '"digestFromAddress"): use an email address verified in SES, e.g. "waymark@north-luton.example.org".',
    );
  }
  return address;
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
