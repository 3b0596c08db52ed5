import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/constructs/waymark-function';
import {
  countedCommonRules,
  edgeRegion,
  managedRuleGroups,
  publicFormsPathPrefix,
  wafRateLimits,
  wafRateWindowSeconds,
  wafRetryAfterSeconds,
  webAclArnOutputId,
} from '#infra/edge-stack';
import type { WaymarkEdgeStack } from '#infra/edge-stack';
import { createWaymarkApp, edgeStackName, resolveWaf } from '#infra/waymark-app';
import { apiThrottle, routeThrottles } from '#infra/constructs/api-and-auth';
import type { WaymarkStack } from '#infra/waymark-stack';

/**
 * The edge stack (AWS WAF in us-east-1) and the `waf` option (ARCHITECTURE.md, decision 91). The
 * apps here are synthesized without bundling (only the configuration matters); the bundled default
 * app, with the distribution's side of it, is in stack.test.ts.
 */

type Json = Record<string, unknown>;

const cdkContext = (JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
  .context;

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** The Waymark app without bundling, synthesized once, with every cdk-nag finding it reports. */
function synthesized(context: Record<string, unknown> = {}, options: Parameters<typeof createWaymarkApp>[1] = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'waymark-edge-'));
  outdirs.push(outdir);
  const built = createWaymarkApp({ outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context } }, options);
  let synthError: unknown;
  try {
    built.app.synth();
  } catch (error) {
    synthError = error;
  }
  const report = JSON.parse(readFileSync(path.join(outdir, VALIDATION_REPORT_FILE), 'utf8')) as {
    pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath?: string }[] }[] }[];
  };
  const findings = report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) => violation.violatingConstructs.map((construct) => `${violation.ruleName} ${construct.constructPath}`)),
  );
  const templateOf = (stack: WaymarkStack | WaymarkEdgeStack) =>
    Template.fromJSON(JSON.parse(readFileSync(path.join(outdir, stack.templateFile), 'utf8')) as Json);
  return { ...built, findings, synthError, templateOf };
}

/** Every acknowledgement recorded under a construct: "path id". */
function acknowledged(root: IConstruct): string[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as Json).map((id) => `${construct.node.path} ${id.replace(/^annotation::/i, '')}`)),
  );
}

const distributionConfigOf = (template: Template) =>
  (Object.values(template.findResources('AWS::CloudFront::Distribution'))[0] as { Properties: { DistributionConfig: Json } }).Properties
    .DistributionConfig as Json & { Origins: (Json & { OriginCustomHeaders?: unknown })[] };

describe('the edge stack (waf on, the default)', () => {
  let built: ReturnType<typeof synthesized>;
  let edge: WaymarkEdgeStack;
  let template: Template;
  type Rule = Json & { Name: string; Priority: number; Statement: Json; VisibilityConfig: Json; Action?: Json; OverrideAction?: Json };
  let rules: Rule[];
  const rule = (name: string) => {
    const found = rules.find((candidate) => candidate.Name === name);
    if (!found) throw new Error(`no rule ${name}`);
    return found;
  };

  beforeAll(() => {
    built = synthesized();
    if (!built.edge) throw new Error('no edge stack');
    edge = built.edge;
    template = built.templateOf(edge);
    rules = (Object.values(template.findResources('AWS::WAFv2::WebACL'))[0] as { Properties: { Rules: Rule[] } }).Properties.Rules;
  });

  it('is the stack WaymarkEdge in us-east-1 (any account), made before the main stack, which stays Region-agnostic', () => {
    expect(edge.stackName).toBe(edgeStackName);
    expect(edge.region).toBe('us-east-1');
    expect(edgeRegion).toBe('us-east-1');
    expect(built.stack.resolve(built.stack.region)).toEqual({ Ref: 'AWS::Region' });
    expect(built.stack.dependencies).toEqual([edge]);
    expect(built.app.node.children.map((child) => child.node.id).slice(0, 2)).toEqual([edgeStackName, 'Waymark']);
  });

  it('holds one CLOUDFRONT-scope web ACL that allows by default, with CloudWatch metrics and sampled requests on', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'WaymarkWebAcl' },
    });
    for (const each of rules) {
      expect(each.VisibilityConfig, each.Name).toEqual({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: each.Name });
    }
    expect(rules.map((each) => each.Priority)).toEqual([0, 1, 2, 3]);
  });

  it('runs both AWS managed rule groups (common rules, known bad inputs) with their own actions', () => {
    expect(managedRuleGroups).toEqual(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']);
    for (const name of managedRuleGroups) {
      const group = rule(`AWS-${name}`);
      expect(group.OverrideAction).toEqual({ None: {} });
      expect(group.Statement).toMatchObject({ ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } });
    }
  });

  it('only counts the common rules’ 8 KB body limit, which a batch of 100 offline scans (about 20 KB) would exceed', () => {
    expect(countedCommonRules).toEqual(['SizeRestrictions_BODY']);
    expect(rule('AWS-AWSManagedRulesCommonRuleSet').Statement).toEqual({
      ManagedRuleGroupStatement: {
        VendorName: 'AWS',
        Name: 'AWSManagedRulesCommonRuleSet',
        RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
      },
    });
    expect(rule('AWS-AWSManagedRulesKnownBadInputsRuleSet').Statement).toEqual({
      ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' },
    });
  });

  it('limits each client address to 20,000 requests in five minutes, answering 429 in the API’s error shape with Retry-After', () => {
    expect(wafRateLimits.perAddress).toBe(20_000);
    expect(wafRateWindowSeconds).toBe(300);
    expect(rule('PerAddress').Statement).toEqual({
      RateBasedStatement: { Limit: 20_000, EvaluationWindowSec: 300, AggregateKeyType: 'IP' },
    });
    expect(rule('PerAddress').Action).toEqual({
      Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'rate-limited', ResponseHeaders: [{ Name: 'retry-after', Value: String(wafRetryAfterSeconds) }] } },
    });
    const bodies = (Object.values(template.findResources('AWS::WAFv2::WebACL'))[0] as { Properties: { CustomResponseBodies: Record<string, { Content: string; ContentType: string }> } })
      .Properties.CustomResponseBodies;
    expect(bodies['rate-limited']!.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(bodies['rate-limited']!.Content)).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
  });

  it('sets the address limit far above one venue’s door and a shared office, and below one address taking the stage', () => {
    const perSecond = wafRateLimits.perAddress / wafRateWindowSeconds;
    // A busy door: 20 scans a minute per device (decision 70); a hundred devices behind one address.
    expect(wafRateLimits.perAddress).toBeGreaterThanOrEqual(2 * 100 * 20 * (wafRateWindowSeconds / 60));
    // Sustained, one address cannot take the whole default stage throttle, shared by every caller…
    expect(perSecond).toBeLessThan(apiThrottle.rateLimit);
    // …and is a small part of the national scan peak the scan route is sized for.
    expect(perSecond).toBeLessThan(routeThrottles['POST /v1/scans'].rateLimit / 10);
  });

  it('limits each address on /v1/public/* (the referral form, no token) to 100 in five minutes, a third of the route’s throttle', () => {
    expect(publicFormsPathPrefix).toBe('/v1/public/');
    expect(rule('PublicFormsPerAddress').Priority).toBeLessThan(rule('PerAddress').Priority);
    expect(rule('PublicFormsPerAddress').Statement).toEqual({
      RateBasedStatement: {
        Limit: 100,
        EvaluationWindowSec: 300,
        AggregateKeyType: 'IP',
        ScopeDownStatement: {
          ByteMatchStatement: {
            FieldToMatch: { UriPath: {} },
            PositionalConstraint: 'STARTS_WITH',
            SearchString: '/v1/public/',
            TextTransformations: [{ Priority: 0, Type: 'NONE' }],
          },
        },
      },
    });
    expect(rule('PublicFormsPerAddress').Action).toEqual(rule('PerAddress').Action);
    const routeInWindow = routeThrottles['POST /v1/public/referrals'].rateLimit * wafRateWindowSeconds;
    expect(wafRateLimits.publicForms).toBeLessThanOrEqual(routeInWindow / 3);
  });

  it('logs only what a rule blocked or counted, with the Authorization and Cookie headers and the query string redacted', () => {
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': ['WebAcl', 'Arn'] },
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }, { QueryString: {} }],
      LoggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          { Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }] },
        ],
      },
    });
  });

  it('logs to a log group named aws-waf-logs-…, kept a year and retained, by its ARN without the trailing :*', () => {
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0]!;
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: 'aws-waf-logs-WaymarkEdge', RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      LogDestinationConfigs: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:', { Ref: 'AWS::AccountId' }, ':log-group:', { Ref: logGroupId }],
          ],
        },
      ],
    });
  });

  it('outputs the web ACL’s ARN, which the main stack reads', () => {
    expect(template.findOutputs(webAclArnOutputId)[webAclArnOutputId]?.Value).toEqual({ 'Fn::GetAtt': ['WebAcl', 'Arn'] });
    expect(distributionConfigOf(built.templateOf(built.stack)).WebACLId).toEqual({
      'Fn::GetStackOutput': { StackName: edgeStackName, OutputName: webAclArnOutputId, Region: 'us-east-1' },
    });
  });

  it('finds nothing unacknowledged by cdk-nag in either stack, acknowledges nothing in the edge stack, and no CFR2', () => {
    expect(built.findings).toEqual([]);
    expect(built.synthError).toBeUndefined();
    expect(acknowledged(edge)).toEqual([]);
    expect(acknowledged(built.stack).filter((ack) => ack.includes('CFR2'))).toEqual([]);
  });
});

describe('-c waf=false', () => {
  let built: ReturnType<typeof synthesized>;
  let template: Template;

  beforeAll(() => {
    built = synthesized({ waf: 'false' });
    template = built.templateOf(built.stack);
  });

  it('makes no edge stack: the main stack alone, no web ACL on the distribution', () => {
    expect(built.edge).toBeUndefined();
    expect(built.app.node.tryFindChild(edgeStackName)).toBeUndefined();
    expect(built.stack.dependencies).toEqual([]);
    expect(distributionConfigOf(template).WebACLId).toBeUndefined();
  });

  it('turns the origin check off: no secret, no origin header, ORIGIN_VERIFY_SECRET off in the three functions', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(built.stack.originVerify.current).toBeUndefined();
    for (const origin of distributionConfigOf(template).Origins) expect(origin.OriginCustomHeaders).toBeUndefined();
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { ORIGIN_VERIFY_SECRET: Match.anyValue() } } },
    });
    expect(Object.keys(functions)).toHaveLength(3);
    for (const fn of Object.values(functions) as { Properties: { Environment: { Variables: Json } } }[]) {
      expect(fn.Properties.Environment.Variables).toMatchObject({ ORIGIN_VERIFY_SECRET: 'off', ORIGIN_VERIFY_PREVIOUS_SECRET: 'none' });
    }
  });

  it('keeps the /oruk/* behaviour, which does not depend on the web ACL', () => {
    const behaviours = distributionConfigOf(template).CacheBehaviors as { PathPattern: string }[];
    expect(behaviours.map((behaviour) => behaviour.PathPattern)).toContain('/oruk/*');
  });

  it('acknowledges CFR2 (no web ACL) with the reason, and is otherwise clean under cdk-nag', () => {
    expect(acknowledged(built.stack).filter((ack) => ack.includes('CFR2'))).toEqual(['Waymark/Web/Distribution AwsSolutions-CFR2']);
    expect(built.findings).toEqual([]);
    expect(built.synthError).toBeUndefined();
  });
});

describe('rotating the origin-verify secret (-c originVerifyGeneration=2)', () => {
  it('sends the new secret, keeps the one before it accepted by the functions, and drops neither from the template', () => {
    const built = synthesized({ originVerifyGeneration: '2' });
    const { current, previous } = built.stack.originVerify;
    expect(current?.node.id).toBe('OriginVerifySecret2');
    // Generation 1 keeps its construct id, so its logical id (and value) survive the first rotation.
    expect(previous?.node.id).toBe('OriginVerifySecret');
    const template = built.templateOf(built.stack);
    template.resourceCountIs('AWS::SecretsManager::Secret', 3);
    const reference = (secret: IConstruct) => ({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: built.stack.getLogicalId(secret.node.defaultChild as never) }, ':SecretString:::}}']],
    });
    for (const origin of distributionConfigOf(template).Origins.filter((candidate) => candidate.OriginCustomHeaders)) {
      expect(origin.OriginCustomHeaders).toEqual([{ HeaderName: 'x-waymark-origin-verify', HeaderValue: reference(current!) }]);
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ORIGIN_VERIFY_SECRET: reference(current!), ORIGIN_VERIFY_PREVIOUS_SECRET: reference(previous!) }) },
    });
    expect(built.findings).toEqual([]);
  });

  it('refuses a generation that is not a whole number from 1', () => {
    for (const bad of ['0', '-1', '1.5', 'two', 0]) {
      expect(() => createWaymarkApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], originVerifyGeneration: bad } }), String(bad)).toThrow(
        /Invalid originVerifyGeneration/,
      );
    }
  });
});

describe('the waf option', () => {
  it('is on by default, off with false or "false" (from -c), the prop over the context', () => {
    expect(resolveWaf(undefined, undefined)).toBe(true);
    expect(resolveWaf(undefined, 'true')).toBe(true);
    expect(resolveWaf(undefined, false)).toBe(false);
    expect(resolveWaf(undefined, 'false')).toBe(false);
    expect(resolveWaf(true, 'false')).toBe(true);
    expect(resolveWaf(false, undefined)).toBe(false);
  });

  it('refuses anything else, naming the option', () => {
    for (const bad of ['off', 'no', 0, 1, '']) {
      expect(() => resolveWaf(undefined, bad), String(bad)).toThrow(/Invalid waf .* use true \(the default\) or false/);
    }
  });

  it('turns the edge stack off from the createWaymarkApp option too', () => {
    const { edge, stack } = createWaymarkApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } }, { waf: false });
    expect(edge).toBeUndefined();
    expect(stack.originVerify.enabled).toBe(false);
  });
});
