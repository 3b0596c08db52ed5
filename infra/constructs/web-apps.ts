import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import {
  AssetHashType,
  CfnElement,
  DefaultStackSynthesizer,
  DockerImage,
  Duration,
  Names,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import type { BehaviorOptions, ResponseSecurityHeadersBehavior } from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { auditLogRetention, projectRoot } from './waymark-function';
import { appContentSecurityPolicy, HSTS_MAX_AGE_SECONDS, PERMISSIONS_POLICY } from '#shared/platform/security-headers';

/**
 * What the apps read from `/config.json` to sign in. In AWS it is written beside the apps by the
 * deployment; in local mode the local server answers `{ "mode": "local" }` instead.
 */
export interface WebSignInConfig {
  readonly mode: 'cognito';
  readonly region: string;
  readonly userPoolId: string;
  /** The user pool client the API verifies ID tokens for (their audience). */
  readonly clientId: string;
  /** Host name of the Cognito hosted sign-in domain, e.g. `waymark-auth.auth.eu-west-2.amazoncognito.com`. */
  readonly domain: string;
}

/** The browser features the apps may use (one value with the API's and local mode's headers). */
export const permissionsPolicy = PERMISSIONS_POLICY;

/** Two years: the max-age HSTS preload lists ask for (the API sends the same). */
export const hstsMaxAge = Duration.seconds(HSTS_MAX_AGE_SECONDS);

/**
 * The Content-Security-Policy of every response: the apps' policy of
 * `shared/platform/security-headers.ts` (local mode serves the apps with the same one, minus
 * Cognito), with this stack's Cognito user pool API and hosted sign-in domain.
 */
export function contentSecurityPolicy(region: string, urlSuffix: string, authDomain: string): string {
  return appContentSecurityPolicy({ userPoolApi: `https://cognito-idp.${region}.${urlSuffix}`, hostedSignIn: `https://${authDomain}` });
}

/**
 * The viewer-request CloudFront Function of the bucket behaviour (cloudfront-js-2.0). S3 behind
 * Origin Access Control serves no index documents, so a URI ending in `/` gets `index.html`
 * appended (`/scan/` serves `scan/index.html`). `/scan` is redirected to `/scan/`, as the local
 * server does: the scanner's service worker, its manifest scope and its sign-in callback are all
 * under `/scan/`, and a page at `/scan` would be outside that scope.
 */
export const indexRewriteCode = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/scan') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/scan/' } } };
  }
  if (uri === '/refer') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/refer/' } } };
  }
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  }
  return request;
}
`;

/** The CloudFront path patterns in front of the API, in the order CloudFront must try them. */
export const apiPathPatterns = {
  /** Streamed CSV exports: the exports function URL. Before `/v1/*`, which would match them too. */
  exports: '/v1/reports/*.csv',
  api: '/v1/*',
  /**
   * The API reference. It gets the same Content-Security-Policy as everything else on this origin,
   * so Swagger UI renders here only once the API serves it from 'self' without inline script (it
   * loads from a CDN in AWS today); it stays usable at the API's own URL, a different origin.
   */
  docs: '/docs*',
  /**
   * The public ORUK directory feed (decision 81): cached here for the minute the feed says
   * (`Cache-Control: public, max-age=60`), keyed by the query string (paging, search, filters).
   */
  oruk: '/oruk/*',
} as const;

/** How long CloudFront keeps an ORUK feed answer: the feed's own `max-age` (decision 81), never longer. */
export const orukFeedTtl = Duration.seconds(60);

/**
 * The built console and scanner (`web/build.ts`), bundled locally with Node (never Docker) into
 * the S3 layout: `index.html`, `app.js`, `styles.css` for the console at the root, `scan/...` for
 * the scanner. The asset is identified by what the build produces.
 */
function webAppsSource(): ISource {
  return Source.asset(path.join(projectRoot, 'web'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never used, because local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('local-bundling-only'),
      // Names the build in the asset's cache key (tryBundle, a function, is not part of it).
      command: ['web/build.ts'],
      local: {
        tryBundle(outputDir: string): boolean {
          execFileSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'web/build.ts'), outputDir], {
            cwd: projectRoot,
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          return true;
        },
      },
    },
  });
}

export interface WebAppsProps {
  /** The HTTP API, reached on the same origin under `/v1/*` and `/docs*`. */
  readonly httpApi: IHttpApi;
  /** The streamed exports (a function URL), reached under `/v1/reports/*.csv`. */
  readonly exportsUrl: IFunctionUrl;
  /** Written to `/config.json` for the apps; its `region` and `domain` also go into the CSP. */
  readonly signIn: WebSignInConfig;
  /**
   * Headers CloudFront adds to every request to the API and exports origins: the secret origin
   * header when the functions verify it (decision 91), else none.
   */
  readonly originHeaders?: Readonly<Record<string, string>>;
  /** The AWS WAF web ACL (CLOUDFRONT scope, made in us-east-1 by the edge stack) in front of the distribution. */
  readonly webAclArn?: string;
}

/**
 * The console and the scanner PWA on one CloudFront origin: the built files from a private S3
 * bucket (Origin Access Control), and the API and the streamed exports behind the same domain, so
 * the apps call them with no CORS. Every response carries the same security headers.
 */
export class WebApps extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly indexRewrite: CloudFrontFunction;
  readonly securityHeaders: ResponseHeadersPolicy;
  /** The ORUK feed's headers: the same security headers, plus CORS for any origin (the feed's own passes through). */
  readonly feedHeaders: ResponseHeadersPolicy;
  /** The ORUK feed's cache: a minute, keyed by the whole query string, no headers or cookies. */
  readonly feedCache: CachePolicy;
  readonly deployment: BucketDeployment;
  readonly deploymentRole: Role;
  readonly deploymentLogGroup: LogGroup;
  /** `https://<distribution domain>` */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebAppsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // No versioning: the contents are a build of this repository, and a rollback is a redeploy.
      // Retained rather than destroyed: the deployment leaves its files in place when the stack is
      // deleted, so a DESTROY bucket (without auto-delete, which is not wanted here) would fail the
      // stack deletion; a retained bucket of public app code is harmless and can be emptied by hand.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.indexRewrite = new CloudFrontFunction(this, 'IndexRewrite', {
      comment: 'Waymark web apps: serve index.html for folder URIs; /scan -> /scan/',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(indexRewriteCode),
    });

    const securityHeadersBehavior: ResponseSecurityHeadersBehavior = {
      strictTransportSecurity: { accessControlMaxAge: hstsMaxAge, includeSubdomains: true, preload: true, override: true },
      contentSecurityPolicy: {
        contentSecurityPolicy: contentSecurityPolicy(props.signIn.region, stack.urlSuffix, props.signIn.domain),
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
    };
    const customHeadersBehavior = {
      customHeaders: [{ header: 'Permissions-Policy', value: permissionsPolicy, override: true }],
    };
    this.securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      // Policy names are unique per account, not per Region: the Region keeps two deployments of
      // this stack in one account apart.
      responseHeadersPolicyName: `${Names.uniqueResourceName(this, { maxLength: 100 })}-${stack.region}`,
      comment: 'Waymark: security headers on every response (apps, API, exports)',
      securityHeadersBehavior,
      customHeadersBehavior,
    });
    // The ORUK feed answers any origin (decision 81) and says so itself; CloudFront keeps the feed's
    // Access-Control-Allow-Origin (originOverride false) and adds the same where it has none.
    this.feedHeaders = new ResponseHeadersPolicy(this, 'FeedHeaders', {
      responseHeadersPolicyName: `${Names.uniqueResourceName(this, { maxLength: 90 })}-feed-${stack.region}`,
      comment: 'Waymark ORUK feed: the security headers, and CORS for any origin (read-only, no credentials)',
      securityHeadersBehavior,
      customHeadersBehavior,
      corsBehavior: {
        accessControlAllowOrigins: ['*'],
        accessControlAllowMethods: ['GET', 'HEAD', 'OPTIONS'],
        accessControlAllowHeaders: ['*'],
        accessControlAllowCredentials: false,
        originOverride: false,
      },
    });
    this.feedCache = new CachePolicy(this, 'FeedCache', {
      comment: 'Waymark ORUK feed: a minute, as the feed says; keyed by the query string only',
      defaultTtl: orukFeedTtl,
      minTtl: Duration.seconds(0),
      maxTtl: orukFeedTtl,
      // Paging, search and the filters are all query parameters: each combination is its own answer.
      queryStringBehavior: CacheQueryStringBehavior.all(),
      // The feed is public and the same for everyone: no Authorization, no cookies, no Origin.
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    // The API's own endpoint (https://<api id>.execute-api.<region>.<suffix>), the `$default` stage.
    // CloudFront sets the origin headers on every request it sends (overwriting a viewer's header of
    // the same name), so only CloudFront's requests carry the secret.
    const originHeaders = { ...props.originHeaders };
    const apiOrigin = new HttpOrigin(`${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      customHeaders: originHeaders,
    });
    // Not cached, and everything but Host passes through: the Authorization header (CloudFront
    // forwards it with an all-viewer origin request policy when caching is disabled), the query
    // string and the body.
    const apiBehaviour: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.securityHeaders,
    };
    // The function URL keeps no IAM auth (no Lambda OAC): OAC would sign the request and replace
    // the Authorization header, which carries the Cognito ID token the app verifies.
    const exportsBehaviour: BehaviorOptions = {
      origin: new FunctionUrlOrigin(props.exportsUrl, {
        // The longest CloudFront waits without a quota increase; a streamed export sends rows long
        // before that, and between them.
        readTimeout: Duration.seconds(60),
        customHeaders: originHeaders,
      }),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.securityHeaders,
    };
    // The ORUK feed, cached: only the cache key (the query string) and the origin headers reach the
    // API, with the API's own Host; no Authorization, no cookies.
    const feedBehaviour: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: CachedMethods.CACHE_GET_HEAD,
      cachePolicy: this.feedCache,
      compress: true,
      responseHeadersPolicy: this.feedHeaders,
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Waymark web apps (console at /, scanner at /scan/) and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Edge locations in Europe and North America: the programmes' staff are in the UK.
      priceClass: PriceClass.PRICE_CLASS_100,
      ...(props.webAclArn !== undefined ? { webAclId: props.webAclArn } : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        functionAssociations: [{ function: this.indexRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
        responseHeadersPolicy: this.securityHeaders,
      },
      // Insertion order is the order CloudFront tries them: the CSV exports before the rest of /v1.
      additionalBehaviors: {
        [apiPathPatterns.exports]: exportsBehaviour,
        [apiPathPatterns.api]: apiBehaviour,
        [apiPathPatterns.docs]: apiBehaviour,
        [apiPathPatterns.oruk]: feedBehaviour,
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    // The deployment's function (provided by aws-cdk-lib) gets a role and log group of its own, like
    // Waymark's functions: no AWS managed policy, logs kept with the rest.
    this.deploymentLogGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: auditLogRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.deploymentRole = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}/Deployment: copies the built web apps to the bucket`,
    });
    this.deploymentLogGroup.grantWrite(this.deploymentRole);

    this.deployment = new BucketDeployment(this, 'Deployment', {
      destinationBucket: this.bucket,
      sources: [webAppsSource(), Source.jsonData('config.json', props.signIn)],
      // File names carry no content hash (app.js, sw.js), so browsers revalidate every file
      // (max-age=0), and CloudFront answers that from its edge cache for up to a day (s-maxage);
      // the invalidation below empties that cache whenever a new build is deployed.
      cacheControl: [CacheControl.maxAge(Duration.seconds(0)), CacheControl.mustRevalidate(), CacheControl.sMaxAge(Duration.days(1))],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      role: this.deploymentRole,
      logGroup: this.deploymentLogGroup,
      memoryLimit: 512,
    });

    this.acknowledgeFindings(props.webAclArn !== undefined);
  }

  /** The cdk-nag findings reviewed for these resources, each with the reason it stands. */
  private acknowledgeFindings(hasWebAcl: boolean): void {
    const stack = Stack.of(this);
    const logicalId = (resource: unknown) => {
      if (!CfnElement.isCfnElement(resource)) throw new Error('not a CloudFormation resource');
      return stack.getLogicalId(resource);
    };

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No server access logs: the bucket holds only the built web apps (public HTML, JavaScript and CSS, no ' +
        'data), and its only callers are CloudFront, reading through Origin Access Control (the bucket policy ' +
        'allows s3:GetObject to this distribution alone), and the deployment function writing the build. API ' +
        'and export requests are logged by the API access log and the functions; bucket changes by CloudTrail.',
    });

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: the distribution serves the public app code and proxies the API; every data ' +
          'request needs a Cognito ID token (MFA required, threat protection enforced) or a device token, staff ' +
          'may need to work while abroad, and the ORUK feed is published for anyone. Rate and bad-input rules ' +
          'are the web ACL\'s (decision 91) when it is on; blocking countries would keep no attacker out.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "No CloudFront standard logs: they record every request's full query string, which the API access " +
          'log leaves out on purpose (no patient data in logs), and need an ACL-enabled log bucket. Every API ' +
          'request is already in the API access log (kept a year) and every export request in the exports ' +
          "function's request log; what is left is requests for the public app files.",
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          "The distribution uses CloudFront's default *.cloudfront.net certificate (no custom domain is " +
          'configured), and with it CloudFront does not allow a minimum viewer TLS version to be set; a custom ' +
          'domain with an ACM certificate would allow TLSv1.2_2021. HSTS (two years) keeps browsers on HTTPS.',
      },
    );
    if (!hasWebAcl) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'No AWS WAF web ACL: this deployment turned the edge stack off (-c waf=false), so the API and exports ' +
          'do not check the origin header either. API Gateway throttles every route, the app limits each caller ' +
          '(the table counters), the exports have reserved concurrency and Cognito threat protection guards sign-in.',
      });
    }

    // The deployment's permissions are granted by aws-cdk-lib's BucketDeployment itself.
    const synthesizer = stack.synthesizer;
    const qualifier =
      (synthesizer instanceof DefaultStackSynthesizer ? synthesizer.bootstrapQualifier : undefined) ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    // cdk-nag prints `${AWS::AccountId}` in the bootstrap bucket's name as `<AWS::AccountId>`.
    const assetBucket = DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace('${Qualifier}', qualifier).replace(
      /\$\{([^}]+)\}/g,
      '<$1>',
    );
    const readReason =
      'Granted by BucketDeployment: Asset.grantRead on the CDK bootstrap asset bucket, to fetch the zipped ' +
      'build and config.json, and Bucket.grantReadWrite on the web bucket, which `aws s3 sync` lists and ' +
      'compares. Read-only on the asset bucket; the role is assumed only by the deployment function.';
    const writeReason =
      'Granted by BucketDeployment (Bucket.grantReadWrite on the web bucket): the sync replaces the whole site, ' +
      'deleting files the new build no longer has (prune) and aborting failed multipart uploads. Confined to ' +
      "this bucket's objects.";
    Validations.of(this.deploymentRole).acknowledge(
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: readReason },
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: readReason },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: readReason },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetBucket}/*]`, reason: readReason },
      { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: writeReason },
      { id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason: writeReason },
      { id: `AwsSolutions-IAM5[Resource::<${logicalId(this.bucket.node.defaultChild)}.Arn>/*]`, reason: writeReason },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'BucketDeployment grants cloudfront:CreateInvalidation and cloudfront:GetInvalidation on "*" (hard-coded ' +
          'in aws-cdk-lib) to invalidate this distribution after a deployment. An invalidation only empties ' +
          'edge caches: it can neither read nor change content or configuration. The stack test checks these ' +
          'two actions are all the role has on "*".',
      },
    );

    // The deployment function is a singleton at the stack's root, created by BucketDeployment.
    const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('The BucketDeployment handler function was not found');
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "aws-cdk-lib's BucketDeployment handler: its Python runtime and AWS CLI layer are chosen and tested " +
        'together by aws-cdk-lib and cannot be set on the construct. It runs only while a deployment copies the ' +
        'build to the bucket, never on a request path; upgrading aws-cdk-lib moves it to newer runtimes.',
    });
  }
}
