import { BATCH_LIMIT, countOutcomes, settle, toWire, type BatchResult, type QueuedScan, type ScanInput, type SendCounts } from './queue-logic';
import type { ScanOutcome } from './result';

/**
 * Sends the offline queue, oldest first, in batches of up to 100, and takes out of the queue
 * exactly the scans the server answered. No DOM here: the page gives it the queue (IndexedDB),
 * the sender (POST /v1/scans/batch) and a cross-tab lock (Web Locks), and the tests give it fakes.
 *
 * Sent once: one send runs at a time in this page (a second call while one runs gets the same
 * promise and sends nothing), and, with the lock, in all of this device's tabs. A scan leaves
 * the queue only after the server has answered it, so a dropped connection mid-send means it is
 * sent again — and the server, idempotent by scanId, answers that retry as a duplicate.
 */
export interface QueueStore {
  /** The oldest `limit` queued scans, oldest first. */
  oldest(limit: number): Promise<QueuedScan[]>;
  remove(scanIds: string[]): Promise<void>;
  count(): Promise<number>;
}

export type BatchAnswer =
  /** The batch was answered (HTTP 200): one result per scan, in order. */
  | { kind: 'answered'; results: BatchResult[] }
  /** The token was refused (401): nothing sent; sign in again. */
  | { kind: 'signed-out' }
  /** No answer (offline, network error, 503, anything else): nothing sent; try later. */
  | { kind: 'unavailable' };

export type BatchSender = (scans: ScanInput[]) => Promise<BatchAnswer>;

/** Runs `task` holding the device-wide lock, or answers `undefined` at once if another tab holds it. */
export type DeviceLock = <T>(task: () => Promise<T>) => Promise<T | undefined>;

export const noLock: DeviceLock = (task) => task();

export interface SyncReport {
  /** Every scan the server answered in this run, oldest first, with what it came to. */
  answered: { scan: QueuedScan; outcome: ScanOutcome }[];
  counts: SendCounts;
  /** Why it stopped with scans still queued, if it did. */
  stopped?: 'signed-out' | 'unavailable' | 'busy' | 'locked';
  /** How many are still queued. */
  remaining: number;
}

export interface Syncer {
  /** Sends what is queued; while a send is running, answers that send's promise instead. */
  sync(): Promise<SyncReport>;
  readonly running: boolean;
}

/** How many batches one run sends at most (100 × 50 = 5,000 scans), so a run always ends. */
const MAX_BATCHES = 50;

export function createSyncer(store: QueueStore, send: BatchSender, lock: DeviceLock = noLock): Syncer {
  let inFlight: Promise<SyncReport> | undefined;

  async function run(): Promise<SyncReport> {
    const answered: SyncReport['answered'] = [];
    let stopped: SyncReport['stopped'];
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const pending = await store.oldest(BATCH_LIMIT);
      if (pending.length === 0) break;
      let answer: BatchAnswer;
      try {
        answer = await send(pending.map(toWire));
      } catch {
        answer = { kind: 'unavailable' };
      }
      if (answer.kind !== 'answered') {
        stopped = answer.kind;
        break;
      }
      const settled = settle(pending, answer.results);
      if (settled.answered.length > 0) await store.remove(settled.answered.map((entry) => entry.scan.scanId));
      answered.push(...settled.answered);
      if (settled.signedOut) {
        stopped = 'signed-out';
        break;
      }
      // Some were not taken (the server was busy): leave them for the next try, not a tight loop.
      if (settled.kept.length > 0) {
        stopped = 'busy';
        break;
      }
    }
    return { answered, counts: countOutcomes(answered.map((entry) => entry.outcome)), ...(stopped ? { stopped } : {}), remaining: await store.count() };
  }

  return {
    sync() {
      inFlight ??= (async () => {
        try {
          await Promise.resolve(); // so `inFlight` is set before anything below can settle
          const report = await lock(run);
          return report ?? { answered: [], counts: countOutcomes([]), stopped: 'locked' as const, remaining: await store.count() };
        } finally {
          inFlight = undefined;
        }
      })();
      return inFlight;
    },
    get running() {
      return inFlight !== undefined;
    },
  };
}
