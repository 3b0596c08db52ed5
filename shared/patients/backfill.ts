import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Db } from '#shared/platform/dynamo';
import { keys } from '#shared/platform/keys';
import { transactConditions, type TransactItem } from '#shared/platform/transactions';
import { SUMMARY_FIELDS, type StoredSummary } from './caseload';
import {
  decodeBackfillPosition,
  encodeBackfillPosition,
  planPatientBackfill,
  summaryNeedsBackfill,
  type BackfillPosition,
  type PatientBackfillPlan,
  type PrescriptionFacts,
} from './backfill-rules';
import type { PatientStore } from './store';
import { storedSummaryOf, withCaseloadSummary } from './summary-store';

/**
 * The one-off backfill of v1 patients (decision 92): registers each patient under their identity
 * and writes their caseload summary, where the item lacks them. Idempotent (a patient that has both
 * is left alone, so a second run writes nothing), resumable (each segment reports where it got to)
 * and safe beside live traffic (every write is conditioned on the item still being as read).
 *
 * A Scan, deliberately: a migration must visit every patient item once, whatever index attributes
 * v1 gave it, and reads the table's own consistent copy; it is run by an operator, never on a
 * request's path (where the rule is still "no Scan"), and its cost is one read of the table,
 * spread over segments.
 */

/** The patient's newest prescription (the composition root passes the prescriptions store: patients may not import it). */
export interface LatestPrescription {
  latestForPatient(patientId: string): Promise<PrescriptionFacts | undefined>;
}

export interface BackfillOptions {
  /** Work out and count, write nothing. */
  dryRun?: boolean;
  /** Items the Scan reads per page (before its filter). */
  pageSize?: number;
  /** Called after each page with the totals so far and the token to resume from (undefined at the end). */
  onPage?: (progress: { segment: number; counts: BackfillCounts; resume?: string }) => void;
  /** Stop after the current page when this answers true (a Lambda near its timeout); the result has the token. */
  shouldStop?: () => boolean;
}

export interface BackfillCounts {
  /** Patient items read. */
  patients: number;
  /** Registered under their identity (or would be, in a dry run). */
  identities: number;
  /** Summaries written (or that would be). */
  summaries: number;
  /** Patients that needed nothing. */
  unchanged: number;
  /** Patients whose item kept changing under the backfill (left for the next run). */
  changed: number;
  /** Patients whose record could not be read or written (their ids are in the result; the run goes on). */
  failed: number;
}

export interface SegmentResult {
  segment: number;
  segments: number;
  counts: BackfillCounts;
  /** Where to start again, when stopped early; absent once the segment has been read to its end. */
  resume?: string;
  /** The first 100 patients that failed (ids only), to look at and run again. */
  failedPatientIds: string[];
}

const zero = (): BackfillCounts => ({ patients: 0, identities: 0, summaries: 0, unchanged: 0, changed: 0, failed: 0 });

/** A scanned patient item: what the plan reads of it (nothing else is parsed). */
const PatientFacts = z.object({
  patientId: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  dateOfBirth: z.string(),
  openReferralId: z.string().optional(),
  identityHash: z.string().optional(),
});
type PatientFacts = z.infer<typeof PatientFacts>;

/** How often one patient is read and decided again when a live write changed it meanwhile. */
const ATTEMPTS = 3;

export class PatientBackfill {
  constructor(private readonly deps: { db: Db; patients: PatientStore; prescriptions: LatestPrescription }) {}

  /** Reads one Scan segment (of `segments`) from its start, or from a resume token, and backfills each patient in it. */
  async runSegment(where: { segment: number; segments: number } | { resume: string }, options: BackfillOptions = {}): Promise<SegmentResult> {
    let position: { segment: number; segments: number; startKey?: BackfillPosition['startKey'] };
    if ('resume' in where) {
      const decoded = decodeBackfillPosition(where.resume);
      if (!decoded) throw new Error('the resume token is not one this backfill printed');
      position = decoded;
    } else {
      if (!Number.isInteger(where.segments) || where.segments < 1) throw new Error('segments must be a whole number, at least 1');
      if (!Number.isInteger(where.segment) || where.segment < 0 || where.segment >= where.segments) throw new Error('segment must be from 0 to segments − 1');
      position = { segment: where.segment, segments: where.segments };
    }
    const { segment, segments } = position;
    const { db } = this.deps;
    const counts = zero();
    const failedPatientIds: string[] = [];
    let startKey: Record<string, unknown> | undefined = position.startKey;
    /** The last patient item read: the resume point (a Scan's own last key may be any item, an NHS number's included). */
    let lastPatientKey = position.startKey;
    do {
      const page = await db.client.send(
        new ScanCommand({
          TableName: db.tableName,
          Segment: segment,
          TotalSegments: segments,
          ConsistentRead: true,
          FilterExpression: '#type = :patient AND SK = :sk',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':patient': 'patient', ':sk': 'PATIENT' },
          Limit: options.pageSize ?? 200,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        counts.patients++;
        let outcome: Awaited<ReturnType<PatientBackfill['patient']>> | 'failed';
        try {
          outcome = await this.patient(item, options.dryRun === true);
        } catch {
          // One unreadable record does not stop the migration: counted, named by id, left as it was.
          if (failedPatientIds.length < 100) failedPatientIds.push(String(item.patientId));
          outcome = 'failed';
        }
        if (outcome === 'unchanged' || outcome === 'changed' || outcome === 'failed') counts[outcome]++;
        else {
          if (outcome.identity) counts.identities++;
          if (outcome.summary) counts.summaries++;
        }
        lastPatientKey = { PK: String(item.PK), SK: String(item.SK) };
      }
      startKey = page.LastEvaluatedKey;
      const resume = startKey && lastPatientKey ? encodeBackfillPosition({ segment, segments, startKey: lastPatientKey }) : undefined;
      options.onPage?.({ segment, counts: { ...counts }, ...(resume ? { resume } : {}) });
      // Stopping needs a patient to resume after; a page with none (the Scan's filter) reads on.
      if (resume && options.shouldStop?.()) return { segment, segments, counts, resume, failedPatientIds };
    } while (startKey);
    return { segment, segments, counts, failedPatientIds };
  }

  /** Every segment of `segments` at once (one process), the counts added up. */
  async runAll(segments: number, options: BackfillOptions = {}): Promise<SegmentResult[]> {
    return Promise.all(Array.from({ length: segments }, (_, segment) => this.runSegment({ segment, segments }, options)));
  }

  /** One patient: plan from the item, read the record only if the summary is missing, write conditioned on the item as read. */
  private async patient(first: Record<string, unknown>, dryRun: boolean): Promise<'unchanged' | 'changed' | { identity: boolean; summary: boolean }> {
    let item: Record<string, unknown> | undefined = first;
    for (let attempt = 1; attempt <= ATTEMPTS && item; attempt++) {
      const facts = PatientFacts.parse(item);
      const stored = storedSummaryOf(item);
      const records = summaryNeedsBackfill(stored) ? await this.recordsOf(facts) : undefined;
      const plan = planPatientBackfill(facts, stored, records);
      if (!plan) return 'unchanged';
      const done = { identity: plan.identityHash !== undefined, summary: plan.summary !== undefined };
      if (dryRun) return done;
      if ((await transactConditions(this.deps.db, this.items(facts, stored, plan))) === undefined) return done;
      // A live write got there between the read and this write: read the item again and decide again.
      item = (await this.deps.db.client.send(new GetCommand({ TableName: this.deps.db.tableName, Key: keys.patient(facts.patientId), ConsistentRead: true }))).Item;
    }
    return item ? 'changed' : 'unchanged';
  }

  private async recordsOf(patient: PatientFacts) {
    const [referrals, latestPrescription, contacts] = await Promise.all([
      this.deps.patients.episodes(patient.patientId),
      this.deps.prescriptions.latestForPatient(patient.patientId),
      this.deps.patients.contacts(patient.patientId),
    ]);
    return { referrals, latestPrescription, contacts };
  }

  /**
   * The transaction for one patient. The patient item is conditioned on being as read: the same
   * name and date of birth and still no `identityHash` (a change of the record registers them
   * itself), the same latest referral, and every summary attribute as read — absent or the same
   * value — so a live write that moved the summary meanwhile fails this one instead of being
   * overwritten with values worked out from an older record. The identity is joined with `ADD` to
   * its set of patients: namesakes share the item, so a Put would replace another patient's
   * registration; adding one member never removes anyone, and adding it again changes nothing.
   */
  private items(patient: PatientFacts, stored: StoredSummary, plan: PatientBackfillPlan): TransactItem[] {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const conditions = ['attribute_exists(PK)'];
    const same = (field: string, value: unknown) => {
      names[`#bf_${field}`] = field;
      if (value === undefined) conditions.push(`attribute_not_exists(#bf_${field})`);
      else {
        values[`:bf_${field}`] = value;
        conditions.push(`#bf_${field} = :bf_${field}`);
      }
    };
    same('openReferralId', patient.openReferralId);
    if (plan.identityHash) {
      same('identityHash', undefined);
      same('givenName', patient.givenName);
      same('familyName', patient.familyName);
      same('dateOfBirth', patient.dateOfBirth);
    }
    if (plan.summary) for (const field of SUMMARY_FIELDS) same(field, stored[field]);
    const key = keys.patient(patient.patientId);
    const patientItem: TransactItem = plan.identityHash
      ? {
          Update: {
            TableName: this.deps.db.tableName,
            Key: key,
            UpdateExpression: 'SET #bf_identityHash = :bf_newIdentityHash',
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ...values, ':bf_newIdentityHash': plan.identityHash },
          },
        }
      : {
          ConditionCheck: {
            TableName: this.deps.db.tableName,
            Key: key,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          },
        };
    const items: TransactItem[] = [patientItem];
    if (plan.identityHash) {
      items.push({
        Update: {
          TableName: this.deps.db.tableName,
          Key: keys.patientIdentity(plan.identityHash),
          UpdateExpression: 'ADD patientIds :patient SET #type = :type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':patient': new Set([patient.patientId]), ':type': 'patientIdentity' },
        },
      });
    }
    // The summary goes in as every live write puts it: folded into the transaction's own operation on the patient.
    return plan.summary ? withCaseloadSummary(this.deps.db.tableName, items, patient.patientId, plan.summary) : items;
  }
}
