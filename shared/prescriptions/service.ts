import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { FieldIssue } from '#shared/platform/errors';
import type { IdSource } from '#shared/platform/ids';
import { londonDate } from '#shared/platform/london';
import type { CurrentPrescriptionWithdrawal, PrescriptionWithdrawal } from '#shared/patients/ports';
import { isOpenReferral, visiblePatient, type PatientRecord } from '#shared/patients/rules';
import type { EndReason } from '#shared/patients/schema';
import type { PatientStore } from '#shared/patients/store';
import type { TransactItem } from '#shared/platform/transactions';
import type { RegistryStore } from '#shared/registry/store';
import type { PrescriptionFollowUps } from './follow-ups';
import {
  applyChange,
  categoriesOf,
  changeRefusal,
  newPrescription,
  prescriptionIssues,
  weekOf,
  weeksRemaining,
  type PrescriptionChange,
  type PrescriptionConflict,
  type PrescriptionRecord,
} from './rules';
import type { CreatePrescriptionInput, PrescribedActivityView, PrescriptionView } from './schema';
import type { PrescriptionStore } from './store';

type NotFound = { kind: 'not_found'; what: 'Patient' | 'Prescription' };
type Conflict = { kind: 'conflict' } & PrescriptionConflict;

export type PrescriptionOutcome = { kind: 'done'; prescription: PrescriptionView } | NotFound | Conflict | { kind: 'invalid'; issues: FieldIssue[] };
export type ListOutcome = { kind: 'listed'; items: PrescriptionView[] } | NotFound;

type ActivitiesRead = Awaited<ReturnType<RegistryStore['getActivitiesWithProviders']>>;

/** The prescriptions capability's use cases. Each returns what happened; routes turn it into HTTP. */
export class PrescriptionService implements CurrentPrescriptionWithdrawal {
  constructor(
    private readonly deps: {
      patients: PatientStore;
      prescriptions: PrescriptionStore;
      registry: RegistryStore;
      followUps: PrescriptionFollowUps;
      clock: Clock;
      ids: IdSource;
    },
  ) {}

  /**
   * Writes a prescription for a patient with none current and an open referral: its activities
   * must exist and be run by providers accredited on its start date. Its follow-up is written in
   * the same transaction, the referral moves on to "prescribed" (or, prescribed already, is checked
   * to be still open), and the reminder is made once it has committed.
   */
  async create(principal: Principal, input: CreatePrescriptionInput): Promise<PrescriptionOutcome> {
    const { patients, prescriptions, registry, followUps, clock, ids } = this.deps;
    const patient = visiblePatient(principal, await patients.getPatient(input.patientId));
    if (!patient) return { kind: 'not_found', what: 'Patient' };
    const found = await registry.getActivitiesWithProviders(input.activityIds);
    const issues = prescriptionIssues(input, londonDate(clock.now()), found);
    if (issues.length > 0) return { kind: 'invalid', issues };
    if (patient.currentPrescriptionId) {
      return { kind: 'conflict', code: 'prescription_exists', message: 'This patient already has an active or paused prescription.' };
    }

    const prescription = newPrescription(input, {
      prescriptionId: ids.next(),
      now: clock.now(),
      createdBy: principal.sub,
      hasBaseline: patient.baselineAssessmentId !== undefined,
      baselineAssessmentId: patient.baselineAssessmentId,
      categories: categoriesOf([...found.values()].map((entry) => entry.activity)),
      followUpId: ids.next(),
    });
    const referral = await patients.getReferral(patient.patientId, patient.openReferralId);
    if (referral && !isOpenReferral(referral)) {
      return {
        kind: 'conflict',
        code: 'referral_ended',
        message: `This patient’s referral is ${referral.status}; take a new referral before writing a prescription.`,
      };
    }
    // A public referral waiting in the unassigned queue has no navigator to follow it up yet.
    if (patient.navigator === undefined) {
      return { kind: 'conflict', code: 'patient_unassigned', message: 'This patient is not in anyone’s caseload yet: assign their referral to a navigator first.' };
    }
    const followUp = followUps.created(prescription, patient.navigator);
    const referralItem = referral ? (patients.advanceReferral(referral, 'prescribed', clock.now()) ?? patients.referralOpenCheck(referral)) : undefined;
    const refused = await prescriptions.create(prescription, principal, [...(referralItem ? [referralItem] : []), ...followUp.items]);
    if (refused) return { kind: 'conflict', ...refused };
    await followUp.afterCommit();
    // The activities were read to validate the request: the answer is built from the same read.
    return { kind: 'done', prescription: this.view(prescription, prescribedActivities(found)(prescription)) };
  }

  async get(principal: Principal, prescriptionId: string): Promise<PrescriptionOutcome> {
    const prescription = await this.visiblePrescription(principal, prescriptionId);
    if (!prescription) return { kind: 'not_found', what: 'Prescription' };
    return { kind: 'done', prescription: this.view(prescription, (await this.activitiesOf([prescription]))(prescription)) };
  }

  /** Pauses, resumes, withdraws, completes or re-lengthens it; its follow-up moves with it, in one transaction. */
  async change(principal: Principal, prescriptionId: string, change: PrescriptionChange): Promise<PrescriptionOutcome> {
    const { prescriptions } = this.deps;
    const before = await this.visiblePrescription(principal, prescriptionId);
    if (!before) return { kind: 'not_found', what: 'Prescription' };
    const planned = await this.plan(before, change);
    if (planned.kind === 'refused') return { kind: 'conflict', ...planned.refusal };
    const { after } = planned;
    if (planned.kind === 'change') {
      const refused = await prescriptions.update(before, after, principal, planned.followUpItems);
      if (refused) return { kind: 'conflict', ...refused };
      await planned.afterCommit();
    }
    return { kind: 'done', prescription: this.view(after, (await this.activitiesOf([after]))(after)) };
  }

  /**
   * Withdraws the patient's current prescription inside another transaction (a referral declined
   * or closed): the same change as `PATCH {status: withdrawn}` — its follow-up cancelled, its
   * reminder removed once the caller's transaction commits — given as items. The referral's end
   * reason, when given, is the prescription's withdrawal reason.
   */
  async withdrawCurrent(principal: Principal, patient: PatientRecord, reason?: EndReason): Promise<PrescriptionWithdrawal | undefined> {
    if (!patient.currentPrescriptionId) return undefined;
    const before = await this.deps.prescriptions.get(patient.currentPrescriptionId);
    if (!before) throw new Error('the patient’s current prescription is missing');
    const planned = await this.plan(before, { status: 'withdrawn', ...(reason !== undefined ? { reason } : {}) });
    // The current prescription is active or paused, and either may be withdrawn.
    if (planned.kind !== 'change') throw new Error(`the current prescription could not be withdrawn (${planned.kind})`);
    return {
      prescriptionId: before.prescriptionId,
      items: [...this.deps.prescriptions.updateItems(before, planned.after, principal), ...planned.followUpItems],
      afterCommit: planned.afterCommit,
    };
  }

  /** What a change does: refused, nothing, or the record after it with its follow-up's items. */
  private async plan(
    before: PrescriptionRecord,
    change: PrescriptionChange,
  ): Promise<
    | { kind: 'refused'; refusal: PrescriptionConflict }
    | { kind: 'unchanged'; after: PrescriptionRecord }
    | { kind: 'change'; after: PrescriptionRecord; followUpItems: TransactItem[]; afterCommit(): Promise<void> }
  > {
    const { followUps, clock } = this.deps;
    const refusal = changeRefusal(before, change);
    if (refusal) return { kind: 'refused', refusal };
    const after = applyChange(before, change, londonDate(clock.now()), clock.now());
    if (after === before) return { kind: 'unchanged', after };
    const followUp = await followUps.changed(before, after);
    return { kind: 'change', after, followUpItems: followUp.items, afterCommit: () => followUp.afterCommit() };
  }

  async listForPatient(principal: Principal, patientId: string): Promise<ListOutcome> {
    const { patients, prescriptions } = this.deps;
    if (!visiblePatient(principal, await patients.getPatient(patientId))) return { kind: 'not_found', what: 'Patient' };
    const records = await prescriptions.listForPatient(patientId);
    const activities = await this.activitiesOf(records);
    return { kind: 'listed', items: records.map((record) => this.view(record, activities(record))) };
  }

  /** The prescription, if the caller may see its patient (the same "not found" otherwise). */
  private async visiblePrescription(principal: Principal, prescriptionId: string): Promise<PrescriptionRecord | undefined> {
    const prescription = await this.deps.prescriptions.get(prescriptionId);
    if (!prescription) return undefined;
    return visiblePatient(principal, await this.deps.patients.getPatient(prescription.patientId)) ? prescription : undefined;
  }

  private async activitiesOf(records: PrescriptionRecord[]) {
    return prescribedActivities(await this.deps.registry.getActivitiesWithProviders([...new Set(records.flatMap((r) => r.activityIds))]));
  }

  private view(record: PrescriptionRecord, activities: PrescribedActivityView[]): PrescriptionView {
    const today = londonDate(this.deps.clock.now());
    const { version: _version, createdBy: _createdBy, ...fields } = record;
    const week = record.status === 'active' ? weekOf(record, today) : undefined;
    return { ...fields, activities, ...(week !== undefined ? { currentWeek: week } : {}), weeksRemaining: weeksRemaining(record, today) };
  }
}

/** The prescribed activities as a view shows them, from activities already read. */
function prescribedActivities(found: ActivitiesRead) {
  return (record: PrescriptionRecord): PrescribedActivityView[] =>
    record.activityIds.flatMap((activityId) => {
      const entry = found.get(activityId);
      if (!entry) return [];
      const { activity, provider } = entry;
      return [{ activityId, name: activity.name, category: activity.category, providerId: provider.providerId, providerName: provider.name, venueId: activity.venueId }];
    });
}
