import type { Principal } from '#shared/platform/auth';
import type { FieldIssue } from '#shared/platform/errors';
import { londonDate } from '#shared/platform/london';
import type { RuleContext } from '#shared/registry/rules';
import { normalisePostcode } from '#shared/registry/rules';
import {
  SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
  type CreateReferralInput,
  type PatientView,
  type ReferralView,
} from './schema';
import { isPlausibleDateOfBirth, normaliseEmail, normaliseNhsNumber, normaliseUkPhone } from './validation';

/** A patient as stored: the view plus nothing hidden (the view is what staff with access see). */
export type PatientRecord = PatientView & { openReferralId: string };
export type ReferralRecord = ReferralView;

export type NewReferral = { ok: true; patient: PatientRecord; referral: ReferralRecord } | { ok: false; issues: FieldIssue[] };

/**
 * Makes the patient and their referral from a validated request, or says which fields are wrong:
 * the rules the schema cannot check (a date of birth in the past, by the London calendar; whose
 * caseload it joins) are checked here.
 */
export function newReferral(input: CreateReferralInput, principal: Principal, { clock, ids }: RuleContext): NewReferral {
  const today = londonDate(clock.now());
  if (!isPlausibleDateOfBirth(input.patient.dateOfBirth, today)) {
    return {
      ok: false,
      issues: [
        { in: 'body', path: 'patient.dateOfBirth', code: 'implausible_date_of_birth', message: 'must be before today and within 120 years' },
      ],
    };
  }
  const navigator = caseloadOwnerFor(input, principal);
  if (navigator === undefined) {
    return {
      ok: false,
      issues: [{ in: 'body', path: 'navigator', code: 'not_allowed', message: 'a navigator’s referrals join their own caseload' }],
    };
  }
  const now = clock.now().toISOString();
  const patientId = ids.next();
  const referralId = ids.next();
  const { patient: p } = input;
  const patient: PatientRecord = {
    patientId,
    navigator,
    givenName: p.givenName,
    familyName: p.familyName,
    dateOfBirth: p.dateOfBirth,
    ...(p.nhsNumber ? { nhsNumber: normaliseNhsNumber(p.nhsNumber) } : {}),
    ...(p.postcode ? { postcode: normalisePostcode(p.postcode) } : {}),
    ...(p.phone ? { phone: normaliseUkPhone(p.phone)! } : {}),
    ...(p.email ? { email: normaliseEmail(p.email) } : {}),
    ...(p.gpPractice ? { gpPractice: p.gpPractice } : {}),
    openReferralId: referralId,
    createdAt: now,
  };
  const referral: ReferralRecord = {
    referralId,
    patientId,
    navigator,
    status: 'new',
    source: input.source,
    reasons: input.reasons,
    ...(input.notes ? { notes: input.notes } : {}),
    snomedCode: SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    createdAt: now,
  };
  return { ok: true, patient, referral };
}

/** A navigator's referrals join their own caseload; an admin may place one in anyone's (undefined: not allowed). */
function caseloadOwnerFor(input: CreateReferralInput, principal: Principal): string | undefined {
  if (input.navigator === undefined || input.navigator === principal.sub) return principal.sub;
  return principal.role === 'admin' ? input.navigator : undefined;
}

/**
 * Whether the caller may see this patient at all: their own caseload for a navigator,
 * everyone for managers and admins, no one for providers.
 */
export function maySeePatient(principal: Principal, patient: Pick<PatientRecord, 'navigator'>): boolean {
  if (principal.role === 'manager' || principal.role === 'admin') return true;
  return principal.role === 'navigator' && patient.navigator === principal.sub;
}

/**
 * The patient if the caller may see them, else undefined. Outside the caller's caseload the
 * answer is the same "not found" as for an id that does not exist, so nobody learns who else is
 * in the scheme.
 */
export function visiblePatient<T extends Pick<PatientRecord, 'navigator'>>(principal: Principal, patient: T | undefined): T | undefined {
  return patient && maySeePatient(principal, patient) ? patient : undefined;
}

/**
 * The caseload a patient must still be in when a write about them lands: a navigator's own
 * (so a caseload move between the handler's check and the write cannot slip through); none
 * for an admin.
 */
export function caseloadCondition(principal: Principal): string | undefined {
  return principal.role === 'navigator' ? principal.sub : undefined;
}

export type CaseloadFilter = { ok: true; navigator: string | undefined } | { ok: false; kind: 'forbidden'; message: string };

/** Whose caseload a list shows: a navigator sees only their own; managers and admins choose or see all. */
export function caseloadFilter(principal: Principal, requested: string | undefined): CaseloadFilter {
  if (principal.role === 'navigator') {
    if (requested !== undefined && requested !== principal.sub) {
      return { ok: false, kind: 'forbidden', message: 'A navigator sees their own caseload only.' };
    }
    return { ok: true, navigator: principal.sub };
  }
  return { ok: true, navigator: requested };
}

/** The patient view: the stored record without internal bookkeeping. */
export function patientView({ openReferralId: _internal, ...patient }: PatientRecord): PatientView {
  return patient;
}
