import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { Db } from '#shared/platform/dynamo';
import { keys } from '#shared/platform/keys';
import type { CreateUserOutcome, NewDirectoryUser, PersonDirectory } from '#shared/people/directory';
import { newPerson } from '#shared/people/rules';
import type { InvitePersonInput } from '#shared/people/schema';
import type { PeopleStore } from '#shared/people/store';

/** A user of the local directory, as Cognito would hold it. */
export interface LocalDirectoryUser {
  sub: string;
  email: string;
  givenName: string;
  familyName: string;
  groups: Role[];
  providerId?: string;
  enabled: boolean;
  /** When the user was last signed out everywhere (what AdminUserGlobalSignOut does). */
  signedOutAt?: string;
}

/**
 * Local mode's stand-in for the Cognito user pool: its users live in the table (so they survive a
 * restart), with Cognito's semantics where the app depends on them — one user per email, groups
 * that are sets, repeats that succeed. Never in the Lambda bundle (a test proves no `local/`
 * module reaches it).
 */
export class LocalPersonDirectory implements PersonDirectory {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async createUser(user: NewDirectoryUser, { resume }: { resume: boolean }): Promise<CreateUserOutcome> {
    const existing = await this.byEmail(user.email);
    if (existing) {
      if (!resume) return { kind: 'exists' };
      await this.moveGroup(existing.sub, [], user.group);
      return { kind: 'created', sub: existing.sub };
    }
    const created = await this.register({ ...user, sub: randomUUID(), groups: [user.group] });
    return created === 'created' ? { kind: 'created', sub: (await this.byEmail(user.email))!.sub } : this.createUser(user, { resume });
  }

  async moveGroup(sub: string, from: readonly Role[], to: Role): Promise<void> {
    const user = await this.user(sub);
    await this.save({ ...user, groups: [...new Set([...user.groups.filter((group) => !from.includes(group)), to])] });
  }

  async setEnabled(sub: string, enabled: boolean): Promise<void> {
    const user = await this.user(sub);
    await this.save(enabled ? { ...user, enabled } : { ...user, enabled, signedOutAt: this.clock.now().toISOString() });
  }

  async updateName(sub: string, name: { givenName: string; familyName: string }): Promise<void> {
    await this.save({ ...(await this.user(sub)), ...name });
  }

  /** A user as the directory holds it (tests compare it with the person item). */
  async find(sub: string): Promise<LocalDirectoryUser | undefined> {
    const item = (await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: keys.localDirectoryUser(sub), ConsistentRead: true }))).Item;
    return item ? (item.user as LocalDirectoryUser) : undefined;
  }

  /** Adds a user with a chosen sub (the demo data's and the tests' known navigators); `exists` if the email is taken. */
  async register(user: Omit<LocalDirectoryUser, 'enabled'> & { providerId?: string | undefined }): Promise<'created' | 'exists'> {
    const { providerId, ...rest } = user;
    const stored: LocalDirectoryUser = { ...rest, ...(providerId ? { providerId } : {}), enabled: true };
    try {
      await this.db.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.db.tableName,
                Item: { ...keys.localDirectoryEmail(user.email), type: 'localDirectoryEmail', sub: user.sub },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Put: {
                TableName: this.db.tableName,
                Item: { ...keys.localDirectoryUser(user.sub), type: 'localDirectoryUser', user: stored },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof TransactionCanceledException) return 'exists';
      throw error;
    }
  }

  private async byEmail(email: string): Promise<LocalDirectoryUser | undefined> {
    const pointer = (await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: keys.localDirectoryEmail(email), ConsistentRead: true }))).Item;
    return typeof pointer?.sub === 'string' ? this.find(pointer.sub) : undefined;
  }

  /** Cognito answers an unknown user with UserNotFoundException; so does this. */
  private async user(sub: string): Promise<LocalDirectoryUser> {
    const user = await this.find(sub);
    if (!user) throw Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' });
    return user;
  }

  private async save(user: LocalDirectoryUser): Promise<void> {
    await this.db.client.send(
      new PutCommand({ TableName: this.db.tableName, Item: { ...keys.localDirectoryUser(user.sub), type: 'localDirectoryUser', user } }),
    );
  }
}

/**
 * A person who is already in the local directory and enabled, with a chosen sub: the demo team,
 * and the navigators tests reassign caseloads to. Goes through the same store writes an invitation makes.
 */
export async function registerLocalPerson(
  db: Db,
  clock: Clock,
  people: PeopleStore,
  person: InvitePersonInput & { sub: string },
  ids: { next(): string },
): Promise<string> {
  const directory = new LocalPersonDirectory(db, clock);
  const { sub, ...input } = person;
  if ((await directory.register({ sub, email: input.email, givenName: input.givenName, familyName: input.familyName, groups: [input.role], providerId: input.providerId })) !== 'created') {
    throw new Error('a local person with this email or sub exists already');
  }
  const record = newPerson(input, { clock, ids });
  if ((await people.startInvite(record)) !== 'written') throw new Error('a person with this email exists already');
  if ((await people.completeInvite(record, sub, record.createdAt)) !== 'written') throw new Error('the local person was changed meanwhile');
  return record.personId;
}
