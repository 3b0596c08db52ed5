import { formatInstantDate } from './dates';
import type { components } from '../../shared/openapi';

/**
 * The three consent decisions on a patient's record, as the console shows them: a plain yes, no or
 * "not asked yet", with the date and who recorded it. Pure: the signed-in user's id is passed in.
 */
type Schemas = components['schemas'];
export type Consents = NonNullable<Schemas['Patient']['consents']>;
export type ConsentDecision = Schemas['ConsentDecision'];
export type ConsentPurpose = 'share_attendance' | 'gp_summary' | 'evaluation';

export const CONSENT_PURPOSES: readonly { purpose: ConsentPurpose; field: keyof Consents; label: string; hint: string }[] = [
  {
    purpose: 'share_attendance',
    field: 'shareAttendance',
    label: 'Share attendance with providers',
    hint: 'Beyond what the door is told (accepted, sessions so far, weeks left). Not used yet.',
  },
  { purpose: 'gp_summary', field: 'gpSummary', label: 'Send a summary to their GP', hint: 'Needs the practice’s ODS code on the record.' },
  {
    purpose: 'evaluation',
    field: 'evaluation',
    label: 'Be included in evaluation exports',
    hint: 'Pseudonymised. Only a recorded no leaves them out; until asked, they are included.',
  },
];

export interface ConsentRow {
  purpose: ConsentPurpose;
  label: string;
  hint: string;
  /** "Yes", "No" or "Not asked yet". */
  answer: string;
  given: boolean | undefined;
  /** "on 23 November 2026 by you", or '' when not asked. */
  recorded: string;
}

export function consentRows(consents: Consents | undefined, me: string | undefined): ConsentRow[] {
  return CONSENT_PURPOSES.map(({ purpose, field, label, hint }) => {
    const decision: ConsentDecision | undefined = consents?.[field];
    return {
      purpose,
      label,
      hint,
      given: decision?.given,
      answer: decision === undefined ? 'Not asked yet' : decision.given ? 'Yes' : 'No',
      recorded: decision === undefined ? '' : `${formatInstantDate(decision.recordedAt)} by ${decision.recordedBy === me ? 'you' : decision.recordedBy}`,
    };
  });
}

/** What the console says after a decision is recorded. */
export function consentSavedMessage(purpose: ConsentPurpose, given: boolean): string {
  const label = CONSENT_PURPOSES.find((p) => p.purpose === purpose)?.label ?? purpose;
  return `Recorded: ${given ? 'yes' : 'no'} to “${label}”.`;
}
