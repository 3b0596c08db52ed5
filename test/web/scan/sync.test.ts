import { describe, expect, it } from 'vitest';
import { oldestFirst, type BatchResult, type QueuedScan, type ScanInput } from '../../../web/scan/queue-logic';
import { createSyncer, type BatchAnswer, type DeviceLock, type QueueStore } from '../../../web/scan/sync';

const scan = (n: number): QueuedScan => ({
  scanId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  cardId: `CARD-${String(n).padStart(6, '0')}`,
  venueId: 'V1',
  scannedAt: new Date(Date.UTC(2026, 10, 23, 10, 0, n)).toISOString(),
  queuedAt: new Date(Date.UTC(2026, 10, 23, 10, 0, n)).toISOString(),
});

/** The IndexedDB queue, in memory. */
function memoryStore(initial: QueuedScan[]) {
  const items = new Map(initial.map((s) => [s.scanId, s]));
  const store: QueueStore = {
    async oldest(limit) {
      return oldestFirst([...items.values()]).slice(0, limit);
    },
    async remove(ids) {
      for (const id of ids) items.delete(id);
    },
    async count() {
      return items.size;
    },
  };
  return { store, items };
}

const answerAll = (scans: ScanInput[]): BatchResult[] =>
  scans.map((s) => ({ httpStatus: 201, body: { status: 'accepted', scanId: s.scanId, sessionsAttended: 1, weeksRemaining: 11, onPrescription: true } }));

/** A server that records every scan it is sent, and answers in a tick (or when released). */
function fakeServer(answer: (scans: ScanInput[], call: number) => BatchAnswer = (scans) => ({ kind: 'answered', results: answerAll(scans) })) {
  const sent: ScanInput[][] = [];
  const send = async (scans: ScanInput[]) => {
    sent.push(scans);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return answer(scans, sent.length);
  };
  return { sent, send };
}

describe('createSyncer', () => {
  it('sends the queue oldest first and empties it', async () => {
    const { store, items } = memoryStore([scan(3), scan(1), scan(2)]);
    const server = fakeServer();
    const report = await createSyncer(store, server.send).sync();
    expect(server.sent).toHaveLength(1);
    expect(server.sent[0]!.map((s) => s.cardId)).toEqual(['CARD-000001', 'CARD-000002', 'CARD-000003']);
    expect(server.sent[0]![0]).not.toHaveProperty('queuedAt');
    expect(items.size).toBe(0);
    expect(report).toMatchObject({ counts: { accepted: 3, duplicate: 0, notAccepted: 0 }, remaining: 0 });
    expect(report.stopped).toBeUndefined();
  });

  it('sends each queued scan once when asked twice at the same time', async () => {
    const { store, items } = memoryStore([scan(1), scan(2), scan(3)]);
    const server = fakeServer();
    const syncer = createSyncer(store, server.send);
    const [first, second] = await Promise.all([syncer.sync(), syncer.sync()]);
    expect(server.sent).toHaveLength(1);
    expect(server.sent.flat()).toHaveLength(3);
    expect(second).toBe(first);
    expect(items.size).toBe(0);
    expect(syncer.running).toBe(false);
  });

  it('runs again after a run has finished (it is a guard, not a one-off)', async () => {
    const { store, items } = memoryStore([scan(1)]);
    const server = fakeServer();
    const syncer = createSyncer(store, server.send);
    await syncer.sync();
    items.set(scan(2).scanId, scan(2));
    await syncer.sync();
    expect(server.sent.map((batch) => batch.map((s) => s.cardId))).toEqual([['CARD-000001'], ['CARD-000002']]);
  });

  it('sends nothing when another tab holds the lock', async () => {
    const { store, items } = memoryStore([scan(1)]);
    const server = fakeServer();
    const held: DeviceLock = async () => undefined;
    const report = await createSyncer(store, server.send, held).sync();
    expect(server.sent).toHaveLength(0);
    expect(items.size).toBe(1);
    expect(report).toMatchObject({ stopped: 'locked', remaining: 1, answered: [] });
  });

  it('sends in batches of at most 100', async () => {
    const { store, items } = memoryStore(Array.from({ length: 250 }, (_, i) => scan(i + 1)));
    const server = fakeServer();
    const report = await createSyncer(store, server.send).sync();
    expect(server.sent.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(new Set(server.sent.flat().map((s) => s.scanId)).size).toBe(250);
    expect(items.size).toBe(0);
    expect(report.counts.accepted).toBe(250);
  });

  it('keeps the scans the server was too busy for (503), and stops until the next try', async () => {
    const { store, items } = memoryStore([scan(1), scan(2), scan(3)]);
    const server = fakeServer((scans) => ({
      kind: 'answered',
      results: scans.map((s, i) => (i === 1 ? { httpStatus: 503, body: { error: { code: 'busy', message: 'Busy' } } } : answerAll([s])[0]!)),
    }));
    const report = await createSyncer(store, server.send).sync();
    expect(server.sent).toHaveLength(1);
    expect([...items.keys()]).toEqual([scan(2).scanId]);
    expect(report).toMatchObject({ stopped: 'busy', remaining: 1, counts: { accepted: 2 } });
  });

  it('keeps everything when the batch gets no answer, or the token is refused', async () => {
    for (const [answer, stopped] of [
      [{ kind: 'unavailable' }, 'unavailable'],
      [{ kind: 'signed-out' }, 'signed-out'],
    ] as const) {
      const { store, items } = memoryStore([scan(1), scan(2)]);
      const report = await createSyncer(store, fakeServer(() => answer).send).sync();
      expect(items.size).toBe(2);
      expect(report).toMatchObject({ stopped, remaining: 2, answered: [] });
    }
  });

  it('keeps everything when the request fails outright (a network error), and sends it next time', async () => {
    const { store, items } = memoryStore([scan(1)]);
    let fail = true;
    const sent: ScanInput[][] = [];
    const send = async (scans: ScanInput[]): Promise<BatchAnswer> => {
      sent.push(scans);
      if (fail) throw new TypeError('Failed to fetch');
      return { kind: 'answered', results: answerAll(scans) };
    };
    const syncer = createSyncer(store, send);
    expect(await syncer.sync()).toMatchObject({ stopped: 'unavailable', remaining: 1 });
    fail = false;
    expect(await syncer.sync()).toMatchObject({ remaining: 0, counts: { accepted: 1 } });
    expect(sent.map((batch) => batch[0]!.scanId)).toEqual([scan(1).scanId, scan(1).scanId]);
    expect(items.size).toBe(0);
  });

  it('does not take out a scan queued while a send was under way', async () => {
    const { store, items } = memoryStore([scan(1)]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sent: ScanInput[][] = [];
    const send = async (scans: ScanInput[]): Promise<BatchAnswer> => {
      sent.push(scans);
      if (sent.length === 1) await gate;
      return { kind: 'answered', results: answerAll(scans) };
    };
    const running = createSyncer(store, send).sync();
    await new Promise((resolve) => setTimeout(resolve, 5));
    items.set(scan(2).scanId, scan(2)); // queued by the page mid-send
    release();
    const report = await running;
    // The first batch answered only scan 1; scan 2 went in a second batch of the same run.
    expect(sent.map((batch) => batch.map((s) => s.cardId))).toEqual([['CARD-000001'], ['CARD-000002']]);
    expect(report.remaining).toBe(0);
  });
});
