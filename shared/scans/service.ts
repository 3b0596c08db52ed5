import { normaliseCardId } from '#shared/cards/rules';
import { deviceRefused, lastSeenDue } from '#shared/devices/rules';
import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { Logger } from '#shared/platform/logger';
import type { FieldIssue } from '#shared/platform/errors';
import { attendanceRangeIssues, decideForHolder, doorCounts, doorRejection, rejectionMessage, type NoPrescriptionWhy, type RejectionReason } from './rules';
import type { AcceptedScanView, DuplicateScanView, ProviderAttendanceView, RejectedScanView, ScanInput } from './schema';
import type { ScanRecord, ScanStore } from './store';
import { londonDate } from '#shared/platform/london';
import type { PrescriptionRecord } from '#shared/prescriptions/rules';

type ProviderPrincipal = Extract<Principal, { role: 'provider' }>;

/** What a scan came to. The routes turn it into an HTTP answer; the batch route gives one per scan. */
export type ScanOutcome =
  | { kind: 'accepted'; answer: AcceptedScanView }
  | { kind: 'duplicate'; answer: DuplicateScanView }
  | { kind: 'rejected'; answer: RejectedScanView }
  /** Every attempt met a concurrent change: nothing was recorded; the device sends it again. */
  | { kind: 'busy' }
  /** The scanning device was revoked (or is not this provider's): nothing is recorded or said. */
  | { kind: 'device_revoked' };

/** What provider attendance asks the registry: passed in, so scans need not reach into it. */
export interface ProviderSessions {
  providerExists(providerId: string): Promise<boolean>;
}

/** Devices' last-seen times, kept by the devices capability: written at most hourly, never per scan. */
export interface DeviceSightings {
  touch(deviceId: string, now: Date): Promise<void>;
}

export type AttendanceOutcome =
  | { kind: 'not_found'; what: 'Provider' }
  | { kind: 'forbidden'; message: string }
  | { kind: 'invalid'; issues: FieldIssue[] }
  | { kind: 'counted'; attendance: ProviderAttendanceView };

/** How often a scan is re-read and re-decided when its write met a concurrent change. */
export const SCAN_ATTEMPTS = 3;

/**
 * After a write cancelled by a concurrent transaction (`TransactionConflict`: another scan at the
 * same session held its attendance day), the next attempt waits first — 50–100 ms before the
 * second, 100–200 ms before the third — so the attempts outlast the transaction holding the item
 * instead of landing inside it, and two scans that met do not meet again. Back-to-back attempts
 * spanned about one transaction's time (decision 30; the model is test/shared/scans/busy-session.ts).
 */
export const CONFLICT_BACKOFF_MS = 100;

/** The pause before attempt `attempt + 1`, for `random` in [0, 1): equal jitter, doubling. */
export function conflictBackoffMs(attempt: number, random: number): number {
  const ceiling = CONFLICT_BACKOFF_MS * 2 ** (attempt - 1);
  return ceiling / 2 + (random * ceiling) / 2;
}

/** How ScanService waits between attempts: real timers, injected so a model can run in virtual time. */
export interface RetryPause {
  sleep(ms: number): Promise<void>;
  random(): number;
}

const realPause: RetryPause = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Records a card scan: read what eligibility needs, decide (a pure function), write all or
 * nothing, and turn the outcome into the answer for the door. A retry of the same scanId, or a
 * second scan of the same person at the same place on the same day, is a duplicate: never
 * counted twice, never an error.
 */
export class ScanService {
  constructor(
    private readonly store: ScanStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly sessions: ProviderSessions,
    private readonly sightings: DeviceSightings,
    private readonly pause: RetryPause = realPause,
  ) {}

  /**
   * A provider's sessions from..to (London days, at most MAX_ATTENDANCE_DAYS), as counts by day
   * and place: never who came. Provider staff and devices read their own provider's only.
   */
  async providerAttendance(
    principal: Principal,
    providerId: string,
    query: { from: string; to: string; activityId?: string | undefined },
  ): Promise<AttendanceOutcome> {
    if (principal.role === 'provider' && principal.providerId !== providerId) {
      return { kind: 'forbidden', message: 'A provider may only read its own attendance.' };
    }
    const { from, to, activityId } = query;
    const issues = attendanceRangeIssues(from, to);
    if (issues.length > 0) return { kind: 'invalid', issues };
    if (!(await this.sessions.providerExists(providerId))) return { kind: 'not_found', what: 'Provider' };
    const rows: ProviderAttendanceView['rows'] = [];
    for await (const page of this.store.attendanceDays(providerId, from, to)) {
      for (const day of page) {
        if (activityId && day.activityId !== activityId) continue;
        const attendances = day.patients.size;
        rows.push({
          day: day.day,
          venueId: day.venueId,
          ...(day.activityId ? { activityId: day.activityId } : {}),
          ...(day.activityName ? { activityName: day.activityName } : {}),
          attendances,
          onPrescription: attendances - (day.offPrescription?.size ?? 0),
        });
      }
    }
    const total = rows.reduce((sum, row) => sum + row.attendances, 0);
    return { kind: 'counted', attendance: { providerId, from, to, total, rows } };
  }

  async recordScan(principal: ProviderPrincipal, input: ScanInput): Promise<ScanOutcome> {
    const cardId = normaliseCardId(input.cardId);
    const scannedAt = new Date(input.scannedAt);
    const day = londonDate(scannedAt);
    const place = input.activityId ?? `VENUE-${input.venueId}`;
    for (let attempt = 1; attempt <= SCAN_ATTEMPTS; attempt++) {
      const reads = await this.store.read({
        cardId,
        venueId: input.venueId,
        activityId: input.activityId,
        providerId: principal.providerId,
        deviceId: principal.deviceId,
      });
      const now = this.clock.now();
      // A revoked device is refused at once, before anything is checked or said: the device item
      // came in the same BatchGetItem, so this costs no extra round trip.
      if (deviceRefused(principal, reads.device)) {
        this.logger.info('scan', { scanId: input.scanId, outcome: 'device_revoked', deviceId: principal.deviceId });
        return { kind: 'device_revoked' };
      }
      if (reads.device && lastSeenDue(reads.device, now)) await this.sightings.touch(reads.device.deviceId, now);
      const facts = {
        providerId: principal.providerId,
        provider: reads.provider,
        venue: reads.venue,
        activityRequested: input.activityId !== undefined,
        activity: reads.activity,
        card: reads.card,
        scannedAt,
        now,
      };
      // A scan that fails the door's checks is refused before anything is said about what was
      // recorded, so no provider learns of another's attendance from a duplicate answer.
      // The door's checks need only the first read, so a refused scan costs one round trip.
      const refused = doorRejection(facts);
      if (refused || !reads.card) return this.rejected(input.scanId, refused ?? 'unknown_card', reads.card);
      const holder = await this.store.readHolder(reads.card.patientId, place, day);
      // Already recorded for this person, place and day: a retry gets its original answer, a
      // second scan the current counts — either way a duplicate, never counted again. (The
      // recorded attendance proves the prescription was active then, so it is not re-checked.)
      if (holder.recorded) {
        if (holder.recorded.providerId !== principal.providerId) return this.rejected(input.scanId, 'venue_not_yours', reads.card);
        return this.duplicate(holder.recorded, input.scanId, holder.prescription);
      }

      const decision = decideForHolder({ ...facts, card: reads.card, prescription: holder.prescription });
      if (decision.outcome === 'rejected') return this.rejected(input.scanId, decision.reason, reads.card, decision.why);

      const { prescription } = decision;
      const scan: ScanRecord = {
        scanId: input.scanId,
        providerId: principal.providerId,
        venueId: input.venueId,
        ...(reads.activity ? { activityId: reads.activity.activityId, activityName: reads.activity.name, category: reads.activity.category } : {}),
        cardId,
        patientId: decision.patientId,
        prescriptionId: prescription.prescriptionId,
        scannedAt: scannedAt.toISOString(),
        day,
        recordedAt: now.toISOString(),
        onPrescription: decision.onPrescription,
        ...doorCounts(prescription, prescription.sessionsAttended + 1, day),
      };
      const outcome = await this.store.record(scan, place);
      if (outcome.kind === 'recorded') {
        this.logger.info('scan', { scanId: scan.scanId, providerId: scan.providerId, outcome: 'accepted' });
        return { kind: 'accepted', answer: { status: 'accepted', ...doorView(scan) } };
      }
      // Recorded meanwhile (a concurrent duplicate), or the prescription changed, or another
      // transaction held the items: read again and answer from what is there now — after a
      // conflict, once that transaction has had time to finish.
      if (outcome.kind === 'conflict' && attempt < SCAN_ATTEMPTS) await this.pause.sleep(conflictBackoffMs(attempt, this.pause.random()));
    }
    return { kind: 'busy' };
  }

  /** The answer to a scan whose person, place and day are already recorded. */
  private duplicate(recorded: ScanRecord, scanId: string, prescription: PrescriptionRecord | undefined): ScanOutcome {
    this.logger.info('scan', { scanId, providerId: recorded.providerId, outcome: 'duplicate' });
    // The counter and the attendance are read side by side, not as one snapshot: a scan of the
    // same card committed between the two reads shows as recorded while the count read is still
    // the one before it. A prescription's count only grows, so the larger of the two is current.
    const count =
      prescription && prescription.prescriptionId === recorded.prescriptionId
        ? Math.max(prescription.sessionsAttended, recorded.sessionsAttended)
        : prescription?.sessionsAttended;
    const counts =
      recorded.scanId === scanId || !prescription || count === undefined
        ? recorded
        : { ...recorded, ...doorCounts(prescription, count, recorded.day) };
    return { kind: 'duplicate', answer: { status: 'duplicate', ...doorView({ ...counts, scanId }) } };
  }

  private rejected(scanId: string, reason: RejectionReason, card: ScanRecordCard, why?: NoPrescriptionWhy): ScanOutcome {
    const message = rejectionMessage(reason, card, why);
    this.logger.info('scan', { scanId, outcome: 'rejected', reason });
    return { kind: 'rejected', answer: { status: 'rejected', scanId, reason, message, error: { code: reason, message } } };
  }
}

type ScanRecordCard = Parameters<typeof rejectionMessage>[1];

/** What the door sees: counts and the activity, never who the person is. */
function doorView(scan: ScanRecord) {
  return {
    scanId: scan.scanId,
    sessionsAttended: scan.sessionsAttended,
    weeksRemaining: scan.weeksRemaining,
    ...(scan.activityName ? { activityName: scan.activityName } : {}),
    ...(scan.category ? { category: scan.category } : {}),
    onPrescription: scan.onPrescription,
  };
}
