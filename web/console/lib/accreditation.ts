import { daysBetween } from './dates';
import type { Accreditation } from './types';

/** A stored accreditation as the console reads it: a manager's status, or `pending` (imported, not yet accredited). */
type AccreditationRead = Pick<Accreditation, 'status' | 'validUntil'>;

/**
 * How a provider's accreditation reads on a given day. A manager needs warning before it runs
 * out: "Expires soon" within 30 days of its last valid day.
 */
export type AccreditationState = 'accredited' | 'expires_soon' | 'expired' | 'suspended' | 'lapsed' | 'pending';

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

export function accreditationState(accreditation: AccreditationRead, today: string): AccreditationView {
  const daysLeft = daysBetween(today, accreditation.validUntil);
  if (accreditation.status === 'pending') {
    return { state: 'pending', label: 'Pending', daysLeft, tone: 'grey', description: 'Imported, not yet accredited: cards cannot be scanned and its activities cannot be prescribed until you accredit it.' };
  }
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
  // The tag already says "Accredited": the sentence says what that allows, not the same word again.
  return { state: 'accredited', label: 'Accredited', daysLeft, tone: 'green', description: 'Its activities can be prescribed and its cards scanned.' };
}

/** Whether a provider's activities may be prescribed for a prescription starting on `date`. */
export function isAccreditedOn(accreditation: AccreditationRead, date: string): boolean {
  return accreditation.status === 'accredited' && accreditation.validUntil >= date;
}
