import { describe, expect, it } from 'vitest';
import { countOutcomes, oldestFirst, sentSummary, settle, toQueued, toWire, uuidV4FromBytes, waitingText, type QueuedScan } from '../../../web/scan/queue-logic';

const scan = (n: number, extra: Partial<QueuedScan> = {}): QueuedScan => ({
  scanId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  cardId: `LUTON-DEMO-${String(n).padStart(2, '0')}`,
  venueId: 'V1',
  activityId: 'A1',
  scannedAt: `2026-11-23T10:00:${String(n).padStart(2, '0')}.000Z`,
  queuedAt: `2026-11-23T10:00:${String(n).padStart(2, '0')}.000Z`,
  ...extra,
});

const accepted = (s: QueuedScan) => ({ httpStatus: 201, body: { status: 'accepted', scanId: s.scanId, sessionsAttended: 2, weeksRemaining: 9, onPrescription: true } });
const duplicate = (s: QueuedScan) => ({ httpStatus: 200, body: { status: 'duplicate', scanId: s.scanId, sessionsAttended: 2, weeksRemaining: 9, onPrescription: true } });
const rejected = (s: QueuedScan) => ({
  httpStatus: 422,
  body: { status: 'rejected', scanId: s.scanId, reason: 'unknown_card', message: 'Not registered.', error: { code: 'unknown_card', message: 'Not registered.' } },
});
const invalid = () => ({ httpStatus: 400, body: { error: { code: 'invalid_request', message: 'Invalid', issues: [{ in: 'body', path: 'cardId', code: 'x', message: 'is wrong' }] } } });
const busy = () => ({ httpStatus: 503, body: { error: { code: 'busy', message: 'Busy' } } });

describe('the queued value and the wire', () => {
  it('queues exactly the scan plus queuedAt', () => {
    const queued = toQueued({ scanId: 's', cardId: 'LUTON-DEMO-01', venueId: 'V', activityId: 'A', scannedAt: '2026-11-23T10:00:00.000Z' }, new Date('2026-11-23T10:00:05.000Z'));
    expect(queued).toEqual({ scanId: 's', cardId: 'LUTON-DEMO-01', venueId: 'V', activityId: 'A', scannedAt: '2026-11-23T10:00:00.000Z', queuedAt: '2026-11-23T10:00:05.000Z' });
  });

  it('sends exactly the five fields, with no activityId key when there is none, and never queuedAt', () => {
    expect(toWire(scan(1))).toEqual({ scanId: scan(1).scanId, cardId: 'LUTON-DEMO-01', venueId: 'V1', activityId: 'A1', scannedAt: scan(1).scannedAt });
    const { activityId: _unused, ...noActivity } = scan(2);
    expect(Object.keys(toWire(noActivity))).toEqual(['scanId', 'cardId', 'venueId', 'scannedAt']);
  });

  it('orders oldest first', () => {
    expect(oldestFirst([scan(3), scan(1), scan(2)]).map((s) => s.cardId)).toEqual(['LUTON-DEMO-01', 'LUTON-DEMO-02', 'LUTON-DEMO-03']);
  });
});

describe('settle: which batch results leave the queue', () => {
  it('removes 201, 200, 422 and 400 (answered for good) and keeps 503', () => {
    const sent = [scan(1), scan(2), scan(3), scan(4), scan(5)];
    const settled = settle(sent, [accepted(sent[0]!), duplicate(sent[1]!), rejected(sent[2]!), invalid(), busy()]);
    expect(settled.answered.map((a) => [a.scan.cardId, a.outcome.kind])).toEqual([
      ['LUTON-DEMO-01', 'accepted'],
      ['LUTON-DEMO-02', 'duplicate'],
      ['LUTON-DEMO-03', 'rejected'],
      ['LUTON-DEMO-04', 'invalid'],
    ]);
    expect(settled.kept).toEqual([sent[4]]);
    expect(settled.signedOut).toBe(false);
  });

  it('keeps a scan with no result, one whose result names another scan, and anything unexpected', () => {
    const sent = [scan(1), scan(2), scan(3)];
    const settled = settle(sent, [accepted(sent[1]!), { httpStatus: 500, body: {} }]);
    expect(settled.answered).toEqual([]);
    expect(settled.kept).toEqual(sent);
  });

  it('notes a refused token, keeping that scan', () => {
    const settled = settle([scan(1)], [{ httpStatus: 401, body: { error: { code: 'unauthorized', message: 'x' } } }]);
    expect(settled).toMatchObject({ answered: [], kept: [scan(1)], signedOut: true });
  });
});

describe('the words about the queue', () => {
  it('counts what was sent and says so', () => {
    const sent = [scan(1), scan(2), scan(3)];
    const settled = settle(sent, sent.map(accepted));
    const counts = countOutcomes(settled.answered.map((a) => a.outcome));
    expect(counts).toEqual({ accepted: 3, duplicate: 0, notAccepted: 0 });
    expect(sentSummary(counts)).toBe('Sent 3 saved scans: 3 accepted');
  });

  it('names each kind there was, and one scan in the singular', () => {
    expect(sentSummary({ accepted: 2, duplicate: 1, notAccepted: 1 })).toBe('Sent 4 saved scans: 2 accepted, 1 already recorded, 1 not accepted');
    expect(sentSummary({ accepted: 0, duplicate: 1, notAccepted: 0 })).toBe('Sent 1 saved scan: 1 already recorded');
    expect(sentSummary({ accepted: 0, duplicate: 0, notAccepted: 0 })).toBeUndefined();
  });

  it('counts 422 and 400 both as not accepted', () => {
    const sent = [scan(1), scan(2)];
    expect(countOutcomes(settle(sent, [rejected(sent[0]!), invalid()]).answered.map((a) => a.outcome))).toEqual({ accepted: 0, duplicate: 0, notAccepted: 2 });
  });

  it('says how many are waiting, and nothing when none are', () => {
    expect(waitingText(3)).toBe('3 scans waiting to send');
    expect(waitingText(1)).toBe('1 scan waiting to send');
    expect(waitingText(0)).toBeUndefined();
  });
});

describe('uuidV4FromBytes (scan ids where crypto.randomUUID is missing)', () => {
  it('makes a well-formed version-4 UUID from 16 bytes', () => {
    const id = uuidV4FromBytes(new Uint8Array(16).fill(0xff));
    expect(id).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(uuidV4FromBytes(new Uint8Array(16))).toBe('00000000-0000-4000-8000-000000000000');
    expect(() => uuidV4FromBytes(new Uint8Array(8))).toThrow(RangeError);
  });
});
