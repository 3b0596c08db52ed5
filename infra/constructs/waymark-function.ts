import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { execFileSync } from 'node:child_process';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Architecture, Code, Function as LambdaFunction, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { lambdaRuntime } from '#infra/bundling';
import type { FunctionEnvironment, VariableShape, VariableValues } from '#shared/platform/config';
import { pathOutsideSections } from './section';

/** The repository root: entries and the lock file are resolved from here. */
export const projectRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * How long function and API access logs are kept.
 *
 * Waymark processes UK GDPR special-category health data. Its logs hold no
 * personal data, but they are the operational half of the audit trail (who
 * called which route, when, with what outcome, and what failed), and an
 * information-governance review or a data-subject complaint can ask about
 * events many months back. One year answers that, and the logs still expire
 * rather than pile up forever (storage limitation). The group is retained if
 * the stack is deleted, so deleting the stack cannot erase the audit trail.
 */
export const auditLogRetention = RetentionDays.ONE_YEAR;

/**
 * The function's code: `infra/bundling.ts` run locally by esbuild (no Docker), in a child
 * process because CDK's local bundling is synchronous and esbuild plugins need its async API.
 * The asset is identified by the bundle it produces.
 */
function bundledCode(entry: string): Code {
  return Code.fromAsset(path.join(projectRoot, path.dirname(entry)), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never used, because local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('local-bundling-only'),
      // Never run either, but it names the entry in the asset's cache key. CDK reuses a staged
      // asset for any other asset with the same source directory and the same JSON of these
      // options, in which `tryBundle` (a function) does not appear: without the entry here, every
      // function in `functions/` would deploy the bundle of whichever was staged first.
      command: ['infra/bundle-cli.ts', entry],
      local: {
        tryBundle(outputDir: string): boolean {
          execFileSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'infra/bundle-cli.ts'), entry, outputDir], {
            cwd: projectRoot,
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          return true;
        },
      },
    },
  });
}

/** Set on every function by {@link WaymarkFunction}, read by Powertools and Node; no function declares them. */
const defaultVariables: Readonly<Record<string, string>> = {
  POWERTOOLS_SERVICE_NAME: 'waymark',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  // The bundle ships a source map (see infra/bundling.ts); this makes stack traces use it.
  NODE_OPTIONS: '--enable-source-maps',
};

/**
 * A function's environment as the stack sets it: exactly the variables the function declares in
 * functions/env.ts and parses at init. The private constructor makes {@link DeclaredEnvironment.of}
 * the only way to get one, so no function's environment bypasses its declaration.
 */
export class DeclaredEnvironment {
  private constructor(
    readonly functionName: string,
    readonly variables: Readonly<Record<string, string>>,
  ) {}

  /**
   * The values of a function's declared variables. A variable of the declaration left out, or one
   * it does not declare, is a type error here (and, should a cast get past the compiler, a synth
   * error): the names the function parses and the names the stack sets come from one declaration.
   */
  static of<Shape extends VariableShape, Values extends VariableValues<Shape>>(
    declaration: FunctionEnvironment<Shape>,
    values: Values & { readonly [Name in Exclude<keyof Values, keyof Shape>]: never },
  ): DeclaredEnvironment {
    const given = Object.keys(values);
    const missing = declaration.variables.filter((variable) => !given.includes(variable));
    const undeclared = given.filter((variable) => !(declaration.variables as readonly string[]).includes(variable));
    const reserved = given.filter((variable) => variable in defaultVariables);
    if (missing.length > 0 || undeclared.length > 0 || reserved.length > 0) {
      throw new Error(
        `The ${declaration.functionName} function's environment does not match its declaration (functions/env.ts): ` +
          `missing [${missing.join(', ')}], undeclared [${undeclared.join(', ')}], reserved [${reserved.join(', ')}]`,
      );
    }
    const variables: Record<string, string> = {};
    for (const variable of declaration.variables) variables[variable] = values[variable];
    return new DeclaredEnvironment(declaration.functionName, variables);
  }
}

export interface WaymarkFunctionProps {
  /** The handler module, relative to the repository root, e.g. `functions/api.ts`. */
  readonly entry: string;
  /** The exported handler's name. @default 'handler' */
  readonly handler?: string;
  readonly description: string;
  /** The function's own variables, added to the defaults (service name, log level, source maps). */
  readonly environment: DeclaredEnvironment;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default 1024 MB */
  readonly memorySize?: number;
  /** Concurrency kept for (and capping) this function. @default none: the account's unreserved pool */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A Lambda function with Waymark's defaults: the newest Node.js runtime on
 * arm64 (Graviton: cheaper per GB-second, and at least as fast for this work),
 * bundled by `infra/bundling.ts`, active X-Ray tracing, its own log group with
 * a fixed retention, and its own role that may write only to that log group
 * (no AWS managed policy).
 */
export class WaymarkFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WaymarkFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: auditLogRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group), write to this group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      // Named as outside the stack's sections, so regrouping the stack's code never updates the role.
      description: `Execution role of ${pathOutsideSections(this)}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new LambdaFunction(this, 'Function', {
      code: bundledCode(props.entry),
      handler: `index.${props.handler ?? 'handler'}`,
      runtime: lambdaRuntime,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      description: props.description,
      environment: { ...defaultVariables, ...props.environment.variables },
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
    });

    // Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*" to this role.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
        'permissions, so the statement CDK adds for active tracing must use Resource "*". The stack test ' +
        'checks that this X-Ray statement is the only one on the role with Resource "*".',
    });
  }
}
