import { ArnFormat, CfnOutput, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { auditLogRetention } from './constructs/waymark-function';

/** A CLOUDFRONT-scope web ACL can only be made (and its logs only kept) in US East (N. Virginia). */
export const edgeRegion = 'us-east-1';

/** The edge stack's output naming the web ACL; the main stack reads it with `Fn::GetStackOutput`. */
export const webAclArnOutputId = 'WebAclArn';

/** The window every rate-based rule counts over: five minutes (WAF also offers 1, 2 and 10). */
export const wafRateWindowSeconds = 300;

/**
 * The rate-based rules' limits, per client address (as CloudFront sees it, not X-Forwarded-For) per
 * five minutes. Many devices and staff can share one public address (a venue's Wi-Fi, an NHS or
 * council network behind one NAT), so the limits are far above what one such place makes, and only
 * a flood reaches them. See ARCHITECTURE.md, decision 91.
 */
export const wafRateLimits = {
  /**
   * Every request from one address: 20,000 in five minutes (67 a second, sustained). A busy door
   * makes 20 scans a minute per device (decision 70), so a hundred devices behind one address make
   * 10,000; a hundred staff behind one NAT, a console request every five seconds each, make 6,000.
   * It holds one address below the stage's default throttle (100 a second, shared by everyone), and
   * is 1/30 of the 2,000 scans a second national peak the scan route is sized for.
   */
  perAddress: 20_000,
  /**
   * `/v1/public/*` (the public referral form, no token): 100 in five minutes. The route is throttled
   * at one a second for everyone (300 in five minutes), and a scheme receives a few dozen a day, so
   * one address may send a third of the route's capacity, and a flood from one address leaves the
   * rest for everyone else.
   */
  publicForms: 100,
} as const;

/**
 * Retry-After on a rate rule's 429: a minute. WAF lifts a block once the address's rate over the
 * window falls below the limit (it re-counts every few tens of seconds), so a client that waits a
 * minute and is still over the limit is simply told again; the scanner keeps its scans meanwhile.
 */
export const wafRetryAfterSeconds = 60;

/** The path prefix of the routes that need no token and take free text: the public referral form. */
export const publicFormsPathPrefix = '/v1/public/';

/** The two AWS managed rule groups: OWASP-style common rules, and known exploit inputs (Log4j and the like). */
export const managedRuleGroups = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

/**
 * Rules of the common rule set switched from block to count. SizeRestrictions_BODY blocks a body over
 * 8 KB, and a batch of 100 offline scans is about 20 KB (a registry import's feed larger still): the
 * app's own body limits (64 KB, the import's its own) stand in for it.
 */
export const countedCommonRules = ['SizeRestrictions_BODY'] as const;

/** Headers and parts of the request never written to the WAF logs: tokens, and query strings (searches can name people). */
const redactedFields: CfnLoggingConfiguration.FieldToMatchProperty[] = [
  { singleHeader: { Name: 'authorization' } },
  { singleHeader: { Name: 'cookie' } },
  { queryString: {} },
];

/** The rate rules' answer: the API's error shape and a 429 with Retry-After, which the scanner treats as "send it later". */
const rateLimitedBody = JSON.stringify({
  error: { code: 'rate_limited', message: 'Too many requests from this address; try again in a few minutes.' },
});

/**
 * The edge stack: the AWS WAF web ACL in front of the CloudFront distribution (ARCHITECTURE.md,
 * decision 91). CloudFront's web ACLs live in us-east-1 whatever the Region of the distribution's
 * stack, so this stack is pinned there while the main stack stays Region-agnostic; the main stack
 * reads the ACL's ARN from this stack's output with CloudFormation's `Fn::GetStackOutput` (a weak
 * reference, resolved at each deployment of the main stack: no exports, no custom resource, and it
 * needs no account or Region at synth time).
 */
export class WaymarkEdgeStack extends Stack {
  readonly webAcl: CfnWebACL;
  readonly logGroup: LogGroup;
  readonly logging: CfnLoggingConfiguration;

  constructor(scope: Construct, id: string, props: Omit<StackProps, 'env'> & { readonly account?: string } = {}) {
    super(scope, id, { ...props, env: { region: edgeRegion, ...(props.account !== undefined ? { account: props.account } : {}) } });

    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const rateLimited: CfnWebACL.RuleActionProperty = {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: 'rate-limited',
          responseHeaders: [{ name: 'retry-after', value: String(wafRetryAfterSeconds) }],
        },
      },
    };

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `${this.stackName}-web`,
      description: 'Waymark: in front of the CloudFront distribution - web apps, API, exports, ORUK feed',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('WaymarkWebAcl'),
      customResponseBodies: { 'rate-limited': { contentType: 'APPLICATION_JSON', content: rateLimitedBody } },
      // Cheapest first: the rate rules count and block floods before the managed rules inspect them.
      rules: [
        {
          name: 'PublicFormsPerAddress',
          priority: 0,
          action: rateLimited,
          statement: {
            rateBasedStatement: {
              limit: wafRateLimits.publicForms,
              evaluationWindowSec: wafRateWindowSeconds,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: publicFormsPathPrefix,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: visibility('PublicFormsPerAddress'),
        },
        {
          name: 'PerAddress',
          priority: 1,
          action: rateLimited,
          statement: {
            rateBasedStatement: { limit: wafRateLimits.perAddress, evaluationWindowSec: wafRateWindowSeconds, aggregateKeyType: 'IP' },
          },
          visibilityConfig: visibility('PerAddress'),
        },
        ...managedRuleGroups.map(
          (name, index): CfnWebACL.RuleProperty => ({
            name: `AWS-${name}`,
            priority: 2 + index,
            overrideAction: { none: {} },
            statement: {
              managedRuleGroupStatement: {
                vendorName: 'AWS',
                name,
                ...(name === 'AWSManagedRulesCommonRuleSet'
                  ? { ruleActionOverrides: countedCommonRules.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
                  : {}),
              },
            },
            visibilityConfig: visibility(`AWS-${name}`),
          }),
        ),
      ],
    });

    // Only what a rule blocked or counted is logged (the allowed rest is in the API's access log),
    // with tokens and query strings redacted: no patient data in logs. The group's name must begin
    // with aws-waf-logs-; kept a year like every Waymark log, and retained.
    this.logGroup = new LogGroup(this, 'WafLogs', {
      logGroupName: `aws-waf-logs-${this.stackName}`,
      retention: auditLogRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logging = new CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group's ARN without the `:*` that its Arn attribute ends with.
      logDestinationConfigs: [
        this.formatArn({ service: 'logs', resource: 'log-group', resourceName: this.logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
      redactedFields,
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });

    new CfnOutput(this, webAclArnOutputId, {
      value: this.webAcl.attrArn,
      description: 'The CLOUDFRONT-scope web ACL the Waymark distribution uses (read by the Waymark stack)',
    });
  }

  /**
   * The web ACL's ARN for a stack in any Region: `Fn::GetStackOutput` of this stack's output in
   * us-east-1, resolved when that stack deploys, so this stack must be deployed first (a stack
   * dependency). Not `this.webAcl.attrArn`: CDK refuses a reference into a stack of another Region
   * unless both Regions are known at synth time.
   */
  get webAclArnReference(): string {
    return Fn.getStackOutput(this.stackName, webAclArnOutputId, edgeRegion);
  }
}
