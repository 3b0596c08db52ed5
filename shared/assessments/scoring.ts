/**
 * Scoring for the two wellbeing measures Waymark records, exactly as their owners publish them.
 * Pure functions, no I/O: the request schema validates input first, so the RangeErrors here
 * guard against programming errors rather than user mistakes.
 */

// ---------------------------------------------------------------------------------------------
// ONS4 personal wellbeing (Office for National Statistics)
// ---------------------------------------------------------------------------------------------

/** The four ONS personal wellbeing questions, each answered 0–10. */
export const ONS4_ITEMS = ['satisfied', 'worthwhile', 'happy', 'anxious'] as const;

export type Ons4Item = (typeof ONS4_ITEMS)[number];
export type Ons4 = Record<Ons4Item, number>;

/** Bands for life satisfaction, worthwhile and happy, where a higher score is better. */
export const ONS4_BANDS = ['low', 'medium', 'high', 'very_high'] as const;
export type Ons4Band = 'low' | 'medium' | 'high' | 'very_high';

/** Bands for anxiety, where a higher score is worse, so the ONS cut points differ. */
export const ANXIETY_BANDS = ['very_low', 'low', 'medium', 'high'] as const;
export type AnxietyBand = 'very_low' | 'low' | 'medium' | 'high';

export interface Ons4Bands {
  satisfied: Ons4Band;
  worthwhile: Ons4Band;
  happy: Ons4Band;
  anxious: AnxietyBand;
}

function assertOns4Score(item: Ons4Item, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 10) {
    throw new RangeError(`ONS4 ${item} must be an integer 0–10, got ${value}`);
  }
}

/** ONS thresholds: 0–4 low, 5–6 medium, 7–8 high, 9–10 very high. */
function positiveBand(value: number): Ons4Band {
  if (value <= 4) return 'low';
  if (value <= 6) return 'medium';
  if (value <= 8) return 'high';
  return 'very_high';
}

/** ONS thresholds for anxiety: 0–1 very low, 2–3 low, 4–5 medium, 6–10 high. */
function anxietyBand(value: number): AnxietyBand {
  if (value <= 1) return 'very_low';
  if (value <= 3) return 'low';
  if (value <= 5) return 'medium';
  return 'high';
}

/**
 * The ONS publication band of each answer. ONS4 items are reported separately and never
 * summed (anxiety runs the other way, and ONS publish no total), so there is deliberately no
 * total function here.
 */
export function ons4Bands(ons4: Ons4): Ons4Bands {
  for (const item of ONS4_ITEMS) assertOns4Score(item, ons4[item]);
  return {
    satisfied: positiveBand(ons4.satisfied),
    worthwhile: positiveBand(ons4.worthwhile),
    happy: positiveBand(ons4.happy),
    anxious: anxietyBand(ons4.anxious),
  };
}

// ---------------------------------------------------------------------------------------------
// SWEMWBS: the Short Warwick-Edinburgh Mental Wellbeing Scale
// ---------------------------------------------------------------------------------------------

/** The seven statements, in the published order; each is answered "over the last two weeks". */
export const SWEMWBS_ITEMS = [
  "I've been feeling optimistic about the future",
  "I've been feeling useful",
  "I've been feeling relaxed",
  "I've been dealing with problems well",
  "I've been thinking clearly",
  "I've been feeling close to other people",
  "I've been able to make up my own mind about things",
] as const;

/** The five response options and the score each carries. */
export const SWEMWBS_RESPONSES = [
  { value: 1, label: 'None of the time' },
  { value: 2, label: 'Rarely' },
  { value: 3, label: 'Some of the time' },
  { value: 4, label: 'Often' },
  { value: 5, label: 'All of the time' },
] as const;

export const SWEMWBS_MIN_RAW = 7;
export const SWEMWBS_MAX_RAW = 35;

/**
 * The published raw-total → metric-score conversion (Rasch-derived, so it is not linear and
 * cannot be replaced by a formula). Typed out from shared/reference/swemwbs-metric.csv; the
 * tests check every row against a copy of that file.
 */
const SWEMWBS_METRIC_BY_RAW: Readonly<Record<number, number>> = {
  7: 7.0,
  8: 9.51,
  9: 11.25,
  10: 12.4,
  11: 13.33,
  12: 14.08,
  13: 14.75,
  14: 15.32,
  15: 15.84,
  16: 16.36,
  17: 16.88,
  18: 17.43,
  19: 17.98,
  20: 18.59,
  21: 19.25,
  22: 19.98,
  23: 20.73,
  24: 21.54,
  25: 22.35,
  26: 23.21,
  27: 24.11,
  28: 25.03,
  29: 26.02,
  30: 27.03,
  31: 28.13,
  32: 29.31,
  33: 30.7,
  34: 32.55,
  35: 35.0,
};

/**
 * A change of about 3 metric points or more is usually treated as meaningful for one person
 * (see shared/reference/README.md). Use it to flag an individual's change; programme-level
 * change is reported as a mean over paired baseline/follow-up data with n instead.
 */
export const MEANINGFUL_SWEMWBS_CHANGE = 3;

/** The raw total of exactly seven item scores, each an integer 1–5. */
export function swemwbsRawTotal(items: readonly number[]): number {
  if (items.length !== SWEMWBS_ITEMS.length) {
    throw new RangeError(`SWEMWBS needs exactly ${SWEMWBS_ITEMS.length} item scores, got ${items.length}`);
  }
  let total = 0;
  items.forEach((score, index) => {
    if (!Number.isInteger(score) || score < 1 || score > 5) {
      throw new RangeError(`SWEMWBS item ${index + 1} must be an integer 1–5, got ${score}`);
    }
    total += score;
  });
  return total;
}

/** The metric score for a raw total of 7–35, from the published conversion table. */
export function swemwbsMetricScore(rawTotal: number): number {
  const metric = Number.isInteger(rawTotal) ? SWEMWBS_METRIC_BY_RAW[rawTotal] : undefined;
  if (metric === undefined) {
    throw new RangeError(`SWEMWBS raw total must be an integer ${SWEMWBS_MIN_RAW}–${SWEMWBS_MAX_RAW}, got ${rawTotal}`);
  }
  return metric;
}

export interface SwemwbsScore {
  items: number[];
  rawTotal: number;
  metricScore: number;
}

/** Scores a full set of answers; the items are kept (copied) so a record shows how the score arose. */
export function scoreSwemwbs(items: readonly number[]): SwemwbsScore {
  const rawTotal = swemwbsRawTotal(items);
  return { items: [...items], rawTotal, metricScore: swemwbsMetricScore(rawTotal) };
}
