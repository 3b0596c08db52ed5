import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { Page, PageRequest } from '#shared/platform/dynamo';
import type { FieldIssue } from '#shared/platform/errors';
import type { IdSource } from '#shared/platform/ids';
import { applyCaseloadQuery, caseloadCounts, decodeOffsetCursor, encodeOffsetCursor, type CaseloadQuery, type CaseloadSummaryView } from './caseload';
import { noDeprivationLookup, type CurrentPrescriptionWithdrawal, type DeprivationLookup, type GpSummaryPreparation, type PatientHistory } from './ports';
import {
  acceptReferral,
  caseloadCondition,
  caseloadFilter,
  changePatient,
  contactAccepts,
  contactEntry,
  decodeTimelineCursor,
  effectiveImdDecile,
  encodeTimelineCursor,
  endReferral,
  identityHashOf,
  identityMatch,
  newContact,
  newEpisode,
  needsDeprivationLookup,
  newReferral,
  patientView,
  recordConsent,
  referralEntries,
  rereferralRefusal,
  timelinePage,
  visiblePatient,
  type ContactRecord,
  type PatientRecord,
  type ReferralMove,
  type ReferralRecord,
} from './rules';
import { DEMOGRAPHIC_FIELDS } from './schema';
import type {
  ChangePatientInput,
  CloseReferralInput,
  ConsentPurpose,
  CreateContactInput,
  CreateReferralInput,
  DeclineReferralInput,
  GpSummaryPreparedView,
  PatientView,
  ReferralStatus,
  SetConsentInput,
  TimelineEntryView,
} from './schema';
import type { PatientStore } from './store';
import { normaliseNhsNumber } from './validation';

type Forbidden = { kind: 'forbidden'; message: string };
type Conflict<C extends string = string> = { kind: 'conflict'; code: C; message: string };
type Invalid = { kind: 'invalid'; issues: FieldIssue[] };

export type ReferralOutcome =
  | { kind: 'created'; referral: ReferralRecord; patient: PatientView; rereferral?: { matchedBy: 'nhs_number' | 'name_and_date_of_birth' } }
  | Invalid
  | Conflict<'nhs_number_registered' | 'patient_has_open_referral' | 'patient_identity_ambiguous' | 'patient_changed'>;

export type ReferralChangeOutcome =
  | { kind: 'done'; referral: ReferralRecord; withdrawnPrescriptionId?: string; gpSummary?: GpSummaryPreparedView }
  | { kind: 'not_found'; what: 'Referral' }
  | Conflict<'referral_ended' | 'illegal_referral_transition' | 'referral_changed'>;

export type ContactOutcome =
  | { kind: 'recorded'; contact: ContactRecord; referralAccepted: boolean }
  | { kind: 'not_found'; what: 'Patient' }
  | Invalid
  | Conflict<'referral_changed' | 'patient_changed'>;

export type PatientChangeOutcome =
  | { kind: 'done'; patient: PatientView }
  | { kind: 'not_found'; what: 'Patient' }
  | Invalid
  | Conflict<'nhs_number_registered' | 'patient_changed'>;

export type ConsentOutcome = { kind: 'done'; patient: PatientView; changed: boolean } | { kind: 'not_found'; what: 'Patient' } | Conflict<'patient_changed'>;

export type ListOutcome<T> = { kind: 'listed'; page: Page<T> } | Forbidden;

export type CaseloadPatientView = Omit<PatientView, (typeof DEMOGRAPHIC_FIELDS)[number]> & { summary: CaseloadSummaryView };

/** A caseload row: the record and its summary, never the demographics (they are for reporting, not for finding people; decision 89). */
function caseloadPatientView({ summary, ...patient }: PatientRecord & { summary: CaseloadSummaryView }): CaseloadPatientView {
  const { sex: _sex, genderIdentity: _gender, ethnicity: _ethnicity, disability: _disability, imdDecile: _imd, ...rest } = patientView(patient);
  return { ...rest, summary };
}

/** Who may take on a caseload: the people capability implements it, and the composition root passes it in. */
export interface NavigatorCheck {
  isEnabledNavigator(sub: string): Promise<boolean>;
}

const PATIENT_CHANGED = {
  kind: 'conflict',
  code: 'patient_changed',
  message: 'The patient’s record changed while this request ran; read it again and retry.',
} as const;
const REFERRAL_CHANGED = {
  kind: 'conflict',
  code: 'referral_changed',
  message: 'The referral (or its prescription) changed while this request ran; read it again and retry.',
} as const;

/** How often a consent decision is tried on a fresh read when the record changed under it. */
const CONSENT_ATTEMPTS = 2;

/** How often a referral is decided again when the record it was decided on changed before it was written. */
const REFERRAL_ATTEMPTS = 2;

/** The patients capability's use cases: referrals and their episodes, the caseload, a patient's record and timeline. */
export class PatientService {
  constructor(
    private readonly deps: {
      patients: PatientStore;
      navigators: NavigatorCheck;
      prescriptions: CurrentPrescriptionWithdrawal;
      history: PatientHistory;
      /** The GP summary an ended referral calls for (absent: none is prepared). */
      gpSummaries?: GpSummaryPreparation;
      /** The IMD decile of a postcode, for a record with none recorded (absent: none is looked up). */
      deprivation?: DeprivationLookup;
      clock: Clock;
      ids: IdSource;
    },
  ) {}

  /**
   * The patient as an answer tells them: the record without its bookkeeping, its IMD decile the one
   * recorded or else the one the postcode's LSOA has (decision 89), never written back.
   */
  private async answer(patient: PatientRecord): Promise<PatientView> {
    const view = patientView(patient);
    if (!needsDeprivationLookup(patient)) return view;
    const imdDecile = effectiveImdDecile(undefined, await (this.deps.deprivation ?? noDeprivationLookup).decileFor(patient.postcode));
    return imdDecile === undefined ? view : { ...view, imdDecile };
  }

  /**
   * Takes a referral. A person already registered — by NHS number, or without one by name and date
   * of birth — gets a new episode if their latest referral has ended; anyone else is a new patient.
   * If the record changed between the look-up and the write (two referrals for one person at once),
   * the referral is decided again, once.
   */
  async refer(principal: Principal, input: CreateReferralInput): Promise<ReferralOutcome> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.referOnce(principal, input);
      if (outcome !== 'again') return outcome;
      if (attempt >= REFERRAL_ATTEMPTS) return PATIENT_CHANGED;
    }
  }

  private async referOnce(principal: Principal, input: CreateReferralInput): Promise<ReferralOutcome | 'again'> {
    const { patients } = this.deps;
    // The request is checked in full first: a mistake is a 400 whoever the person turns out to be.
    const made = newReferral(input, principal, this.deps);
    if (!made.ok) return { kind: 'invalid', issues: made.issues };
    const nhsNumber = input.patient.nhsNumber ? normaliseNhsNumber(input.patient.nhsNumber) : undefined;
    const identityHash = identityHashOf(input.patient);
    const [nhsNumberHolder, sameIdentity] = await Promise.all([
      nhsNumber ? patients.nhsNumberHolder(nhsNumber) : undefined,
      nhsNumber ? [] : patients.identityHolders(identityHash),
    ]);
    const match = identityMatch({ hasNhsNumber: nhsNumber !== undefined, nhsNumberHolder, sameIdentity });

    if (match.kind === 'ambiguous') {
      return {
        kind: 'conflict',
        code: 'patient_identity_ambiguous',
        message:
          'More than one person in the scheme has this name and date of birth: give the NHS number to say which ' +
          '(if the right record has none, add it to the record first).',
      };
    }
    if (match.kind === 'new') {
      const created = await patients.createReferral(made.patient, made.referral);
      if (created !== 'created') return 'again';
      return { kind: 'created', referral: made.referral, patient: await this.answer(made.patient) };
    }

    const patient = await patients.getPatient(match.patientId);
    if (!patient) return 'again';
    const refusal = rereferralRefusal(await patients.getReferral(patient.patientId, patient.openReferralId));
    if (refusal) return { kind: 'conflict', ...refusal };
    const episode = newEpisode(patient, input, principal, this.deps);
    if (!episode.ok) return { kind: 'invalid', issues: episode.issues };
    const written = await patients.addEpisode(
      patient,
      episode.referral,
      match.matchedBy === 'nhs_number' ? { by: 'nhs_number', nhsNumber: nhsNumber! } : { by: 'name_and_date_of_birth', identityHash },
    );
    if (written === 'changed') return 'again';
    const after: PatientRecord = { ...patient, navigator: episode.referral.navigator, openReferralId: episode.referral.referralId };
    return { kind: 'created', referral: episode.referral, patient: await this.answer(after), rereferral: { matchedBy: match.matchedBy } };
  }

  /** The patient's episodes, newest first. */
  async episodes(principal: Principal, patientId: string): Promise<{ kind: 'listed'; items: ReferralRecord[] } | { kind: 'not_found'; what: 'Patient' }> {
    if (!visiblePatient(principal, await this.deps.patients.getPatient(patientId))) return { kind: 'not_found', what: 'Patient' };
    return { kind: 'listed', items: await this.deps.patients.episodes(patientId) };
  }

  /** First contact was made. */
  async accept(principal: Principal, referralId: string): Promise<ReferralChangeOutcome> {
    const found = await this.visibleReferral(principal, referralId);
    if (!found) return { kind: 'not_found', what: 'Referral' };
    return this.write(principal, found.patient, acceptReferral(found.referral, this.deps.clock.now()));
  }

  /** Declined (from received or accepted), or closed (from prescribed): the current prescription, if any, is withdrawn with it. */
  async end(principal: Principal, referralId: string, to: 'declined' | 'closed', input: DeclineReferralInput | CloseReferralInput): Promise<ReferralChangeOutcome> {
    const found = await this.visibleReferral(principal, referralId);
    if (!found) return { kind: 'not_found', what: 'Referral' };
    const move = endReferral(found.referral, to, input, { by: principal.sub, now: this.deps.clock.now() });
    return this.write(principal, found.patient, move);
  }

  private async write(principal: Principal, patient: PatientRecord, move: ReferralMove): Promise<ReferralChangeOutcome> {
    if (move.kind === 'refused') return { kind: 'conflict', code: move.code, message: move.message };
    if (move.kind === 'unchanged') return { kind: 'done', referral: move.referral };
    const { before, after } = move;
    const caseload = caseloadCondition(principal);
    const ends = after.status === 'declined' || after.status === 'closed';
    const withdrawal = ends ? await this.deps.prescriptions.withdrawCurrent(principal, patient, after.endReason) : undefined;
    // The GP summary is prepared in the same transaction as the end: both happen, or neither.
    const summary =
      ends && this.deps.gpSummaries
        ? await this.deps.gpSummaries.prepare({
            trigger: after.status === 'declined' ? 'referral_declined' : 'referral_closed',
            patient,
            referralId: after.referralId,
            endReason: after.endReason,
            prescriptionId: withdrawal?.prescriptionId ?? patient.currentPrescriptionId,
            by: principal.sub,
          })
        : undefined;
    const alsoWrite = summary?.items ?? [];
    const written = await this.deps.patients.moveReferral(
      before,
      after,
      caseload,
      withdrawal ? { alsoWrite: [...withdrawal.items, ...alsoWrite] } : { noCurrentPrescription: ends, alsoWrite },
    );
    if (written === 'changed') return REFERRAL_CHANGED;
    await withdrawal?.afterCommit();
    return {
      kind: 'done',
      referral: after,
      ...(withdrawal ? { withdrawnPrescriptionId: withdrawal.prescriptionId } : {}),
      ...(summary ? { gpSummary: summary.summary } : {}),
    };
  }

  /** The referral and its patient, if the caller may see the patient (the same "not found" otherwise). */
  private async visibleReferral(principal: Principal, referralId: string): Promise<{ referral: ReferralRecord; patient: PatientRecord } | undefined> {
    const referral = await this.deps.patients.getReferralById(referralId);
    const patient = referral ? visiblePatient(principal, await this.deps.patients.getPatient(referral.patientId)) : undefined;
    return referral && patient ? { referral, patient } : undefined;
  }

  /** Records a contact; the first that reaches the person accepts their received referral, in the same transaction. */
  async recordContact(principal: Principal, patientId: string, input: CreateContactInput): Promise<ContactOutcome> {
    const { patients, clock } = this.deps;
    const read = await patients.getPatientWithSummary(patientId);
    const patient = visiblePatient(principal, read?.patient);
    if (!read || !patient) return { kind: 'not_found', what: 'Patient' };
    const made = newContact(input, patient, principal, this.deps);
    if (!made.ok) return { kind: 'invalid', issues: made.issues };
    const referral = await patients.getReferral(patient.patientId, patient.openReferralId);
    const move = referral && contactAccepts(made.contact, referral) ? acceptReferral(referral, clock.now()) : undefined;
    const accept = move?.kind === 'moved' ? { before: move.before, after: move.after } : undefined;
    if ((await patients.recordContact(made.contact, caseloadCondition(principal), accept, read.summary)) === 'changed') {
      return accept ? REFERRAL_CHANGED : PATIENT_CHANGED;
    }
    return { kind: 'recorded', contact: made.contact, referralAccepted: accept !== undefined };
  }

  /** Changes the patient's record; the NHS number's and identity's pointers move with it. */
  async changePatient(principal: Principal, patientId: string, input: ChangePatientInput): Promise<PatientChangeOutcome> {
    const { patients, clock } = this.deps;
    const before = visiblePatient(principal, await patients.getPatient(patientId));
    if (!before) return { kind: 'not_found', what: 'Patient' };
    const change = changePatient(before, input, clock.now());
    if (!change.ok) return { kind: 'invalid', issues: change.issues };
    if (change.changed.length === 0) return { kind: 'done', patient: await this.answer(before) };
    const written = await patients.changePatient(before, change.after, change.changed, caseloadCondition(principal));
    if (written === 'nhs_number_registered') {
      return { kind: 'conflict', code: 'nhs_number_registered', message: 'Another patient in the scheme has this NHS number.' };
    }
    if (written === 'changed') return PATIENT_CHANGED;
    return { kind: 'done', patient: await this.answer(change.after) };
  }

  /**
   * Records a consent decision (the same answer again changes nothing). A write that meets a change
   * made since the read (another purpose's first decision, a caseload move) is decided again once
   * on a fresh read, then 409.
   */
  async setConsent(principal: Principal, patientId: string, purpose: ConsentPurpose, input: SetConsentInput): Promise<ConsentOutcome> {
    const { patients, clock } = this.deps;
    for (let attempt = 1; ; attempt++) {
      const before = visiblePatient(principal, await patients.getPatient(patientId));
      if (!before) return { kind: 'not_found', what: 'Patient' };
      const change = recordConsent(before, purpose, input.given, { by: principal.sub, now: clock.now() });
      if (change.kind === 'unchanged') return { kind: 'done', patient: await this.answer(before), changed: false };
      if ((await patients.setConsent(before, change.field, change.decision, caseloadCondition(principal))) === 'done') {
        return { kind: 'done', patient: await this.answer(change.after), changed: true };
      }
      if (attempt >= CONSENT_ATTEMPTS) return PATIENT_CHANGED;
    }
  }

  /** One page of the patient's timeline, newest first. */
  async timeline(
    principal: Principal,
    patientId: string,
    page: PageRequest,
  ): Promise<{ kind: 'listed'; page: Page<TimelineEntryView> } | { kind: 'not_found'; what: 'Patient' } | Invalid> {
    const { patients, history } = this.deps;
    const after = page.cursor === undefined ? undefined : decodeTimelineCursor(page.cursor);
    if (page.cursor !== undefined && !after) {
      return { kind: 'invalid', issues: [{ in: 'query', path: 'cursor', code: 'invalid_cursor', message: 'cursor is not one this API issued' }] };
    }
    if (!visiblePatient(principal, await patients.getPatient(patientId))) return { kind: 'not_found', what: 'Patient' };
    const [episodes, contacts, others] = await Promise.all([patients.episodes(patientId), patients.contacts(patientId), history.entriesFor(patientId)]);
    const entries = [...episodes.flatMap(referralEntries), ...contacts.map(contactEntry), ...others];
    const { items, next } = timelinePage(entries, { limit: page.limit, after });
    return { kind: 'listed', page: { items, ...(next ? { nextCursor: encodeTimelineCursor(next) } : {}) } };
  }

  async listReferrals(
    principal: Principal,
    query: { navigator?: string | undefined; status?: ReferralStatus | undefined } & PageRequest,
  ): Promise<ListOutcome<Awaited<ReturnType<PatientStore['listReferrals']>>['items'][number]>> {
    const { navigator, status, ...page } = query;
    const filter = caseloadFilter(principal, navigator);
    if (!filter.ok) return filter;
    return { kind: 'listed', page: await this.deps.patients.listReferrals({ navigator: filter.navigator, status }, page) };
  }

  /**
   * The caseload (managers: one navigator's, or everyone), each patient with their summary. Without
   * a search, filter or sort it is one page of the caseload's Query; with one, the whole caseload is
   * read, then matched, sorted and paged in memory (decision 74), the cursor an offset.
   */
  async listPatients(
    principal: Principal,
    query: { navigator?: string | undefined } & CaseloadQuery & PageRequest,
  ): Promise<ListOutcome<CaseloadPatientView> | Invalid> {
    const { navigator, limit, cursor, ...search } = query;
    const filter = caseloadFilter(principal, navigator);
    if (!filter.ok) return filter;
    const now = this.deps.clock.now();
    const narrowed = Object.values(search).some((value) => value !== undefined);
    if (!narrowed) {
      const result = await this.deps.patients.caseloadPage(filter.navigator, { limit, ...(cursor ? { cursor } : {}) }, now);
      return { kind: 'listed', page: { ...result, items: result.items.map(caseloadPatientView) } };
    }
    const offset = cursor === undefined ? 0 : decodeOffsetCursor(cursor);
    if (offset === undefined) {
      return { kind: 'invalid', issues: [{ in: 'query', path: 'cursor', code: 'invalid_cursor', message: 'cursor is not one this API issued' }] };
    }
    const rows = (await this.deps.patients.wholeCaseload(filter.navigator, now)).map((patient) => ({ patient, summary: patient.summary }));
    const matched = applyCaseloadQuery(rows, search, now);
    const items = matched.slice(offset, offset + limit).map((row) => caseloadPatientView(row.patient));
    const next = offset + limit < matched.length ? encodeOffsetCursor(offset + limit) : undefined;
    return { kind: 'listed', page: { items, ...(next ? { nextCursor: next } : {}) } };
  }

  /** The navigation's counts for a caseload (managers: one navigator's, or everyone's): one Query of the caseload. */
  async caseloadCounts(
    principal: Principal,
    navigator: string | undefined,
  ): Promise<{ kind: 'counted'; navigator?: string; dueFollowUps: number; newReferrals: number } | Forbidden> {
    const filter = caseloadFilter(principal, navigator);
    if (!filter.ok) return filter;
    const rows = await this.deps.patients.wholeCaseload(filter.navigator, this.deps.clock.now());
    const counts = caseloadCounts(rows.map((patient) => ({ patient, summary: patient.summary })));
    return { kind: 'counted', ...(filter.navigator !== undefined ? { navigator: filter.navigator } : {}), ...counts };
  }

  async getPatient(principal: Principal, patientId: string): Promise<{ kind: 'found'; patient: PatientView } | { kind: 'not_found'; what: 'Patient' }> {
    const patient = visiblePatient(principal, await this.deps.patients.getPatient(patientId));
    return patient ? { kind: 'found', patient: await this.answer(patient) } : { kind: 'not_found', what: 'Patient' };
  }

  /** Moves every patient of one navigator to another, who must be an enabled navigator; safe to repeat. */
  async reassignCaseload(from: string, to: string): Promise<{ kind: 'moved'; moved: number } | { kind: 'not_found'; what: 'Navigator' }> {
    if (!(await this.deps.navigators.isEnabledNavigator(to))) return { kind: 'not_found', what: 'Navigator' };
    return { kind: 'moved', moved: await this.deps.patients.reassignCaseload(from, to) };
  }
}
