import { answerOf, plural, type ScanOutcome } from './result';

/**
 * The offline queue's rules, with no storage and no network (both live in the page): what a
 * scan looks like on the wire and in the queue, which batch results leave the queue, and the
 * words the screen uses about it.
 */

/** A scan exactly as POST /v1/scans takes it: made on the device at the moment of scanning. */
export interface ScanInput {
  scanId: string;
  cardId: string;
  venueId: string;
  activityId?: string;
  scannedAt: string;
}

/** A scan kept on the device because it could not be sent: the scan itself, plus when it was kept. */
export interface QueuedScan extends ScanInput {
  queuedAt: string;
}

/**
 * A version-4 UUID from 16 random bytes, for browsers without `crypto.randomUUID` (it exists only
 * in secure contexts: a scanner opened over plain http on a local network still needs scan ids).
 */
export function uuidV4FromBytes(bytes: Uint8Array): string {
  if (bytes.length < 16) throw new RangeError('need 16 random bytes');
  const b = Array.from(bytes.slice(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = b.map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The most scans POST /v1/scans/batch takes at once. */
export const BATCH_LIMIT = 100;

/** The scan for the wire: exactly its five fields (no `activityId` key when there is none). */
export function toWire(scan: ScanInput): ScanInput {
  const wire: ScanInput = { scanId: scan.scanId, cardId: scan.cardId, venueId: scan.venueId, scannedAt: scan.scannedAt };
  if (scan.activityId) wire.activityId = scan.activityId;
  return wire;
}

export function toQueued(scan: ScanInput, now: Date): QueuedScan {
  return { ...toWire(scan), queuedAt: now.toISOString() };
}

/** Oldest first: by when each was queued, then when it was scanned, then its id (a stable order). */
export function oldestFirst(scans: QueuedScan[]): QueuedScan[] {
  return [...scans].sort(
    (a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.scannedAt.localeCompare(b.scannedAt) || a.scanId.localeCompare(b.scanId),
  );
}

export interface BatchResult {
  httpStatus: number;
  body: unknown;
}

export interface Settled {
  /** Answered for good (201, 200, 422, 400): remove from the queue, never send again. */
  answered: { scan: QueuedScan; outcome: ScanOutcome }[];
  /** Not taken (503, or anything unexpected, or no result for it): keep for the next try. */
  kept: QueuedScan[];
  /** A result said the token was refused: the device must sign in again before the rest go. */
  signedOut: boolean;
}

/**
 * Pairs the batch's results with the scans sent (one result per scan, in order) and sorts them
 * into answered and kept. A result whose body names a different scanId is not trusted to answer
 * this scan: the scan is kept (the server is idempotent by scanId, so sending it again is safe).
 */
export function settle(sent: QueuedScan[], results: BatchResult[]): Settled {
  const settled: Settled = { answered: [], kept: [], signedOut: false };
  sent.forEach((scan, index) => {
    const result = results[index];
    if (!result) {
      settled.kept.push(scan);
      return;
    }
    const namedId = (result.body as { scanId?: unknown } | null | undefined)?.scanId;
    if (typeof namedId === 'string' && namedId !== scan.scanId) {
      settled.kept.push(scan);
      return;
    }
    const answer = answerOf(result.httpStatus, result.body);
    if (answer.kind === 'final') settled.answered.push({ scan, outcome: answer.outcome });
    else {
      if (answer.kind === 'signed-out') settled.signedOut = true;
      settled.kept.push(scan);
    }
  });
  return settled;
}

export interface SendCounts {
  accepted: number;
  duplicate: number;
  /** Rejected (422) and invalid (400) alike: not counted as attendance. */
  notAccepted: number;
}

export function countOutcomes(outcomes: ScanOutcome[]): SendCounts {
  const counts: SendCounts = { accepted: 0, duplicate: 0, notAccepted: 0 };
  for (const outcome of outcomes) {
    if (outcome.kind === 'accepted') counts.accepted++;
    else if (outcome.kind === 'duplicate') counts.duplicate++;
    else if (outcome.kind === 'rejected' || outcome.kind === 'invalid') counts.notAccepted++;
  }
  return counts;
}

/** "Sent 3 saved scans: 2 accepted, 1 not accepted" — or nothing when none was answered. */
export function sentSummary(counts: SendCounts): string | undefined {
  const total = counts.accepted + counts.duplicate + counts.notAccepted;
  if (total === 0) return undefined;
  const parts = [
    counts.accepted ? `${counts.accepted} accepted` : '',
    counts.duplicate ? `${counts.duplicate} already recorded` : '',
    counts.notAccepted ? `${counts.notAccepted} not accepted` : '',
  ].filter(Boolean);
  return `Sent ${plural(total, 'saved scan', 'saved scans')}: ${parts.join(', ')}`;
}

/** "3 scans waiting to send", "1 scan waiting to send"; nothing when the queue is empty. */
export function waitingText(count: number): string | undefined {
  return count > 0 ? `${plural(count, 'scan', 'scans')} waiting to send` : undefined;
}
