import { createServer, type Server, type Socket } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnavailable } from '#shared/platform/app';
import { createDocumentClient, DYNAMO_TIMEOUTS } from '#shared/platform/dynamo';
import { createTestApp } from '../../support/app';

/**
 * The database gone or stalled: every request is a 503 with Retry-After (nothing was written; try
 * again), never a 500, and never a request held until the Lambda's own timeout.
 */
describe('a stalled DynamoDB endpoint', () => {
  let server: Server;
  let endpoint: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers.
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails the request with the client’s timeout, which the app classes as unavailable', async () => {
    const client = createDocumentClient({ endpoint, timeouts: { connectionTimeout: 200, requestTimeout: 300, maxAttempts: 1 } });
    const error = await client.send(new GetCommand({ TableName: 't', Key: { PK: 'a', SK: 'a' } })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(isUnavailable(error!)).toBe(true);
  });

  it('the AWS settings keep a request of three calls in turn inside the API function’s 10 s', () => {
    const { connectionTimeout, requestTimeout, maxAttempts } = DYNAMO_TIMEOUTS.aws;
    expect(3 * maxAttempts * (connectionTimeout + requestTimeout)).toBeLessThan(10_000);
  });
});

describe('the database refusing connections', () => {
  it('is a 503 with Retry-After and the one error shape, not a 500', async () => {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
    const mock = mockClient(client);
    mock.on(GetCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' }));
    const t = await createTestApp({ db: { client, tableName: 'mocked' } });
    const res = await t.call('GET', '/v1/patients/01J00000000000000000000001', { as: 'manager' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.body.error.code).toBe('unavailable');
  });
});
