import { describe, expect, it } from 'vitest';
import { consentRows, consentSavedMessage } from '../../../web/console/lib/consent';

describe('consent on the patient page', () => {
  it('shows the three purposes: yes, no or not asked yet, with the date and who recorded it', () => {
    const rows = consentRows(
      {
        gpSummary: { given: true, recordedAt: '2026-11-23T10:00:00.000Z', recordedBy: 'navigator-a' },
        evaluation: { given: false, recordedAt: '2026-07-01T23:30:00.000Z', recordedBy: 'navigator-b' },
      },
      'navigator-a',
    );
    expect(rows.map((r) => [r.purpose, r.answer, r.given])).toEqual([
      ['share_attendance', 'Not asked yet', undefined],
      ['gp_summary', 'Yes', true],
      ['evaluation', 'No', false],
    ]);
    expect(rows[0]!.recorded).toBe('');
    expect(rows[1]!.recorded).toBe('23 November 2026 by you');
    // 23:30Z on 1 July is 00:30 BST on 2 July: the London date.
    expect(rows[2]!.recorded).toBe('2 July 2026 by navigator-b');
  });

  it('with no decisions at all, every purpose is not asked yet', () => {
    expect(consentRows(undefined, undefined).map((r) => r.answer)).toEqual(['Not asked yet', 'Not asked yet', 'Not asked yet']);
  });

  it('says what was recorded', () => {
    expect(consentSavedMessage('evaluation', false)).toBe('Recorded: no to “Be included in evaluation exports”.');
    expect(consentSavedMessage('gp_summary', true)).toBe('Recorded: yes to “Send a summary to their GP”.');
  });
});
