import { describe, expect, it } from 'vitest';
import {
  CLOCK_OFFSET_KEY,
  CLOCK_SYNC_INTERVAL_MS,
  createAppClock,
  followServerClock,
  MAX_ROUND_TRIP_MS,
  offsetFromReading,
  parseStoredOffset,
  type ClockMode,
  type ClockTriggers,
  type OffsetStorage,
} from '../../web/shared/clock';

const DAY = 86_400_000;
const DEVICE = Date.parse('2026-12-02T10:00:00.000Z');

/** A device clock that moves only when told. */
function deviceClock(start = DEVICE) {
  let now = start;
  return { now: () => now, tick: (ms: number) => (now += ms) };
}

function memoryStorage(initial: Record<string, string> = {}): OffsetStorage & { items: Record<string, string> } {
  const items = { ...initial };
  return {
    items,
    getItem: (key) => items[key] ?? null,
    setItem: (key, value) => void (items[key] = value),
    removeItem: (key) => void delete items[key],
  };
}

/** Triggers fired by hand, counting who listens. */
function manualTriggers() {
  const listeners = { visible: new Set<() => void>(), online: new Set<() => void>(), every: new Set<() => void>() };
  const intervals: number[] = [];
  const add = (set: Set<() => void>, listener: () => void) => {
    set.add(listener);
    return () => void set.delete(listener);
  };
  const triggers: ClockTriggers = {
    onVisible: (listener) => add(listeners.visible, listener),
    onOnline: (listener) => add(listeners.online, listener),
    every: (ms, listener) => {
      intervals.push(ms);
      return add(listeners.every, listener);
    },
  };
  const fire = (kind: keyof typeof listeners) => listeners[kind].forEach((listener) => listener());
  const count = () => listeners.visible.size + listeners.online.size + listeners.every.size;
  return { triggers, fire, count, intervals };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the offset from one reading of the server’s clock', () => {
  it('takes the server’s time as the middle of the round trip', () => {
    // Sent at DEVICE, answered 200 ms later; the server said DEVICE + 14 days + 100 ms (the middle).
    expect(offsetFromReading(DEVICE, new Date(DEVICE + 14 * DAY + 100).toISOString(), DEVICE + 200)).toBe(14 * DAY);
    expect(offsetFromReading(DEVICE, new Date(DEVICE - 5_000).toISOString(), DEVICE)).toBe(-5_000);
  });

  it('is not known from an unreadable time, or a round trip too long or backwards', () => {
    expect(offsetFromReading(DEVICE, 'not a time', DEVICE + 10)).toBeUndefined();
    expect(offsetFromReading(DEVICE, '', DEVICE + 10)).toBeUndefined();
    expect(offsetFromReading(DEVICE, new Date(DEVICE).toISOString(), DEVICE + MAX_ROUND_TRIP_MS + 1)).toBeUndefined();
    expect(offsetFromReading(DEVICE, new Date(DEVICE).toISOString(), DEVICE - 1)).toBeUndefined();
    expect(offsetFromReading(DEVICE, new Date(DEVICE).toISOString(), DEVICE + MAX_ROUND_TRIP_MS)).toBe(-MAX_ROUND_TRIP_MS / 2);
  });

  it('is kept as whole milliseconds; junk kept is no offset', () => {
    expect(parseStoredOffset('1209600000')).toBe(1_209_600_000);
    expect(parseStoredOffset('-300')).toBe(-300);
    for (const junk of [null, undefined, '', 'abc', '1.5', '1e9', 'NaN', '12345678901234567890']) expect(parseStoredOffset(junk)).toBeUndefined();
  });
});

describe('the apps’ clock', () => {
  it('is the device’s clock until the server has been read', () => {
    const device = deviceClock();
    const clock = createAppClock({ readServer: async () => undefined, deviceNow: device.now });
    expect(clock.now().getTime()).toBe(DEVICE);
    expect(clock.offsetMs()).toBe(0);
  });

  it('follows the server’s clock once read, and time runs on from there', async () => {
    const device = deviceClock();
    const storage = memoryStorage();
    const clock = createAppClock({ readServer: async () => new Date(device.now() + 14 * DAY).toISOString(), deviceNow: device.now, storage });
    await expect(clock.sync()).resolves.toBe(true);
    expect(clock.now().toISOString()).toBe('2026-12-16T10:00:00.000Z');
    device.tick(90_000);
    expect(clock.now().toISOString()).toBe('2026-12-16T10:01:30.000Z');
    expect(storage.items[CLOCK_OFFSET_KEY]).toBe(String(14 * DAY));
  });

  it('keeps the last known offset when the server cannot be read (offline, junk, a slow answer)', async () => {
    const device = deviceClock();
    const answers: (() => Promise<string | undefined>)[] = [
      async () => new Date(device.now() + 3 * DAY).toISOString(),
      async () => {
        throw new TypeError('Failed to fetch');
      },
      async () => undefined,
      async () => 'yesterday',
      async () => {
        device.tick(MAX_ROUND_TRIP_MS + 1);
        return new Date(device.now()).toISOString();
      },
    ];
    const clock = createAppClock({ readServer: () => answers.shift()!(), deviceNow: device.now });
    expect(await clock.sync()).toBe(true);
    for (let i = 0; i < 4; i++) expect(await clock.sync()).toBe(false);
    expect(clock.offsetMs()).toBe(3 * DAY);
  });

  it('starts from the offset kept on the device, so a scanner opened offline stamps the server’s time', () => {
    const device = deviceClock();
    const clock = createAppClock({
      readServer: () => Promise.reject(new TypeError('offline')),
      deviceNow: device.now,
      storage: memoryStorage({ [CLOCK_OFFSET_KEY]: String(15 * DAY) }),
    });
    expect(clock.now().toISOString()).toBe('2026-12-17T10:00:00.000Z');
  });

  it('works with storage that refuses (some private windows), keeping the offset in memory', async () => {
    const refusing: OffsetStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const device = deviceClock();
    const clock = createAppClock({ readServer: async () => new Date(device.now() + DAY).toISOString(), deviceNow: device.now, storage: refusing });
    expect(await clock.sync()).toBe(true);
    expect(clock.offsetMs()).toBe(DAY);
    clock.reset();
    expect(clock.offsetMs()).toBe(0);
  });

  it('tells its listeners when the server’s clock was moved, not when the network jitters', async () => {
    const device = deviceClock();
    let serverAhead = 0;
    const clock = createAppClock({ readServer: async () => new Date(device.now() + serverAhead).toISOString(), deviceNow: device.now });
    let jumps = 0;
    const off = clock.onJump(() => jumps++);
    serverAhead = 800;
    await clock.sync();
    expect(jumps).toBe(0);
    serverAhead = 14 * DAY;
    await clock.sync();
    expect(jumps).toBe(1);
    serverAhead = 14 * DAY + 250;
    await clock.sync();
    expect(jumps).toBe(1);
    off();
    serverAhead = 0;
    await clock.sync();
    expect(jumps).toBe(1);
  });

  it('resets to the device’s clock, forgetting the kept offset', async () => {
    const storage = memoryStorage({ [CLOCK_OFFSET_KEY]: String(2 * DAY) });
    const device = deviceClock();
    const clock = createAppClock({ readServer: async () => undefined, deviceNow: device.now, storage });
    clock.reset();
    expect(clock.now().getTime()).toBe(DEVICE);
    expect(storage.items[CLOCK_OFFSET_KEY]).toBeUndefined();
  });
});

describe('following the server’s clock', () => {
  function setUp(modes: ClockMode[], initialOffset?: number) {
    const device = deviceClock();
    let reads = 0;
    let online = true;
    const storage = memoryStorage(initialOffset === undefined ? {} : { [CLOCK_OFFSET_KEY]: String(initialOffset) });
    const clock = createAppClock({
      readServer: async () => {
        reads++;
        if (!online) throw new TypeError('Failed to fetch');
        return new Date(device.now() + 7 * DAY).toISOString();
      },
      deviceNow: device.now,
      storage,
    });
    let modeReads = 0;
    const mode = async () => {
      modeReads++;
      return modes.length > 1 ? modes.shift() : modes[0];
    };
    const manual = manualTriggers();
    const follower = followServerClock(clock, mode, manual.triggers);
    return { clock, follower, manual, storage, reads: () => reads, modeReads: () => modeReads, offline: (value: boolean) => (online = !value) };
  }

  it('in local mode: reads the server at start, when shown, when back online and every minute', async () => {
    const { clock, follower, manual, reads } = setUp(['local']);
    await follower.started;
    expect(reads()).toBe(1);
    expect(clock.offsetMs()).toBe(7 * DAY);
    expect(manual.intervals).toEqual([CLOCK_SYNC_INTERVAL_MS]);
    expect(CLOCK_SYNC_INTERVAL_MS).toBe(60_000);
    for (const kind of ['visible', 'online', 'every'] as const) {
      manual.fire(kind);
      await settle();
    }
    expect(reads()).toBe(4);
    follower.stop();
    expect(manual.count()).toBe(0);
  });

  it('reads once at a time: triggers that come together share one reading', async () => {
    const { follower, manual, reads } = setUp(['local']);
    await follower.started;
    manual.fire('visible');
    manual.fire('online');
    await follower.nudge();
    expect(reads()).toBe(2);
  });

  it('offline in local mode: the last known offset stays in use', async () => {
    const { clock, follower, manual, offline } = setUp(['local']);
    await follower.started;
    offline(true);
    manual.fire('every');
    await settle();
    await follower.nudge();
    expect(clock.offsetMs()).toBe(7 * DAY);
  });

  it('in a deployed system: never reads the server, drops any offset and stops listening', async () => {
    const { clock, follower, manual, reads, storage } = setUp(['organisation'], 3 * DAY);
    await follower.started;
    expect(reads()).toBe(0);
    expect(clock.offsetMs()).toBe(0);
    expect(storage.items[CLOCK_OFFSET_KEY]).toBeUndefined();
    expect(manual.count()).toBe(0);
    await follower.nudge();
    expect(reads()).toBe(0);
  });

  it('while the mode is not known (the config could not be read): keeps the kept offset, and asks again on the next trigger', async () => {
    const { clock, follower, manual, reads, modeReads } = setUp([undefined, 'local'], 15 * DAY);
    await follower.started;
    expect(reads()).toBe(0);
    expect(clock.offsetMs()).toBe(15 * DAY);
    manual.fire('online');
    await settle();
    await follower.nudge();
    expect(modeReads()).toBe(2); // asked again once, then known: not asked any more
    expect(clock.offsetMs()).toBe(7 * DAY);
    expect(reads()).toBe(2);
  });
});
