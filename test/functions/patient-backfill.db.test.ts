import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { patientBackfillEnvironment } from '../../functions/env';
import { SUMMARY_FIELDS } from '#shared/patients/caseload';
import { keys } from '#shared/platform/keys';
import { createTestApp, type TestApp } from '../support/app';
import { referralBody } from '../support/fixtures';

/**
 * functions/patient-backfill.ts (decision 92): the backfill as a Lambda handler, against DynamoDB
 * Local through the SDK's own endpoint variable — one segment per invocation, a token to go on
 * with when the time runs short, and a bad event refused before anything is read.
 */
let t: TestApp;
let handler: typeof import('../../functions/patient-backfill').handler;
const plenty = { getRemainingTimeInMillis: () => 900_000 };

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  Object.assign(process.env, {
    TABLE_NAME: t.db.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_REGION: 'eu-west-2',
    AWS_ACCESS_KEY_ID: 'waymarklocal',
    AWS_SECRET_ACCESS_KEY: 'waymarklocal',
  });
  ({ handler } = await import('../../functions/patient-backfill'));
});

describe('the patient backfill function', () => {
  it('declares the table alone', () => {
    expect(patientBackfillEnvironment.variables).toEqual(['TABLE_NAME']);
  });

  it('backfills a v1 patient, and a second invocation writes nothing', async () => {
    const res = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody() });
    expect(res.status).toBe(201);
    const patientId = res.body.patientId as string;
    await t.db.client.send(new UpdateCommand({ TableName: t.db.tableName, Key: keys.patient(patientId), UpdateExpression: `REMOVE ${SUMMARY_FIELDS.join(', ')}` }));

    const dry = await handler({ dryRun: true }, plenty);
    expect(dry).toMatchObject({ done: true, segment: 0, segments: 1, counts: { summaries: 1 } });
    const first = await handler({}, plenty);
    expect(first).toMatchObject({ done: true, counts: { summaries: 1, identities: 0 } });
    const item = (await t.db.client.send(new GetCommand({ TableName: t.db.tableName, Key: keys.patient(patientId), ConsistentRead: true }))).Item;
    expect(item?.referralStatus).toBe('received');
    expect(await handler({ segment: 0, segments: 1 }, plenty)).toMatchObject({ done: true, counts: { summaries: 0, identities: 0 } });
  });

  it('stops with a token when the time runs short, and goes on from it', async () => {
    for (let i = 0; i < 3; i++) expect((await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody() })).status).toBe(201);
    const short = { getRemainingTimeInMillis: () => 1_000 };
    const stopped = await handler({ pageSize: 2 }, short);
    expect(stopped.done).toBe(false);
    expect(stopped.resume).toEqual(expect.any(String));
    let next = await handler({ resume: stopped.resume, pageSize: 2 }, plenty);
    while (!next.done) next = await handler({ resume: next.resume }, plenty);
    expect(next.resume).toBeUndefined();
  });

  it.each([
    ['a segment past the segments', { segment: 2, segments: 2 }],
    ['an unknown field', { force: true }],
    ['a resume with a segment', { resume: 'x', segment: 0 }],
    ['an empty token', { resume: '' }],
    ['a token it did not issue', { resume: 'bogus' }],
    ['a page size of 0', { pageSize: 0 }],
  ])('refuses %s', async (_what, event) => {
    await expect(handler(event, plenty)).rejects.toThrow();
  });
});
