/**
 * The apps' clock. In local mode the server's clock can be moved (`POST /v1/dev/clock`), so the
 * console and the scanner follow it: they read the server's time (`GET /v1/dev/clock`), keep how
 * far it is from the device's clock, and `now()` is the device's time plus that offset. In a
 * deployed system there is no offset (and nothing under /v1/dev/ is ever called). The last offset
 * read is kept (in memory and in storage), so a scanner with no connection goes on using it.
 *
 * No DOM here: the page gives it the reading, the storage and the triggers (server-clock.ts), and
 * the tests give it fakes.
 */

/** Where the last known offset is kept (localStorage; both apps share it, as they share the server). */
export const CLOCK_OFFSET_KEY = 'waymark.clock.offset';
/** How often the server's time is read again while the app is open (local mode only). */
export const CLOCK_SYNC_INTERVAL_MS = 60_000;
/** A reading whose round trip took longer than this is too uncertain to use: the last offset stays. */
export const MAX_ROUND_TRIP_MS = 10_000;
/** A change of offset larger than this is the server's clock being moved, not the network's jitter. */
export const CLOCK_JUMP_MS = 60_000;

/**
 * The server's clock minus the device's, from one reading: the server's `now` is taken as the
 * middle of the round trip. Undefined for an unreadable time or a round trip too long (or
 * backwards: the device's clock was changed meanwhile) to trust.
 */
export function offsetFromReading(sentAt: number, serverNow: string, receivedAt: number): number | undefined {
  const server = Date.parse(serverNow);
  if (!Number.isFinite(server) || !Number.isFinite(sentAt) || !Number.isFinite(receivedAt)) return undefined;
  const roundTrip = receivedAt - sentAt;
  if (roundTrip < 0 || roundTrip > MAX_ROUND_TRIP_MS) return undefined;
  return Math.round(server - (sentAt + receivedAt) / 2);
}

/** A stored offset (whole milliseconds as text), or undefined for nothing or junk. */
export function parseStoredOffset(raw: string | null | undefined): number | undefined {
  if (raw === null || raw === undefined || !/^-?\d{1,16}$/.test(raw.trim())) return undefined;
  const value = Number(raw.trim());
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The part of `localStorage` the clock uses. */
export interface OffsetStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface AppClock {
  /** Now: the device's time plus the last known offset. */
  now(): Date;
  /** The last known offset (the server's clock minus the device's), 0 when none. */
  offsetMs(): number;
  /** Reads the server's time once. True if it answered; otherwise the last known offset stays. */
  sync(): Promise<boolean>;
  /** Back to the device's own time, forgetting any stored offset (a deployed system has none). */
  reset(): void;
  /** Called when the offset jumps (the server's clock was moved); returns the unsubscribe. */
  onJump(listener: () => void): () => void;
}

export interface AppClockOptions {
  /** The server's time (ISO-8601), or undefined when it gave none; may throw (offline). */
  readServer: () => Promise<string | undefined>;
  /** The device's clock, in epoch milliseconds. */
  deviceNow?: () => number;
  /** Where the last offset is kept across reloads; none, or storage that fails, keeps it in memory only. */
  storage?: OffsetStorage | undefined;
}

export function createAppClock(options: AppClockOptions): AppClock {
  const deviceNow = options.deviceNow ?? Date.now;
  const { storage } = options;
  const listeners = new Set<() => void>();
  let offset = 0;
  try {
    offset = parseStoredOffset(storage?.getItem(CLOCK_OFFSET_KEY)) ?? 0;
  } catch {
    // Storage refused (some private windows): start from the device's clock.
  }

  const change = (next: number) => {
    const jumped = Math.abs(next - offset) > CLOCK_JUMP_MS;
    offset = next;
    if (jumped) for (const listener of [...listeners]) listener();
  };

  return {
    now: () => new Date(deviceNow() + offset),
    offsetMs: () => offset,
    async sync() {
      const sentAt = deviceNow();
      let serverNow: string | undefined;
      try {
        serverNow = await options.readServer();
      } catch {
        return false;
      }
      const next = serverNow === undefined ? undefined : offsetFromReading(sentAt, serverNow, deviceNow());
      if (next === undefined) return false;
      try {
        storage?.setItem(CLOCK_OFFSET_KEY, String(next));
      } catch {
        // Not kept across a reload, but used meanwhile.
      }
      change(next);
      return true;
    },
    reset() {
      try {
        storage?.removeItem(CLOCK_OFFSET_KEY);
      } catch {
        // Nothing kept, or nothing to forget.
      }
      change(0);
    },
    onJump(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** What `/config.json` said: local mode, a deployed system, or not known yet (it could not be read). */
export type ClockMode = 'local' | 'organisation' | undefined;

/** When to read the server's time again; each returns its unsubscribe. */
export interface ClockTriggers {
  /** The app is in view again (a phone woken up, a tab shown). */
  onVisible(listener: () => void): () => void;
  /** The device says it is back online. */
  onOnline(listener: () => void): () => void;
  every(ms: number, listener: () => void): () => void;
}

export interface ClockFollower {
  /** Reads the server's time now (local mode; nothing otherwise). One reading at a time. */
  nudge(): Promise<void>;
  /** Settles after the first try at start, whether or not the server answered. */
  readonly started: Promise<void>;
  stop(): void;
}

/**
 * Keeps `clock` on the server's time: at start, whenever the app is shown again or comes back
 * online, and every minute. Only in local mode: once the mode is known to be a deployed one, the
 * offset is dropped and nothing more is read. While the mode is not known (the config could not
 * be read: offline), each trigger tries again, and the last known offset stays in use.
 */
export function followServerClock(clock: AppClock, mode: () => Promise<ClockMode>, triggers: ClockTriggers): ClockFollower {
  let known: ClockMode;
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  const unsubscribe: (() => void)[] = [];
  const stop = () => {
    stopped = true;
    for (const off of unsubscribe.splice(0)) off();
  };

  const attempt = async () => {
    await Promise.resolve(); // so `inFlight` is set before this can settle
    if (known === undefined) {
      try {
        known = await mode();
      } catch {
        known = undefined;
      }
    }
    if (stopped) return;
    if (known === 'organisation') {
      clock.reset();
      stop();
      return;
    }
    if (known === 'local') await clock.sync();
  };

  const nudge = () => {
    if (stopped) return Promise.resolve();
    inFlight ??= attempt().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const run = () => void nudge();
  unsubscribe.push(triggers.onVisible(run), triggers.onOnline(run), triggers.every(CLOCK_SYNC_INTERVAL_MS, run));
  const started = nudge();
  return { nudge, started, stop };
}
