import type { AuditRefs, AuditScope, PatientAction } from '#shared/platform/audit';
import { runInAuditScope } from '#shared/platform/audit';
import type { Clock } from '#shared/platform/clock';
import type { Page, PageRequest } from '#shared/platform/dynamo';
import { ApiError, type FieldIssue } from '#shared/platform/errors';
import type { IdSource } from '#shared/platform/ids';
import type { Logger } from '#shared/platform/logger';
import type { TransactItem } from '#shared/platform/transactions';
import { entryIdRange, newAuditEntry, patientOfTransaction, recordsWritten, type AuditEntryRecord, type AuditRequest } from './rules';
import type { AuditEntryView } from './schema';
import type { AuditStore } from './store';

/** What a served request tells its entry: the patient (when only the answer knows it) and ids of what was touched. */
export interface AuditFacts {
  patientId?: string | undefined;
  refs?: AuditRefs | undefined;
}

/** `served` answers false for an outcome that was not served (a 404, a 409…): nothing to audit then. */
export type Served<T> = (outcome: T) => AuditFacts | false;

/** Is a patient registered? (The root passes the patients capability's.) */
export interface PatientCheck {
  patientExists(patientId: string): Promise<boolean>;
}

export const auditUnavailable = () =>
  new ApiError(503, 'audit_unavailable', 'The audit trail could not be written, so the request was not served. Try again shortly.');

/**
 * Writes the audit trail (decision 82). Every route that reads or changes a patient's record, or
 * lists patients, goes through one of these three, so nothing is served unaudited:
 * - `change`: the entry rides in the change's own transaction (one more Put, no round trip); a
 *   change that made no transaction (no change, or a single-item write) writes it just after.
 *   A rejected change writes none.
 * - `read`: the entry is written beside the read when the patient is in the path, else after it;
 *   if it cannot be written the request fails (503) and the entry is logged (ids only).
 * - `listing`: one entry per listing, under the actor, with the count.
 */
export class AuditTrail {
  constructor(private readonly deps: { store: AuditStore; ids: IdSource; logger: Logger }) {}

  private entry(request: AuditRequest, action: PatientAction, facts: AuditFacts & { records?: string[] }): AuditEntryRecord {
    return newAuditEntry(request, { action, ...facts }, this.deps.ids.next());
  }

  private async write(entry: AuditEntryRecord): Promise<void> {
    try {
      await this.deps.store.put(entry);
    } catch (error) {
      // Never lost: the entry (ids only) goes to the retained log, and the request is not served.
      const { ttl: _ttl, ...fields } = entry;
      this.deps.logger.error('audit entry not written', { auditEntry: fields, errorName: (error as Error).name });
      throw auditUnavailable();
    }
  }

  async change<T>(request: AuditRequest, action: PatientAction, known: AuditFacts, work: () => Promise<T>, served: Served<T>): Promise<T> {
    const notes: AuditRefs = {};
    let carried = false;
    let entryId: string | undefined;
    const scope: AuditScope = {
      itemFor: (items: readonly TransactItem[]) => {
        if (carried) return undefined;
        const patientId = known.patientId ?? patientOfTransaction(items);
        if (!patientId) return undefined;
        // One entry id for the change, but its facts from the transaction being sent: a use case that
        // decides again after a failed condition may write to another patient the second time (a
        // public referral first tried as a new person, then found to be a known one).
        entryId ??= this.deps.ids.next();
        const entry = newAuditEntry(request, { action, patientId, refs: { ...known.refs, ...notes }, records: recordsWritten(items, patientId) }, entryId);
        return this.deps.store.putItem(entry);
      },
      committed: () => {
        carried = true;
      },
      note: (refs) => Object.assign(notes, refs),
    };
    const outcome = await runInAuditScope(scope, work);
    if (carried) return outcome;
    const facts = served(outcome);
    if (facts === false) return outcome;
    await this.write(this.entry(request, action, { patientId: facts.patientId ?? known.patientId, refs: { ...known.refs, ...notes, ...facts.refs } }));
    return outcome;
  }

  async read<T>(request: AuditRequest, action: PatientAction, patientId: string | undefined, work: () => Promise<T>, served: Served<T>): Promise<T> {
    if (patientId === undefined) {
      const outcome = await work();
      const facts = served(outcome);
      if (facts !== false) await this.write(this.entry(request, action, facts));
      return outcome;
    }
    // The patient is known from the path: the entry goes out beside the read (no added latency). It
    // records the access asked for, so an attempt on a record outside the caseload is kept too.
    const [read, audited] = await Promise.allSettled([work(), this.write(this.entry(request, action, { patientId }))]);
    if (read.status === 'rejected') throw read.reason;
    if (audited.status === 'rejected') throw audited.reason;
    return read.value;
  }

  async listing(request: AuditRequest, action: PatientAction, refs: AuditRefs): Promise<void> {
    await this.write(this.entry(request, action, { refs }));
  }

  /** An access already served (its patient known from the answer): the entry, written now; 503 if it cannot be. */
  async record(request: AuditRequest, action: PatientAction, facts: AuditFacts): Promise<void> {
    await this.write(this.entry(request, action, facts));
  }
}

export type AuditListOutcome = { kind: 'listed'; page: Page<AuditEntryView> } | { kind: 'not_found' } | { kind: 'invalid'; issues: FieldIssue[] };

const view = ({ ttl: _ttl, ...entry }: AuditEntryRecord): AuditEntryView => entry;

/** Reads the audit trail: by patient (managers, admins) and by actor over a time range (admins). */
export class AuditService {
  constructor(private readonly deps: { store: AuditStore; patients: PatientCheck; clock: Clock }) {}

  async ofPatient(patientId: string, page: PageRequest): Promise<AuditListOutcome> {
    const [exists, entries] = await Promise.all([this.deps.patients.patientExists(patientId), this.deps.store.ofPatient(patientId, page)]);
    if (!exists) return { kind: 'not_found' };
    return { kind: 'listed', page: { ...entries, items: entries.items.map(view) } };
  }

  async ofActor(actor: string, range: { from?: string | undefined; to?: string | undefined }, page: PageRequest): Promise<AuditListOutcome> {
    const bounds = entryIdRange(range, this.deps.clock.now());
    if (bounds.kind === 'invalid') return bounds;
    const entries = await this.deps.store.ofActor(actor, bounds.lowId, bounds.highId, page);
    return { kind: 'listed', page: { ...entries, items: entries.items.map(view) } };
  }
}
