import { createHash } from 'node:crypto';
import type { Principal } from '#shared/platform/auth';
import type { FieldIssue } from '#shared/platform/errors';
import { londonDate } from '#shared/platform/london';
import type { RuleContext } from '#shared/registry/rules';
import { normalisePostcode } from '#shared/registry/rules';
import {
  CONSENT_FIELDS,
  DEMOGRAPHIC_FIELDS,
  IMD_DECILE,
  OPEN_REFERRAL_STATUSES,
  SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
  SNOMED_SOCIAL_PRESCRIBING_DECLINED,
  type ChangePatientInput,
  type ConsentDecisionView,
  type ConsentField,
  type ConsentPurpose,
  type ContactView,
  type CreateContactInput,
  type CreateReferralInput,
  type EndReason,
  type GpSummaryBlock,
  type PatientView,
  type ReferralStatus,
  type ReferralView,
  type TimelineEntryView,
} from './schema';
import { isPlausibleDateOfBirth, normaliseEmail, normaliseNhsNumber, normaliseUkPhone } from './validation';

/**
 * A patient as stored: the view plus the bookkeeping staff never see — the referral of their
 * latest episode (open unless declined or closed), and the identity they are registered under
 * (absent for patients registered before identities were kept).
 */
export type PatientRecord = Omit<PatientView, 'gpSummaryBlocked'> & { openReferralId: string; identityHash?: string };
export type ReferralRecord = ReferralView;
export type ContactRecord = ContactView;

export type NewReferral = { ok: true; patient: PatientRecord; referral: ReferralRecord } | { ok: false; issues: FieldIssue[] };

// ---------------------------------------------------------------------------------------------
// Taking a referral
// ---------------------------------------------------------------------------------------------

/**
 * What is wrong with a referral that its schema cannot see: a date of birth in the past by the
 * London calendar, whose caseload it joins, a preferred way of contact the details do not allow.
 * On success, the navigator whose caseload it joins.
 */
function referralChecks(input: CreateReferralInput, principal: Principal, now: Date): { ok: true; navigator: string } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (!isPlausibleDateOfBirth(input.patient.dateOfBirth, londonDate(now))) {
    issues.push({ in: 'body', path: 'patient.dateOfBirth', code: 'implausible_date_of_birth', message: 'must be before today and within 120 years' });
  }
  const contactIssue = preferredContactIssue(input.patient, 'patient.preferredContact');
  if (contactIssue) issues.push(contactIssue);
  const navigator = caseloadOwnerFor(input, principal);
  if (navigator === undefined) {
    issues.push({ in: 'body', path: 'navigator', code: 'not_allowed', message: 'a navigator’s referrals join their own caseload' });
  }
  if (issues.length > 0 || navigator === undefined) return { ok: false, issues };
  return { ok: true, navigator };
}

function referralRecord(input: CreateReferralInput, ids: { referralId: string; patientId: string }, navigator: string, now: string): ReferralRecord {
  return {
    referralId: ids.referralId,
    patientId: ids.patientId,
    navigator,
    status: 'received',
    source: input.source,
    reasons: input.reasons,
    ...(input.notes ? { notes: input.notes } : {}),
    snomedCode: SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    createdAt: now,
  };
}

/**
 * Makes a new patient and their first referral from a validated request, or says which fields
 * are wrong.
 */
export function newReferral(input: CreateReferralInput, principal: Principal, { clock, ids }: RuleContext): NewReferral {
  const checked = referralChecks(input, principal, clock.now());
  if (!checked.ok) return checked;
  const now = clock.now().toISOString();
  const patientId = ids.next();
  const referralId = ids.next();
  const { patient: p } = input;
  const patient: PatientRecord = {
    patientId,
    navigator: checked.navigator,
    givenName: p.givenName,
    familyName: p.familyName,
    dateOfBirth: p.dateOfBirth,
    ...(p.nhsNumber ? { nhsNumber: normaliseNhsNumber(p.nhsNumber) } : {}),
    ...(p.postcode ? { postcode: normalisePostcode(p.postcode) } : {}),
    ...(p.phone ? { phone: normaliseUkPhone(p.phone)! } : {}),
    ...(p.email ? { email: normaliseEmail(p.email) } : {}),
    ...(p.gpPractice ? { gpPractice: p.gpPractice } : {}),
    ...(p.gpPracticeCode ? { gpPracticeCode: p.gpPracticeCode } : {}),
    ...(p.preferredContact ? { preferredContact: p.preferredContact } : {}),
    ...(p.sex ? { sex: p.sex } : {}),
    ...(p.genderIdentity ? { genderIdentity: p.genderIdentity } : {}),
    ...(p.ethnicity ? { ethnicity: p.ethnicity } : {}),
    ...(p.disability ? { disability: p.disability } : {}),
    ...(p.imdDecile !== undefined ? { imdDecile: p.imdDecile } : {}),
    openReferralId: referralId,
    identityHash: identityHashOf(p),
    createdAt: now,
  };
  return { ok: true, patient, referral: referralRecord(input, { referralId, patientId }, checked.navigator, now) };
}

/**
 * A new episode for a patient already registered: a new referral in the caseload of whoever
 * takes it (as a first referral is), checked exactly as a first referral. The record is not
 * changed by it.
 */
export function newEpisode(
  existing: Pick<PatientRecord, 'patientId' | 'navigator'>,
  input: CreateReferralInput,
  principal: Principal,
  { clock, ids }: RuleContext,
): { ok: true; referral: ReferralRecord } | { ok: false; issues: FieldIssue[] } {
  const checked = referralChecks(input, principal, clock.now());
  if (!checked.ok) return checked;
  // An admin who names no navigator leaves the person with theirs; a navigator takes them on.
  const navigator = input.navigator === undefined && principal.role === 'admin' ? (existing.navigator ?? checked.navigator) : checked.navigator;
  return { ok: true, referral: referralRecord(input, { referralId: ids.next(), patientId: existing.patientId }, navigator, clock.now().toISOString()) };
}

/** A navigator's referrals join their own caseload; an admin may place one in anyone's (undefined: not allowed). */
function caseloadOwnerFor(input: CreateReferralInput, principal: Principal): string | undefined {
  if (input.navigator === undefined || input.navigator === principal.sub) return principal.sub;
  return principal.role === 'admin' ? input.navigator : undefined;
}

// ---------------------------------------------------------------------------------------------
// Who a referral belongs to: the NHS number, or else name and date of birth
// ---------------------------------------------------------------------------------------------

/**
 * One part of a person's identity as it is compared: Unicode compatibility forms folded (NFKC),
 * typographic apostrophes as the plain one (O’Brien is O'Brien), spaces trimmed and runs of
 * them made one, lower case. Nothing else: hyphens, accents and spelling still tell people apart.
 */
export function normaliseIdentityPart(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201B\u02BC\u0060\u00B4]/g, "'")
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/**
 * The identity a patient is registered under: SHA-256 of the normalised given name, family name
 * and date of birth. A hash so that names never appear in a key; it is not anonymisation (names
 * and dates of birth are guessable), only that.
 */
export function identityHashOf(person: { givenName: string; familyName: string; dateOfBirth: string }): string {
  const parts = [normaliseIdentityPart(person.givenName), normaliseIdentityPart(person.familyName), person.dateOfBirth.trim()];
  // The unit separator cannot occur in a name (plain, single-line text), so the parts cannot run together.
  return createHash('sha256').update(parts.join('\u001f'), 'utf8').digest('hex');
}

export type IdentityMatch =
  | { kind: 'new' }
  | { kind: 'existing'; patientId: string; matchedBy: 'nhs_number' | 'name_and_date_of_birth' }
  | { kind: 'ambiguous' };

/**
 * Whose referral this is. With an NHS number, the number alone decides: the patient holding it,
 * or a new patient (a namesake born the same day is someone else). Without one, the patients
 * registered under the same name and date of birth: none is a new patient, one is them, more than
 * one cannot be told apart without the number.
 */
export function identityMatch(
  referral: { hasNhsNumber: boolean; nhsNumberHolder?: string | undefined; sameIdentity: readonly string[] },
): IdentityMatch {
  if (referral.hasNhsNumber) {
    return referral.nhsNumberHolder ? { kind: 'existing', patientId: referral.nhsNumberHolder, matchedBy: 'nhs_number' } : { kind: 'new' };
  }
  if (referral.sameIdentity.length === 0) return { kind: 'new' };
  if (referral.sameIdentity.length === 1) return { kind: 'existing', patientId: referral.sameIdentity[0]!, matchedBy: 'name_and_date_of_birth' };
  return { kind: 'ambiguous' };
}

export const isOpenReferral = (referral: Pick<ReferralRecord, 'status'>): boolean =>
  (OPEN_REFERRAL_STATUSES as readonly ReferralStatus[]).includes(referral.status);

/** A re-referral is refused while the patient's latest referral is still open: its id is named. */
export function rereferralRefusal(latest: Pick<ReferralRecord, 'status' | 'referralId'> | undefined): { code: 'patient_has_open_referral'; message: string } | undefined {
  if (!latest || !isOpenReferral(latest)) return undefined;
  return {
    code: 'patient_has_open_referral',
    message: `This person already has an open referral (${latest.referralId}, ${latest.status}); decline or close it before referring them again.`,
  };
}

// ---------------------------------------------------------------------------------------------
// The referral's lifecycle
// ---------------------------------------------------------------------------------------------

/**
 * Which status may follow which. A prescription started on a received referral moves it straight
 * to prescribed (writing a prescription implies contact). Declined and closed are final: a new
 * episode is a new referral.
 */
export const REFERRAL_TRANSITIONS: Record<ReferralStatus, readonly ReferralStatus[]> = {
  received: ['accepted', 'prescribed', 'declined'],
  accepted: ['prescribed', 'declined'],
  prescribed: ['closed'],
  declined: [],
  closed: [],
};

export interface ReferralRefusal {
  code: 'referral_ended' | 'illegal_referral_transition';
  message: string;
}

/**
 * Why a referral may not go from `from` to `to`, or undefined if it may. The same status again is
 * no change (so a retried accept succeeds), except for the final ones: a second decline or close
 * would replace the recorded reason, so it is refused.
 */
export function referralRefusal(from: ReferralStatus, to: ReferralStatus): ReferralRefusal | undefined {
  if (from === 'declined' || from === 'closed') {
    return { code: 'referral_ended', message: `This referral is ${from}; it cannot change. A new episode is a new referral.` };
  }
  if (from === to || REFERRAL_TRANSITIONS[from].includes(to)) return undefined;
  const message =
    to === 'closed'
      ? `A ${from} referral has no prescription to close; decline it instead.`
      : to === 'declined'
        ? 'A prescribed referral is closed, not declined (closing withdraws its current prescription).'
        : `A referral cannot go from ${from} to ${to}.`;
  return { code: 'illegal_referral_transition', message };
}

export type ReferralMove = { kind: 'unchanged'; referral: ReferralRecord } | { kind: 'moved'; before: ReferralRecord; after: ReferralRecord } | ({ kind: 'refused' } & ReferralRefusal);

function moved(before: ReferralRecord, fields: Partial<ReferralRecord>, now: Date): ReferralMove {
  return { kind: 'moved', before, after: { ...before, ...fields, updatedAt: now.toISOString() } };
}

/** Accepting: first contact was made. Accepting an accepted referral is no change. */
export function acceptReferral(referral: ReferralRecord, now: Date): ReferralMove {
  const refusal = referralRefusal(referral.status, 'accepted');
  if (refusal) return { kind: 'refused', ...refusal };
  if (referral.status === 'accepted') return { kind: 'unchanged', referral };
  return moved(referral, { status: 'accepted', acceptedAt: now.toISOString() }, now);
}

/**
 * Declining (from received or accepted) or closing (from prescribed), with the reason and note;
 * a decline also records SNOMED CT 871711000000103 beside the referral's own concept.
 */
export function endReferral(
  referral: ReferralRecord,
  to: 'declined' | 'closed',
  outcome: { reason: EndReason; note?: string | undefined },
  context: { by: string; now: Date },
): ReferralMove {
  const refusal = referralRefusal(referral.status, to);
  if (refusal) return { kind: 'refused', ...refusal };
  return moved(
    referral,
    {
      status: to,
      endedAt: context.now.toISOString(),
      endedBy: context.by,
      endReason: outcome.reason,
      ...(outcome.note ? { endNote: outcome.note } : {}),
      ...(to === 'declined' ? { declinedSnomedCode: SNOMED_SOCIAL_PRESCRIBING_DECLINED } : {}),
    },
    context.now,
  );
}

/**
 * The referral moved forward by something that happened to the patient — a baseline or a contact
 * that reached them (accepted), a prescription (prescribed) — or undefined when that does not
 * move it: it is there or beyond already, or it has ended. Never refused: the assessment or
 * prescription stands on its own.
 */
export function advancedReferral(referral: ReferralRecord, to: 'accepted' | 'prescribed', now: Date): ReferralRecord | undefined {
  if (!REFERRAL_TRANSITIONS[referral.status].includes(to)) return undefined;
  const at = now.toISOString();
  return { ...referral, status: to, ...(to === 'accepted' ? { acceptedAt: at } : { prescribedAt: at }), updatedAt: at };
}

// ---------------------------------------------------------------------------------------------
// Caseloads
// ---------------------------------------------------------------------------------------------

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

/**
 * The IMD decile a patient's answer carries (ARCHITECTURE.md decision 89): the one recorded wins;
 * without one, the decile looked up from the postcode, if a lookup knew it. Only 1–10 counts: a
 * lookup's answer outside that is ignored rather than passed on.
 */
export function effectiveImdDecile(recorded: number | undefined, lookedUp: number | undefined): number | undefined {
  if (recorded !== undefined) return recorded;
  return lookedUp !== undefined && Number.isInteger(lookedUp) && lookedUp >= IMD_DECILE.min && lookedUp <= IMD_DECILE.max ? lookedUp : undefined;
}

/** Whether the answer needs a look-up: a postcode on the record and no decile recorded. */
export const needsDeprivationLookup = (patient: Pick<PatientRecord, 'postcode' | 'imdDecile'>): patient is Pick<PatientRecord, 'imdDecile'> & { postcode: string } =>
  patient.imdDecile === undefined && patient.postcode !== undefined;

/** The patient view: the stored record without internal bookkeeping. */
export function patientView({ openReferralId: _internal, identityHash: _identity, ...patient }: PatientRecord): PatientView {
  const blocked = gpSummaryBlock(patient);
  return { ...patient, ...(blocked ? { gpSummaryBlocked: blocked } : {}) };
}

/**
 * Why no summary for the GP may be prepared for this person, if anything: they did not consent, or
 * their practice's ODS code is not on the record. The GP outbox prepares by this rule, and the
 * patient's answer carries it, so the console says the server's reason.
 */
export function gpSummaryBlock(patient: Pick<PatientRecord, 'consents' | 'gpPracticeCode'>): GpSummaryBlock | undefined {
  if (patient.consents?.gpSummary?.given !== true) return 'no_consent';
  if (!patient.gpPracticeCode) return 'no_practice_code';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The patient's record
// ---------------------------------------------------------------------------------------------

/** Phone and text need a phone number on the record, email an address; a letter needs nothing we can check. */
function preferredContactIssue(
  details: { preferredContact?: string | undefined; phone?: string | undefined; email?: string | undefined },
  path: string,
): FieldIssue | undefined {
  const needs = details.preferredContact === 'phone' || details.preferredContact === 'text' ? 'phone' : details.preferredContact === 'email' ? 'email' : undefined;
  if (!needs || details[needs]) return undefined;
  return { in: 'body', path, code: 'preferred_contact_unavailable', message: `${details.preferredContact} needs ${needs === 'phone' ? 'a phone number' : 'an email address'} on the record` };
}

/** The fields a change may touch, and those among them that make up the person's identity. */
const CHANGEABLE = [
  'givenName',
  'familyName',
  'dateOfBirth',
  'nhsNumber',
  'postcode',
  'phone',
  'email',
  'gpPractice',
  'gpPracticeCode',
  'preferredContact',
  ...DEMOGRAPHIC_FIELDS,
] as const;
export type ChangeableField = (typeof CHANGEABLE)[number];
export const IDENTITY_FIELDS: readonly ChangeableField[] = ['givenName', 'familyName', 'dateOfBirth'];

export type PatientChange =
  | { ok: true; after: PatientRecord; changed: ChangeableField[] }
  | { ok: false; issues: FieldIssue[] };

/**
 * The record after a change (only the fields given; `null` removes one), normalised as at
 * referral, or which fields are wrong. `changed` lists the fields whose stored value differs:
 * empty when the change changes nothing (then `after` is the record as it was).
 */
export function changePatient(before: PatientRecord, input: ChangePatientInput, now: Date): PatientChange {
  const next: PatientRecord = { ...before };
  const set = <K extends ChangeableField>(field: K, value: PatientRecord[K] | undefined) => {
    if (value === undefined) delete next[field];
    else next[field] = value;
  };
  if (input.givenName !== undefined) set('givenName', input.givenName);
  if (input.familyName !== undefined) set('familyName', input.familyName);
  if (input.dateOfBirth !== undefined) set('dateOfBirth', input.dateOfBirth);
  if (input.nhsNumber !== undefined) set('nhsNumber', input.nhsNumber === null ? undefined : normaliseNhsNumber(input.nhsNumber));
  if (input.postcode !== undefined) set('postcode', input.postcode === null ? undefined : normalisePostcode(input.postcode));
  if (input.phone !== undefined) set('phone', input.phone === null ? undefined : normaliseUkPhone(input.phone)!);
  if (input.email !== undefined) set('email', input.email === null ? undefined : normaliseEmail(input.email));
  if (input.gpPractice !== undefined) set('gpPractice', input.gpPractice ?? undefined);
  if (input.gpPracticeCode !== undefined) set('gpPracticeCode', input.gpPracticeCode ?? undefined);
  if (input.preferredContact !== undefined) set('preferredContact', input.preferredContact ?? undefined);
  if (input.sex !== undefined) set('sex', input.sex ?? undefined);
  if (input.genderIdentity !== undefined) set('genderIdentity', input.genderIdentity ?? undefined);
  if (input.ethnicity !== undefined) set('ethnicity', input.ethnicity ?? undefined);
  if (input.disability !== undefined) set('disability', input.disability ?? undefined);
  if (input.imdDecile !== undefined) set('imdDecile', input.imdDecile ?? undefined);

  const issues: FieldIssue[] = [];
  if (input.dateOfBirth !== undefined && !isPlausibleDateOfBirth(input.dateOfBirth, londonDate(now))) {
    issues.push({ in: 'body', path: 'dateOfBirth', code: 'implausible_date_of_birth', message: 'must be before today and within 120 years' });
  }
  // Said against what was sent: the preference, or the detail whose removal broke it.
  const contactPath = input.preferredContact !== undefined ? 'preferredContact' : next.preferredContact === 'email' ? 'email' : 'phone';
  const contactIssue = preferredContactIssue(next, contactPath);
  if (contactIssue) issues.push(contactIssue);
  if (issues.length > 0) return { ok: false, issues };

  const changed = CHANGEABLE.filter((field) => before[field] !== next[field]);
  if (changed.length === 0) return { ok: true, after: before, changed };
  const identityChanged = changed.some((field) => IDENTITY_FIELDS.includes(field));
  return {
    ok: true,
    after: { ...next, ...(identityChanged || !before.identityHash ? { identityHash: identityHashOf(next) } : {}), updatedAt: now.toISOString() },
    changed,
  };
}

// ---------------------------------------------------------------------------------------------
// Consent
// ---------------------------------------------------------------------------------------------

export type ConsentChange =
  | { kind: 'unchanged'; decision: ConsentDecisionView }
  | { kind: 'recorded'; field: ConsentField; decision: ConsentDecisionView; after: PatientRecord };

/**
 * A consent decision for one purpose, recorded with who and when. The same answer again is no change
 * (a retried PUT keeps the date the person first gave it); a different answer replaces it.
 */
export function recordConsent(before: PatientRecord, purpose: ConsentPurpose, given: boolean, context: { by: string; now: Date }): ConsentChange {
  const field = CONSENT_FIELDS[purpose];
  const current = before.consents?.[field];
  if (current && current.given === given) return { kind: 'unchanged', decision: current };
  const decision: ConsentDecisionView = { given, recordedAt: context.now.toISOString(), recordedBy: context.by };
  return { kind: 'recorded', field, decision, after: { ...before, consents: { ...before.consents, [field]: decision } } };
}

/** Whether a person has declined to be in the evaluation exports: only a recorded no does (absent is not asked yet). */
export function declinedEvaluation(patient: Pick<PatientRecord, 'consents'>): boolean {
  return patient.consents?.evaluation?.given === false;
}

// ---------------------------------------------------------------------------------------------
// Contacts
// ---------------------------------------------------------------------------------------------

/** How far from now a contact may be dated: a door device's and a laptop's clocks drift; a year back is a typo's limit. */
export const CONTACT_WINDOW = { futureMinutes: 5, pastDays: 366 } as const;

/** The contact as recorded (in the patient's latest episode), or what is wrong with its time. */
export function newContact(
  input: CreateContactInput,
  patient: Pick<PatientRecord, 'patientId' | 'openReferralId'>,
  principal: Principal,
  { clock, ids }: RuleContext,
): { ok: true; contact: ContactRecord } | { ok: false; issues: FieldIssue[] } {
  const now = clock.now();
  const at = new Date(input.at);
  if (at.getTime() > now.getTime() + CONTACT_WINDOW.futureMinutes * 60_000) {
    return { ok: false, issues: [{ in: 'body', path: 'at', code: 'contact_in_future', message: 'must not be in the future' }] };
  }
  if (at.getTime() < now.getTime() - CONTACT_WINDOW.pastDays * 86_400_000) {
    return { ok: false, issues: [{ in: 'body', path: 'at', code: 'contact_too_old', message: `must be within the last ${CONTACT_WINDOW.pastDays} days` }] };
  }
  return {
    ok: true,
    contact: {
      contactId: ids.next(),
      patientId: patient.patientId,
      referralId: patient.openReferralId,
      at: at.toISOString(),
      kind: input.kind,
      outcome: input.outcome,
      ...(input.note ? { note: input.note } : {}),
      recordedBy: principal.sub,
      recordedAt: now.toISOString(),
    },
  };
}

/** The first contact that reaches the person accepts a received referral. */
export function contactAccepts(contact: Pick<ContactRecord, 'outcome'>, referral: Pick<ReferralRecord, 'status'>): boolean {
  return contact.outcome === 'reached' && referral.status === 'received';
}

// ---------------------------------------------------------------------------------------------
// The timeline
// ---------------------------------------------------------------------------------------------

/** A referral's events: received, and each step it has taken since (the steps recorded before the lifecycle have no times). */
export function referralEntries(referral: ReferralRecord): TimelineEntryView[] {
  const { referralId } = referral;
  const entry = (action: string, at: string, extra: Partial<TimelineEntryView> = {}): TimelineEntryView => ({
    eventId: `referral:${referralId}:${action}`,
    at,
    type: 'referral',
    action,
    referralId,
    ...extra,
  });
  return [
    entry('received', referral.createdAt, { status: referral.status }),
    ...(referral.acceptedAt ? [entry('accepted', referral.acceptedAt)] : []),
    ...(referral.prescribedAt ? [entry('prescribed', referral.prescribedAt)] : []),
    ...(referral.endedAt && (referral.status === 'declined' || referral.status === 'closed')
      ? [
          entry(referral.status, referral.endedAt, {
            ...(referral.endReason ? { reason: referral.endReason } : {}),
            ...(referral.endNote ? { note: referral.endNote } : {}),
            ...(referral.endedBy ? { by: referral.endedBy } : {}),
          }),
        ]
      : []),
  ];
}

export function contactEntry(contact: ContactRecord): TimelineEntryView {
  return {
    eventId: `contact:${contact.contactId}:contact`,
    at: contact.at,
    type: 'contact',
    action: 'contact',
    contactId: contact.contactId,
    referralId: contact.referralId,
    kind: contact.kind,
    outcome: contact.outcome,
    ...(contact.note ? { note: contact.note } : {}),
    by: contact.recordedBy,
  };
}

/** Where a timeline page starts: after this entry, in timeline order. */
export interface TimelinePosition {
  at: string;
  eventId: string;
}

/** Newest first; entries at the same instant by event id, descending, so the order is total and a cursor is exact. */
export function compareTimeline(a: TimelinePosition, b: TimelinePosition): number {
  const byTime = Date.parse(b.at) - Date.parse(a.at);
  if (byTime !== 0) return byTime;
  return a.eventId < b.eventId ? 1 : a.eventId > b.eventId ? -1 : 0;
}

/** One page of the timeline after `after` (from the start without it), and where the next one starts. */
export function timelinePage(
  entries: readonly TimelineEntryView[],
  page: { limit: number; after?: TimelinePosition | undefined },
): { items: TimelineEntryView[]; next?: TimelinePosition } {
  const ordered = entries
    .map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() }))
    .sort(compareTimeline);
  const start = page.after ? ordered.findIndex((entry) => compareTimeline(page.after!, entry) < 0) : 0;
  const rest = start < 0 ? [] : ordered.slice(start);
  const items = rest.slice(0, page.limit);
  const last = items.at(-1);
  return { items, ...(rest.length > page.limit && last ? { next: { at: last.at, eventId: last.eventId } } : {}) };
}

const EVENT_ID = /^[a-z_]+:[0-9A-Za-z-]{1,40}:[a-z_]+$/;

export function encodeTimelineCursor(position: TimelinePosition): string {
  return Buffer.from(JSON.stringify([position.at, position.eventId]), 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this API issued (a 400, never a fault). */
export function decodeTimelineCursor(cursor: string): TimelinePosition | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, eventId] = value as unknown[];
    if (typeof at !== 'string' || typeof eventId !== 'string') return undefined;
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(at) || Number.isNaN(Date.parse(at))) return undefined;
    if (!EVENT_ID.test(eventId)) return undefined;
    return { at, eventId };
  } catch {
    return undefined;
  }
}
