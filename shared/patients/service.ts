import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { Page, PageRequest } from '#shared/platform/dynamo';
import type { FieldIssue } from '#shared/platform/errors';
import type { IdSource } from '#shared/platform/ids';
import { caseloadFilter, newReferral, patientView, visiblePatient, type ReferralRecord } from './rules';
import type { CreateReferralInput, PatientView, ReferralStatus } from './schema';
import type { PatientStore } from './store';

type Forbidden = { kind: 'forbidden'; message: string };

export type ReferralOutcome =
  | { kind: 'created'; referral: ReferralRecord; patient: PatientView }
  | { kind: 'invalid'; issues: FieldIssue[] }
  | { kind: 'conflict'; code: 'nhs_number_registered'; message: string };

export type ListOutcome<T> = { kind: 'listed'; page: Page<T> } | Forbidden;

/** Who may take on a caseload: the people capability implements it, and the composition root passes it in. */
export interface NavigatorCheck {
  isEnabledNavigator(sub: string): Promise<boolean>;
}

/** The patients capability's use cases: referrals, the caseload, a patient's record. */
export class PatientService {
  constructor(private readonly deps: { patients: PatientStore; navigators: NavigatorCheck; clock: Clock; ids: IdSource }) {}

  /** Takes a referral: a new patient in the caller's caseload (an admin may name another). */
  async refer(principal: Principal, input: CreateReferralInput): Promise<ReferralOutcome> {
    const made = newReferral(input, principal, this.deps);
    if (!made.ok) return { kind: 'invalid', issues: made.issues };
    if ((await this.deps.patients.createReferral(made.patient, made.referral)) === 'nhs_number_registered') {
      return { kind: 'conflict', code: 'nhs_number_registered', message: 'A patient with this NHS number is already registered in the scheme.' };
    }
    return { kind: 'created', referral: made.referral, patient: patientView(made.patient) };
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

  async listPatients(principal: Principal, query: { navigator?: string | undefined } & PageRequest): Promise<ListOutcome<PatientView>> {
    const { navigator, ...page } = query;
    const filter = caseloadFilter(principal, navigator);
    if (!filter.ok) return filter;
    const result = await this.deps.patients.listPatients(filter.navigator, page);
    return { kind: 'listed', page: { ...result, items: result.items.map(patientView) } };
  }

  async getPatient(principal: Principal, patientId: string): Promise<{ kind: 'found'; patient: PatientView } | { kind: 'not_found'; what: 'Patient' }> {
    const patient = visiblePatient(principal, await this.deps.patients.getPatient(patientId));
    return patient ? { kind: 'found', patient: patientView(patient) } : { kind: 'not_found', what: 'Patient' };
  }

  /** Moves every patient of one navigator to another, who must be an enabled navigator; safe to repeat. */
  async reassignCaseload(from: string, to: string): Promise<{ kind: 'moved'; moved: number } | { kind: 'not_found'; what: 'Navigator' }> {
    if (!(await this.deps.navigators.isEnabledNavigator(to))) return { kind: 'not_found', what: 'Navigator' };
    return { kind: 'moved', moved: await this.deps.patients.reassignCaseload(from, to) };
  }
}
