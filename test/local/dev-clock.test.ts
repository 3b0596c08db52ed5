import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/platform/clock';
import { DevClock, isIsoDuration } from '#local/dev-clock';

describe('DevClock', () => {
  it('runs on real time until moved', () => {
    const clock = new DevClock(fixedClock('2026-11-23T10:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-11-23T10:00:00.000Z');
  });

  it('keeps running from an instant it is set to', () => {
    let real = Date.parse('2026-11-23T10:00:00Z');
    const clock = new DevClock({ now: () => new Date(real) });
    clock.set(new Date('2027-01-01T09:00:00Z'));
    real += 60_000;
    expect(clock.now().toISOString()).toBe('2027-01-01T09:01:00.000Z');
  });

  it('advances P84D by London calendar days: 09:00 BST stays 09:00 GMT across the clock change', () => {
    const clock = new DevClock(fixedClock('2026-09-01T08:00:00Z')); // 09:00 BST
    expect(clock.advance('P84D').toISOString()).toBe('2026-11-24T09:00:00.000Z'); // 09:00 GMT
  });

  it('advances by exact hours too, and backwards with a minus sign', () => {
    const clock = new DevClock(fixedClock('2026-11-23T10:00:00Z'));
    expect(clock.advance('PT2H30M').toISOString()).toBe('2026-11-23T12:30:00.000Z');
    expect(clock.advance('-P1D').toISOString()).toBe('2026-11-22T12:30:00.000Z');
  });

  it('tells listeners when it jumps', () => {
    const clock = new DevClock(fixedClock('2026-11-23T10:00:00Z'));
    const seen: string[] = [];
    const unsubscribe = clock.onChange((now) => seen.push(now.toISOString()));
    clock.advance('P1D');
    unsubscribe();
    clock.advance('P1D');
    expect(seen).toEqual(['2026-11-24T10:00:00.000Z']);
  });

  it.each([
    ['P84D', true],
    ['PT1H', true],
    ['-P1W', true],
    ['84 days', false],
    ['P', false],
    ['', false],
  ])('isIsoDuration(%j) is %s', (value, ok) => expect(isIsoDuration(value)).toBe(ok));
});
