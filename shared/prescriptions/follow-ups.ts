import type { TransactItem } from '#shared/platform/transactions';
import type { PrescriptionRecord } from './rules';

/**
 * What a prescription needs from its follow-up, as an interface the follow-ups capability
 * implements: prescriptions never import follow-ups, and how a follow-up reacts to a change is
 * decided there alone. Each answer is the follow-up's items for the prescription's own
 * transaction, and what to do once that transaction has committed (its reminder).
 */
export interface PrescriptionFollowUps {
  /** The new prescription's follow-up (its id is the prescription's `followUpId`). */
  created(prescription: PrescriptionRecord, navigator: string): FollowUpWrite;
  /** The follow-up moved (or not) by the prescription going from `before` to `after`. */
  changed(before: PrescriptionRecord, after: PrescriptionRecord): Promise<FollowUpWrite>;
}

export interface FollowUpWrite {
  items: TransactItem[];
  afterCommit(): Promise<void>;
}
