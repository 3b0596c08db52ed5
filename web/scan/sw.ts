/// <reference lib="webworker" />

/**
 * The scanner's service worker (scope /scan/). It keeps the app shell on the device so the
 * scanner opens with no connection: precached at install under a versioned cache name, served
 * cache-first, and refreshed from the network in the background on each use. API calls (/v1/)
 * are never cached or answered from a cache — they always go to the network; scans that cannot
 * be sent are queued by the page in IndexedDB, not here.
 */
const worker = self as unknown as ServiceWorkerGlobalScope;

/** Bump when the shell's list or the caching rules change; old caches are deleted on activate. */
const CACHE_VERSION = 'v1';
const CACHE_PREFIX = 'waymark-scan-shell-';
const CACHE_NAME = `${CACHE_PREFIX}${CACHE_VERSION}`;

const SHELL = ['/scan/', '/scan/index.html', '/scan/app.js', '/scan/styles.css', '/scan/manifest.webmanifest', '/scan/icon.svg'];
/** Kept too when fetched (the install icons), but not needed to open the app. */
const EXTRAS = ['/scan/icon-192.png', '/scan/icon-512.png'];

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE_NAME);
      // `no-cache`: take the server's current files, not a stale HTTP-cached copy.
      await cache.addAll(SHELL.map((url) => new Request(url, { cache: 'no-cache' })));
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME).map((name) => caches.delete(name)));
      await worker.clients.claim();
    })(),
  );
});

/** The cache key for a shell request: the app's page for any navigation within /scan/. */
function shellKey(request: Request, url: URL): string | undefined {
  if (request.mode === 'navigate' && (url.pathname === '/scan/' || url.pathname === '/scan/index.html')) return '/scan/index.html';
  if (SHELL.includes(url.pathname) || EXTRAS.includes(url.pathname)) return url.pathname;
  return undefined;
}

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;
  // The API is never cached: let every /v1/ request go straight to the network.
  if (url.pathname.startsWith('/v1/')) return;
  const key = shellKey(request, url);
  if (!key) return;
  event.respondWith(cacheFirst(event, key));
});

/** Answer from the cache at once if we can, and refresh the cached copy from the network meanwhile. */
async function cacheFirst(event: FetchEvent, key: string): Promise<Response> {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(key);
  const refresh = fetch(new Request(key, { cache: 'no-cache' }))
    .then(async (response) => {
      if (response.ok && response.type === 'basic') await cache.put(key, response.clone());
      return response;
    })
    .catch(() => undefined);
  if (cached) {
    event.waitUntil(refresh);
    return cached;
  }
  return (await refresh) ?? Response.error();
}
