import type { Principal } from './auth';
import type { Logger } from './logger';

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
  | 'export_outcomes';

/**
 * The audit trail of who touched which patient's record: one structured log line per access,
 * with ids only — the actor's user id and role, the action, the patient id — never names,
 * NHS numbers, contact details or notes. In AWS it lands in the function's retained log group.
 */
export function auditPatientAccess(
  logger: Logger,
  principal: Principal,
  action: PatientAction,
  patientId: string | undefined,
  extra: Record<string, string | number> = {},
): void {
  logger.info('audit', { audit: true, actor: principal.sub, role: principal.role, action, ...(patientId ? { patientId } : {}), ...extra });
}
