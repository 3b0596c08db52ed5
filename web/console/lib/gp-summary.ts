import type { components } from '../../shared/openapi';

/**
 * What the console says about the summary for a person's GP: why none was or will be prepared
 * (the server's reason, from the patient's answer or the decline's or close's), or that one was.
 * Pure: the components add the links.
 */
type Schemas = components['schemas'];
export type GpSummaryPrepared = Schemas['GpSummaryPrepared'];
export type GpSummaryBlocked = NonNullable<Schemas['Patient']['gpSummaryBlocked']>;
export type GpSummarySkip = NonNullable<GpSummaryPrepared['why']>;

/** Where the fix is: the consent section, the details (for the ODS code), or nothing to fix. */
export type GpSummaryFix = 'consent' | 'details' | undefined;

export interface GpSummaryText {
  sentence: string;
  fix: GpSummaryFix;
  /** The link text of the fix, when there is one. */
  fixLabel?: string;
}

/** Why no summary goes to the GP; `when` says whether it is about a referral that just ended or one ending later. */
export function gpSummaryReason(why: GpSummarySkip, name: string, when: 'ended' | 'later'): GpSummaryText {
  const lead = when === 'ended' ? 'No summary was prepared for the GP' : 'No summary will be sent to the GP';
  switch (why) {
    case 'no_consent':
      return { sentence: `${lead}: ${name} has not agreed to share a summary with their GP.`, fix: 'consent', fixLabel: 'Record their consent' };
    case 'no_practice_code':
      return { sentence: `${lead}: no GP practice code (ODS code) is recorded for ${name}.`, fix: 'details', fixLabel: 'Add it in their details' };
    case 'repeats_follow_up':
      return { sentence: 'No second summary was prepared for the GP: the summary of their completed follow-up already says this.', fix: undefined };
  }
}

/** The line for a message prepared, by its status. */
export function gpSummaryPreparedText(status: 'ready' | 'sent' | undefined): string {
  return status === 'sent' ? 'A summary was sent to their GP.' : 'A summary for their GP is ready to send.';
}
