import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpMethod, HttpRoute, HttpRouteKey, type HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountRootPrincipal, ArnPrincipal, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { deviceTokenVariables } from '#shared/devices/kms-signer';
import type { scannerAddressVariables } from '#shared/devices/scanner-address';
import type { VariableValues } from '#shared/platform/config';
import { deviceRoutes } from '#shared/devices/routes';
import { deviceTokensEnvironment } from '../../functions/env';
import type { Data } from './data';
import type { OriginVerify } from './origin-verify';
import { Section } from './section';
import { DeclaredEnvironment, WaymarkFunction } from './waymark-function';

/** What the account's administrators may do with the device key: manage it, never sign with it. */
const KEY_ADMINISTRATION = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/**
 * Throttles for the device's own routes, which need no token and so are open to anyone: far below
 * the stage's default (a scheme's devices trade a token every 15 minutes, and enrol once).
 */
export const deviceRouteThrottle: RouteThrottle = { burstLimit: 20, rateLimit: 10 };

/** One route's API Gateway throttle: requests a second, and the burst above it. */
export interface RouteThrottle {
  readonly burstLimit: number;
  readonly rateLimit: number;
}

export interface DeviceTokensProps {
  readonly data: Data;
  /** The device's routes come through CloudFront (under /v1/*) like the rest of the API. */
  readonly originVerify: OriginVerify;
}

/**
 * Scanning devices' credentials: Waymark's device key (an asymmetric KMS key whose key policy
 * lets only the device-token function sign), the device-token function serving enrolment, token
 * trades and the JWKS, and the SSM parameter holding the scanner's address for enrolment links.
 */
export class DeviceTokens extends Section {
  readonly key: Key;
  readonly tokens: WaymarkFunction;
  readonly scannerUrlParameterName: string;

  constructor(scope: Construct, id: string, props: DeviceTokensProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new Key(this, 'DeviceKey', {
      description: 'Waymark device key: signs scanning devices’ access tokens (ES256)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // Replacing the key signs every device out at once (their tokens stop verifying): keep it.
      removalPolicy: RemovalPolicy.RETAIN,
      // The whole key policy, not added to the default one: the account administers the key but
      // cannot sign with it, so no IAM policy can grant signing to anyone else.
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({ sid: 'AccountAdministersKey', principals: [new AccountRootPrincipal()], actions: KEY_ADMINISTRATION, resources: ['*'] }),
        ],
      }),
    });

    this.tokens = new WaymarkFunction(this, 'DeviceTokens', {
      entry: 'functions/device-tokens.ts',
      description: 'Waymark device enrolment and token trades: the only function that signs with the device key',
      environment: DeclaredEnvironment.of(deviceTokensEnvironment, {
        ...props.data.tableVariables,
        ...this.tokenVariables,
        ...props.originVerify.variables,
      }),
    });
    props.data.grantTableData(this.tokens);
    this.allow(this.tokens, 'DeviceTokensSign', ['kms:Sign', 'kms:GetPublicKey']);

    this.scannerUrlParameterName = `/${stack.stackName}/scanner-url`;
  }

  /** The issuer and audience are this stack's own, so no other deployment's device token is accepted. */
  get tokenVariables(): VariableValues<typeof deviceTokenVariables> {
    const stack = Stack.of(this);
    return {
      DEVICE_KEY_ARN: this.key.keyArn,
      DEVICE_TOKEN_ISSUER: `urn:waymark:${stack.stackName}:devices`,
      DEVICE_TOKEN_AUDIENCE: `urn:waymark:${stack.stackName}:scanner`,
    };
  }

  get scannerAddressVariables(): VariableValues<typeof scannerAddressVariables> {
    return { SCANNER_URL_PARAMETER: this.scannerUrlParameterName };
  }

  /** The API verifies device tokens with the public key, and reads the scanner's address for enrolment links. */
  allowVerifying(api: WaymarkFunction): void {
    this.allow(api, 'ApiReadsDevicePublicKey', ['kms:GetPublicKey']);
    // Built from the name (not the parameter resource), so the API does not depend on the web
    // URL the parameter holds, which depends on the API.
    api.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadScannerAddress',
        actions: ['ssm:GetParameter'],
        resources: [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: this.scannerUrlParameterName.slice(1) })],
      }),
    );
  }

  /** The device's own routes on the HTTP API go to the device-token function; their throttles, by route key, for the stage. */
  route(httpApi: HttpApi): Record<string, RouteThrottle> {
    const integration = new HttpLambdaIntegration('DeviceTokensIntegration', this.tokens.function);
    const routes = [deviceRoutes.enrol, deviceRoutes.token, deviceRoutes.jwks].map((route) => {
      const method = route.method.toUpperCase() as keyof typeof HttpMethod;
      const routeKey = HttpRouteKey.with(route.path, HttpMethod[method]);
      const created = new HttpRoute(this, `Route-${route.method}-${route.path.split('/').pop()!.replace(/\W/g, '')}`, { httpApi, routeKey, integration });
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'A device has no token yet when it enrols or trades its refresh token (that is how it gets one), and the public ' +
          'key set is public by definition. Each request is checked in the function (a one-time code, or a refresh token ' +
          'compared by hash) and these routes are throttled far below the rest.',
      });
      return routeKey.key;
    });
    return Object.fromEntries(routes.map((key) => [key, deviceRouteThrottle]));
  }

  /** Writes the scanner's address (the web URL's /scan/) where the API reads it. */
  publishScannerUrl(webUrl: string): StringParameter {
    return new StringParameter(this, 'ScannerUrl', {
      parameterName: this.scannerUrlParameterName,
      stringValue: `${webUrl}/scan/`,
      description: 'The Waymark scanner app’s address, for device enrolment links',
    });
  }

  /** Key policy and identity policy both: the key policy alone decides, since the account has no Sign on it. */
  private allow(fn: WaymarkFunction, sid: string, actions: string[]): void {
    this.key.addToResourcePolicy(new PolicyStatement({ sid, principals: [new ArnPrincipal(fn.role.roleArn)], actions, resources: ['*'] }));
    fn.role.addToPrincipalPolicy(new PolicyStatement({ sid, actions, resources: [this.key.keyArn] }));
  }
}
