import { describe, expect, it } from 'vitest';
import { isEcho, REPEAT_WINDOW_MS, type LastSubmission } from '../../../web/scan/repeat';

const last = (overrides: Partial<LastSubmission> = {}): LastSubmission => ({ cardId: 'LUTON-DEMO-04', at: 10_000, answered: true, ...overrides });

describe('isEcho: a second submission moments after the first', () => {
  it('an empty field just after a scan (a double tap, or Enter twice) is an echo', () => {
    expect(isEcho(last(), '', 10_300)).toBe(true);
    expect(isEcho(last({ answered: false }), '', 10_050)).toBe(true);
    expect(isEcho(last(), '', 10_000 + REPEAT_WINDOW_MS)).toBe(true);
  });

  it('an empty field long after the last scan, or with none yet, is not (the screen explains what to type)', () => {
    expect(isEcho(last(), '', 10_001 + REPEAT_WINDOW_MS)).toBe(false);
    expect(isEcho(undefined, '', 10_000)).toBe(false);
  });

  it('the same card while its first answer is still coming is an echo; once answered it is sent (the server says "already recorded")', () => {
    expect(isEcho(last({ answered: false }), 'LUTON-DEMO-04', 10_200)).toBe(true);
    expect(isEcho(last({ answered: true }), 'LUTON-DEMO-04', 10_200)).toBe(false);
  });

  it('another card is always a new scan', () => {
    expect(isEcho(last({ answered: false }), 'LUTON-DEMO-05', 10_100)).toBe(false);
  });

  it('a clock that went backwards is not trusted to make an echo', () => {
    expect(isEcho(last(), '', 9_000)).toBe(false);
  });
});
