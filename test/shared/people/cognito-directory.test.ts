import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  InternalErrorException,
  TooManyRequestsException,
  UsernameExistsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CognitoPersonDirectory, DIRECTORY_ACTIONS } from '#shared/people/cognito-directory';
import { DirectoryUnavailableError } from '#shared/people/directory';

/** Cognito has no local engine: the adapter is tested against aws-sdk-client-mock, asserting the exact requests. */
const POOL = 'eu-west-2_TestPool1';
const SUB = '6f1c2d3e-0000-4000-8000-000000000001';
const cognito = mockClient(CognitoIdentityProviderClient);
const directory = new CognitoPersonDirectory(new CognitoIdentityProviderClient({ region: 'eu-west-2' }), POOL);

const sam = { email: 'sam@example.org', givenName: 'Sam', familyName: 'Okoro', group: 'navigator' as const };
const exists = () => new UsernameExistsException({ message: 'An account with the given email already exists.', $metadata: {} });
const throttled = () => new TooManyRequestsException({ message: 'Too many requests', $metadata: {} });

/** Every request the adapter sent, in order, as command name and input. */
const sent = () => cognito.calls().map((call) => [call.args[0].constructor.name, call.args[0].input]);

beforeEach(() => {
  cognito.reset();
});

describe('createUser', () => {
  it('creates the user with an emailed invitation, then adds it to exactly its one group by sub', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: SUB, Attributes: [{ Name: 'sub', Value: SUB }, { Name: 'email', Value: sam.email }] } });
    cognito.on(AdminAddUserToGroupCommand).resolves({});

    expect(await directory.createUser(sam, { resume: false })).toEqual({ kind: 'created', sub: SUB });
    expect(sent()).toEqual([
      [
        'AdminCreateUserCommand',
        {
          UserPoolId: POOL,
          Username: 'sam@example.org',
          UserAttributes: [
            { Name: 'email', Value: 'sam@example.org' },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'given_name', Value: 'Sam' },
            { Name: 'family_name', Value: 'Okoro' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        },
      ],
      ['AdminAddUserToGroupCommand', { UserPoolId: POOL, Username: SUB, GroupName: 'navigator' }],
    ]);
  });

  it('writes a provider’s id to custom:providerId, which their tokens carry', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: SUB }] } });
    await directory.createUser({ ...sam, group: 'provider', providerId: '01J00000000000000000000001' }, { resume: false });
    const create = cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input;
    expect(create.UserAttributes).toContainEqual({ Name: 'custom:providerId', Value: '01J00000000000000000000001' });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]!.args[0].input).toEqual({ UserPoolId: POOL, Username: SUB, GroupName: 'provider' });
  });

  it('answers exists for an email Cognito already has, and touches no group', async () => {
    cognito.on(AdminCreateUserCommand).rejects(exists());
    expect(await directory.createUser(sam, { resume: false })).toEqual({ kind: 'exists' });
    expect(sent().map(([name]) => name)).toEqual(['AdminCreateUserCommand']);
  });

  it('resuming its own unfinished invitation, takes the existing user and finishes the group', async () => {
    cognito.on(AdminCreateUserCommand).rejects(exists());
    cognito.on(AdminGetUserCommand).resolves({ Username: SUB, UserAttributes: [{ Name: 'sub', Value: SUB }] });
    expect(await directory.createUser(sam, { resume: true })).toEqual({ kind: 'created', sub: SUB });
    expect(sent().slice(1)).toEqual([
      ['AdminGetUserCommand', { UserPoolId: POOL, Username: 'sam@example.org' }],
      ['AdminAddUserToGroupCommand', { UserPoolId: POOL, Username: SUB, GroupName: 'navigator' }],
    ]);
  });

  it.each([
    ['throttled (TooManyRequestsException)', throttled()],
    ['a fault in Cognito (InternalErrorException)', new InternalErrorException({ message: 'oops', $metadata: {} })],
    ['the network (ECONNRESET)', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('turns %s into DirectoryUnavailableError, naming no person', async (_label, error) => {
    cognito.on(AdminCreateUserCommand).rejects(error);
    const failure = await directory.createUser(sam, { resume: false }).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(DirectoryUnavailableError);
    expect(String((failure as Error).message)).not.toMatch(/sam|Okoro/i);
  });

  it('lets other errors through as they are (a server fault, not a retry)', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UserNotFoundException({ message: 'no', $metadata: {} }));
    await expect(directory.createUser(sam, { resume: false })).rejects.toBeInstanceOf(UserNotFoundException);
  });
});

describe('changes', () => {
  it('moves a user out of every group it may be in, then into the new one', async () => {
    await directory.moveGroup(SUB, ['navigator', 'manager'], 'admin');
    expect(sent()).toEqual([
      ['AdminRemoveUserFromGroupCommand', { UserPoolId: POOL, Username: SUB, GroupName: 'navigator' }],
      ['AdminRemoveUserFromGroupCommand', { UserPoolId: POOL, Username: SUB, GroupName: 'manager' }],
      ['AdminAddUserToGroupCommand', { UserPoolId: POOL, Username: SUB, GroupName: 'admin' }],
    ]);
  });

  it('never removes the user from the group it is moving into', async () => {
    await directory.moveGroup(SUB, ['navigator', 'manager'], 'manager');
    expect(sent()).toEqual([
      ['AdminRemoveUserFromGroupCommand', { UserPoolId: POOL, Username: SUB, GroupName: 'navigator' }],
      ['AdminAddUserToGroupCommand', { UserPoolId: POOL, Username: SUB, GroupName: 'manager' }],
    ]);
  });

  it('disables and then signs the user out everywhere; enables with one call', async () => {
    await directory.setEnabled(SUB, false);
    await directory.setEnabled(SUB, true);
    expect(sent()).toEqual([
      ['AdminDisableUserCommand', { UserPoolId: POOL, Username: SUB }],
      ['AdminUserGlobalSignOutCommand', { UserPoolId: POOL, Username: SUB }],
      ['AdminEnableUserCommand', { UserPoolId: POOL, Username: SUB }],
    ]);
    expect(cognito.commandCalls(AdminDisableUserCommand)).toHaveLength(1);
    expect(cognito.commandCalls(AdminEnableUserCommand)).toHaveLength(1);
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)).toHaveLength(1);
  });

  it('updates both names in one request', async () => {
    await directory.updateName(SUB, { givenName: 'Samuel', familyName: 'Okoro-Smith' });
    expect(cognito.commandCalls(AdminUpdateUserAttributesCommand).map((call) => call.args[0].input)).toEqual([
      {
        UserPoolId: POOL,
        Username: SUB,
        UserAttributes: [
          { Name: 'given_name', Value: 'Samuel' },
          { Name: 'family_name', Value: 'Okoro-Smith' },
        ],
      },
    ]);
  });

  it('a throttled disable is DirectoryUnavailableError, and the sign-out is not attempted', async () => {
    cognito.on(AdminDisableUserCommand).rejects(throttled());
    await expect(directory.setEnabled(SUB, false)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)).toHaveLength(0);
    expect(cognito.commandCalls(AdminRemoveUserFromGroupCommand)).toHaveLength(0);
  });
});

describe('permissions', () => {
  it('lists exactly the admin actions the adapter sends (the stack grants this list)', () => {
    const commands = [
      AdminAddUserToGroupCommand,
      AdminCreateUserCommand,
      AdminDisableUserCommand,
      AdminEnableUserCommand,
      AdminGetUserCommand,
      AdminRemoveUserFromGroupCommand,
      AdminUpdateUserAttributesCommand,
      AdminUserGlobalSignOutCommand,
    ];
    expect([...DIRECTORY_ACTIONS]).toEqual(commands.map((command) => `cognito-idp:${command.name.replace(/Command$/, '')}`));
  });
});
