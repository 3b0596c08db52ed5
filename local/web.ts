import { Hono } from 'hono';
import type { WebFile } from '../web/build';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const typeOf = (urlPath: string) => CONTENT_TYPES[urlPath.slice(urlPath.lastIndexOf('.'))] ?? 'application/octet-stream';

/**
 * Serves the built web apps from memory: the console at `/`, the scanner at `/scan/`. The apps
 * route with the URL hash, so every page is one of these files.
 */
export function webApp(files: WebFile[]) {
  const byPath = new Map(files.map((file) => [file.urlPath, file]));
  const app = new Hono();
  const serve = (urlPath: string) => {
    const file = byPath.get(urlPath);
    if (!file) return undefined;
    return new Response(file.contents, {
      headers: {
        'content-type': typeOf(urlPath),
        // Local mode rebuilds at every start: never let a browser keep an old build.
        'cache-control': 'no-cache',
        ...(urlPath.endsWith('/sw.js') ? { 'service-worker-allowed': '/scan/' } : {}),
      },
    });
  };
  // How the apps sign in: local mode's dev issuer (in AWS the stack writes Cognito's details here).
  app.get('/config.json', (c) => c.json({ mode: 'local' }));
  app.get('/scan', (c) => c.redirect('/scan/', 301));
  app.get('*', async (c, next) => {
    const path = c.req.path.endsWith('/') ? `${c.req.path}index.html` : c.req.path;
    return serve(path) ?? next();
  });
  return app;
}
