import type { Bundle } from 'fhir/r4';
import type { AssessmentStore } from '#shared/assessments/store';
import type { FollowUpStore } from '#shared/followups/store';
import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { Page, PageRequest } from '#shared/platform/dynamo';
import type { IdSource } from '#shared/platform/ids';
import type { Logger } from '#shared/platform/logger';
import { inParallel } from '#shared/platform/parallel';
import type { GpSummaryEvent, GpSummaryPreparation, GpSummaryPreparing } from '#shared/patients/ports';
import { caseloadFilter, visiblePatient, type PatientRecord } from '#shared/patients/rules';
import { SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING, SNOMED_SOCIAL_PRESCRIBING_DECLINED } from '#shared/patients/schema';
import type { PatientStore } from '#shared/patients/store';
import type { PrescriptionRecord } from '#shared/prescriptions/rules';
import type { PrescriptionStore } from '#shared/prescriptions/store';
import type { RegistryStore } from '#shared/registry/store';
import { closeRepeatsFollowUp, gatherContent, markSent, newGpMessage, type GpMessageRecord } from './rules';
import type { GpMessageStatus, GpMessageView, GpSummaryContent, MarkSentInput } from './schema';
import type { GpMessageStore } from './store';

type NotFound = { kind: 'not_found'; what: 'GP message' };
type Conflict = { kind: 'conflict'; code: string; message: string };

export type GpMessageOutcome = { kind: 'found'; message: GpMessageView; content: GpSummaryContent } | NotFound;

/** The columns of the coded-event export, in order: all that leaves. */
export const GP_CODE_COLUMNS = ['nhs_number', 'date', 'snomed_code', 'description', 'practice_code'] as const;
type GpCodeRow = Record<(typeof GP_CODE_COLUMNS)[number], string>;

/**
 * The GP outbox: summaries for the patient's practice, prepared in the transaction of the change
 * that calls for one (`prepare`, the `GpSummaryPreparation` patients and follow-ups declare), read
 * as JSON, FHIR or PDF, and marked sent by the staff who sent them.
 */
export class GpMessageService implements GpSummaryPreparation {
  constructor(
    private readonly deps: {
      messages: GpMessageStore;
      patients: PatientStore;
      prescriptions: PrescriptionStore;
      assessments: AssessmentStore;
      followUps: FollowUpStore;
      registry: RegistryStore;
      clock: Clock;
      ids: IdSource;
      logger: Logger;
    },
  ) {}

  async prepare(event: GpSummaryEvent): Promise<GpSummaryPreparing> {
    const made = newGpMessage(event, this.deps);
    if (!made.ok) {
      this.deps.logger.info('gp summary not prepared', { patientId: event.patient.patientId, trigger: event.trigger, reason: made.block });
      return { items: [], summary: { prepared: false, why: made.block } };
    }
    if (event.trigger === 'referral_closed') {
      const existing = await this.deps.messages.listForPatient(event.patient.patientId);
      if (closeRepeatsFollowUp(existing, event.referralId, event.endReason)) return { items: [], summary: { prepared: false, why: 'repeats_follow_up' } };
    }
    return { items: this.deps.messages.prepareItems(made.message), summary: { prepared: true, messageId: made.message.messageId } };
  }

  async list(
    principal: Principal,
    query: { status?: GpMessageStatus | undefined; navigator?: string | undefined; patientId?: string | undefined } & PageRequest,
  ): Promise<{ kind: 'listed'; page: Page<GpMessageView> } | { kind: 'forbidden'; message: string } | { kind: 'not_found'; what: 'Patient' }> {
    const { status, navigator, patientId, ...page } = query;
    if (patientId !== undefined) {
      // One person's messages (a handful: one per ended referral or completed prescription), read from their partition.
      const patient = visiblePatient(principal, await this.deps.patients.getPatient(patientId));
      if (!patient) return { kind: 'not_found', what: 'Patient' };
      const mine = (await this.deps.messages.listForPatient(patientId)).filter((m) => status === undefined || m.status === status);
      const name = { givenName: patient.givenName, familyName: patient.familyName };
      return { kind: 'listed', page: { items: mine.map((m) => ({ ...view(m), patient: name })) } };
    }
    const filter = caseloadFilter(principal, navigator);
    if (!filter.ok) return filter;
    const result = await this.deps.messages.list({ navigator: filter.navigator, status: status ?? 'ready' }, page);
    const names = await this.deps.patients.patientNames([...new Set(result.items.map((m) => m.patientId))]);
    return {
      kind: 'listed',
      page: {
        ...result,
        items: result.items.map((m) => {
          const name = names.get(m.patientId);
          return { ...view(m), ...(name ? { patient: name } : {}) };
        }),
      },
    };
  }

  /** The message and what it says: as sent, once sent; from the record as it stands, while ready. */
  async get(principal: Principal, messageId: string): Promise<GpMessageOutcome> {
    const found = await this.visibleMessage(principal, messageId);
    if (!found) return { kind: 'not_found', what: 'GP message' };
    const content = found.message.content ?? (await this.gather(found.message, found.patient));
    return { kind: 'found', message: { ...view(found.message), patient: { givenName: found.patient.givenName, familyName: found.patient.familyName } }, content };
  }

  // The renderings load lazily (decision 51): only a read of a summary needs them.
  async bundle(content: GpSummaryContent): Promise<Bundle> {
    return (await import('./document')).fhirBundle(content);
  }

  async pdf(content: GpSummaryContent): Promise<Uint8Array> {
    return (await import('./pdf')).letterPdf(content);
  }

  async html(content: GpSummaryContent): Promise<string> {
    return (await import('./document')).letterHtml(content);
  }

  /** Marks the message sent, with how: its content is frozen as it is now, so the outbox shows what went. Twice is a conflict. */
  async markSent(principal: Principal, messageId: string, input: MarkSentInput): Promise<{ kind: 'sent'; message: GpMessageView } | NotFound | Conflict> {
    const found = await this.visibleMessage(principal, messageId);
    if (!found) return { kind: 'not_found', what: 'GP message' };
    const content = found.message.content ?? (await this.gather(found.message, found.patient));
    const moved = markSent(found.message, content, input, principal.sub, this.deps.clock.now());
    if (moved.kind === 'already_sent') {
      return { kind: 'conflict', code: 'gp_message_sent', message: `This message was already marked sent (${moved.sentAt}).` };
    }
    if (!(await this.deps.messages.replace(found.message, moved.after))) {
      return { kind: 'conflict', code: 'gp_message_changed', message: 'The message changed while this request ran; read it again.' };
    }
    return { kind: 'sent', message: view(moved.after) };
  }

  /**
   * The coded events of referrals received from..to, for practices that upload codes in bulk: each
   * referral (871731000000106, on the day received) and each decline (871711000000103, on the day
   * declined), for people with an NHS number, an ODS code and consent to share with their GP.
   */
  async *gpCodeRows(query: { from: string; to: string; practice?: string | undefined }): AsyncGenerator<GpCodeRow> {
    const referrals = await this.deps.patients.referralsReceived(query.from, query.to);
    const patients = new Map<string, PatientRecord>();
    await inParallel([...new Set(referrals.map((r) => r.patientId))], 8, async (patientId) => {
      const patient = await this.deps.patients.getPatient(patientId);
      if (patient) patients.set(patientId, patient);
    });
    const rows: GpCodeRow[] = [];
    for (const referral of referrals) {
      const patient = patients.get(referral.patientId);
      if (!patient?.nhsNumber || !patient.gpPracticeCode || patient.consents?.gpSummary?.given !== true) continue;
      if (query.practice && patient.gpPracticeCode !== query.practice) continue;
      const base = { nhs_number: patient.nhsNumber, practice_code: patient.gpPracticeCode };
      rows.push({ ...base, date: referral.createdAt.slice(0, 10), snomed_code: SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING, description: 'Referral to social prescribing service' });
      if (referral.status === 'declined' && referral.endedAt) {
        rows.push({ ...base, date: referral.endedAt.slice(0, 10), snomed_code: SNOMED_SOCIAL_PRESCRIBING_DECLINED, description: 'Social prescribing declined' });
      }
    }
    // By date, then person; a referral before its decline on the same day (the sort is stable).
    rows.sort((a, b) => a.date.localeCompare(b.date) || a.nhs_number.localeCompare(b.nhs_number));
    yield* rows;
  }

  private async visibleMessage(principal: Principal, messageId: string): Promise<{ message: GpMessageRecord; patient: PatientRecord } | undefined> {
    const message = await this.deps.messages.getById(messageId);
    const patient = message ? visiblePatient(principal, await this.deps.patients.getPatient(message.patientId)) : undefined;
    return message && patient ? { message, patient } : undefined;
  }

  /** Reads what the summary says from the record: the referral, its prescription and activities, the baseline and follow-up. */
  private async gather(message: GpMessageRecord, patient: PatientRecord): Promise<GpSummaryContent> {
    const { patients, prescriptions, assessments, followUps, registry } = this.deps;
    const referral = await patients.getReferral(message.patientId, message.referralId);
    if (!referral) throw new Error('a GP message names a referral that is not there');
    const prescription: PrescriptionRecord | undefined = message.prescriptionId ? await prescriptions.get(message.prescriptionId) : undefined;
    const followUpId = message.followUpId ?? prescription?.followUpId;
    const followUp = followUpId ? await followUps.get(message.patientId, followUpId) : undefined;
    const baselineId = followUp?.baselineAssessmentId ?? prescription?.baselineAssessmentId ?? patient.baselineAssessmentId;
    const [baseline, followUpAssessment, activities] = await Promise.all([
      baselineId ? assessments.get(message.patientId, baselineId) : undefined,
      followUp?.assessmentId ? assessments.get(message.patientId, followUp.assessmentId) : undefined,
      prescription ? registry.getActivitiesWithProviders(prescription.activityIds) : new Map(),
    ]);
    return gatherContent(message, {
      patient,
      referral,
      prescription,
      activities: prescription
        ? prescription.activityIds.flatMap((id) => {
            const found = activities.get(id);
            return found ? [{ name: found.activity.name, provider: found.provider.name, category: found.activity.category }] : [];
          })
        : [],
      baseline,
      followUp: followUpAssessment,
    });
  }
}

function view({ content: _content, version: _version, ...message }: GpMessageRecord): GpMessageView {
  return message;
}
