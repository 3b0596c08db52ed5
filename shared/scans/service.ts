import { normaliseCardId } from '../cards/rules';
import type { Principal } from '../platform/auth';
import type { Clock } from '../platform/clock';
import { ApiError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { decideScan, doorCounts, doorRejection, rejectionMessage, type RejectionReason } from './rules';
import type { ScanInput } from './schema';
import type { ScanRecord, ScanStore } from './store';
import { londonDate } from '../platform/london';
import type { PrescriptionRecord } from '../prescriptions/rules';

type ProviderPrincipal = Extract<Principal, { role: 'provider' }>;

/** What POST /v1/scans answers: the HTTP status and its body. The batch route gives one per scan. */
export interface ScanAnswer {
  httpStatus: 200 | 201 | 422;
  body: object;
}

/** How often a scan is re-read and re-decided when its write met a concurrent change. */
export const SCAN_ATTEMPTS = 3;

/**
 * Records a card scan: read what eligibility needs, decide (a pure function), write all or
 * nothing, and turn the outcome into the answer for the door. A retry of the same scanId, or a
 * second scan of the same person at the same place on the same day, is a duplicate: never
 * counted twice, never an error.
 */
export class ScanService {
  constructor(private readonly store: ScanStore, private readonly clock: Clock, private readonly logger: Logger) {}

  async recordScan(principal: ProviderPrincipal, input: ScanInput): Promise<ScanAnswer> {
    const cardId = normaliseCardId(input.cardId);
    const scannedAt = new Date(input.scannedAt);
    const day = londonDate(scannedAt);
    const place = input.activityId ?? `VENUE-${input.venueId}`;
    for (let attempt = 1; attempt <= SCAN_ATTEMPTS; attempt++) {
      const reads = await this.store.read({ cardId, venueId: input.venueId, activityId: input.activityId, providerId: principal.providerId });
      const holder = reads.card ? await this.store.readHolder(reads.card.patientId, place, day) : {};
      const now = this.clock.now();
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
      const refused = doorRejection(facts);
      if (refused) return this.rejected(input.scanId, refused, reads.card);
      // Already recorded for this person, place and day: a retry gets its original answer, a
      // second scan the current counts — either way a duplicate, never counted again. (The
      // recorded attendance proves the prescription was active then, so it is not re-checked.)
      if (holder.recorded) {
        if (holder.recorded.providerId !== principal.providerId) return this.rejected(input.scanId, 'venue_not_yours', reads.card);
        return this.duplicate(holder.recorded, input.scanId, holder.prescription);
      }

      const decision = decideScan({ ...facts, prescription: holder.prescription });
      if (decision.outcome === 'rejected') return this.rejected(input.scanId, decision.reason, reads.card);

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
        return { httpStatus: 201, body: { status: 'accepted', ...doorView(scan) } };
      }
      // Recorded meanwhile (a concurrent duplicate), or the prescription changed, or another
      // transaction held the items: read again and answer from what is there now.
    }
    throw new ApiError(503, 'busy', 'The scan could not be recorded just now; it was not counted. Send it again.');
  }

  /** The answer to a scan whose person, place and day are already recorded. */
  private duplicate(recorded: ScanRecord, scanId: string, prescription: PrescriptionRecord | undefined): ScanAnswer {
    this.logger.info('scan', { scanId, providerId: recorded.providerId, outcome: 'duplicate' });
    const counts =
      recorded.scanId === scanId || !prescription
        ? recorded
        : { ...recorded, ...doorCounts(prescription, prescription.sessionsAttended, recorded.day) };
    return { httpStatus: 200, body: { status: 'duplicate', ...doorView({ ...counts, scanId }) } };
  }

  private rejected(scanId: string, reason: RejectionReason, card: ScanRecordCard): ScanAnswer {
    const message = rejectionMessage(reason, card);
    this.logger.info('scan', { scanId, outcome: 'rejected', reason });
    return { httpStatus: 422, body: { status: 'rejected', scanId, reason, message, error: { code: reason, message } } };
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
