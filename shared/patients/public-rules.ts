import type { FieldIssue } from '#shared/platform/errors';
import { londonDate } from '#shared/platform/london';
import type { RuleContext } from '#shared/registry/rules';
import { normalisePostcode } from '#shared/registry/rules';
import { identityHashOf, type PatientRecord, type ReferralRecord } from './rules';
import { PUBLIC_REFERRAL_HONEYPOT, SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING, type PublicReferralInput } from './schema';
import { isPlausibleDateOfBirth, normaliseEmail, normaliseNhsNumber, normaliseUkPhone } from './validation';

/**
 * The public referral form's rules (issue 14, point 5): pure, with the clock and ids injected.
 * A public referral lands `received` with no navigator — in the unassigned triage queue — and
 * its patient, when new, is in no caseload until a manager assigns the referral.
 */

/** Anything in the hidden field means a robot filled the form in: answered as usual, nothing kept. */
export function filledHoneypot(input: PublicReferralInput): boolean {
  return (input[PUBLIC_REFERRAL_HONEYPOT] ?? '').trim() !== '';
}

/** What the schema cannot check: a date of birth before today (London) and within 120 years. */
export function publicReferralIssues(input: PublicReferralInput, now: Date): FieldIssue[] {
  if (isPlausibleDateOfBirth(input.person.dateOfBirth, londonDate(now))) return [];
  return [{ in: 'body', path: 'person.dateOfBirth', code: 'implausible_date_of_birth', message: 'must be before today and within 120 years' }];
}

/** The referral a public form makes, for patient `patientId`: no navigator, its sender as they gave themselves. */
export function publicReferralRecord(input: PublicReferralInput, ids: { referralId: string; patientId: string }, now: Date): ReferralRecord {
  const { role, name, organisation, email, phone } = input.referrer;
  const referrer = {
    ...(name ? { name } : {}),
    ...(organisation ? { organisation } : {}),
    ...(email ? { email: normaliseEmail(email) } : {}),
    ...(phone ? { phone: normaliseUkPhone(phone)! } : {}),
  };
  return {
    referralId: ids.referralId,
    patientId: ids.patientId,
    status: 'received',
    source: role,
    reasons: input.reasons,
    channel: 'public_form',
    ...(Object.keys(referrer).length > 0 ? { referrer } : {}),
    consentToContact: true,
    snomedCode: SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    createdAt: now.toISOString(),
  };
}

export type NewPublicReferral = { ok: true; patient: PatientRecord; referral: ReferralRecord } | { ok: false; issues: FieldIssue[] };

/**
 * A new patient (in no caseload) and their first referral from a validated public form, or the
 * fields that are wrong. The ids are drawn once: a retry of the same request writes the same ids.
 */
export function newPublicReferral(input: PublicReferralInput, { clock, ids }: RuleContext): NewPublicReferral {
  const now = clock.now();
  const issues = publicReferralIssues(input, now);
  if (issues.length > 0) return { ok: false, issues };
  const patientId = ids.next();
  const referralId = ids.next();
  const { person: p } = input;
  const patient: PatientRecord = {
    patientId,
    givenName: p.givenName,
    familyName: p.familyName,
    dateOfBirth: p.dateOfBirth,
    ...(p.nhsNumber ? { nhsNumber: normaliseNhsNumber(p.nhsNumber) } : {}),
    ...(p.postcode ? { postcode: normalisePostcode(p.postcode) } : {}),
    ...(p.phone ? { phone: normaliseUkPhone(p.phone)! } : {}),
    ...(p.email ? { email: normaliseEmail(p.email) } : {}),
    openReferralId: referralId,
    identityHash: identityHashOf(p),
    createdAt: now.toISOString(),
  };
  return { ok: true, patient, referral: publicReferralRecord(input, { referralId, patientId }, now) };
}

/**
 * What happens to an assignment: a referral already with this navigator is no change (a retried
 * request); one already with someone else is refused — moving work between navigators is a
 * caseload reassignment, deliberately, not a second assignment.
 */
export function assignmentOf(referral: Pick<ReferralRecord, 'navigator' | 'referralId'>, to: string): 'assign' | 'unchanged' | { code: 'referral_assigned'; message: string } {
  if (referral.navigator === undefined) return 'assign';
  if (referral.navigator === to) return 'unchanged';
  return {
    code: 'referral_assigned',
    message: `Referral ${referral.referralId} is already assigned to another navigator; move it with POST /v1/caseloads/reassign instead.`,
  };
}
