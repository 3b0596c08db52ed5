import { Temporal } from 'temporal-polyfill';
import type { AssessmentStore } from '#shared/assessments/store';
import type { FollowUpRecord } from '#shared/followups/rules';
import type { FollowUpStore } from '#shared/followups/store';
import type { ReferralRecord } from '#shared/patients/rules';
import { inParallel } from '#shared/platform/parallel';
import type { DeprivationLookup } from '#shared/patients/ports';
import { effectiveImdDecile, needsDeprivationLookup } from '#shared/patients/rules';
import type { ExportDemographics, PatientStore } from '#shared/patients/store';
import { START_DATE_WINDOW, type PrescriptionRecord } from '#shared/prescriptions/rules';
import type { PrescriptionStore } from '#shared/prescriptions/store';
import type { AttendanceDay, ScanStore } from '#shared/scans/store';
import type { CohortPrescription, PeriodFollowUp, ReferralJourney, WellbeingScores } from './programme';
import { episodePrescription, ledToPrescription, type PrescriptionStart } from './rules';

/** How many patients' partitions are read at once. */
const PATIENT_READS_IN_FLIGHT = 8;

/** How many follow-ups one page of a follow-up list read asks for. */
const FOLLOW_UP_PAGE = 250;

/**
 * An assessment as the outcomes export reads it: its scores and, beyond what the programme report
 * uses, when it was recorded and its other answers — never its notes.
 */
export interface CohortAssessment extends WellbeingScores {
  recordedAt: string;
  /** The seven SWEMWBS answers (1–5) in the questionnaire's order, when it was asked. */
  swemwbsItems?: number[];
  activeDays?: number;
  selfCareConfidence?: number;
}

/** What a cohort row carries beyond the report's numbers: enough for the outcomes export. */
export interface CohortMember extends CohortPrescription {
  weeks: number;
  endDate: string;
  /** When it was written: which of the patient's referrals it belongs to. */
  createdAt: string;
  /** Why it was withdrawn, when a reason was recorded (a code). */
  withdrawalReason?: PrescriptionRecord['withdrawalReason'];
  baseline?: CohortAssessment;
  followUpScores?: CohortAssessment;
}

/**
 * What the reports read. The reports own no items: each read is made by the store that owns
 * the items (attendance days by the scans, the cohort by the prescriptions, and so on), and
 * every one of them is a Query on a key or a BatchGetItem — never a Scan. None reads the scans
 * themselves: attendance comes from the attendance days the scan transaction keeps, the
 * programme's cohort from the reporting index (GSI3).
 */
export class ReportStore {
  constructor(
    private readonly owners: {
      scans: ScanStore;
      patients: PatientStore;
      prescriptions: PrescriptionStore;
      followUps: FollowUpStore;
      assessments: AssessmentStore;
      /** The IMD decile of a postcode, for a person with none recorded (decision 89; absent: none is looked up). */
      deprivation?: DeprivationLookup;
    },
  ) {}

  /** One provider's attendance days on London days from..to, a page at a time (oldest first). */
  attendanceDays(providerId: string, from: string, to: string): AsyncGenerator<AttendanceDay[]> {
    return this.owners.scans.attendanceDays(providerId, from, to);
  }

  /** The ids of a navigator's caseload. */
  caseload(navigator: string): Promise<Set<string>> {
    return this.owners.patients.caseloadIds(navigator);
  }

  /**
   * Referrals received on London days from..to (the reporting index, GSI3), each with its journey:
   * status, end reason, first contact, and — for those that led to a prescription — the episode's
   * first prescription's start date and first attended day. Those come from the prescriptions'
   * reporting index (one paged Query over the start dates an episode's prescriptions can have) and
   * one BatchGetItem round of their counters per 100; referrals that never reached a prescription
   * cost nothing more. `include` narrows it (a navigator's caseload).
   */
  async referralJourneys(
    from: string,
    to: string,
    include: (patientId: string) => boolean,
    today: string,
  ): Promise<(ReferralJourney & { patientId: string })[]> {
    const received = (await this.owners.patients.referralsReceived(from, to)).filter((r) => include(r.patientId));
    const prescribed = new Set(received.filter(ledToPrescription).map((r) => r.patientId));
    // An episode received from `from` on has prescriptions written from then on, each starting within
    // START_DATE_WINDOW of its writing (and so of today at the latest): the reporting index over those
    // start dates holds them all — one paged Query, instead of one Query per prescribed patient.
    const starts = new Map<string, PrescriptionStart[]>();
    if (prescribed.size > 0) {
      const low = Temporal.PlainDate.from(from).subtract({ days: START_DATE_WINDOW.pastDays }).toString();
      const high = Temporal.PlainDate.from(today).add({ days: START_DATE_WINDOW.futureDays + 1 }).toString();
      for await (const page of this.owners.prescriptions.startedBetween(low, high)) {
        for (const p of page) {
          if (!prescribed.has(p.patientId)) continue;
          const mine = starts.get(p.patientId) ?? [];
          mine.push({ prescriptionId: p.prescriptionId, createdAt: p.createdAt, startDate: p.startDate });
          starts.set(p.patientId, mine);
        }
      }
    }
    const firsts = received.map((r) => ({ referral: r, first: ledToPrescription(r) ? episodePrescription(r, starts.get(r.patientId) ?? []) : undefined }));
    const counters = await this.owners.prescriptions.attendanceCounters(
      firsts.flatMap(({ referral, first }) => (first ? [{ patientId: referral.patientId, prescriptionId: first.prescriptionId }] : [])),
    );
    return firsts.map(({ referral: r, first }) => {
      const firstAttendedOn = first ? counters.get(first.prescriptionId)?.firstAttendedOn : undefined;
      return {
        patientId: r.patientId,
        source: r.source,
        status: r.status,
        ...(r.endReason ? { endReason: r.endReason } : {}),
        receivedAt: r.createdAt,
        ...(r.acceptedAt || r.prescribedAt ? { firstContactAt: (r.acceptedAt ?? r.prescribedAt)! } : {}),
        ...(first ? { prescriptionStart: first.startDate } : {}),
        ...(firstAttendedOn ? { firstAttendedOn } : {}),
      };
    });
  }

  /**
   * Each patient's referrals (episodes), for the outcomes export to name the referral a prescription
   * belongs to: one Query of each patient's partition, 8 at a time.
   */
  async episodesOf(patientIds: readonly string[]): Promise<Map<string, ReferralRecord[]>> {
    const found = new Map<string, ReferralRecord[]>();
    await inParallel([...new Set(patientIds)], PATIENT_READS_IN_FLIGHT, async (patientId) => {
      found.set(patientId, await this.owners.patients.episodes(patientId));
    });
    return found;
  }

  /**
   * Date of birth, postcode, evaluation decision and demographics of each patient, for a pseudonymised
   * export: nothing else. The IMD decile is the one recorded, or else the postcode's (decision 89), as
   * the patient's record answers it.
   */
  async demographics(patientIds: string[]): Promise<Map<string, ExportDemographics>> {
    const found = await this.owners.patients.demographics(patientIds);
    const { deprivation } = this.owners;
    if (!deprivation) return found;
    for (const [patientId, person] of found) {
      if (!needsDeprivationLookup(person)) continue;
      const imdDecile = effectiveImdDecile(undefined, await deprivation.decileFor(person.postcode));
      if (imdDecile !== undefined) found.set(patientId, { ...person, imdDecile });
    }
    return found;
  }

  /**
   * The follow-ups the programme report counts by their own dates: every one due now and every
   * completed one, read from the follow-ups' status lists (GSI2 `FOLLOWUPS#<status>`, or a
   * navigator's GSI1 lists), earliest due first, all pages — Queries, never a Scan. The completed
   * list is read whole: a follow-up can be completed any time after it fell due (or up to a whole
   * prescription early), so no due-time bound would be safe; the cost grows with completed
   * follow-ups (≈ 0.5 RRU per 4 KB, about 8 per RRU). `include` narrows it (a navigator's caseload).
   */
  async followUpsForPeriod(scope: { navigator?: string | undefined; include: (patientId: string) => boolean }): Promise<PeriodFollowUp[]> {
    const found: PeriodFollowUp[] = [];
    for (const status of ['due', 'completed'] as const) {
      let cursor: string | undefined;
      do {
        const page = await this.owners.followUps.list({ navigator: scope.navigator, status }, { limit: FOLLOW_UP_PAGE, cursor });
        for (const f of page.items) {
          if (!scope.include(f.patientId)) continue;
          found.push({ status: f.status, dueAt: f.dueAt, ...(f.completedAt ? { completedAt: f.completedAt } : {}) });
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
    return found;
  }

  /**
   * The cohort: prescriptions started on London days from..to, a page of the reporting index at a
   * time, each with its count, its follow-up and its paired assessments — three BatchGetItem
   * rounds per page, whatever the number of scans. `include` narrows it (a navigator's caseload).
   */
  async *cohort(from: string, to: string, include: (patientId: string) => boolean = () => true): AsyncGenerator<CohortMember[]> {
    for await (const page of this.owners.prescriptions.startedBetween(from, to)) {
      const prescriptions = page.filter((p) => include(p.patientId));
      if (prescriptions.length > 0) yield await this.withOutcomes(prescriptions);
    }
  }

  private async withOutcomes(prescriptions: PrescriptionRecord[]): Promise<CohortMember[]> {
    const { prescriptions: prescriptionStore, followUps: followUpStore, assessments: assessmentStore } = this.owners;
    const [counters, followUps] = await Promise.all([
      prescriptionStore.attendanceCounters(prescriptions),
      followUpStore.many(prescriptions.flatMap((p) => (p.followUpId ? [{ patientId: p.patientId, followUpId: p.followUpId }] : []))),
    ]);
    const followUpOf = (p: PrescriptionRecord): FollowUpRecord | undefined => (p.followUpId ? followUps.get(p.followUpId) : undefined);
    // The baseline paired with a follow-up is the patient's latest when it was completed; before
    // that, the one they had when the prescription was written.
    const baselineIdOf = (p: PrescriptionRecord) => followUpOf(p)?.baselineAssessmentId ?? p.baselineAssessmentId;
    const assessments = await assessmentStore.many(
      prescriptions.flatMap((p) =>
        [followUpOf(p)?.assessmentId, baselineIdOf(p)].flatMap((assessmentId) => (assessmentId ? [{ patientId: p.patientId, assessmentId }] : [])),
      ),
    );
    const scoresOf = (assessmentId: string | undefined): CohortAssessment | undefined => {
      const assessment = assessmentId ? assessments.get(assessmentId) : undefined;
      if (!assessment) return undefined;
      return {
        ons4: assessment.ons4,
        ...(assessment.swemwbs ? { swemwbsMetric: assessment.swemwbs.metricScore, swemwbsItems: assessment.swemwbs.items } : {}),
        recordedAt: assessment.recordedAt,
        ...(assessment.activeDays !== undefined ? { activeDays: assessment.activeDays } : {}),
        ...(assessment.selfCareConfidence !== undefined ? { selfCareConfidence: assessment.selfCareConfidence } : {}),
      };
    };

    return prescriptions.map((p) => {
      const followUp = followUpOf(p);
      const baseline = scoresOf(baselineIdOf(p));
      const followUpScores = scoresOf(followUp?.assessmentId);
      return {
        prescriptionId: p.prescriptionId,
        patientId: p.patientId,
        status: p.status,
        startDate: p.startDate,
        weeks: p.weeks,
        endDate: p.endDate,
        createdAt: p.createdAt,
        ...(p.withdrawalReason ? { withdrawalReason: p.withdrawalReason } : {}),
        categories: p.categories ?? [],
        sessionsAttended: counters.get(p.prescriptionId)?.sessionsAttended ?? 0,
        ...(followUp
          ? { followUp: { status: followUp.status, dueAt: followUp.dueAt, ...(followUp.completedAt ? { completedAt: followUp.completedAt } : {}) } }
          : {}),
        ...(baseline ? { baseline } : {}),
        ...(followUpScores ? { followUpScores } : {}),
      };
    });
  }
}
