import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { keys } from '#shared/platform/keys';
import { createLogger } from '#shared/platform/logger';
import { PrescriptionStore } from '#shared/prescriptions/store';
import { CONFLICT_BACKOFF_MS, SCAN_ATTEMPTS, ScanService, conflictBackoffMs } from '#shared/scans/service';
import { ScanStore } from '#shared/scans/store';
import { BUSY_SESSION, applyUpdate, conditionHolds, figuresOf, runBusySession, withHoldFactor, type SessionResult } from './busy-session';

/**
 * What DynamoDB Local cannot show: in AWS two transactions on one item at once conflict, and
 * every scan at a session writes that session's attendance day. A busy session — 60 people in
 * 3 minutes on 3 devices, a queue at the door when it opens — run through the real ScanService
 * and ScanStore against a modelled table (busy-session.ts) that cancels a transaction reaching
 * an item another one holds. Seeded: the same sessions every run.
 */
const sessions = async (seeds: number[], settings = BUSY_SESSION, pauses: 'jittered' | 'immediate' = 'jittered'): Promise<SessionResult[]> => {
  const results: SessionResult[] = [];
  for (const seed of seeds) results.push(await runBusySession({ seed, ...settings }, pauses));
  return results;
};
const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('a busy session under transaction conflicts', () => {
  it('at AWS’s usual pace some scans meet a conflict and retry, none is answered busy, and nobody is lost or doubled', async () => {
    const results = await sessions(seeds(10));
    const figures = figuresOf(results);
    expect(figures.violations).toEqual([]);
    // The conflict path really ran: transactions were cancelled and the scans tried again.
    expect(figures.conflicts).toBeGreaterThan(0);
    expect(figures.requestsRetried).toBeGreaterThan(0);
    expect(Math.max(...figures.transactionsPerRequest)).toBeLessThanOrEqual(SCAN_ATTEMPTS);
    // What the design promises at this pace: no device is ever told busy.
    expect(figures.busyAnswers).toBe(0);
    for (const result of results) {
      expect(result.requests.filter((trace) => trace.outcome === 'accepted')).toHaveLength(60);
      expect(result.attendance.total).toBe(60);
      // Rescans and resent lost answers came back as duplicates, never as a second attendance.
      const finals = result.scans.map((scan) => scan.final);
      expect(finals.filter((final) => final !== 'accepted' && final !== 'duplicate')).toEqual([]);
      expect(finals.filter((final) => final === 'accepted').length).toBeLessThanOrEqual(60);
    }
    // The sessions had what makes duplicates: rescans, lost answers sent again, cards read twice at once.
    expect(figures.scans).toBeGreaterThan(figures.people);
    expect(results.some((result) => result.scans.some((scan) => scan.lostAnswers > 0))).toBe(true);
    expect(results.some((result) => result.scans.some((scan) => scan.doubleRead))).toBe(true);
  });

  it('with transactions holding the day 20× as long, devices hear busy and send again — and still nobody is lost or doubled', async () => {
    const results = await sessions(seeds(5), withHoldFactor(BUSY_SESSION, 20));
    const figures = figuresOf(results);
    expect(figures.violations).toEqual([]);
    expect(figures.busyAnswers).toBeGreaterThan(0);
    const resent = results.flatMap((result) => result.requests.filter((trace) => trace.via === 'batch'));
    expect(resent.length).toBeGreaterThan(0);
    // Each busy scan was sent again from the device's queue until it was answered for good.
    for (const result of results) {
      for (const scan of result.scans.filter((s) => s.busyAnswers > 0)) {
        expect(scan.sends).toBeGreaterThan(scan.busyAnswers);
        expect(scan.final === 'accepted' || scan.final === 'duplicate').toBe(true);
      }
    }
  });

  it('back-to-back attempts (the design before) run out where jittered ones do not: 5× the usual conflicts', async () => {
    const slow = withHoldFactor(BUSY_SESSION, 5);
    const before = figuresOf(await sessions(seeds(10), slow, 'immediate'));
    const after = figuresOf(await sessions(seeds(10), slow, 'jittered'));
    expect(before.violations).toEqual([]);
    expect(after.violations).toEqual([]);
    // Three attempts in a row span about one transaction's hold, so a scan that met one often met it three times.
    expect(before.busyAnswers).toBeGreaterThan(0);
    expect(before.busyAnswers).toBeGreaterThanOrEqual(before.requestsRetried / 3);
    expect(after.busyAnswers).toBe(0);
  });

  it('the model checks what DynamoDB checks, and refuses an expression it does not know', () => {
    const counter = { status: 'active', startDate: '2026-02-09', endDate: '2026-05-03', sessionsAttended: 4 };
    const condition = '#status = :active AND startDate <= :day AND endDate >= :day';
    const names = { '#status': 'status' };
    expect(conditionHolds(condition, counter, names, { ':active': 'active', ':day': '2026-03-04' })).toBe(true);
    expect(conditionHolds(condition, { ...counter, status: 'paused' }, names, { ':active': 'active', ':day': '2026-03-04' })).toBe(false);
    expect(conditionHolds(condition, counter, names, { ':active': 'active', ':day': '2026-05-04' })).toBe(false);
    expect(conditionHolds('attribute_not_exists(PK)', undefined, undefined, undefined)).toBe(true);
    expect(conditionHolds('attribute_not_exists(PK)', { PK: 'x' }, undefined, undefined)).toBe(false);
    expect(() => conditionHolds('attribute_not_exists(PK) OR expiresAt < :now', {}, undefined, { ':now': 'x' })).toThrow(/unknown condition/);
    const day = applyUpdate('SET #type = :type ADD patients :person, attendances :one', { PK: 'P', SK: 'S', patients: new Set(['a']), attendances: 1 }, { '#type': 'type' }, { ':type': 'attendanceDay', ':person': new Set(['a']), ':one': 1 });
    // ADD to a set keeps each member once; the count beside it is what the transaction says.
    expect(day).toEqual({ PK: 'P', SK: 'S', type: 'attendanceDay', patients: new Set(['a']), attendances: 2 });
    expect(() => applyUpdate('SET n = n + :one', {}, undefined, { ':one': 1 })).toThrow(/unknown SET/);
  });
});

/** A ScanService on a mocked client with one card holder, for the pause and the duplicate's count. */
function oneHolder() {
  const table = 'one-holder';
  const ids = { provider: '01J00000000000000000000001', venue: '01J00000000000000000000002', activity: '01J00000000000000000000003', patient: '01J00000000000000000000004', prescription: '01J00000000000000000000005' };
  const created = '2026-02-01T10:00:00Z';
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
  const mock = mockClient(client);
  mock.on(BatchGetCommand).resolves({
    Responses: {
      [table]: [
        { ...keys.provider(ids.provider), type: 'provider', providerId: ids.provider, name: 'P', categories: ['physical'], accreditation: { status: 'accredited', validUntil: '2030-01-01', updatedAt: created }, createdAt: created, updatedAt: created },
        { ...keys.venue(ids.venue), type: 'venue', venueId: ids.venue, providerId: ids.provider, name: 'Hall', postcode: 'LU1 2AB', createdAt: created },
        { ...keys.activity(ids.activity), type: 'activity', activityId: ids.activity, providerId: ids.provider, venueId: ids.venue, name: 'Walk', category: 'physical', createdAt: created },
        { ...keys.card('CARD-0001'), type: 'card', cardId: 'CARD-0001', patientId: ids.patient, issueId: ids.provider, status: 'active', issuedAt: created, issuedBy: 'nav' },
      ],
    },
  });
  const prescriptionItems = (prescriptionId: string, sessionsAttended: number) => [
    { ...keys.prescriptionAttendance(ids.patient, prescriptionId), type: 'attendanceCounter', prescriptionId, patientId: ids.patient, status: 'active', startDate: '2026-03-02', endDate: '2026-05-24', sessionsAttended },
    {
      ...keys.prescription(ids.patient, prescriptionId), type: 'prescription', prescriptionId, patientId: ids.patient, status: 'active',
      startDate: '2026-03-02', weeks: 12, pausedDays: 0, endDate: '2026-05-24', followUpDueAt: '2026-05-25T08:00:00Z', goals: ['g'],
      activityIds: [ids.activity], hasBaseline: true, createdBy: 'nav', createdAt: created, updatedAt: created, version: 1,
    },
  ];
  mock.on(QueryCommand).resolves({ Items: prescriptionItems(ids.prescription, 4) });
  mock.on(GetCommand).resolves({});
  const waits: number[] = [];
  const db = { client, tableName: table };
  const service = new ScanService(
    new ScanStore(db, new PrescriptionStore(db)),
    { now: () => new Date('2026-03-04T10:00:00Z') },
    createLogger({ level: 'SILENT' }),
    { providerExists: async () => true },
    { touch: async () => {} },
    { sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
  );
  const scan = (scanId: string) =>
    service.recordScan({ sub: 's', role: 'provider', providerId: ids.provider }, { scanId, cardId: 'CARD-0001', venueId: ids.venue, activityId: ids.activity, scannedAt: '2026-03-04T10:00:00Z' });
  /** The attendance another scan recorded today, as the store keeps it. */
  const recorded = (scanId: string, prescriptionId: string, sessionsAttended: number) => ({
    ...keys.attendanceOnDay(ids.patient, ids.activity, '2026-03-04'), type: 'scan', scanId, providerId: ids.provider, venueId: ids.venue,
    activityId: ids.activity, activityName: 'Walk', category: 'physical', cardId: 'CARD-0001', patientId: ids.patient, prescriptionId,
    scannedAt: '2026-03-04T09:59:59.000Z', day: '2026-03-04', recordedAt: '2026-03-04T10:00:00.000Z', onPrescription: true, sessionsAttended, weeksRemaining: 12,
  });
  return { mock, waits, scan, recorded, prescriptionItems, ids };
}

const cancelled = (...codes: string[]) => new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('the pause between scan attempts', () => {
  it('waits 50–100 ms before the second attempt and 100–200 ms before the third', () => {
    expect(CONFLICT_BACKOFF_MS).toBe(100);
    expect([conflictBackoffMs(1, 0), conflictBackoffMs(1, 0.999)]).toEqual([50, expect.closeTo(100, 0)]);
    expect([conflictBackoffMs(2, 0), conflictBackoffMs(2, 0.999)]).toEqual([100, expect.closeTo(200, 0)]);
  });

  it('follows a conflict only, never the last attempt; a concurrent duplicate is re-read at once', async () => {
    const { mock, waits, scan } = oneHolder();
    mock.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'None', 'TransactionConflict')).rejectsOnce(cancelled('None', 'None', 'TransactionConflict')).resolves({});
    expect((await scan('6f1c2a8e-0d1b-4c3a-9e2f-1a2b3c4d5e6f')).kind).toBe('accepted');
    expect(waits).toEqual([75, 150]);

    waits.length = 0;
    mock.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'TransactionConflict'));
    expect((await scan('7f1c2a8e-0d1b-4c3a-9e2f-1a2b3c4d5e6f')).kind).toBe('busy');
    // No pause after the last attempt: the device is told busy at once.
    expect(waits).toEqual([75, 150]);
    expect(mock.commandCalls(TransactWriteCommand).length).toBe(3 + SCAN_ATTEMPTS);

    waits.length = 0;
    mock.on(TransactWriteCommand).rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None')).resolves({});
    expect((await scan('8f1c2a8e-0d1b-4c3a-9e2f-1a2b3c4d5e6f')).kind).toBe('accepted');
    expect(waits).toEqual([]);
    mock.restore();
  });
});

describe('a duplicate’s count, when the other scan committed between the two reads', () => {
  it('is the recorded count when the counter was read just before that commit (same prescription)', async () => {
    // The model found it: a card read twice; the second's Query saw 4, its GetItem the first's attendance answered 5.
    const { mock, scan, recorded, ids } = oneHolder();
    mock.on(GetCommand).resolves({ Item: recorded('1f1c2a8e-0d1b-4c3a-9e2f-1a2b3c4d5e6f', ids.prescription, 5) });
    const outcome = await scan('2f1c2a8e-0d1b-4c3a-9e2f-1a2b3c4d5e6f');
    expect(outcome).toMatchObject({ kind: 'duplicate', answer: { sessionsAttended: 5 } });
    mock.restore();
  });

  it('is the counter as read when it has moved on, or when the attendance was on an earlier prescription', async () => {
    const { mock, scan, recorded, prescriptionItems, ids } = oneHolder();
    mock.on(GetCommand).resolves({ Item: recorded('1f1c2a8e-0d1b-4c3a-9e2f-1a2b3c4d5e6f', ids.prescription, 3) });
    expect(await scan('2f1c2a8e-0d1b-4c3a-9e2f-1a2b3c4d5e6f')).toMatchObject({ kind: 'duplicate', answer: { sessionsAttended: 4 } });
    // A new prescription today: its own count, not the old one's.
    mock.on(QueryCommand).resolves({ Items: prescriptionItems('01J00000000000000000000006', 0) });
    mock.on(GetCommand).resolves({ Item: recorded('1f1c2a8e-0d1b-4c3a-9e2f-1a2b3c4d5e6f', ids.prescription, 9) });
    expect(await scan('3f1c2a8e-0d1b-4c3a-9e2f-1a2b3c4d5e6f')).toMatchObject({ kind: 'duplicate', answer: { sessionsAttended: 0 } });
    // A retry of the recorded scanId keeps its first answer.
    expect(await scan('1f1c2a8e-0d1b-4c3a-9e2f-1a2b3c4d5e6f')).toMatchObject({ kind: 'duplicate', answer: { sessionsAttended: 9 } });
    mock.restore();
  });
});
