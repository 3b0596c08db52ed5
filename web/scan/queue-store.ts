import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { oldestFirst, toQueued, type QueuedScan, type ScanInput } from './queue-logic';
import type { QueueStore } from './sync';

/**
 * The offline queue in IndexedDB: database "waymark-scan", store "queue", keyed by scanId.
 * Each value is the scan exactly as it would have been sent, plus when it was queued. Keying by
 * scanId means the same scan can never be queued twice.
 */
interface ScanQueueDb extends DBSchema {
  queue: {
    key: string;
    value: QueuedScan;
    indexes: { queuedAt: string };
  };
}

export const DB_NAME = 'waymark-scan';
const STORE = 'queue';

let opening: Promise<IDBPDatabase<ScanQueueDb>> | undefined;

function db(): Promise<IDBPDatabase<ScanQueueDb>> {
  opening ??= openDB<ScanQueueDb>(DB_NAME, 1, {
    upgrade(database) {
      const store = database.createObjectStore(STORE, { keyPath: 'scanId' });
      store.createIndex('queuedAt', 'queuedAt');
    },
  }).catch((error: unknown) => {
    opening = undefined; // try again next time (e.g. storage was briefly unavailable)
    throw error;
  });
  return opening;
}

export async function enqueue(scan: ScanInput, now = new Date()): Promise<void> {
  await (await db()).put(STORE, toQueued(scan, now));
}

export const idbQueue: QueueStore = {
  async oldest(limit) {
    const found = await (await db()).getAllFromIndex(STORE, 'queuedAt', null, limit);
    return oldestFirst(found);
  },
  async remove(scanIds) {
    const tx = (await db()).transaction(STORE, 'readwrite');
    await Promise.all([...scanIds.map((scanId) => tx.store.delete(scanId)), tx.done]);
  },
  async count() {
    return (await db()).count(STORE);
  },
};
