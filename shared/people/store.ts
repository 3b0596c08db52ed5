import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { collectionPages, queryCollection, type Db, type Page, type PageRequest } from '#shared/platform/dynamo';
import { collections, keys, membership } from '#shared/platform/keys';
import { transactConditions } from '#shared/platform/transactions';
import { z } from 'zod';
import { adminDelta, type PersonRecord } from './rules';
import { Person, PersonRole } from './schema';

// Items are parsed by their schema on the way out (only the entity's fields kept), never cast.
const PersonItem = Person.extend({
  version: z.number().int(),
  pendingDirectory: z
    .object({
      group: z.object({ from: z.array(PersonRole), to: PersonRole }).optional(),
      enabled: z.boolean().optional(),
      name: z.object({ givenName: z.string(), familyName: z.string() }).optional(),
    })
    .optional(),
});
const personFromItem = (item: Record<string, unknown>): PersonRecord => PersonItem.parse(item);

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** The people capability's DynamoDB access: person items, their email and sub pointers, the admin count. */
export class PeopleStore {
  constructor(private readonly db: Db) {}

  /** The person item and its email pointer, together; `email_taken` if another person has the email. */
  async startInvite(person: PersonRecord): Promise<'written' | 'email_taken'> {
    const written = await this.transact([
      { Put: { TableName: this.db.tableName, Item: this.item(person), ConditionExpression: 'attribute_not_exists(PK)' } },
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...keys.personEmail(person.email), type: 'personEmail', personId: person.personId },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ]);
    return written === 'written' ? 'written' : 'email_taken';
  }

  /** The person an email belongs to, read strongly (an invitation checks it before writing). */
  async byEmail(email: string): Promise<PersonRecord | undefined> {
    const pointer = await this.getItem(keys.personEmail(email));
    return typeof pointer?.personId === 'string' ? this.get(pointer.personId) : undefined;
  }

  /** The person a directory user id belongs to. */
  async bySub(sub: string): Promise<PersonRecord | undefined> {
    const pointer = await this.getItem(keys.personSub(sub));
    return typeof pointer?.personId === 'string' ? this.get(pointer.personId) : undefined;
  }

  async get(personId: string): Promise<PersonRecord | undefined> {
    const item = await this.getItem(keys.person(personId));
    return item ? personFromItem(item) : undefined;
  }

  /**
   * The invitation reached the directory: the person is enabled with its sub, the sub pointer
   * written, an admin counted. `not_pending` if it was finished (or withdrawn) meanwhile.
   */
  async completeInvite(person: PersonRecord, sub: string, at: string): Promise<'written' | 'not_pending'> {
    const done: PersonRecord = { ...person, sub, status: 'enabled', updatedAt: at, version: person.version + 1 };
    return (await this.transact([
      {
        Put: {
          TableName: this.db.tableName,
          Item: this.item(done),
          ConditionExpression: '#status = :pending AND version = :version',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':version': person.version },
        },
      },
      { Put: { TableName: this.db.tableName, Item: { ...keys.personSub(sub), type: 'personSub', personId: person.personId } } },
      ...this.countAdmins(adminDelta(person, done)),
    ])) === 'written'
      ? 'written'
      : 'not_pending';
  }

  /** Takes back an invitation the directory refused (its email is a user there already). */
  async abandonInvite(person: PersonRecord): Promise<void> {
    await this.transact([
      {
        Delete: {
          TableName: this.db.tableName,
          Key: keys.person(person.personId),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        },
      },
      {
        Delete: {
          TableName: this.db.tableName,
          Key: keys.personEmail(person.email),
          ConditionExpression: 'personId = :personId',
          ExpressionAttributeValues: { ':personId': person.personId },
        },
      },
    ]);
  }

  /**
   * Writes a change over the version it was planned from. The enabled-admin count moves in the
   * same transaction, conditioned on staying at one or more: `last_admin` when it would not.
   */
  async update(before: PersonRecord, after: PersonRecord): Promise<'written' | 'changed' | 'last_admin'> {
    const delta = adminDelta(before, after);
    try {
      await this.db.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.db.tableName,
                Item: this.item(after),
                ConditionExpression: 'version = :version',
                ExpressionAttributeValues: { ':version': before.version },
              },
            },
            ...this.countAdmins(delta),
          ],
        }),
      );
      return 'written';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [person, count] = error.CancellationReasons ?? [];
      if (person?.Code === 'ConditionalCheckFailed') return 'changed';
      if (count?.Code === 'ConditionalCheckFailed') return 'last_admin';
      throw error;
    }
  }

  /** The directory has been told: forget the sync, unless another change has been written since. */
  async clearPending(personId: string, version: number): Promise<void> {
    try {
      await this.db.client.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.person(personId),
          UpdateExpression: 'REMOVE pendingDirectory',
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': version },
        }),
      );
    } catch (error) {
      // A newer change carries its own sync (merged with this one), and will clear it itself.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async list(role: string | undefined, page: PageRequest): Promise<Page<PersonRecord>> {
    const result = await queryCollection(this.db, role ? collections.peopleWithRole(role) : collections.allPeople(), page);
    return { ...result, items: result.items.map(personFromItem) };
  }

  /** Every enabled navigator, from the navigators' collection (filtered on status): no Scan. */
  async enabledNavigators(): Promise<{ personId: string; sub: string; email: string; givenName: string }[]> {
    const found: { personId: string; sub: string; email: string; givenName: string }[] = [];
    for await (const page of collectionPages(this.db, collections.peopleWithRole('navigator'))) {
      for (const item of page) {
        if (item.status === 'enabled' && typeof item.sub === 'string') {
          found.push({ personId: String(item.personId), sub: item.sub, email: String(item.email), givenName: String(item.givenName) });
        }
      }
    }
    return found;
  }

  private item(person: PersonRecord): Record<string, unknown> {
    return {
      ...keys.person(person.personId),
      ...membership(collections.peopleWithRole(person.role), person.personId),
      ...membership(collections.allPeople(), person.personId),
      type: 'person',
      ...person,
    };
  }

  /** The count's update for a change of the number of enabled admins (none for no change). */
  private countAdmins(delta: -1 | 0 | 1): TransactItems {
    if (delta === 0) return [];
    return [
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.peopleCounts(),
          UpdateExpression: 'ADD enabledAdmins :delta',
          ...(delta < 0 ? { ConditionExpression: 'enabledAdmins > :one', ExpressionAttributeValues: { ':delta': -1, ':one': 1 } } : { ExpressionAttributeValues: { ':delta': 1 } }),
        },
      },
    ];
  }

  private async getItem(key: { PK: string; SK: string }) {
    return (await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: key, ConsistentRead: true }))).Item;
  }

  /** A transaction through the shared one (conflicts retried); `condition_failed` when a condition no longer held. */
  private async transact(items: TransactItems): Promise<'written' | 'condition_failed'> {
    return (await transactConditions(this.db, items)) ? 'condition_failed' : 'written';
  }}
