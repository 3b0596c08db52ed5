import { normaliseCardId } from '../cards/rules';
import type { Principal } from '../platform/auth';
import type { Clock } from '../platform/clock';
import { ApiError, errorBody } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { decideScan, doorCounts, rejectionMessage, type RejectionReason } from './rules';
import type { ScanInput } from './schema';
import type { ScanRecord, ScanStore } from './store';

type ProviderPrincipal = Extract<Principal, { role: 'provider' }>;

/** What POST /v1/scans answers: the HTTP status and its body. The batch route gives one per scan. */
export interface ScanAnswer {
  httpStatus: 200 | 201 | 409 | 422;
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

  async scan(principal: ProviderPrincipal, input: ScanInput): Promise<ScanAnswer> {
    const cardId = normaliseCardId(input.cardId);
    const scannedAt = new Date(input.scannedAt);
    for (let attempt = 1; attempt <= SCAN_ATTEMPTS; attempt++) {
      const reads = await this.store.read({ scanId: input.scanId, cardId, venueId: input.venueId, activityId: input.activityId, providerId: principal.providerId });
      if (reads.existing) return this.repeated(reads.existing, principal);

      const now = this.clock.now();
      const decision = decideScan({
        providerId: principal.providerId,
        provider: reads.provider,
        venue: reads.venue,
        activityRequested: input.activityId !== undefined,
        activity: reads.activity,
        card: reads.card,
        prescription: reads.prescription,
        scannedAt,
        now,
      });
      if (decision.outcome === 'rejected') return this.rejected(input.scanId, decision.reason, reads.card);

      const { prescription, day } = decision;
      const sessionsAttended = prescription.sessionsAttended + 1;
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
        ...doorCounts(prescription, sessionsAttended, day),
      };
      const place = reads.activity ? reads.activity.activityId : `VENUE-${input.venueId}`;
      const outcome = await this.store.record(scan, place, decision.cardMustStillBeActive);
      switch (outcome.kind) {
        case 'recorded':
          this.logger.info('scan', { scanId: scan.scanId, providerId: scan.providerId, outcome: 'accepted' });
          return { httpStatus: 201, body: { status: 'accepted', ...doorView(scan) } };
        case 'duplicate_same_day':
          this.logger.info('scan', { scanId: scan.scanId, providerId: scan.providerId, outcome: 'duplicate' });
          return {
            httpStatus: 200,
            body: { status: 'duplicate', ...doorView({ ...scan, ...doorCounts(prescription, prescription.sessionsAttended, day) }) },
          };
        case 'duplicate_scan_id': {
          const existing = await this.store.getScan(input.scanId);
          if (existing) return this.repeated(existing, principal);
          break; // vanished? read again
        }
        default:
          // The prescription or card changed, or another transaction held the items: decide again on fresh reads.
          break;
      }
    }
    throw new ApiError(503, 'busy', 'The scan could not be recorded just now; it was not counted. Send it again.');
  }

  /** The same scanId again: the original answer, as a duplicate — unless another provider's device sent it. */
  private repeated(existing: ScanRecord, principal: ProviderPrincipal): ScanAnswer {
    if (existing.providerId !== principal.providerId) {
      return { httpStatus: 409, body: errorBody(new ApiError(409, 'scan_id_in_use', 'This scanId was used by another device; make a new one.')) };
    }
    this.logger.info('scan', { scanId: existing.scanId, providerId: existing.providerId, outcome: 'duplicate' });
    return { httpStatus: 200, body: { status: 'duplicate', ...doorView(existing) } };
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
