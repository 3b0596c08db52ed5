import type { BuildOptions } from 'esbuild';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every Lambda function in Waymark is bundled.
 *
 * One set of esbuild options, used twice: the CDK `NodejsFunction` construct
 * (through `nodejsBundlingOptions()`, which only translates the names) and the
 * bundle test (`test/infra/bundle.test.ts`, which passes `lambdaEsbuildOptions`
 * straight to esbuild's JS API). So the test inspects the same bundle that is
 * deployed.
 */

/** The newest Node.js Lambda runtime. Bundles target exactly this version. */
export const lambdaRuntime: Runtime = Runtime.NODEJS_24_X;

/** `nodejs24.x` -> `node24`: esbuild keeps every syntax feature that runtime supports. */
export function esbuildTargetFor(runtime: Runtime): string {
  const match = /^nodejs(\d+)\.x$/.exec(runtime.name);
  if (!match) {
    throw new Error(`Not a versioned Node.js runtime: ${runtime.name}`);
  }
  return `node${match[1]}`;
}

/**
 * Output format: ES modules (`index.mjs`).
 *
 * The sources are ES modules (package.json `"type": "module"`), and so are
 * hono, jose and zod; the AWS SDK v3 ships ES builds too (`module` field), so
 * `mainFields: module, main` takes those and esbuild tree-shakes them. ESM output
 * keeps `import.meta.url` working and allows top-level await at init.
 *
 * The banner gives the bundle a real `require`: a CommonJS dependency bundled
 * into an ES module that calls `require('node:...')` for a built-in would
 * otherwise fail at runtime with "Dynamic require of ... is not supported".
 */
const requireShim =
  "import { createRequire as __waymarkCreateRequire } from 'node:module'; " +
  'const require = __waymarkCreateRequire(import.meta.url);';

export const lambdaEsbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: esbuildTargetFor(lambdaRuntime),
  mainFields: ['module', 'main'],
  minify: true,
  // Class and function names survive minification (error names in logs, `constructor.name` checks).
  keepNames: true,
  // A linked external `.map` file; the function runs with `--enable-source-maps`, so stack
  // traces in the logs point at the TypeScript sources. No sources inside the map: it only
  // needs line mappings, and it stays small.
  sourcemap: true,
  sourcesContent: false,
  // Nothing external. The AWS SDK v3 is bundled rather than taken from the runtime, so the
  // version that runs is the one pinned in package-lock.json and tested here.
  external: [],
  banner: { js: requireShim },
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** The same options, in the vocabulary of `NodejsFunction`'s `bundling` prop. */
export function nodejsBundlingOptions(): BundlingOptions {
  const o = lambdaEsbuildOptions;
  return {
    format: o.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
    target: o.target,
    mainFields: [...o.mainFields],
    minify: o.minify,
    keepNames: o.keepNames,
    sourceMap: o.sourcemap,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: o.sourcesContent,
    // An explicit empty list: NodejsFunction would otherwise mark `@aws-sdk/*` external.
    externalModules: [...o.external],
    bundleAwsSDK: true,
    banner: o.banner.js,
    logLevel: LogLevel.WARNING,
  };
}
