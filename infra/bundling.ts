import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { Runtime } from 'aws-cdk-lib/aws-lambda';

/**
 * How every Lambda function in Waymark is bundled.
 *
 * One build, used twice: the CDK stack (`WaymarkFunction`, through
 * `infra/bundle-cli.ts`) and the bundle test (`test/infra/bundle.test.ts`) both
 * call `bundleLambda()`. So the test inspects the same bundle that is deployed.
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

/**
 * zod's classic API re-exports every locale it ships (about 40 languages, some 260 KB of the
 * bundle). Waymark's error messages are English and nothing selects another locale, so the
 * bundle gets only English: a quarter of the bundle and of its cold-start parse time saved.
 */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales-en', namespace: 'zod-english-only', pluginData: args.resolveDir } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: path.join(String(args.pluginData), '..', 'locales'),
    }));
  },
};

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
  // Code only some requests need (the reports' statistics and CSV writer, the Secrets Manager
  // client) is imported dynamically and split into chunks beside index.mjs: a cold start parses
  // only what the request in hand uses.
  splitting: true,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  plugins: [zodEnglishOnly],
} as const satisfies BuildOptions;

/** The file name Lambda loads: `index.handler` resolves to `index.mjs` for an ES module. */
export const BUNDLE_FILE = 'index.mjs';

/**
 * Bundles one function entry (relative to the project root) into `outdir`. The CDK stack runs
 * this through `infra/bundle-cli.ts` (CDK's local bundling is synchronous, and esbuild plugins
 * need the asynchronous API); the bundle test calls it directly, so both build the same bundle.
 */
export async function bundleLambda(entry: string, outdir: string, options: { write?: boolean } = {}) {
  return build({
    ...lambdaEsbuildOptions,
    plugins: [...lambdaEsbuildOptions.plugins],
    entryPoints: { [path.basename(BUNDLE_FILE, '.mjs')]: path.resolve(projectRootDir, entry) },
    outdir,
    absWorkingDir: projectRootDir,
    metafile: true,
    write: options.write ?? true,
  });
}

const projectRootDir = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * The bytes a cold start loads: the entry's output and every chunk it reaches through static
 * imports (the dynamically imported chunks load only when a request needs them).
 */
export function coldStartFiles(metafile: Metafile, entry: string): string[] {
  const start = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === entry)?.[0];
  const seen = new Set<string>();
  const visit = (file: string | undefined) => {
    if (!file || seen.has(file) || !file.endsWith('.mjs')) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(start);
  return [...seen];
}

export const coldStartBytes = (metafile: Metafile, entry: string) =>
  coldStartFiles(metafile, entry).reduce((sum, file) => sum + metafile.outputs[file]!.bytes, 0);
