import { describe, expect, it } from 'vitest';
import { normaliseReason, reasonCode, reasonCodes, REFERRAL_REASON_CODES } from '#shared/reports/reasons';
import { COMMON_REASONS } from '../../../web/console/lib/referral';

describe('the coded referral reasons of the outcomes export', () => {
  it('normalises a tag: trimmed, lowercase, spaces, hyphens and underscores to one _', () => {
    expect(normaliseReason('  Low Mood ')).toBe('low_mood');
    expect(normaliseReason('long-term  condition')).toBe('long_term_condition');
    expect(normaliseReason('Carer -_ stress')).toBe('carer_stress');
    expect(normaliseReason('DEBT')).toBe('debt');
  });

  it('a tag on the list is its code; any other is other', () => {
    expect(reasonCode('Isolation')).toBe('isolation');
    expect(reasonCode('long term condition')).toBe('long_term_condition');
    expect(reasonCode('Misses Jim at the allotment')).toBe('other');
    expect(reasonCode('lonely')).toBe('other');
    expect(reasonCode('other')).toBe('other');
    // Near misses are not guessed at: the list is exact.
    expect(reasonCode('isolation!')).toBe('other');
    expect(reasonCode('low_moods')).toBe('other');
  });

  it('a referral’s cell: codes de-duplicated, sorted, ;-separated', () => {
    expect(reasonCodes(['Low mood', 'isolation', 'ISOLATION', 'Lost her husband', 'walks with Jim'])).toBe('isolation;low_mood;other');
    expect(reasonCodes(['exercise'])).toBe('exercise');
    expect(reasonCodes([])).toBe('');
  });

  it('the list is sorted, unique, already normalised, and has no other (that is the catch-all)', () => {
    expect([...REFERRAL_REASON_CODES]).toEqual([...REFERRAL_REASON_CODES].sort());
    expect(new Set(REFERRAL_REASON_CODES).size).toBe(REFERRAL_REASON_CODES.length);
    for (const code of REFERRAL_REASON_CODES) expect(normaliseReason(code)).toBe(code);
    expect(REFERRAL_REASON_CODES).not.toContain('other');
  });

  it('every reason the console suggests is on the list', () => {
    for (const reason of COMMON_REASONS) expect(reasonCode(reason), reason).not.toBe('other');
  });
});
