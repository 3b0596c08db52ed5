/**
 * The knobs of the generated tests (the route fuzz and the lifecycle model), read from the
 * environment so CI runs a bounded, repeatable amount and a person can run far more:
 *
 * - `FUZZ_SEED`: an integer to replay a run; `random` for a fresh one (printed on failure).
 *   Unset, each test uses its own fixed seed, so `npm test` is the same run every time.
 * - `FUZZ_REQUESTS`: how many requests the route fuzz sends.
 * - `FUZZ_RUNS`, `FUZZ_COMMANDS`: how many command sequences the lifecycle model runs, and at
 *   most how many commands each has.
 * - `FUZZ_VERBOSE=1`: the route fuzz also prints its answers' statuses per operation.
 */
export function fuzzSeed(defaultSeed: number): number {
  const value = process.env.FUZZ_SEED?.trim();
  if (!value) return defaultSeed;
  if (value === 'random') return Math.floor(Math.random() * 0x7fffffff);
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", not ${JSON.stringify(value)}`);
  return seed;
}

/** A positive whole number from the environment variable `name`, or `fallback` when unset. */
export function fuzzCount(name: string, fallback: number): number {
  const value = process.env[name]?.trim();
  if (!value) return fallback;
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(value)}`);
  return count;
}

/** The line to paste to run exactly this again. */
export function replayHint(seed: number, extra: Record<string, number | string> = {}): string {
  const vars = { FUZZ_SEED: seed, ...extra };
  return Object.entries(vars)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}
