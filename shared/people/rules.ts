import type { Role } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { FieldIssue } from '#shared/platform/errors';
import type { IdSource } from '#shared/platform/ids';
import type { InvitePersonInput, PersonStatus, PersonView, UpdatePersonInput } from './schema';

/** Pure people rules: records and changes are made here, with the clock and ids injected. */

/** What the directory must still be told about a person; kept on the item until it has been. */
export interface DirectorySync {
  /** Out of every group in `from` (any it may still be in), into `to`. */
  group?: { from: Role[]; to: Role };
  enabled?: boolean;
  name?: { givenName: string; familyName: string };
}

export interface PersonRecord {
  personId: string;
  email: string;
  givenName: string;
  familyName: string;
  role: Role;
  providerId?: string;
  status: PersonStatus;
  /** The directory's user id, once the directory has the user. */
  sub?: string;
  createdAt: string;
  updatedAt: string;
  /** Bumped by every write: a change is written only over the version it was planned from. */
  version: number;
  pendingDirectory?: DirectorySync;
}

export interface RuleContext {
  clock: Clock;
  ids: IdSource;
}

/** A new person, pending until the directory has them in their group. */
export function newPerson(input: InvitePersonInput, { clock, ids }: RuleContext): PersonRecord {
  const now = clock.now().toISOString();
  return {
    personId: ids.next(),
    email: input.email,
    givenName: input.givenName,
    familyName: input.familyName,
    role: input.role,
    ...(input.providerId ? { providerId: input.providerId } : {}),
    status: 'pending',
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

export function personView(person: PersonRecord): PersonView {
  const { version: _version, pendingDirectory: _pending, ...view } = person;
  return view;
}

/** Enabled admins are counted, so the last one cannot be removed. */
export const isEnabledAdmin = (person: Pick<PersonRecord, 'role' | 'status'>) => person.role === 'admin' && person.status === 'enabled';

/** +1, 0 or −1: how a change moves the number of enabled admins. */
export function adminDelta(before: Pick<PersonRecord, 'role' | 'status'>, after: Pick<PersonRecord, 'role' | 'status'>): -1 | 0 | 1 {
  return ((isEnabledAdmin(after) ? 1 : 0) - (isEnabledAdmin(before) ? 1 : 0)) as -1 | 0 | 1;
}

export type PeopleConflictCode = 'invitation_pending' | 'cannot_disable_self' | 'last_admin' | 'email_registered';

export type ChangePlan =
  | { kind: 'invalid'; issues: FieldIssue[] }
  | { kind: 'conflict'; code: PeopleConflictCode; message: string }
  /** `write` is false when nothing in the table changes (then only a pending sync is replayed). */
  | { kind: 'planned'; next: PersonRecord; write: boolean };

/**
 * What a change makes of a person, and what the directory must be told for it — merged with
 * whatever an earlier, interrupted change left untold, so a retry finishes both.
 */
export function planChange(person: PersonRecord, change: UpdatePersonInput, actor: { sub: string }, now: Date): ChangePlan {
  if (person.status === 'pending') {
    return { kind: 'conflict', code: 'invitation_pending', message: 'This invitation has not finished; invite the person again to finish it.' };
  }
  const role = change.role ?? person.role;
  if (role !== person.role && (role === 'provider' || person.role === 'provider')) {
    return {
      kind: 'invalid',
      issues: [{ in: 'body', path: 'role', code: 'provider_role_fixed', message: 'cannot change to or from provider: provider staff belong to their provider' }],
    };
  }
  const status: PersonStatus = change.enabled === undefined ? person.status : change.enabled ? 'enabled' : 'disabled';
  if (status === 'disabled' && person.status !== 'disabled' && person.sub === actor.sub) {
    return { kind: 'conflict', code: 'cannot_disable_self', message: 'You cannot disable your own account; ask another admin.' };
  }
  const givenName = change.givenName ?? person.givenName;
  const familyName = change.familyName ?? person.familyName;

  const asked: DirectorySync = {
    ...(role !== person.role ? { group: { from: [person.role], to: role } } : {}),
    ...(status !== person.status ? { enabled: status === 'enabled' } : {}),
    ...(givenName !== person.givenName || familyName !== person.familyName ? { name: { givenName, familyName } } : {}),
  };
  const write = Object.keys(asked).length > 0;
  const sync = mergeSync(person.pendingDirectory, asked);
  const { pendingDirectory: _old, ...rest } = person;
  const next: PersonRecord = write
    ? { ...rest, role, status, givenName, familyName, updatedAt: now.toISOString(), version: person.version + 1, ...(sync ? { pendingDirectory: sync } : {}) }
    : person;
  return { kind: 'planned', next, write };
}

/** An untold sync and a new one, as one: the newer wins each part; a group move remembers every group the user may be in. */
export function mergeSync(earlier: DirectorySync | undefined, later: DirectorySync): DirectorySync | undefined {
  const group =
    later.group && earlier?.group
      ? { from: [...new Set([...earlier.group.from, earlier.group.to, ...later.group.from])].filter((g) => g !== later.group!.to), to: later.group.to }
      : (later.group ?? earlier?.group);
  const enabled = later.enabled ?? earlier?.enabled;
  const name = later.name ?? earlier?.name;
  const merged: DirectorySync = {
    ...(group ? { group } : {}),
    ...(enabled !== undefined ? { enabled } : {}),
    ...(name ? { name } : {}),
  };
  return Object.keys(merged).length > 0 ? merged : undefined;
}
