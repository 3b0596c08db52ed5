import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CLAIMS, type Role } from '#shared/platform/auth';
import { DirectoryUnavailableError, type CreateUserOutcome, type NewDirectoryUser, type PersonDirectory } from './directory';


/** The Cognito admin actions this adapter calls: the stack grants exactly these on the pool. */
export const DIRECTORY_ACTIONS = [
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminUserGlobalSignOut',
] as const;

/** Cognito throttling or a fault on its side: nothing was changed by the failed call. */
const RETRYABLE = new Set(['TooManyRequestsException', 'LimitExceededException', 'InternalErrorException', 'TimeoutError', 'RequestTimeout']);
/** Network failures are not service errors, but mean the same: try again. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The user directory in AWS: the stack's Cognito user pool. Its username attribute is the email,
 * so a user is created with their email as `Username` and Cognito makes the username a UUID equal
 * to `sub`; every later call names the user by that `sub`, which never changes.
 *
 * Repeats are safe: adding to a group the user is in, removing from one they are not in, and
 * disabling a disabled user all succeed. Only a create can meet an existing user
 * (`UsernameExistsException`): `exists`, or, when resuming an invitation of ours, that user.
 */
export class CognitoPersonDirectory implements PersonDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async createUser(user: NewDirectoryUser, { resume }: { resume: boolean }): Promise<CreateUserOutcome> {
    let sub: string | undefined;
    try {
      const created = await this.send(() =>
        this.client.send(new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: user.email,
          UserAttributes: [
            { Name: 'email', Value: user.email },
            // An admin typed it and the invitation goes to it: the temporary password proves it.
            { Name: 'email_verified', Value: 'true' },
            { Name: 'given_name', Value: user.givenName },
            { Name: 'family_name', Value: user.familyName },
            ...(user.providerId ? [{ Name: CLAIMS.providerId, Value: user.providerId }] : []),
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        })),
      );
      sub = subOf(created.User?.Attributes);
    } catch (error) {
      if ((error as Error).name !== 'UsernameExistsException') throw error;
      if (!resume) return { kind: 'exists' };
      sub = subOf((await this.send(() => this.client.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: user.email })))).UserAttributes);
    }
    if (!sub) throw new Error('Cognito answered a user without a sub');
    await this.send(() => this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: sub, GroupName: user.group })));
    return { kind: 'created', sub };
  }

  async moveGroup(sub: string, from: readonly Role[], to: Role): Promise<void> {
    for (const group of from) {
      if (group !== to) await this.send(() => this.client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: this.userPoolId, Username: sub, GroupName: group })));
    }
    await this.send(() => this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: sub, GroupName: to })));
  }

  async setEnabled(sub: string, enabled: boolean): Promise<void> {
    const user = { UserPoolId: this.userPoolId, Username: sub };
    if (enabled) {
      await this.send(() => this.client.send(new AdminEnableUserCommand(user)));
      return;
    }
    await this.send(() => this.client.send(new AdminDisableUserCommand(user)));
    await this.send(() => this.client.send(new AdminUserGlobalSignOutCommand(user)));
  }

  async updateName(sub: string, name: { givenName: string; familyName: string }): Promise<void> {
    await this.send(() =>
      this.client.send(new AdminUpdateUserAttributesCommand({
        UserPoolId: this.userPoolId,
        Username: sub,
        UserAttributes: [
          { Name: 'given_name', Value: name.givenName },
          { Name: 'family_name', Value: name.familyName },
        ],
      })),
    );
  }

  /** One call; throttling and network failures become DirectoryUnavailableError (a 503), naming no person. */
  private async send<Output>(call: () => Promise<Output>): Promise<Output> {
    try {
      return await call();
    } catch (error) {
      const { name, code } = error as { name?: string; code?: string };
      if ((name && RETRYABLE.has(name)) || (code && NETWORK.has(code))) {
        throw new DirectoryUnavailableError(`The user directory is unavailable (${name ?? code})`);
      }
      throw error;
    }
  }
}

const subOf = (attributes: AttributeType[] | undefined) => attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
