import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WaymarkStack } from './waymark-stack';
import type { WaymarkStackProps } from './waymark-stack';

/** The name of the one Waymark stack. */
export const stackName = 'Waymark';

/**
 * The Waymark CDK app: the stack, checked by cdk-nag's AwsSolutions pack on every synth.
 * `infra/app.ts` runs it for the CDK CLI; the infra tests build it in-process.
 *
 * Environment-agnostic on purpose (no account or region): `cdk synth` works offline with no
 * credentials, and the deploying profile decides where it goes.
 *
 * The programme id comes from `stackOptions.programmeId`, else the context value `programmeId`
 * (`cdk synth -c programmeId=north-leeds`), else 'waymark'; the hosted sign-in domain prefix likewise
 * from `stackOptions.authDomainPrefix`, the context value `authDomainPrefix`, else 'waymark-auth'.
 */
export function createWaymarkApp(
  props: AppProps = {},
  stackOptions: Pick<WaymarkStackProps, 'programmeId' | 'authDomainPrefix'> = {},
): { app: App; stack: WaymarkStack } {
  const app = new App(props);
  const stack = new WaymarkStack(app, stackName, {
    description: 'Waymark: social prescribing attendance, prescriptions, follow-ups and programme reports',
    ...stackOptions,
  });
  // An unacknowledged error-level finding fails `cdk synth` (exit 1); warnings are printed.
  // test/infra/stack.test.ts fails on either.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
