import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { CONFLICT_ATTEMPTS, transact } from '#shared/platform/transactions';
import { createTestApp } from '../../support/app';

/** What DynamoDB Local never does — cancel a transaction for a concurrent one — for every writer. */
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

function mockedDb() {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
  return { mock: mockClient(client), db: { client, tableName: 'mocked' } };
}

const item = { Put: { TableName: 'mocked', Item: { PK: 'A', SK: 'A' } } };

describe('transact', () => {
  it('sends again, unchanged, a transaction cancelled only by a concurrent one', async () => {
    const { mock, db } = mockedDb();
    mock.on(TransactWriteCommand).rejectsOnce(cancelled('TransactionConflict')).resolves({});
    await transact(db, [item], () => new Error('no condition failed'));
    const calls = mock.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input).toEqual(calls[0]!.args[0].input);
  });

  it('gives up after a bounded number of attempts with the original error', async () => {
    const { mock, db } = mockedDb();
    mock.on(TransactWriteCommand).rejects(cancelled('TransactionConflict'));
    await expect(transact(db, [item], () => undefined)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(CONFLICT_ATTEMPTS);
  });

  it('never retries a failed condition: it is the answer', async () => {
    const { mock, db } = mockedDb();
    mock.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'TransactionConflict'));
    await expect(transact(db, [item, item], (failed) => new Error(`failed ${failed.join()}`))).rejects.toThrow('failed 0');
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});

describe('a request whose transaction keeps meeting concurrent ones', () => {
  it('is a retryable 503, not a 500', async () => {
    const { mock, db } = mockedDb();
    mock.on(GetCommand).resolves({
      Item: {
        PK: 'x',
        SK: 'x',
        patientId: '01J00000000000000000000001',
        navigator: 'local-navigator',
        givenName: 'Ada',
        familyName: 'Byron',
        dateOfBirth: '1952-12-10',
        createdAt: '2026-01-01T00:00:00.000Z',
        openReferralId: '01J00000000000000000000002',
      },
    });
    mock.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict'));
    // A follow-up assessment first looks for the patient's open follow-up: there is none.
    mock.on(QueryCommand).resolves({ Items: [] });
    const t = await createTestApp({ db });
    const res = await t.call('POST', '/v1/patients/01J00000000000000000000001/assessments', {
      as: 'navigator',
      body: { kind: 'follow_up', ons4: { satisfied: 5, worthwhile: 5, happy: 5, anxious: 5 } },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body.error.code).toBe('busy');
  });
});

describe('a server fault', () => {
  it('is a 500 in the one error shape, logged with its name and message (not under the key Powertools drops)', async () => {
    const { mock, db } = mockedDb();
    mock.on(GetCommand).rejects(Object.assign(new Error('the disk is on fire'), { name: 'InternalServerError' }));
    const t = await createTestApp({ db });
    const error = vi.spyOn(t.services.logger, 'error');
    const res = await t.call('GET', '/v1/patients/01J00000000000000000000001', { as: 'manager' });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
    expect(error).toHaveBeenCalledWith('unhandled error', { name: 'InternalServerError', errorMessage: 'the disk is on fire', route: '/v1/patients/:patientId' });
  });
});
