import { z } from 'zod';
import type { CreateUserOutcome, NewDirectoryUser, PersonDirectory } from './directory';
import type { Role } from '#shared/platform/auth';

/** The API function's variable for the user pool it administers (functions/env.ts declares it). */
export const directoryVariables = {
  USER_POOL_ID: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'expected a Cognito user pool id, e.g. eu-west-2_AbC123xyz'),
};

/**
 * A directory loaded on first use. Only an admin's changes to people call the directory, so the
 * Cognito client and its adapter (tens of kilobytes) stay out of every other request's cold
 * start; the first such change loads them once, and a failed load is tried again next time.
 */
export class LazyPersonDirectory implements PersonDirectory {
  private loading: Promise<PersonDirectory> | undefined;

  constructor(private readonly load: () => Promise<PersonDirectory>) {}

  private directory(): Promise<PersonDirectory> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  async createUser(user: NewDirectoryUser, options: { resume: boolean }): Promise<CreateUserOutcome> {
    return (await this.directory()).createUser(user, options);
  }

  async moveGroup(sub: string, from: readonly Role[], to: Role): Promise<void> {
    return (await this.directory()).moveGroup(sub, from, to);
  }

  async setEnabled(sub: string, enabled: boolean): Promise<void> {
    return (await this.directory()).setEnabled(sub, enabled);
  }

  async updateName(sub: string, name: { givenName: string; familyName: string }): Promise<void> {
    return (await this.directory()).updateName(sub, name);
  }
}
