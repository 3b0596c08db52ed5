import { describe, expect, it } from 'vitest';
import { gpSummaryPreparedText, gpSummaryReason } from '../../../web/console/lib/gp-summary';

describe('what the console says about the summary for the GP', () => {
  it('names the reason the server gave, with where to fix it', () => {
    expect(gpSummaryReason('no_consent', 'Derek Holloway', 'later')).toEqual({
      sentence: 'No summary will be sent to the GP: Derek Holloway has not agreed to share a summary with their GP.',
      fix: 'consent',
      fixLabel: 'Record their consent',
    });
    expect(gpSummaryReason('no_consent', 'Derek Holloway', 'ended').sentence).toMatch(/^No summary was prepared for the GP: /);
    expect(gpSummaryReason('no_practice_code', 'Ann Lee', 'ended')).toMatchObject({ sentence: expect.stringContaining('no GP practice code (ODS code) is recorded for Ann Lee'), fix: 'details' });
    expect(gpSummaryReason('repeats_follow_up', 'Ann Lee', 'ended')).toMatchObject({ fix: undefined });
  });

  it('a prepared one by its status', () => {
    expect(gpSummaryPreparedText('ready')).toBe('A summary for their GP is ready to send.');
    expect(gpSummaryPreparedText('sent')).toBe('A summary was sent to their GP.');
  });
});
