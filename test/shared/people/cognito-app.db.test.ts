import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  TooManyRequestsException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '#shared/app/app';
import { CognitoPersonDirectory } from '#shared/people/cognito-directory';
import { localDependencies } from '#local/wiring';
import { createTestApp, type TestApp } from '../../support/app';

/**
 * The people routes with the Cognito adapter over a mocked client (Cognito has no local engine)
 * and the table in DynamoDB Local: how the two stay in step when Cognito refuses or is busy.
 */
const POOL = 'eu-west-2_TestPool1';
const SUB = '6f1c2d3e-0000-4000-8000-00000000000a';
const cognito = mockClient(CognitoIdentityProviderClient);
let t: TestApp;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  t = await createTestApp();
  const deps = localDependencies(t.db, t.clock, t.issuer, 'SILENT', { programmeId: 'test-programme', secret: 'test-secret' });
  app = createApp({ ...deps, directory: new CognitoPersonDirectory(new CognitoIdentityProviderClient({ region: 'eu-west-2' }), POOL) });
});

beforeEach(() => {
  cognito.reset();
});

const busy = () => new TooManyRequestsException({ message: 'Too many requests', $metadata: {} });
const created = { User: { Username: SUB, Attributes: [{ Name: 'sub', Value: SUB }] } };

async function call(method: string, path: string, body?: unknown) {
  const token = (await t.issuer.mint({ role: 'admin' }, t.clock.now())).token;
  const response = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

const invitation = (email: string) => ({ email, givenName: 'Kim', familyName: 'Lee', role: 'manager' });

describe('inviting through Cognito', () => {
  it('sends AdminCreateUser then AdminAddUserToGroup, and keeps the sub on the person', async () => {
    cognito.on(AdminCreateUserCommand).resolves(created);
    const res = await call('POST', '/v1/people', invitation('kim@example.org'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ sub: SUB, status: 'enabled', role: 'manager' });
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: 'kim@example.org',
      UserAttributes: [
        { Name: 'email', Value: 'kim@example.org' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'given_name', Value: 'Kim' },
        { Name: 'family_name', Value: 'Lee' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: POOL, Username: SUB, GroupName: 'manager' },
    ]);
  });

  it('a user Cognito already has (UsernameExistsException) is 409, and the email stays free in the table', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    const res = await call('POST', '/v1/people', invitation('taken@example.org'));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('email_registered');
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(0);
    expect(await t.services.people.byEmail('taken@example.org')).toBeUndefined();
  });

  it('Cognito throttling is 503 with Retry-After; sending the same invitation again finishes it', async () => {
    cognito.on(AdminCreateUserCommand).rejectsOnce(busy()).resolves(created);
    const first = await call('POST', '/v1/people', invitation('retry@example.org'));
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(first.body.error.code).toBe('busy');
    expect((await t.services.people.byEmail('retry@example.org'))?.status).toBe('pending');

    const again = await call('POST', '/v1/people', invitation('retry@example.org'));
    expect(again.status).toBe(201);
    expect(again.body.status).toBe('enabled');
    expect(again.body.personId).toBe((await t.services.people.byEmail('retry@example.org'))?.personId);
  });

  it('a user created before the group add failed is taken as ours on the retry (already exists → done)', async () => {
    cognito.on(AdminCreateUserCommand).resolvesOnce(created).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    cognito.on(AdminAddUserToGroupCommand).rejectsOnce(busy()).resolves({});
    cognito.on(AdminGetUserCommand).resolves({ Username: SUB, UserAttributes: [{ Name: 'sub', Value: SUB }] });
    expect((await call('POST', '/v1/people', invitation('half@example.org'))).status).toBe(503);

    const again = await call('POST', '/v1/people', invitation('half@example.org'));
    expect(again.status).toBe(201);
    expect(again.body.sub).toBe(SUB);
    expect(cognito.commandCalls(AdminGetUserCommand)[0]!.args[0].input).toEqual({ UserPoolId: POOL, Username: 'half@example.org' });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input.GroupName)).toEqual(['manager', 'manager']);
  });
});

describe('disabling through Cognito', () => {
  it('a throttled disable is 503, recorded as still to tell Cognito; the resent request finishes it', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: 'sub-to-disable' }] } });
    const { personId } = (await call('POST', '/v1/people', invitation('leaving@example.org'))).body;

    cognito.on(AdminDisableUserCommand).rejectsOnce(busy()).resolves({});
    const first = await call('PATCH', `/v1/people/${personId}`, { enabled: false });
    expect(first.status).toBe(503);
    expect(await t.services.people.get(personId)).toMatchObject({ status: 'disabled', pendingDirectory: { enabled: false } });
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)).toHaveLength(0);

    const again = await call('PATCH', `/v1/people/${personId}`, { enabled: false });
    expect(again.status).toBe(200);
    expect(cognito.commandCalls(AdminDisableUserCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: POOL, Username: 'sub-to-disable' },
      { UserPoolId: POOL, Username: 'sub-to-disable' },
    ]);
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand).map((c) => c.args[0].input)).toEqual([{ UserPoolId: POOL, Username: 'sub-to-disable' }]);
    expect((await t.services.people.get(personId))?.pendingDirectory).toBeUndefined();
  });
});
