import { Temporal } from 'temporal-polyfill';
import { systemClock, type Clock } from '#shared/platform/clock';
import { LONDON } from '#shared/platform/london';

/** True for an ISO-8601 duration Temporal understands, e.g. P84D, PT2H, -P1W. */
export function isIsoDuration(value: string): boolean {
  try {
    Temporal.Duration.from(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Local mode's controllable clock: real time plus an offset, so time keeps running
 * after a jump. "Advance P84D" adds 84 London calendar days (same wall-clock time,
 * across clock changes), which is how a person fast-forwards a 12-week prescription.
 */
/** How far the dev clock may be moved in one go: a century covers every walk-through and test. */
export const MAX_CLOCK_JUMP_YEARS = 100;

export class DevClock implements Clock {
  private offsetMs = 0;
  private readonly listeners = new Set<(now: Date) => void>();

  constructor(private readonly base: Clock = systemClock) {}

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  set(instant: Date): Date {
    this.offsetMs = instant.getTime() - this.base.now().getTime();
    return this.changed();
  }

  advance(duration: string): Date {
    const to = this.advancedBy(duration);
    if (!to) throw new RangeError(`advancing the clock by ${duration} leaves the range it may be set to`);
    return this.set(to);
  }

  /**
   * Where `advance(duration)` would move the clock (London calendar time), or undefined when that
   * is further than MAX_CLOCK_JUMP_YEARS from now or beyond what a date can hold.
   */
  advancedBy(duration: string): Date | undefined {
    try {
      const from = Temporal.Instant.fromEpochMilliseconds(this.now().getTime()).toZonedDateTimeISO(LONDON);
      const to = from.add(Temporal.Duration.from(duration));
      const years = Math.abs(from.until(to, { largestUnit: 'years' }).years);
      return years < MAX_CLOCK_JUMP_YEARS ? new Date(to.epochMilliseconds) : undefined;
    } catch (error) {
      if (error instanceof RangeError) return undefined;
      throw error;
    }
  }

  /** Called whenever the clock jumps (the local scheduler listens, to fire what fell due). */
  onChange(listener: (now: Date) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): Date {
    const now = this.now();
    for (const listener of this.listeners) listener(now);
    return now;
  }
}
