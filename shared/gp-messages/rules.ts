import type { AssessmentRecord } from '#shared/assessments/rules';
import type { Clock } from '#shared/platform/clock';
import type { IdSource } from '#shared/platform/ids';
import type { GpSummaryEvent } from '#shared/patients/ports';
import { gpSummaryBlock, type PatientRecord } from '#shared/patients/rules';
import type { GpSummaryBlock, ReferralView } from '#shared/patients/schema';
import type { PrescriptionRecord } from '#shared/prescriptions/rules';
import type { GpMessageChannel, GpMessageStatus, GpMessageTrigger, GpSummaryContent } from './schema';

/** One summary for the patient's GP practice: prepared in the transaction of the change that calls for it; its content is gathered on read and frozen when sent. */
export interface GpMessageRecord {
  messageId: string;
  patientId: string;
  navigator?: string;
  referralId: string;
  prescriptionId?: string;
  followUpId?: string;
  trigger: GpMessageTrigger;
  practiceCode: string;
  status: GpMessageStatus;
  preparedAt: string;
  preparedBy: string;
  sentAt?: string;
  sentBy?: string;
  sentVia?: GpMessageChannel;
  sentReference?: string;
  /** What was sent, exactly: set with `sent`, and read instead of the record from then on. */
  content?: GpSummaryContent;
  version: number;
}

// The rule is the patient record's (the patient's answer carries it too); the outbox prepares by it.
export { gpSummaryBlock };
export type { GpSummaryBlock };

/** The message an event prepares, or why none is. */
export function newGpMessage(event: GpSummaryEvent, { clock, ids }: { clock: Clock; ids: IdSource }): { ok: true; message: GpMessageRecord } | { ok: false; block: GpSummaryBlock } {
  const block = gpSummaryBlock(event.patient);
  if (block) return { ok: false, block };
  return {
    ok: true,
    message: {
      messageId: ids.next(),
      patientId: event.patient.patientId,
      ...(event.patient.navigator ? { navigator: event.patient.navigator } : {}),
      referralId: event.referralId,
      ...(event.prescriptionId ? { prescriptionId: event.prescriptionId } : {}),
      ...(event.followUpId ? { followUpId: event.followUpId } : {}),
      trigger: event.trigger,
      practiceCode: event.patient.gpPracticeCode!,
      status: 'ready',
      preparedAt: clock.now().toISOString(),
      preparedBy: event.by,
      version: 1,
    },
  };
}

/**
 * Closing a referral as `completed` after its follow-up already prepared a summary would tell the
 * practice the same thing twice: the close adds nothing, so it prepares none.
 */
export function closeRepeatsFollowUp(existing: readonly Pick<GpMessageRecord, 'referralId' | 'trigger'>[], referralId: string, endReason: string | undefined): boolean {
  return endReason === 'completed' && existing.some((m) => m.referralId === referralId && m.trigger === 'follow_up_completed');
}

export type MarkSent = { kind: 'sent'; after: GpMessageRecord } | { kind: 'already_sent'; sentAt: string };

export function markSent(
  before: GpMessageRecord,
  content: GpSummaryContent,
  how: { via: GpMessageChannel; reference?: string | undefined },
  by: string,
  now: Date,
): MarkSent {
  if (before.status === 'sent') return { kind: 'already_sent', sentAt: before.sentAt ?? '' };
  return {
    kind: 'sent',
    after: {
      ...before,
      status: 'sent',
      sentAt: now.toISOString(),
      sentBy: by,
      sentVia: how.via,
      ...(how.reference ? { sentReference: how.reference } : {}),
      content,
      version: before.version + 1,
    },
  };
}

/** Everything the summary is gathered from, as read. */
export interface GpSummarySources {
  patient: PatientRecord;
  referral: ReferralView;
  prescription?: PrescriptionRecord | undefined;
  activities: { name: string; provider: string; category: string }[];
  baseline?: AssessmentRecord | undefined;
  followUp?: AssessmentRecord | undefined;
}

/** The summary's content, from the record as it stands. */
export function gatherContent(message: GpMessageRecord, sources: GpSummarySources): GpSummaryContent {
  const { patient, referral, prescription, baseline, followUp } = sources;
  const measures = (a: AssessmentRecord | undefined) =>
    a
      ? {
          assessmentId: a.assessmentId,
          recordedAt: a.recordedAt,
          ons4: { satisfied: a.ons4.satisfied, worthwhile: a.ons4.worthwhile, happy: a.ons4.happy, anxious: a.ons4.anxious },
          ...(a.swemwbs ? { swemwbsMetric: a.swemwbs.metricScore } : {}),
        }
      : undefined;
  const baselineMeasures = measures(baseline);
  const followUpMeasures = measures(followUp);
  return {
    messageId: message.messageId,
    trigger: message.trigger,
    preparedAt: message.preparedAt,
    practiceCode: message.practiceCode,
    ...(patient.gpPractice && patient.gpPracticeCode === message.practiceCode ? { practiceName: patient.gpPractice } : {}),
    patient: {
      ...(patient.nhsNumber ? { nhsNumber: patient.nhsNumber } : {}),
      givenName: patient.givenName,
      familyName: patient.familyName,
      dateOfBirth: patient.dateOfBirth,
    },
    referral: {
      referralId: referral.referralId,
      receivedAt: referral.createdAt,
      source: referral.source,
      reasons: referral.reasons,
      status: referral.status,
      ...(referral.endReason ? { endReason: referral.endReason } : {}),
      ...(referral.endedAt ? { endedAt: referral.endedAt } : {}),
    },
    ...(prescription
      ? {
          support: {
            prescriptionId: prescription.prescriptionId,
            status: prescription.status,
            startDate: prescription.startDate,
            endDate: prescription.endDate,
            weeks: prescription.weeks,
            goals: prescription.goals,
            sessionsAttended: prescription.sessionsAttended,
            activities: sources.activities,
          },
        }
      : {}),
    outcomes: { ...(baselineMeasures ? { baseline: baselineMeasures } : {}), ...(followUpMeasures ? { followUp: followUpMeasures } : {}) },
  };
}

