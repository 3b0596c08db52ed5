import { RemovalPolicy } from 'aws-cdk-lib';
import type { CfnUserPoolClient, IUserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { auditLogRetention } from './waymark-function';

export interface UserPoolClientOAuthProps {
  readonly userPool: IUserPool;
  /** The client to enable the authorization-code grant on; its other settings are kept. */
  readonly client: UserPoolClient;
  readonly callbackUrls: string[];
  readonly logoutUrls: string[];
  readonly scopes: string[];
}

/**
 * Turns on the OAuth 2.0 authorization-code grant (hosted sign-in) for an existing user pool
 * client, with callback URLs CloudFormation cannot give the client itself.
 *
 * Why not the client's own properties: the callback URLs are the CloudFront distribution's
 * domain; the distribution's `/v1/reports/*.csv` origin is the exports function URL; the exports
 * function's AUTH_AUDIENCE is this client's id. Client -> distribution -> function URL ->
 * function -> client is a cycle CloudFormation refuses. So the client is created without OAuth,
 * and this custom resource, which runs once both the client and the distribution exist, calls
 * cognito-idp:UpdateUserPoolClient.
 *
 * UpdateUserPoolClient resets every setting it is not given, so the call repeats every setting
 * the client's CloudFormation resource declares (read from it here, so the two cannot drift), and
 * adds the OAuth ones. Because those settings are part of this resource's properties, any change
 * to the client also changes this resource, and CloudFormation re-applies the OAuth settings right
 * after updating the client.
 */
export class UserPoolClientOAuth extends Construct {
  /** The UpdateUserPoolClient request, as sent on create and on every update. */
  readonly parameters: Record<string, unknown>;
  readonly resource: AwsCustomResource;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: UserPoolClientOAuthProps) {
    super(scope, id);

    this.parameters = {
      UserPoolId: props.userPool.userPoolId,
      ClientId: props.client.userPoolClientId,
      ...declaredClientSettings(props.client.node.defaultChild as CfnUserPoolClient),
      AllowedOAuthFlowsUserPoolClient: true,
      // The authorization-code grant only (no implicit grant); the apps are public clients (no
      // secret) and send a PKCE code challenge, which Cognito then checks at the token endpoint.
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: props.scopes,
      CallbackURLs: props.callbackUrls,
      LogoutURLs: props.logoutUrls,
    };

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: auditLogRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The provider's function (aws-cdk-lib's, one per stack) gets this role: no AWS managed policy.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}: enables hosted sign-in on the web client`,
    });
    this.logGroup.grantWrite(this.role);

    const call = {
      service: '@aws-sdk/client-cognito-identity-provider',
      action: 'UpdateUserPoolClient',
      parameters: this.parameters,
      physicalResourceId: PhysicalResourceId.of(`${props.client.userPoolClientId}-oauth`),
      // The response describes the whole client; a custom resource may return only 4 KB of data.
      outputPaths: ['UserPoolClient.ClientId'],
    };
    this.resource = new AwsCustomResource(this, 'Resource', {
      resourceType: 'Custom::UserPoolClientOAuth',
      onCreate: call,
      onUpdate: call,
      // Nothing to undo: deleting this resource leaves the client as it is (it goes with the stack).
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({
          actions: ['cognito-idp:UpdateUserPoolClient'],
          resources: [props.userPool.userPoolArn],
        }),
      ]),
      role: this.role,
      logGroup: this.logGroup,
      // The SDK in the Lambda runtime has this call; no download from npm at deploy time.
      installLatestAwsSdk: false,
    });
  }
}

/**
 * The client's settings as its CloudFormation resource declares them, named as UpdateUserPoolClient
 * names them. Settings this does not know how to repeat make it throw rather than be reset silently.
 */
function declaredClientSettings(client: CfnUserPoolClient): Record<string, unknown> {
  const unsupported = {
    TokenValidityUnits: client.tokenValidityUnits,
    AnalyticsConfiguration: client.analyticsConfiguration,
    RefreshTokenRotation: client.refreshTokenRotation,
    DefaultRedirectURI: client.defaultRedirectUri,
    CallbackURLs: client.callbackUrLs,
    LogoutURLs: client.logoutUrLs,
    AllowedOAuthFlows: client.allowedOAuthFlows,
    AllowedOAuthScopes: client.allowedOAuthScopes,
  };
  for (const [name, value] of Object.entries(unsupported)) {
    if (value !== undefined) {
      throw new Error(
        `${client.node.path} declares ${name}, which UserPoolClientOAuth does not repeat in its ` +
          'UpdateUserPoolClient call (it would be reset): add it there.',
      );
    }
  }
  const settings: Record<string, unknown> = {
    ClientName: client.clientName,
    ExplicitAuthFlows: client.explicitAuthFlows,
    ReadAttributes: client.readAttributes,
    WriteAttributes: client.writeAttributes,
    SupportedIdentityProviders: client.supportedIdentityProviders,
    PreventUserExistenceErrors: client.preventUserExistenceErrors,
    EnableTokenRevocation: client.enableTokenRevocation,
    EnablePropagateAdditionalUserContextData: client.enablePropagateAdditionalUserContextData,
    AccessTokenValidity: client.accessTokenValidity,
    IdTokenValidity: client.idTokenValidity,
    RefreshTokenValidity: client.refreshTokenValidity,
    AuthSessionValidity: client.authSessionValidity,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}
