import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ThrottlingException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { keys } from '#shared/platform/keys';
import { createTestApp, type TestApp } from '../../support/app';

/**
 * What DynamoDB Local never does — cancel a transaction because another one holds the same
 * items, or throttle — covered with aws-sdk-client-mock against the real app: the exact
 * requests, the retries, and a retryable 503 (never a lost or doubled scan, never a 500).
 */
const TABLE = 'mocked-table';
const ids = { provider: '01J00000000000000000000001', venue: '01J00000000000000000000002', activity: '01J00000000000000000000003', patient: '01J00000000000000000000004', prescription: '01J00000000000000000000005' };
const now = '2026-03-04T10:00:00Z';

const items = {
  provider: { ...keys.provider(ids.provider), type: 'provider', providerId: ids.provider, name: 'P', categories: ['physical'], accreditation: { status: 'accredited', validUntil: '2030-01-01', updatedAt: now }, createdAt: now, updatedAt: now },
  venue: { ...keys.venue(ids.venue), type: 'venue', venueId: ids.venue, providerId: ids.provider, name: 'Hall', postcode: 'LU1 2AB', createdAt: now },
  activity: { ...keys.activity(ids.activity), type: 'activity', activityId: ids.activity, providerId: ids.provider, venueId: ids.venue, name: 'Walk', category: 'physical', createdAt: now },
  card: { ...keys.card('CARD-0001'), type: 'card', cardId: 'CARD-0001', patientId: ids.patient, issueId: ids.provider, status: 'active', issuedAt: '2026-02-01T10:00:00Z', issuedBy: 'nav' },
  prescription: {
    ...keys.prescription(ids.patient, ids.prescription), type: 'prescription', prescriptionId: ids.prescription, patientId: ids.patient, status: 'active',
    startDate: '2026-03-02', weeks: 12, pausedDays: 0, endDate: '2026-05-24', followUpDueAt: '2026-05-25T08:00:00Z', goals: ['g'],
    activityIds: [ids.activity], hasBaseline: true, createdBy: 'nav', createdAt: now, updatedAt: now, version: 1,
  },
  counter: {
    ...keys.prescriptionAttendance(ids.patient, ids.prescription), type: 'attendanceCounter', prescriptionId: ids.prescription,
    patientId: ids.patient, status: 'active', startDate: '2026-03-02', endDate: '2026-05-24', sessionsAttended: 4,
  },
};

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

let t: TestApp;
let mock: ReturnType<typeof mockClient>;
let token: string;

beforeEach(async () => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
  mock = mockClient(client);
  mock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [items.provider, items.venue, items.activity, items.card] } });
  // Newest first: the counter sorts just after its prescription.
  mock.on(QueryCommand).resolves({ Items: [items.counter, items.prescription] });
  mock.on(GetCommand).resolves({});
  t = await createTestApp({ db: { client, tableName: TABLE }, now });
  token = (await t.issuer.mint({ role: 'provider', providerId: ids.provider }, t.clock.now())).token;
});

const scan = (scanId = randomUUID()) =>
  t.call('POST', '/v1/scans', { token, body: { scanId, cardId: 'card-0001', venueId: ids.venue, activityId: ids.activity, scannedAt: now } });

describe('scan writes under contention', () => {
  it('reads in one BatchGetItem, then a Query and a GetItem side by side, then writes one three-item transaction', async () => {
    mock.on(TransactWriteCommand).resolves({});
    const scanId = randomUUID();
    const res = await scan(scanId);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ sessionsAttended: 5, weeksRemaining: 11 });

    const batch = mock.commandCalls(BatchGetCommand);
    expect(batch).toHaveLength(1);
    expect(batch[0]!.args[0].input.RequestItems![TABLE]!.Keys).toEqual([
      keys.card('CARD-0001'),
      keys.venue(ids.venue),
      keys.provider(ids.provider),
      keys.activity(ids.activity),
    ]);
    expect(mock.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': `PATIENT#${ids.patient}`, ':prefix': 'PRESCRIPTION#' },
      ScanIndexForward: false,
      Limit: 2,
      ConsistentRead: true,
    });
    expect(mock.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: keys.attendanceOnDay(ids.patient, ids.activity, '2026-03-04'),
      ConsistentRead: true,
    });
    const [write] = mock.commandCalls(TransactWriteCommand);
    const transactItems = write!.args[0].input.TransactItems!;
    expect(transactItems).toHaveLength(3);
    expect(transactItems[0]!.Put).toMatchObject({
      Item: { ...keys.attendanceOnDay(ids.patient, ids.activity, '2026-03-04'), scanId, patientId: ids.patient, day: '2026-03-04' },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    // On no index: a GSI write would double its cost inside a transaction.
    expect(Object.keys(transactItems[0]!.Put!.Item!).filter((name) => name.startsWith('GSI'))).toEqual([]);
    expect(transactItems[1]!.Update).toEqual({
      TableName: TABLE,
      Key: keys.prescriptionAttendance(ids.patient, ids.prescription),
      UpdateExpression: 'SET firstAttendedOn = if_not_exists(firstAttendedOn, :day) ADD sessionsAttended :one',
      ConditionExpression: '#status = :active AND startDate <= :day AND endDate >= :day',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':one': 1, ':active': 'active', ':day': '2026-03-04' },
    });
    // The person joins the provider's attendance day at that activity: a set, so never twice.
    expect(transactItems[2]!.Update).toMatchObject({
      TableName: TABLE,
      Key: keys.attendanceDay(ids.provider, '2026-03-04', ids.activity),
      ExpressionAttributeValues: { ':person': new Set([ids.patient]), ':one': 1, ':category': expect.any(String) },
    });
    expect(transactItems[2]!.Update!.UpdateExpression).toMatch(/ADD patients :person, attendances :one, onPrescription :one$/);
    expect(transactItems[2]!.Update!.ConditionExpression).toBeUndefined();
  });

  it('a transaction cancelled by a conflicting transaction is re-read, re-decided and retried', async () => {
    mock.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'TransactionConflict')).resolves({});
    const res = await scan();
    expect(res.status).toBe(201);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(2);
  });

  it('conflicts on every attempt end in a retryable 503 with Retry-After, not a 500 — and nothing was counted', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict'));
    const res = await scan();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body.error.code).toBe('busy');
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('throttling that outlasts the SDK’s own retries is a 503 with Retry-After', async () => {
    mock.on(BatchGetCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    const res = await scan();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('in a batch, a throttled scan is a 503 result of its own while the others are answered', async () => {
    mock.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'TransactionConflict')).rejectsOnce(cancelled('None', 'TransactionConflict')).rejectsOnce(cancelled('None', 'TransactionConflict')).resolves({});
    const body = (scanId: string) => ({ scanId, cardId: 'CARD-0001', venueId: ids.venue, activityId: ids.activity, scannedAt: now });
    const res = await t.call('POST', '/v1/scans/batch', { token, body: { scans: [body(randomUUID()), body(randomUUID())] } });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { httpStatus: number }) => r.httpStatus)).toEqual([503, 201]);
  });
});
