import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Builds the two web apps — the console (served at `/`) and the provider scanner PWA (`/scan/`)
 * — with esbuild: TypeScript and Preact's JSX to minified ES modules, plus each app's static
 * files (HTML, manifest, icons, CSS) copied as they are. Local mode builds them in memory at
 * start (so they are never stale); the CDK app writes them to a folder for S3.
 */
const webDir = path.dirname(fileURLToPath(import.meta.url));

export interface WebFile {
  /** The URL path it is served at, e.g. `/scan/app.js`. */
  urlPath: string;
  contents: Uint8Array;
}

const APPS = [
  { name: 'console', urlPrefix: '/', entries: { app: 'console/main.tsx' } },
  { name: 'scan', urlPrefix: '/scan/', entries: { app: 'scan/main.tsx', sw: 'scan/sw.ts' } },
  { name: 'refer', urlPrefix: '/refer/', entries: { app: 'refer/main.tsx' } },
] as const;

/** Files copied as they are (everything in an app's folder that is not TypeScript). */
function staticFiles(app: string): string[] {
  const root = path.join(webDir, app, 'static');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else found.push(path.relative(root, full));
    }
  };
  try {
    walk(root);
  } catch {
    return [];
  }
  return found;
}

export async function buildWebApps(): Promise<WebFile[]> {
  const files: WebFile[] = [];
  for (const app of APPS) {
    const result = await build({
      entryPoints: Object.fromEntries(Object.entries(app.entries).map(([out, entry]) => [out, path.join(webDir, entry)])),
      bundle: true,
      format: 'esm',
      target: ['chrome111', 'firefox115', 'safari16'],
      minify: true,
      sourcemap: 'linked',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      outdir: path.join(webDir, 'dist', app.name),
      write: false,
      logLevel: 'warning',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    for (const file of result.outputFiles) {
      files.push({ urlPath: `${app.urlPrefix}${path.basename(file.path)}`, contents: file.contents });
    }
    for (const relative of staticFiles(app.name)) {
      files.push({
        urlPath: `${app.urlPrefix}${relative.split(path.sep).join('/')}`,
        contents: readFileSync(path.join(webDir, app.name, 'static', relative)),
      });
    }
  }
  return files;
}

/** Writes the built apps under `outdir` (the S3 layout: `index.html`, `scan/index.html`, …). */
export async function writeWebApps(outdir: string): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  for (const file of await buildWebApps()) {
    const target = path.join(outdir, file.urlPath);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.contents);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] ?? path.join(webDir, 'dist');
  await writeWebApps(outdir);
  console.log(`web apps written to ${outdir}`);
}
