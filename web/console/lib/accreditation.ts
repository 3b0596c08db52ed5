import { daysBetween } from './dates';
import type { AccreditationInput } from './types';

/**
 * How a provider's accreditation reads on a given day. A manager needs warning before it runs
 * out: "Expires soon" within 30 days of its last valid day.
 */
export type AccreditationState = 'accredited' | 'expires_soon' | 'expired' | 'suspended' | 'lapsed';

export const EXPIRY_WARNING_DAYS = 30;

export interface AccreditationView {
  state: AccreditationState;
  /** The tag people see. */
  label: string;
  /** Days from today to validUntil (negative once it has passed). */
  daysLeft: number;
  /** A sentence for the provider page. */
  description: string;
  tone: 'green' | 'yellow' | 'red' | 'grey';
}

export function accreditationState(accreditation: AccreditationInput, today: string): AccreditationView {
  const daysLeft = daysBetween(today, accreditation.validUntil);
  if (accreditation.status === 'suspended') {
    return { state: 'suspended', label: 'Suspended', daysLeft, tone: 'red', description: 'Suspended: cards cannot be scanned and its activities cannot be prescribed.' };
  }
  if (accreditation.status === 'lapsed') {
    return { state: 'lapsed', label: 'Lapsed', daysLeft, tone: 'grey', description: 'Lapsed: cards cannot be scanned and its activities cannot be prescribed.' };
  }
  if (daysLeft < 0) {
    return { state: 'expired', label: 'Expired', daysLeft, tone: 'red', description: 'Accreditation has expired: renew it to accept scans and prescriptions again.' };
  }
  if (daysLeft <= EXPIRY_WARNING_DAYS) {
    const when = daysLeft === 0 ? 'today' : daysLeft === 1 ? 'tomorrow' : `in ${daysLeft} days`;
    return { state: 'expires_soon', label: 'Expires soon', daysLeft, tone: 'yellow', description: `Accreditation ends ${when}: renew it to keep accepting scans.` };
  }
  return { state: 'accredited', label: 'Accredited', daysLeft, tone: 'green', description: 'Accredited.' };
}

/** Whether a provider's activities may be prescribed for a prescription starting on `date`. */
export function isAccreditedOn(accreditation: AccreditationInput, date: string): boolean {
  return accreditation.status === 'accredited' && accreditation.validUntil >= date;
}
