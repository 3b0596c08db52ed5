import type { Role } from '#shared/platform/auth';

/**
 * Where people sign in: Cognito in AWS (`cognito-directory.ts`), a stand-in in the table in local
 * mode and tests (`local/person-directory.ts`). The directory is the truth for sign-in and groups;
 * the person item in the table is the truth for what the app shows (ARCHITECTURE.md, decision 64).
 *
 * Every operation is safe to repeat: that is how an interrupted change converges (the service
 * records what the directory must still be told, and tells it again on the next attempt).
 */
export interface NewDirectoryUser {
  email: string;
  givenName: string;
  familyName: string;
  /** The one Waymark group the user joins. */
  group: Role;
  /** Provider staff only: written to `custom:providerId`, which their tokens carry. */
  providerId?: string | undefined;
}

export type CreateUserOutcome = { kind: 'created'; sub: string } | { kind: 'exists' };

export interface PersonDirectory {
  /**
   * Creates the user (the directory sends the invitation with a temporary password) and puts it in
   * its group. An existing user with that email is `exists` — unless `resume` says this invitation
   * was started before and did not finish, when the existing user is taken as ours and completed.
   */
  createUser(user: NewDirectoryUser, options: { resume: boolean }): Promise<CreateUserOutcome>;
  /** Takes the user out of each group in `from` (those it may still be in) and puts it in `to`. */
  moveGroup(sub: string, from: readonly Role[], to: Role): Promise<void>;
  /** Disabling also signs the user out everywhere (their refresh tokens stop working). */
  setEnabled(sub: string, enabled: boolean): Promise<void>;
  updateName(sub: string, name: { givenName: string; familyName: string }): Promise<void>;
}

/**
 * The directory is busy or out of reach (throttled, a network error): nothing more was changed,
 * and the same request is safe to send again. Answered as 503 with Retry-After.
 */
export class DirectoryUnavailableError extends Error {
  override readonly name = 'DirectoryUnavailableError';
}
