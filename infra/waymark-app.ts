import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WaymarkEdgeStack } from './edge-stack';
import { WaymarkStack } from './waymark-stack';
import type { WaymarkStackProps } from './waymark-stack';

/** The name of the main Waymark stack. */
export const stackName = 'Waymark';

/** The name of the edge stack (the AWS WAF web ACL, in us-east-1), made when `waf` is on. */
export const edgeStackName = 'WaymarkEdge';

/**
 * The Waymark CDK app: the edge stack (unless `-c waf=false`) and the main stack, both checked by
 * cdk-nag's AwsSolutions pack on every synth. `infra/app.ts` runs it for the CDK CLI; the infra
 * tests build it in-process.
 *
 * The main stack is environment-agnostic on purpose (no account or region): `cdk synth` works
 * offline with no credentials, and the deploying profile decides where it goes. The edge stack is
 * pinned to us-east-1, where CloudFront's web ACLs must be, and account-agnostic like the other;
 * the main stack reads its web ACL's ARN with `Fn::GetStackOutput` (see WaymarkEdgeStack), which
 * needs neither to be known at synth time.
 *
 * The programme id comes from `stackOptions.programmeId`, else the context value `programmeId`
 * (`cdk synth -c programmeId=north-leeds`), else 'waymark'; the hosted sign-in domain prefix likewise
 * from `stackOptions.authDomainPrefix`, the context value `authDomainPrefix`, else 'waymark-auth'.
 * AWS WAF is on unless `stackOptions.waf` or the context value `waf` is false (`cdk synth -c waf=false`).
 */
export function createWaymarkApp(
  props: AppProps = {},
  stackOptions: Pick<WaymarkStackProps, 'programmeId' | 'authDomainPrefix' | 'originVerifyGeneration'> & { readonly waf?: boolean } = {},
): { app: App; stack: WaymarkStack; edge: WaymarkEdgeStack | undefined } {
  const app = new App(props);
  const { waf: wafOption, ...mainOptions } = stackOptions;
  const waf = resolveWaf(wafOption, app.node.tryGetContext('waf'));
  const edge = waf
    ? new WaymarkEdgeStack(app, edgeStackName, {
        description: 'Waymark edge: the AWS WAF web ACL in front of the CloudFront distribution (us-east-1)',
      })
    : undefined;
  const stack = new WaymarkStack(app, stackName, {
    description: 'Waymark: social prescribing attendance, prescriptions, follow-ups and programme reports',
    ...mainOptions,
    ...(edge ? { webAclArn: edge.webAclArnReference } : {}),
  });
  // Deployed first (`cdk deploy Waymark` deploys it too): the main stack reads its output.
  if (edge) stack.addStackDependency(edge, 'the distribution uses the web ACL of the edge stack');
  // An unacknowledged error-level finding fails `cdk synth` (exit 1); warnings are printed.
  // test/infra/stack.test.ts fails on either.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, edge };
}

/** The `waf` option from the prop, else the CDK context (`-c waf=false` is the string "false"), else on. */
export function resolveWaf(fromProps: boolean | undefined, fromContext: unknown): boolean {
  const value: unknown = fromProps ?? fromContext ?? true;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`Invalid waf ${JSON.stringify(value)} (the CDK context value "waf"): use true (the default) or false.`);
}
