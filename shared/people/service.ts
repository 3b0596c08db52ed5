import type { Clock } from '#shared/platform/clock';
import type { Page, PageRequest } from '#shared/platform/dynamo';
import type { FieldIssue } from '#shared/platform/errors';
import type { IdSource } from '#shared/platform/ids';
import type { Logger } from '#shared/platform/logger';
import { DirectoryUnavailableError, type PersonDirectory } from './directory';
import { newPerson, personView, planChange, type DirectorySync, type PeopleConflictCode, type PersonRecord } from './rules';
import type { InvitePersonInput, PersonRoleName, PersonView, StaffContactView, UpdatePersonInput } from './schema';
import type { PeopleStore } from './store';

/** What the people capability needs to know about the registry (the root passes the registry in). */
export interface ProviderCheck {
  providerExists(providerId: string): Promise<boolean>;
}

export type PeopleOutcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'not_found'; what: 'Person' | 'Provider' }
  | { kind: 'conflict'; code: PeopleConflictCode; message: string }
  | { kind: 'invalid'; issues: FieldIssue[] }
  /** Someone changed the person meanwhile: read again and retry. */
  | { kind: 'changed' }
  /** The directory was busy or out of reach: safe to send the same request again. */
  | { kind: 'busy' };

const EMAIL_REGISTERED = { kind: 'conflict', code: 'email_registered', message: 'Someone with this email address already has an account.' } as const;

/**
 * The people capability's use cases: inviting people, their role and names, enabling and
 * disabling their accounts. The directory (Cognito) and the table are kept in step in one order:
 * the table first (conditionally, recording what the directory must be told), then the directory,
 * then the record is cleared — so a failure at any point is finished by sending the request again.
 */
export class PeopleService {
  constructor(
    private readonly deps: {
      people: PeopleStore;
      directory: PersonDirectory;
      providers: ProviderCheck;
      clock: Clock;
      ids: IdSource;
      logger: Logger;
    },
  ) {}

  async invite(input: InvitePersonInput): Promise<PeopleOutcome<PersonView>> {
    const { people, providers } = this.deps;
    if (input.providerId && !(await providers.providerExists(input.providerId))) return { kind: 'not_found', what: 'Provider' };
    const existing = await people.byEmail(input.email);
    // A pending person with this email is an invitation that did not finish: this one finishes it.
    if (existing && existing.status !== 'pending') return EMAIL_REGISTERED;
    const person = existing ?? newPerson(input, this.deps);
    if (!existing && (await people.startInvite(person)) === 'email_taken') return EMAIL_REGISTERED;
    return this.finishInvite(person, existing !== undefined);
  }

  private async finishInvite(person: PersonRecord, resume: boolean): Promise<PeopleOutcome<PersonView>> {
    const { people, directory, clock, logger } = this.deps;
    const created = await this.directoryCall(() =>
      directory.createUser(
        { email: person.email, givenName: person.givenName, familyName: person.familyName, group: person.role, providerId: person.providerId },
        { resume },
      ),
    );
    if (created === 'busy') return { kind: 'busy' };
    if (created.kind === 'exists') {
      // The directory has this email already (say, the first admin, made with the AWS CLI): not ours to take.
      await people.abandonInvite(person);
      return EMAIL_REGISTERED;
    }
    const at = clock.now().toISOString();
    if ((await people.completeInvite(person, created.sub, at)) === 'not_pending') {
      const now = await people.get(person.personId);
      return now && now.status !== 'pending' ? { kind: 'done', value: personView(now) } : { kind: 'changed' };
    }
    logger.info('person invited', { personId: person.personId, role: person.role });
    return { kind: 'done', value: personView({ ...person, sub: created.sub, status: 'enabled', updatedAt: at, version: person.version + 1 }) };
  }

  async list(query: { role?: PersonRoleName | undefined } & PageRequest): Promise<Page<PersonView>> {
    const { role, ...page } = query;
    const result = await this.deps.people.list(role, page);
    return { ...result, items: result.items.map(personView) };
  }

  async get(personId: string): Promise<PeopleOutcome<PersonView>> {
    const person = await this.deps.people.get(personId);
    return person ? { kind: 'done', value: personView(person) } : { kind: 'not_found', what: 'Person' };
  }

  /**
   * A member of staff's work contact, by their directory user id — the navigator named on a
   * person's printed plan. Provider staff and disabled accounts are not looked up this way.
   */
  async staffContact(sub: string): Promise<PeopleOutcome<StaffContactView>> {
    const person = await this.deps.people.bySub(sub);
    if (!person || person.role === 'provider' || person.status !== 'enabled') return { kind: 'not_found', what: 'Person' };
    return { kind: 'done', value: { sub, givenName: person.givenName, familyName: person.familyName, email: person.email, role: person.role } };
  }

  /**
   * Changes a person's role, names or whether they may sign in. The table is written first, over
   * the version read, with what the directory must be told; then the directory is told. A change
   * that fails half way is finished by any later change of that person (the same one, resent).
   */
  async update(actor: { sub: string }, personId: string, change: UpdatePersonInput): Promise<PeopleOutcome<PersonView>> {
    const { people, clock, logger } = this.deps;
    const person = await people.get(personId);
    if (!person) return { kind: 'not_found', what: 'Person' };
    const plan = planChange(person, change, actor, clock.now());
    if (plan.kind !== 'planned') return plan;
    if (plan.write) {
      const written = await people.update(person, plan.next);
      if (written === 'changed') return { kind: 'changed' };
      if (written === 'last_admin') {
        return { kind: 'conflict', code: 'last_admin', message: 'This is the last enabled admin; make another person an admin first.' };
      }
    }
    const sync = plan.next.pendingDirectory;
    if (sync && plan.next.sub) {
      if ((await this.directoryCall(() => this.tell(plan.next.sub!, sync))) === 'busy') return { kind: 'busy' };
      await people.clearPending(personId, plan.next.version);
    }
    logger.info('person changed', { personId, changed: Object.keys(change) });
    return { kind: 'done', value: personView(plan.next) };
  }

  /** Every enabled navigator (for the daily follow-up email). */
  enabledNavigators(): Promise<{ personId: string; sub: string; email: string; givenName: string }[]> {
    return this.deps.people.enabledNavigators();
  }

  /** Whether a directory user id is an enabled navigator (caseloads may only move to one). */
  async isEnabledNavigator(sub: string): Promise<boolean> {
    const person = await this.deps.people.bySub(sub);
    return person?.role === 'navigator' && person.status === 'enabled';
  }

  /** A disable goes first, so a person being removed loses access before anything else happens. */
  private async tell(sub: string, sync: DirectorySync): Promise<void> {
    const { directory } = this.deps;
    if (sync.enabled === false) await directory.setEnabled(sub, false);
    if (sync.group) await directory.moveGroup(sub, sync.group.from, sync.group.to);
    if (sync.name) await directory.updateName(sub, sync.name);
    if (sync.enabled === true) await directory.setEnabled(sub, true);
  }

  private async directoryCall<T>(call: () => Promise<T>): Promise<T | 'busy'> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof DirectoryUnavailableError) return 'busy';
      throw error;
    }
  }
}
