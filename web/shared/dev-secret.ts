/**
 * Local mode on a network (`HOST=0.0.0.0`, for phones): the server answers its dev routes
 * (`/v1/dev/*`: sign-in tokens, the clock) from another machine only with the secret it printed at
 * start. The printed phone URL carries it as `?devSecret=…`; the app keeps it in localStorage, takes
 * it out of the address bar, and sends it on the dev routes alone. Nothing else uses it, and a
 * deployed system has no dev routes, so it is never sent there.
 */
const KEY = 'waymark.devSecret';
const PARAMETER = 'devSecret';
export const DEV_SECRET_HEADER = 'x-waymark-dev-secret';

/** The browser's globals this needs, typed here so the module also compiles (and is tested) without the DOM's types. */
interface BrowserGlobals {
  location: { href: string };
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  history: { state: unknown; replaceState(state: unknown, unused: string, url: string): void };
}

/** The secret this device was given, adopting one from the address bar first. */
export function devSecret(): string | undefined {
  try {
    const { location, localStorage, history } = globalThis as unknown as BrowserGlobals;
    const url = new URL(location.href);
    const given = url.searchParams.get(PARAMETER);
    if (given) {
      localStorage.setItem(KEY, given);
      url.searchParams.delete(PARAMETER);
      history.replaceState(history.state, '', url.toString());
    }
    return localStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined; // no location or storage (tests, some private windows)
  }
}

/** Whether a request goes to a dev route (and so may carry the secret). */
export function isDevRoute(url: string): boolean {
  try {
    return new URL(url, 'http://localhost').pathname.startsWith('/v1/dev/');
  } catch {
    return false;
  }
}
