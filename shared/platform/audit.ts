import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from './auth';
import type { Logger } from './logger';
import type { TransactItem } from './transactions';

export type PatientAction =
  | 'read_patient'
  | 'create_referral'
  | 'list_referrals'
  | 'list_patients'
  | 'record_assessment'
  | 'read_assessments'
  | 'amend_assessment'
  | 'create_prescription'
  | 'read_prescription'
  | 'change_prescription'
  | 'issue_card'
  | 'revoke_card'
  | 'read_cards'
  | 'reassign_caseload'
  | 'list_followups'
  | 'complete_followup'
  | 'report_attendance'
  | 'report_programme'
  | 'export_attendance'
  | 'export_outcomes'
  | 'accept_referral'
  | 'decline_referral'
  | 'close_referral'
  | 'read_referrals'
  | 'change_patient'
  | 'record_contact'
  | 'read_timeline'
  | 'read_audit'
  | 'set_consent'
  | 'receive_public_referral'
  | 'list_unassigned_referrals'
  | 'assign_referral'
  | 'list_gp_messages'
  | 'read_gp_message'
  | 'mark_gp_message_sent'
  | 'export_gp_codes';

/** Ids, codes, counts and dates only: what an audit entry may say beyond who, what and when. */
export type AuditRefs = Record<string, string | number>;

/**
 * @deprecated The audit trail is now entries in the table (`shared/audit`, decision 82): call
 * `AuditTrail.change` / `.read` / `.listing` from a route instead. Kept only so that a call site
 * written meanwhile still compiles; it writes the old log line, which is not the audit trail.
 */
export function auditPatientAccess(
  logger: Logger,
  principal: Principal,
  action: PatientAction,
  patientId: string | undefined,
  extra: AuditRefs = {},
): void {
  logger.info('audit', { audit: true, actor: principal.sub, role: principal.role, action, ...(patientId ? { patientId } : {}), ...extra });
}

/**
 * The audit entry of one change that is under way, as the transaction writer sees it. A route runs
 * a change inside a scope (`runInAuditScope`); `transact()` asks the scope for the entry's Put and
 * sends it in the same TransactWriteItems as the change's own items, so the entry is written if and
 * only if the change commits, with no round trip of its own (decision 82).
 */
export interface AuditScope {
  /** The entry's Put for a transaction made of `items`, or undefined if this transaction should not carry it. */
  itemFor(items: readonly TransactItem[]): TransactItem | undefined;
  /** The transaction that carried the entry committed. */
  committed(): void;
  /** Adds ids to the entry (a use case naming what it replaced, e.g. an amended assessment's revision). */
  note(refs: AuditRefs): void;
}

const scopes = new AsyncLocalStorage<AuditScope>();

export function runInAuditScope<T>(scope: AuditScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work);
}

/** The scope of the change running now, if any (for `transact()`). */
export function currentAuditScope(): AuditScope | undefined {
  return scopes.getStore();
}

/**
 * Lets a use case add ids to the audit entry of the change it is part of (no-op outside one):
 * e.g. the revision an amendment replaced. Ids, codes and counts only.
 */
export function noteAudit(refs: AuditRefs): void {
  scopes.getStore()?.note(refs);
}
