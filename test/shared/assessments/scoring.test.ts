import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as scoring from '#shared/assessments/scoring';
import {
  MEANINGFUL_SWEMWBS_CHANGE,
  ONS4_ITEMS,
  SWEMWBS_ITEMS,
  SWEMWBS_RESPONSES,
  ons4Bands,
  scoreSwemwbs,
  swemwbsMetricScore,
  swemwbsRawTotal,
} from '#shared/assessments/scoring';
import type { Ons4 } from '#shared/assessments/scoring';

/** The published table, byte for byte as in shared/reference/swemwbs-metric.csv. */
function publishedTable(): Array<{ raw: number; metric: number }> {
  const text = readFileSync(new URL('../../fixtures/swemwbs-metric.csv', import.meta.url), 'utf8');
  const [header, ...rows] = text.trim().split(/\r?\n/);
  expect(header).toBe('raw,metric');
  return rows.map((row) => {
    const [raw, metric] = row.split(',');
    return { raw: Number(raw), metric: Number(metric) };
  });
}

describe('SWEMWBS raw → metric conversion', () => {
  const table = publishedTable();

  it('has one row for every raw total 7–35', () => {
    expect(table.map((row) => row.raw)).toEqual(Array.from({ length: 29 }, (_, i) => i + 7));
  });

  it.each(table)('raw $raw converts to metric $metric', ({ raw, metric }) => {
    expect(swemwbsMetricScore(raw)).toBe(metric);
  });

  it.each([6, 36, 0, -7, 20.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses raw total %s', (raw) => {
    expect(() => swemwbsMetricScore(raw)).toThrow(RangeError);
  });
});

describe('SWEMWBS scoring', () => {
  it.each([
    // items, raw total (summed by hand), metric from the published table
    [[1, 1, 1, 1, 1, 1, 1], 7, 7.0],
    [[5, 5, 5, 5, 5, 5, 5], 35, 35.0],
    [[3, 3, 3, 3, 3, 3, 3], 21, 19.25],
    [[3, 4, 2, 5, 3, 3, 4], 24, 21.54],
    [[2, 1, 2, 3, 2, 1, 2], 13, 14.75],
    [[4, 5, 4, 5, 4, 5, 5], 32, 29.31],
  ])('scores %j as raw %i, metric %f', (items, rawTotal, metricScore) => {
    expect(swemwbsRawTotal(items)).toBe(rawTotal);
    expect(scoreSwemwbs(items)).toEqual({ items, rawTotal, metricScore });
  });

  it('keeps a copy of the items, not the caller’s array', () => {
    const items = [3, 3, 3, 3, 3, 3, 3];
    const scored = scoreSwemwbs(items);
    items[0] = 5;
    expect(scored.items[0]).toBe(3);
  });

  it.each([
    ['six items', [3, 3, 3, 3, 3, 3]],
    ['eight items', [3, 3, 3, 3, 3, 3, 3, 3]],
    ['no items', []],
    ['a 0', [3, 3, 0, 3, 3, 3, 3]],
    ['a 6', [3, 3, 3, 3, 3, 3, 6]],
    ['a fraction', [3, 3, 3, 3.5, 3, 3, 3]],
    ['NaN', [3, 3, 3, Number.NaN, 3, 3, 3]],
  ])('refuses %s', (_label, items) => {
    expect(() => swemwbsRawTotal(items)).toThrow(RangeError);
    expect(() => scoreSwemwbs(items)).toThrow(RangeError);
  });

  it('lists the seven items and five responses in the published order', () => {
    expect(SWEMWBS_ITEMS).toHaveLength(7);
    expect(SWEMWBS_ITEMS[0]).toBe("I've been feeling optimistic about the future");
    expect(SWEMWBS_ITEMS[3]).toBe("I've been dealing with problems well");
    expect(SWEMWBS_ITEMS[6]).toBe("I've been able to make up my own mind about things");
    expect(SWEMWBS_RESPONSES.map((r) => r.value)).toEqual([1, 2, 3, 4, 5]);
    expect(SWEMWBS_RESPONSES[0]?.label).toBe('None of the time');
    expect(SWEMWBS_RESPONSES[4]?.label).toBe('All of the time');
  });

  it('treats a change of 3 metric points as meaningful for one person', () => {
    expect(MEANINGFUL_SWEMWBS_CHANGE).toBe(3);
  });
});

describe('ONS4 bands', () => {
  // Other items held at values in different bands, so a mix-up between items shows.
  const base: Ons4 = { satisfied: 10, worthwhile: 5, happy: 0, anxious: 10 };

  const positive: Array<[number, string]> = [
    [0, 'low'],
    [4, 'low'],
    [5, 'medium'],
    [6, 'medium'],
    [7, 'high'],
    [8, 'high'],
    [9, 'very_high'],
    [10, 'very_high'],
  ];

  for (const item of ['satisfied', 'worthwhile', 'happy'] as const) {
    it.each(positive)(`${item} %i is %s`, (value, band) => {
      const bands = ons4Bands({ ...base, [item]: value });
      expect(bands[item]).toBe(band);
    });
  }

  it.each([
    [0, 'very_low'],
    [1, 'very_low'],
    [2, 'low'],
    [3, 'low'],
    [4, 'medium'],
    [5, 'medium'],
    [6, 'high'],
    [10, 'high'],
  ])('anxious %i is %s', (value, band) => {
    expect(ons4Bands({ ...base, anxious: value }).anxious).toBe(band);
  });

  it('bands each item on its own', () => {
    expect(ons4Bands({ satisfied: 3, worthwhile: 6, happy: 8, anxious: 1 })).toEqual({
      satisfied: 'low',
      worthwhile: 'medium',
      happy: 'high',
      anxious: 'very_low',
    });
  });

  for (const item of ONS4_ITEMS) {
    it.each([-1, 11, 4.5, Number.NaN])(`refuses ${item} = %s`, (value) => {
      expect(() => ons4Bands({ ...base, [item]: value })).toThrow(RangeError);
    });
  }

  it('offers no ONS4 total: the items are never summed', () => {
    const names = Object.keys(scoring).filter((name) => /ons4/i.test(name) && /sum|total/i.test(name));
    expect(names).toEqual([]);
  });
});
