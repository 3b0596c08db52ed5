import { Hono } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { appContentSecurityPolicy } from '#shared/platform/security-headers';
import type { WebFile } from '../web/build';

/** The apps' CSP as CloudFront sends it, without Cognito: local mode signs in through its dev routes. */
export const LOCAL_APP_CSP = appContentSecurityPolicy();

/**
 * Serves the built web apps from memory: the console at `/`, the scanner at `/scan/`. The apps
 * route with the URL hash, so every page is one of these files. Each answer carries the security
 * headers CloudFront sends in AWS (HSTS aside: this is HTTP).
 */
export function webApp(files: WebFile[]) {
  const byPath = new Map(files.map((file) => [file.urlPath, file]));
  const app = new Hono();
  const serve = (urlPath: string) => {
    const file = byPath.get(urlPath);
    if (!file) return undefined;
    return new Response(file.contents, {
      headers: {
        'content-type': getMimeType(urlPath) ?? 'application/octet-stream',
        // Local mode rebuilds at every start: never let a browser keep an old build.
        'cache-control': 'no-cache',
        // The other security headers come from the API's middleware (shared/platform/security-headers.ts).
        'content-security-policy': LOCAL_APP_CSP,
        ...(urlPath.endsWith('/sw.js') ? { 'service-worker-allowed': '/scan/' } : {}),
      },
    });
  };
  // How the apps sign in: local mode's dev issuer (in AWS the stack writes Cognito's details here).
  app.get('/config.json', (c) => c.json({ mode: 'local' }));
  app.get('/scan', (c) => c.redirect('/scan/', 301));
  app.get('/refer', (c) => c.redirect('/refer/', 301));
  app.get('*', async (c, next) => {
    const path = c.req.path.endsWith('/') ? `${c.req.path}index.html` : c.req.path;
    return serve(path) ?? next();
  });
  return app;
}
