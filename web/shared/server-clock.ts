import { createApi } from './api';
import { createAppClock, followServerClock, type AppClock, type ClockFollower, type OffsetStorage } from './clock';
import { readConfig } from './cognito';

/**
 * The apps' clock in the browser (clock.ts has the logic): the offset kept in localStorage, the
 * server's time read with `GET /v1/dev/clock` (local mode only; it needs no token), and read
 * again when the page is shown, when the device comes back online, and every minute.
 */

/** A reading that takes longer than this is given up (the last offset stays). */
const READ_TIMEOUT_MS = 10_000;

function localStorageOrNone(): OffsetStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // storage refused (some private windows)
  }
}

async function readServerTime(): Promise<string | undefined> {
  const { data } = await createApi(() => undefined).GET('/v1/dev/clock', { signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
  return data?.now;
}

/** The app's clock, starting from the last offset this device knew (none in a deployed system). */
export function browserClock(): AppClock {
  return createAppClock({ readServer: readServerTime, storage: localStorageOrNone() });
}

/** Follows the server's clock in local mode until `stop()` (see followServerClock). */
export function followInBrowser(clock: AppClock): ClockFollower {
  return followServerClock(clock, async () => (await readConfig())?.mode, {
    onVisible(listener) {
      const shown = () => {
        if (document.visibilityState === 'visible') listener();
      };
      document.addEventListener('visibilitychange', shown);
      return () => document.removeEventListener('visibilitychange', shown);
    },
    onOnline(listener) {
      window.addEventListener('online', listener);
      return () => window.removeEventListener('online', listener);
    },
    every(ms, listener) {
      const timer = setInterval(listener, ms);
      return () => clearInterval(timer);
    },
  });
}
