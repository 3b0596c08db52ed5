import { noteAudit } from '#shared/platform/audit';
import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { Page, PageRequest } from '#shared/platform/dynamo';
import type { FieldIssue } from '#shared/platform/errors';
import type { IdSource } from '#shared/platform/ids';
import { assignmentOf, filledHoneypot, newPublicReferral } from './public-rules';
import { identityHashOf, identityMatch, isOpenReferral, type ReferralRecord } from './rules';
import type { PublicReferralInput } from './schema';
import type { NavigatorCheck } from './service';
import type { PatientStore } from './store';
import { normaliseNhsNumber } from './validation';

/**
 * What became of a public referral. The route answers every `received` kind with the same 202:
 * the sender never learns whether the person (or their NHS number) was already known.
 * - `new_patient`: a new patient (in no caseload) and their referral, in the unassigned queue;
 * - `new_episode`: a known person whose last episode ended: a new referral, in the unassigned queue;
 * - `repeat`: a known person with an open referral: that referral notes the repeat, nothing else kept;
 * - `ignored`: the honeypot was filled in: nothing kept.
 */
export type PublicReferralOutcome =
  | { kind: 'received'; result: 'new_patient' | 'new_episode' | 'repeat' | 'ignored'; referralId?: string; patientId?: string }
  | { kind: 'invalid'; issues: FieldIssue[] }
  | { kind: 'busy' };

export type AssignOutcome =
  | { kind: 'done'; referral: ReferralRecord; changed: boolean }
  | { kind: 'not_found'; what: 'Referral' | 'Navigator' }
  | { kind: 'conflict'; code: 'referral_assigned' | 'referral_changed'; message: string };

/** How often a public referral is decided again when the record changed between look-up and write. */
const ATTEMPTS = 3;

/** The public referral form and the unassigned triage queue it fills. */
export class PublicReferralService {
  constructor(
    private readonly deps: {
      patients: PatientStore;
      navigators: NavigatorCheck;
      clock: Clock;
      ids: IdSource;
    },
  ) {}

  /**
   * Receives a referral sent with the public form. Matched to a known person exactly as a staff
   * referral is (decision 67): by NHS number, or without one by name and date of birth. Several
   * namesakes with no number given: a new record (the navigator tells them apart at first contact;
   * a public sender cannot be asked to choose).
   */
  async receive(input: PublicReferralInput): Promise<PublicReferralOutcome> {
    if (filledHoneypot(input)) return { kind: 'received', result: 'ignored' };
    const made = newPublicReferral(input, this.deps);
    if (!made.ok) return { kind: 'invalid', issues: made.issues };
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const outcome = await this.receiveOnce(input, made.patient, made.referral);
      if (outcome !== 'again') return outcome;
    }
    return { kind: 'busy' };
  }

  private async receiveOnce(
    input: PublicReferralInput,
    newPatient: Parameters<PatientStore['createReferral']>[0],
    referral: ReferralRecord,
  ): Promise<PublicReferralOutcome | 'again'> {
    const { patients, clock } = this.deps;
    const nhsNumber = input.person.nhsNumber ? normaliseNhsNumber(input.person.nhsNumber) : undefined;
    const identityHash = identityHashOf(input.person);
    const [nhsNumberHolder, sameIdentity] = await Promise.all([
      nhsNumber ? patients.nhsNumberHolder(nhsNumber) : undefined,
      nhsNumber ? [] : patients.identityHolders(identityHash),
    ]);
    const match = identityMatch({ hasNhsNumber: nhsNumber !== undefined, nhsNumberHolder, sameIdentity });

    // What becomes of it goes into the audit entry the write carries (ids and codes only).
    if (match.kind !== 'existing') {
      noteAudit({ result: 'new_patient', referralId: referral.referralId });
      const created = await patients.createReferral(newPatient, referral, { sharedIdentity: match.kind === 'ambiguous' });
      if (created !== 'created') return 'again';
      return { kind: 'received', result: 'new_patient', referralId: referral.referralId, patientId: newPatient.patientId };
    }

    const patient = await patients.getPatient(match.patientId);
    if (!patient) return 'again';
    const latest = await patients.getReferral(patient.patientId, patient.openReferralId);
    if (latest && isOpenReferral(latest)) {
      noteAudit({ result: 'repeat', referralId: latest.referralId });
      await patients.noteRepeatedRequest(latest, clock.now().toISOString());
      return { kind: 'received', result: 'repeat', referralId: latest.referralId, patientId: patient.patientId };
    }
    const episode: ReferralRecord = { ...referral, patientId: patient.patientId };
    noteAudit({ result: 'new_episode', referralId: episode.referralId });
    const written = await patients.addEpisode(
      patient,
      episode,
      match.matchedBy === 'nhs_number' ? { by: 'nhs_number', nhsNumber: nhsNumber! } : { by: 'name_and_date_of_birth', identityHash },
    );
    if (written === 'changed') return 'again';
    return { kind: 'received', result: 'new_episode', referralId: episode.referralId, patientId: patient.patientId };
  }

  /** The unassigned triage queue, oldest first (with the patients' names, for managers). */
  async unassigned(page: PageRequest): Promise<Page<Awaited<ReturnType<PatientStore['listReferrals']>>['items'][number]>> {
    return this.deps.patients.listReferrals({ unassigned: true }, page);
  }

  /** Gives a referral from the unassigned queue to an enabled navigator; the patient joins their caseload. */
  async assign(principal: Principal, referralId: string, navigator: string): Promise<AssignOutcome> {
    const { patients, navigators, clock } = this.deps;
    const referral = await patients.getReferralById(referralId);
    if (!referral) return { kind: 'not_found', what: 'Referral' };
    const decision = assignmentOf(referral, navigator);
    if (decision === 'unchanged') return { kind: 'done', referral, changed: false };
    if (decision !== 'assign') return { kind: 'conflict', ...decision };
    if (!(await navigators.isEnabledNavigator(navigator))) return { kind: 'not_found', what: 'Navigator' };
    const patient = await patients.getPatient(referral.patientId);
    const changed = {
      kind: 'conflict',
      code: 'referral_changed',
      message: 'The referral or its patient changed while this request ran; read it again and retry.',
    } as const;
    if (!patient || patient.openReferralId !== referral.referralId) return changed;
    const now = clock.now().toISOString();
    if ((await patients.assignReferral(patient, referral, navigator, { sub: principal.sub, now })) === 'changed') return changed;
    return { kind: 'done', referral: { ...referral, navigator, assignedAt: now, assignedBy: principal.sub, updatedAt: now }, changed: true };
  }
}
