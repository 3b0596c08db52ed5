import { z } from 'zod';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, batchGetItems, collectionPages, queryCollection, queryPages, queryPatientRecords, type Db, type Page, type PageRequest } from '#shared/platform/dynamo';
import { collections, followUpLists, keys, membership, patientRecordPrefix, referralCollections, reportIndex } from '#shared/platform/keys';
import { londonDate } from '#shared/platform/london';
import { indexAttributes } from '#shared/platform/table';
import { transact, transactConditions, type TransactItem } from '#shared/platform/transactions';
import { caseloadSummary, contactSummary, PRESCRIPTION_SUMMARY_FIELDS, type CaseloadSummaryView, type StoredSummary } from './caseload';
import { storedSummaryOf, tagReferralMove, withCaseloadSummary } from './summary-store';
import { advancedReferral, IDENTITY_FIELDS, type ChangeableField, type ContactRecord, type PatientRecord, type ReferralRecord } from './rules';
import {
  Contact,
  DEMOGRAPHIC_FIELDS,
  LEGACY_REFERRAL_STATUSES,
  OPEN_REFERRAL_STATUSES,
  Patient,
  REFERRAL_STATUSES,
  Referral,
  type ConsentDecisionView,
  type ConsentField,
  type ReferralStatus,
} from './schema';

// Items are parsed by their schemas on the way out (only the entity's fields kept), never cast.
const PatientItem = Patient.extend({ openReferralId: z.string(), identityHash: z.string().optional() });
const patientFromItem = (item: Record<string, unknown>): PatientRecord => PatientItem.parse(item);
/** The demographic fields of a patient item (decision 89), as an export reads them. */
const ExportDemographicsItem = Patient.pick({ sex: true, genderIdentity: true, ethnicity: true, disability: true, imdDecile: true });
/** What a pseudonymised export reads of a patient. */
export type ExportDemographics = Pick<PatientRecord, 'dateOfBirth' | 'postcode' | 'consents' | (typeof DEMOGRAPHIC_FIELDS)[number]>;

type LegacyStatus = keyof typeof LEGACY_REFERRAL_STATUSES;
const LEGACY_NAMES = Object.keys(LEGACY_REFERRAL_STATUSES) as LegacyStatus[];
/** A stored status, old names included, read as today's (decision 66). */
const StoredReferralStatus = z
  .enum([...REFERRAL_STATUSES, ...LEGACY_NAMES] as [string, ...string[]])
  .transform((status): ReferralStatus => (LEGACY_REFERRAL_STATUSES as Record<string, ReferralStatus>)[status] ?? (status as ReferralStatus));
const ReferralItem = Referral.extend({ status: StoredReferralStatus });
const referralFromItem = (item: Record<string, unknown>): ReferralRecord => ReferralItem.parse(item);
const contactFromItem = (item: Record<string, unknown>): ContactRecord => Contact.parse(item);

/** A referral as the programme report reads it (decision 66's old status names mapped). */
const ReceivedReferralItem = Referral.pick({
  referralId: true,
  patientId: true,
  source: true,
  endReason: true,
  createdAt: true,
  acceptedAt: true,
  prescribedAt: true,
  endedAt: true,
}).extend({ status: StoredReferralStatus });
export type ReceivedReferral = z.infer<typeof ReceivedReferralItem>;

/** The names a status may be stored under: today's, and the old one that means it. */
export function storedNames(status: ReferralStatus): string[] {
  return [status, ...LEGACY_NAMES.filter((legacy) => LEGACY_REFERRAL_STATUSES[legacy] === status)];
}

/** `#status IN (…)` over the stored names of `statuses`, with its values. */
function statusIn(statuses: readonly ReferralStatus[], prefix: string) {
  const names = statuses.flatMap(storedNames);
  const values = Object.fromEntries(names.map((name, index) => [`:${prefix}${index}`, name]));
  return { expression: `#status IN (${Object.keys(values).join(', ')})`, values };
}

/**
 * A condition on the patient item, plus — for a navigator's write — that the patient is still in
 * their caseload. Every store that writes about a patient builds its patient condition here.
 */
export function patientCondition(condition: string, caseload: string | undefined, values: Record<string, unknown> = {}) {
  const all = { ...values, ...(caseload === undefined ? {} : { ':caseload': caseload }) };
  return {
    ConditionExpression: caseload === undefined ? condition : `${condition} AND navigator = :caseload`,
    ...(Object.keys(all).length > 0 ? { ExpressionAttributeValues: all } : {}),
  };
}

/** The fields a referral's move can set (never its source, reasons or concept). */
const REFERRAL_MOVE_FIELDS = ['status', 'acceptedAt', 'prescribedAt', 'endedAt', 'endedBy', 'endReason', 'endNote', 'declinedSnomedCode', 'updatedAt'] as const;

export type CreateOutcome = 'created' | 'nhs_number_registered' | 'identity_changed';
export type WriteOutcome = 'done' | 'changed';
export type ChangeOutcome = 'done' | 'changed' | 'nhs_number_registered';

/** How a re-referral found the patient: what must still hold when it is written. */
export type EpisodeMatch = { by: 'nhs_number'; nhsNumber: string } | { by: 'name_and_date_of_birth'; identityHash: string };

/** The patients capability's DynamoDB access: patients, referrals, contacts, identities, caseloads. */
export class PatientStore {
  constructor(private readonly db: Db) {}

  /**
   * Creates the patient and their first referral together, registering them under their identity:
   * unless their NHS number is already in the scheme, or — for a patient without one — someone
   * was registered under the same name and date of birth since it was looked up.
   */
  async createReferral(patient: PatientRecord, referral: ReferralRecord, options: { sharedIdentity?: boolean } = {}): Promise<CreateOutcome> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.tableName,
          // The caseload summary starts with the referral (decision 74).
          Item: { ...this.patientItem(patient), referralStatus: referral.status, referralReceivedAt: referral.createdAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      { Put: { TableName: this.db.tableName, Item: this.referralItem(referral), ConditionExpression: 'attribute_not_exists(PK)' } },
      this.referralOwnerItem(referral),
    ];
    // Without an NHS number the identity is what tells people apart, so it must still be free;
    // with one, namesakes born the same day are simply both registered under it.
    const identityIndex = patient.identityHash ? items.push(this.joinIdentity(patient.identityHash, patient.patientId, { onlyIfFree: !patient.nhsNumber && !options.sharedIdentity })) - 1 : -1;
    const nhsNumberIndex = patient.nhsNumber ? items.push(this.nhsNumberPut(patient.nhsNumber, patient.patientId)) - 1 : -1;
    const failed = await transactConditions(this.db, items);
    if (!failed) return 'created';
    if (failed.includes(nhsNumberIndex)) return 'nhs_number_registered';
    if (failed.includes(identityIndex)) return 'identity_changed';
    // The patient and referral are new ids: only a concurrent write of the same ids could fail them.
    throw new Error('a new patient or referral id was already taken');
  }

  /**
   * Adds a new episode (referral) to a patient whose latest one has ended, moving them — with their
   * referrals and follow-ups — into the new referral's caseload if it is another. Conditioned on
   * nothing having changed since they were read: the same latest referral and caseload, and the
   * NHS number or the identity still leading to them alone.
   */
  async addEpisode(patient: PatientRecord, referral: ReferralRecord, match: EpisodeMatch): Promise<WriteOutcome> {
    // A referral with no navigator (a public one, for the unassigned queue) leaves the patient where they are.
    const to = referral.navigator;
    const moves = to !== undefined && to !== patient.navigator;
    const items: TransactItem[] = [
      { Put: { TableName: this.db.tableName, Item: this.referralItem(referral), ConditionExpression: 'attribute_not_exists(PK)' } },
      this.referralOwnerItem(referral),
      this.patientEpisodeUpdate(patient, referral.referralId, moves ? to : undefined),
      match.by === 'nhs_number'
        ? {
            ConditionCheck: {
              TableName: this.db.tableName,
              Key: keys.nhsNumber(match.nhsNumber),
              ConditionExpression: 'patientId = :patient',
              ExpressionAttributeValues: { ':patient': patient.patientId },
            },
          }
        : {
            ConditionCheck: {
              TableName: this.db.tableName,
              Key: keys.patientIdentity(match.identityHash),
              ConditionExpression: 'contains(patientIds, :patient) AND size(patientIds) = :one',
              ExpressionAttributeValues: { ':patient': patient.patientId, ':one': 1 },
            },
          },
      ...(moves ? await this.caseloadMoveItems(patient.patientId, to) : []),
    ];
    // A new episode: its referral is the summary's, and the last episode's prescription is no longer current.
    const summarised = withCaseloadSummary(this.db.tableName, items, patient.patientId, {
      set: { referralStatus: referral.status, referralReceivedAt: referral.createdAt },
      remove: PRESCRIPTION_SUMMARY_FIELDS,
    });
    return (await transactConditions(this.db, summarised)) ? 'changed' : 'done';
  }

  /**
   * The patient's update for a new episode or an assignment: its open referral becomes `referralId`
   * (conditioned on the one read, and on the caseload as read — none, for a patient still
   * unassigned), and, given `to`, it joins that navigator's caseload.
   */
  private patientEpisodeUpdate(patient: PatientRecord, referralId: string, to: string | undefined, previousReferralId = patient.openReferralId): TransactItem {
    const caseload = to === undefined ? undefined : membership(collections.caseload(to), patient.patientId);
    const sets = ['openReferralId = :referral', ...(to === undefined ? [] : ['navigator = :to', ...Object.keys(caseload!).map((name) => `#${name} = :${name}`)])];
    return {
      Update: {
        TableName: this.db.tableName,
        Key: keys.patient(patient.patientId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `openReferralId = :previous AND ${patient.navigator === undefined ? 'attribute_not_exists(navigator)' : 'navigator = :read'}`,
        ...(caseload ? { ExpressionAttributeNames: Object.fromEntries(Object.keys(caseload).map((name) => [`#${name}`, name])) } : {}),
        ExpressionAttributeValues: {
          ':referral': referralId,
          ':previous': previousReferralId,
          ...(patient.navigator === undefined ? {} : { ':read': patient.navigator }),
          ...(caseload ? { ':to': to, ...Object.fromEntries(Object.entries(caseload).map(([name, value]) => [`:${name}`, value])) } : {}),
        },
      },
    };
  }

  /** The patient an NHS number belongs to, if any (consistent: it decides a write). */
  async nhsNumberHolder(nhsNumber: string): Promise<string | undefined> {
    const result = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.nhsNumber(nhsNumber), ConsistentRead: true }),
    );
    return typeof result.Item?.patientId === 'string' ? result.Item.patientId : undefined;
  }

  /** The patients registered under an identity (consistent: it decides a write). */
  async identityHolders(identityHash: string): Promise<string[]> {
    const result = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.patientIdentity(identityHash), ConsistentRead: true }),
    );
    const ids = result.Item?.patientIds;
    return ids instanceof Set ? [...ids].map(String).sort() : [];
  }

  /** The ids of a navigator's caseload (GSI1, keys only): what a navigator's reports are narrowed to. */
  async caseloadIds(navigator: string): Promise<Set<string>> {
    const of = collections.caseload(navigator);
    const { sortKey } = indexAttributes(of.indexName);
    const ids = new Set<string>();
    for await (const page of collectionPages(this.db, of, { projection: sortKey })) {
      for (const item of page) ids.add(of.memberId(String(item[sortKey])));
    }
    return ids;
  }

  /**
   * Referrals received on London days from..to (the reporting index): their source, patient, status,
   * end reason and the times of their steps — nothing else (no notes, no reasons for referral).
   */
  async referralsReceived(from: string, to: string): Promise<ReceivedReferral[]> {
    const found: ReceivedReferral[] = [];
    for (const query of reportIndex.queries('REFERRALS', from, to)) {
      for await (const page of queryPages(this.db, {
        IndexName: reportIndex.indexName,
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': query.partition, ':low': query.low, ':high': query.high },
        ProjectionExpression: 'referralId, patientId, #source, #status, endReason, createdAt, acceptedAt, prescribedAt, endedAt',
        ExpressionAttributeNames: { '#source': 'source', '#status': 'status' },
      })) {
        for (const item of page) found.push(ReceivedReferralItem.parse(item));
      }
    }
    return found;
  }

  /**
   * What a pseudonymised export needs of each patient — date of birth, postcode and the recorded
   * demographics (decision 89), nothing else: names, NHS numbers and contact details are never even
   * read for it.
   */
  async demographics(patientIds: string[]): Promise<Map<string, ExportDemographics>> {
    // The evaluation decision too: a person who declined is left out of the exports (only its `given` is read).
    const items = await batchGetAll(this.db, patientIds.map(keys.patient), {
      projection: `patientId, dateOfBirth, postcode, consents.evaluation, ${DEMOGRAPHIC_FIELDS.join(', ')}`,
    });
    return new Map(
      items.map((item) => {
        const evaluation = (item.consents as { evaluation?: ConsentDecisionView } | undefined)?.evaluation;
        // Parsed like the record is read, so only the census codes and a decile 1–10 ever reach a row.
        const recorded = ExportDemographicsItem.parse(item);
        return [
          String(item.patientId),
          {
            dateOfBirth: String(item.dateOfBirth),
            ...(typeof item.postcode === 'string' ? { postcode: item.postcode } : {}),
            ...(evaluation ? { consents: { evaluation } } : {}),
            ...recorded,
          },
        ];
      }),
    );
  }

  /** Strongly consistent: a navigator reads a patient straight after creating or changing them. */
  async getPatient(patientId: string): Promise<PatientRecord | undefined> {
    const result = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.patient(patientId), ConsistentRead: true }),
    );
    return result.Item ? patientFromItem(result.Item) : undefined;
  }

  async getReferral(patientId: string, referralId: string): Promise<ReferralRecord | undefined> {
    const result = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.referral(patientId, referralId), ConsistentRead: true }),
    );
    return result.Item ? referralFromItem(result.Item) : undefined;
  }

  /**
   * A referral by its id alone: its owner item names the patient. Referrals taken before owner
   * items were written are found on the all-referrals index instead — they are old, so the
   * index's eventual consistency cannot miss them.
   */
  async getReferralById(referralId: string): Promise<ReferralRecord | undefined> {
    const owner = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.referralOwner(referralId), ConsistentRead: true }),
    );
    let patientId = typeof owner.Item?.patientId === 'string' ? owner.Item.patientId : undefined;
    if (!patientId) {
      const all = referralCollections.all();
      const { partitionKey, sortKey } = indexAttributes(all.indexName);
      const found = await this.db.client.send(
        new QueryCommand({
          TableName: this.db.tableName,
          IndexName: all.indexName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
          ExpressionAttributeValues: { ':pk': all.partition, ':prefix': all.sortKey(`${referralId}#`) },
          ProjectionExpression: 'patientId',
          Limit: 1,
        }),
      );
      const legacy = found.Items?.[0]?.patientId;
      patientId = typeof legacy === 'string' ? legacy : undefined;
    }
    return patientId ? this.getReferral(patientId, referralId) : undefined;
  }

  /** The patient's referrals — their episodes — newest first. */
  async episodes(patientId: string): Promise<ReferralRecord[]> {
    return (await queryPatientRecords(this.db, patientId, patientRecordPrefix.referrals, 'newest first')).map(referralFromItem);
  }

  /** The patient's contacts, in the order recorded. */
  async contacts(patientId: string): Promise<ContactRecord[]> {
    return (await queryPatientRecords(this.db, patientId, patientRecordPrefix.contacts)).map(contactFromItem);
  }

  /** The patient and their caseload summary as stored, in one strongly consistent GetItem. */
  async getPatientWithSummary(patientId: string): Promise<{ patient: PatientRecord; summary: StoredSummary } | undefined> {
    const result = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.patient(patientId), ConsistentRead: true }),
    );
    return result.Item ? { patient: patientFromItem(result.Item), summary: storedSummaryOf(result.Item) } : undefined;
  }

  /** A page of a caseload (or of every patient), each with their summary at `now`: one Query (decision 74). */
  async caseloadPage(navigator: string | undefined, page: PageRequest, now: Date): Promise<Page<PatientRecord & { summary: CaseloadSummaryView }>> {
    const of = navigator === undefined ? collections.allPatients() : collections.caseload(navigator);
    const result = await queryCollection(this.db, of, page);
    return { ...result, items: result.items.map((item) => ({ ...patientFromItem(item), summary: caseloadSummary(storedSummaryOf(item), now) })) };
  }

  /** A whole caseload (or every patient) with summaries, every page of its Query: what search, filters, sorting and counts work on. */
  async wholeCaseload(navigator: string | undefined, now: Date): Promise<(PatientRecord & { summary: CaseloadSummaryView })[]> {
    const rows: (PatientRecord & { summary: CaseloadSummaryView })[] = [];
    const of = navigator === undefined ? collections.allPatients() : collections.caseload(navigator);
    for await (const page of collectionPages(this.db, of)) {
      for (const item of page) rows.push({ ...patientFromItem(item), summary: caseloadSummary(storedSummaryOf(item), now) });
    }
    return rows;
  }

  async listPatients(navigator: string | undefined, page: PageRequest): Promise<Page<PatientRecord>> {
    const of = navigator === undefined ? collections.allPatients() : collections.caseload(navigator);
    const result = await queryCollection(this.db, of, page);
    return { ...result, items: result.items.map((item) => patientFromItem(item)) };
  }

  async listReferrals(
    filter: { navigator?: string | undefined; status?: ReferralStatus | undefined; unassigned?: boolean },
    page: PageRequest,
  ): Promise<Page<ReferralRecord & { patient?: { givenName: string; familyName: string } }>> {
    const of = filter.unassigned
      ? referralCollections.unassigned()
      : filter.navigator === undefined
        ? referralCollections.all()
        : referralCollections.ofNavigator(filter.navigator);
    // A status matches items stored under its old name too.
    const status = filter.status ? statusIn([filter.status], 'status') : undefined;
    const result = await queryCollection(
      this.db,
      of,
      page,
      status ? { filter: { expression: status.expression, names: { '#status': 'status' }, values: status.values } } : {},
    );
    const referrals = result.items.map((item) => referralFromItem(item));
    const names = await this.patientNames([...new Set(referrals.map((r) => r.patientId))]);
    return {
      ...result,
      items: referrals.map((referral) => {
        const patient = names.get(referral.patientId);
        return patient ? { ...referral, patient } : referral;
      }),
    };
  }

  /** Given and family names of up to 100 patients in one BatchGetItem (what a referral list shows). */
  async patientNames(patientIds: string[]): Promise<Map<string, { givenName: string; familyName: string }>> {
    const names = new Map<string, { givenName: string; familyName: string }>();
    if (patientIds.length === 0) return names;
    const items = await batchGetItems(this.db, patientIds.map(keys.patient), { projection: 'patientId, givenName, familyName' });
    for (const item of items) {
      names.set(String(item.patientId), { givenName: String(item.givenName), familyName: String(item.familyName) });
    }
    return names;
  }

  /**
   * The transaction item that moves a referral from `before` to `after`: only the fields a move
   * sets, conditioned on the status read (under either of its names) and, for a navigator's
   * write, on the referral still being in their caseload.
   */
  referralMoveItem(before: ReferralRecord, after: ReferralRecord, caseload?: string | undefined): TransactItem {
    const fields = REFERRAL_MOVE_FIELDS.filter((field) => after[field] !== undefined && after[field] !== before[field]);
    const read = statusIn([before.status], 'read');
    return tagReferralMove({
      Update: {
        TableName: this.db.tableName,
        Key: keys.referral(before.patientId, before.referralId),
        UpdateExpression: `SET ${fields.map((field) => `#${field} = :${field}`).join(', ')}`,
        ConditionExpression: caseload === undefined ? read.expression : `${read.expression} AND navigator = :caseload`,
        ExpressionAttributeNames: Object.fromEntries([...fields, 'status'].map((field) => [`#${field}`, field])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(fields.map((field) => [`:${field}`, after[field]])),
          ...read.values,
          ...(caseload === undefined ? {} : { ':caseload': caseload }),
        },
      },
    }, before.patientId, after.status);
  }

  /**
   * The transaction item that moves the patient's referral forward to `to` (a baseline or a contact
   * that reached them: accepted; a prescription: prescribed), given the referral just read — or
   * nothing when that does not move it (it is there or beyond, or it has ended). Conditioned on the
   * status read, so a concurrent move fails the transaction instead of being overwritten.
   */
  advanceReferral(referral: ReferralRecord, to: 'accepted' | 'prescribed', now: Date): TransactItem | undefined {
    const after = advancedReferral(referral, to, now);
    return after ? this.referralMoveItem(referral, after) : undefined;
  }

  /** A check, for another capability's transaction, that the referral is still open (received, accepted or prescribed). */
  referralOpenCheck(referral: ReferralRecord): TransactItem {
    const open = statusIn(OPEN_REFERRAL_STATUSES, 'open');
    return {
      ConditionCheck: {
        TableName: this.db.tableName,
        Key: keys.referral(referral.patientId, referral.referralId),
        ConditionExpression: open.expression,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: open.values,
      },
    };
  }

  /**
   * Writes a referral's move, with whatever else must happen with it (a withdrawn prescription).
   * When nothing else touches the patient, `patientCheck` is added: the patient must have no
   * current prescription (so one written meanwhile is not left behind a closed referral).
   */
  async moveReferral(
    before: ReferralRecord,
    after: ReferralRecord,
    caseload: string | undefined,
    options: { alsoWrite?: TransactItem[]; noCurrentPrescription?: boolean } = {},
  ): Promise<WriteOutcome> {
    const items: TransactItem[] = [this.referralMoveItem(before, after, caseload), ...(options.alsoWrite ?? [])];
    if (options.noCurrentPrescription) {
      items.push({
        ConditionCheck: {
          TableName: this.db.tableName,
          Key: keys.patient(before.patientId),
          ...patientCondition('attribute_exists(PK) AND attribute_not_exists(currentPrescriptionId)', caseload),
        },
      });
    }
    // The summary follows the referral's status (folded into the patient's operation, or added).
    const summarised = withCaseloadSummary(this.db.tableName, items, before.patientId, { set: {} }, patientCondition('attribute_exists(PK)', caseload));
    return (await transactConditions(this.db, summarised)) ? 'changed' : 'done';
  }

  /**
   * Records a contact; when it accepts the referral, the referral's move is in the same transaction
   * (and carries the caseload check), otherwise the patient is checked to still be in the caseload.
   */
  async recordContact(
    contact: ContactRecord,
    caseload: string | undefined,
    accept?: { before: ReferralRecord; after: ReferralRecord },
    read: Pick<StoredSummary, 'lastContactAt'> = {},
  ): Promise<WriteOutcome> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...keys.contact(contact.patientId, contact.contactId), type: 'contact', ...contact },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      accept
        ? this.referralMoveItem(accept.before, accept.after, caseload)
        : { ConditionCheck: { TableName: this.db.tableName, Key: keys.patient(contact.patientId), ...patientCondition('attribute_exists(PK)', caseload) } },
    ];
    const summarised = withCaseloadSummary(
      this.db.tableName,
      items,
      contact.patientId,
      { set: contactSummary(read, contact.at) },
      patientCondition('attribute_exists(PK)', caseload),
    );
    return (await transactConditions(this.db, summarised)) ? 'changed' : 'done';
  }

  /**
   * Writes a change of the patient's record: the changed fields, conditioned on the caseload and —
   * when the NHS number or identity moves — on them being as read. The NHS number's pointer moves
   * in the same transaction (the old one deleted only if it still points here, the new one put only
   * if no one has it), and so does the identity registration.
   */
  async changePatient(before: PatientRecord, after: PatientRecord, changed: readonly ChangeableField[], caseload: string | undefined): Promise<ChangeOutcome> {
    const { patientId } = before;
    const identityMoves = after.identityHash !== before.identityHash;
    const set: (keyof PatientRecord)[] = [
      ...changed.filter((field) => after[field] !== undefined),
      'updatedAt',
      ...(identityMoves ? (['identityHash'] as const) : []),
    ];
    const remove = changed.filter((field) => after[field] === undefined);
    const conditions = ['attribute_exists(PK)'];
    const values: Record<string, unknown> = Object.fromEntries(set.map((field) => [`:${field}`, after[field]]));
    if (changed.includes('nhsNumber')) {
      conditions.push(before.nhsNumber ? 'nhsNumber = :readNhsNumber' : 'attribute_not_exists(nhsNumber)');
      if (before.nhsNumber) values[':readNhsNumber'] = before.nhsNumber;
    }
    if (identityMoves) {
      for (const field of IDENTITY_FIELDS) {
        conditions.push(`#${field} = :read_${field}`);
        values[`:read_${field}`] = before[field];
      }
    }
    const names = Object.fromEntries([...set, ...remove, ...(identityMoves ? IDENTITY_FIELDS : [])].map((field) => [`#${field}`, field]));
    const condition = patientCondition(conditions.join(' AND '), caseload, values);
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.patient(patientId),
          UpdateExpression: [
            `SET ${set.map((field) => `#${field} = :${field}`).join(', ')}`,
            ...(remove.length > 0 ? [`REMOVE ${remove.map((field) => `#${field}`).join(', ')}`] : []),
          ].join(' '),
          ExpressionAttributeNames: names,
          ...condition,
        },
      },
    ];
    let newNhsIndex: number | undefined;
    if (changed.includes('nhsNumber')) {
      if (before.nhsNumber) {
        items.push({
          Delete: {
            TableName: this.db.tableName,
            Key: keys.nhsNumber(before.nhsNumber),
            ConditionExpression: 'patientId = :patient',
            ExpressionAttributeValues: { ':patient': patientId },
          },
        });
      }
      if (after.nhsNumber) {
        newNhsIndex = items.length;
        items.push(this.nhsNumberPut(after.nhsNumber, patientId));
      }
    }
    if (identityMoves && after.identityHash) {
      if (before.identityHash) items.push(this.leaveIdentity(before.identityHash, patientId));
      items.push(this.joinIdentity(after.identityHash, patientId, { onlyIfFree: false }));
    }
    const failed = await transactConditions(this.db, items);
    if (!failed) return 'done';
    return newNhsIndex !== undefined && failed.includes(newNhsIndex) ? 'nhs_number_registered' : 'changed';
  }

  /**
   * Records one consent decision on the patient item. Each purpose is its own path in `consents`, so
   * two purposes set at once never overwrite each other: the first decision writes the map
   * (conditioned on there being none), later ones write their path inside it (conditioned on the
   * map being there). Conditioned too on the patient still being in the caseload. 'changed' when a
   * condition failed: the caller reads again and decides again.
   */
  async setConsent(before: PatientRecord, field: ConsentField, decision: ConsentDecisionView, caseload: string | undefined): Promise<WriteOutcome> {
    const hasMap = before.consents !== undefined;
    const condition = patientCondition(hasMap ? 'attribute_exists(PK) AND attribute_exists(consents)' : 'attribute_exists(PK) AND attribute_not_exists(consents)', caseload, {
      ':decision': hasMap ? decision : { [field]: decision },
    });
    // A transaction of one item, like every other change of a record: the audit entry rides in it.
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.patient(before.patientId),
          UpdateExpression: hasMap ? 'SET consents.#field = :decision' : 'SET consents = :decision',
          ...(hasMap ? { ExpressionAttributeNames: { '#field': field } } : {}),
          ...condition,
        },
      },
    ];
    return (await transactConditions(this.db, items)) ? 'changed' : 'done';
  }

  /**
   * Moves every patient of one navigator, with their referrals, to another — a navigator who
   * leaves must not orphan their caseload. Patient by patient, each in its own transaction
   * conditioned on still being in `from`'s caseload, so a repeated or interrupted run is safe:
   * run it again and it moves what is left.
   */
  async reassignCaseload(from: string, to: string): Promise<number> {
    let moved = 0;
    let cursor: string | undefined;
    do {
      const page = await this.listPatients(from, { limit: 100, ...(cursor ? { cursor } : {}) });
      for (const patient of page.items) {
        if (await this.movePatient(patient, from, to)) moved++;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return moved;
  }

  private async movePatient(patient: PatientRecord, from: string, to: string): Promise<boolean> {
    const caseload = collections.caseload(to);
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.patient(patient.patientId),
          UpdateExpression: 'SET navigator = :to, GSI1PK = :pk',
          ConditionExpression: 'navigator = :from',
          ExpressionAttributeValues: { ':to': to, ':from': from, ':pk': caseload.partition },
        },
      },
      ...(await this.caseloadMoveItems(patient.patientId, to)),
    ];
    try {
      await transact(this.db, items, () => new PatientMovedElsewhere());
      return true;
    } catch (error) {
      if (error instanceof PatientMovedElsewhere) return false; // someone else moved them meanwhile
      throw error;
    }
  }

  /**
   * Assigns a referral waiting in the unassigned queue to navigator `to`: it moves to their list,
   * and the patient — with their earlier referrals and follow-ups, if they were someone else's —
   * joins their caseload. Conditioned on the referral still having no navigator and still being
   * the patient's latest, and on the patient's caseload as read.
   */
  async assignReferral(patient: PatientRecord, referral: ReferralRecord, to: string, by: { sub: string; now: string }): Promise<WriteOutcome> {
    const referralKey = keys.referral(referral.patientId, referral.referralId);
    const moves = to !== patient.navigator;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.db.tableName,
          Key: referralKey,
          UpdateExpression: 'SET navigator = :to, #pk = :pk, assignedAt = :now, assignedBy = :by, updatedAt = :now',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(navigator)',
          ExpressionAttributeNames: { '#pk': indexAttributes(referralCollections.ofNavigator(to).indexName).partitionKey },
          ExpressionAttributeValues: { ':to': to, ':pk': referralCollections.ofNavigator(to).partition, ':now': by.now, ':by': by.sub },
        },
      },
      this.patientEpisodeUpdate(patient, referral.referralId, moves ? to : undefined, referral.referralId),
      ...(moves ? await this.caseloadMoveItems(patient.patientId, to, referralKey.SK) : []),
    ];
    return (await transactConditions(this.db, items)) ? 'changed' : 'done';
  }

  /**
   * Notes on an open referral that the public form was sent again for the same person: how many
   * times and when last — never what the form said. Informational, so it is not conditioned on a
   * count read (two at the same instant may count once). A transaction of one item, so that the
   * public form's audit entry rides in it as in every other path of the form (no round trip of its
   * own, so the answer's timing is not told apart by it).
   */
  async noteRepeatedRequest(referral: ReferralRecord, now: string): Promise<void> {
    const count = (referral.repeatedRequests?.count ?? 0) + 1;
    // A referral gone meanwhile (a failed condition) is simply not noted.
    await transactConditions(this.db, [
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.referral(referral.patientId, referral.referralId),
          UpdateExpression: 'SET repeatedRequests = :repeated',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':repeated': { count, lastAt: now } },
        },
      },
    ]);
  }

  /** The updates that move a patient's referrals and follow-ups into navigator `to`'s lists (the patient item apart, and the item `exceptSk`). */
  private async caseloadMoveItems(patientId: string, to: string, exceptSk?: string): Promise<TransactItem[]> {
    const [referrals, followUps] = await Promise.all([
      queryPatientRecords(this.db, patientId, patientRecordPrefix.referrals),
      queryPatientRecords(this.db, patientId, patientRecordPrefix.followUps),
    ]);
    const referralsOf = referralCollections.ofNavigator(to);
    return [
      ...referrals.filter((item) => item.SK !== exceptSk).map(
        (item): TransactItem => ({
          Update: {
            TableName: this.db.tableName,
            Key: { PK: item.PK, SK: item.SK },
            UpdateExpression: 'SET navigator = :to, GSI1PK = :pk',
            ExpressionAttributeValues: { ':to': to, ':pk': referralsOf.partition },
          },
        }),
      ),
      // Follow-ups move to the new navigator's inbox, each in its own status list.
      ...followUps.map(
        (item): TransactItem => ({
          Update: {
            TableName: this.db.tableName,
            Key: { PK: item.PK, SK: item.SK },
            UpdateExpression: 'SET navigator = :to, GSI1PK = :pk',
            ExpressionAttributeValues: { ':to': to, ':pk': followUpLists.ofNavigator(to, String(item.status)).partition },
          },
        }),
      ),
    ];
  }

  patientItem(patient: PatientRecord): Record<string, unknown> {
    return {
      ...keys.patient(patient.patientId),
      // A patient no one has taken on yet (a public referral) is in no caseload: only in everyone's list.
      ...(patient.navigator === undefined ? {} : membership(collections.caseload(patient.navigator), patient.patientId)),
      ...membership(collections.allPatients(), patient.patientId),
      type: 'patient',
      ...patient,
    };
  }

  referralItem(referral: ReferralRecord): Record<string, unknown> {
    const memberId = `${referral.referralId}#${referral.patientId}`;
    return {
      ...keys.referral(referral.patientId, referral.referralId),
      // No navigator yet: the unassigned triage queue instead of a navigator's list.
      ...membership(referral.navigator === undefined ? referralCollections.unassigned() : referralCollections.ofNavigator(referral.navigator), memberId),
      ...membership(referralCollections.all(), memberId),
      ...reportIndex.entry('REFERRALS', londonDate(new Date(referral.createdAt)), referral.referralId),
      type: 'referral',
      ...referral,
    };
  }

  private referralOwnerItem({ referralId, patientId }: ReferralRecord): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...keys.referralOwner(referralId), type: 'referralOwner', referralId, patientId },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  private nhsNumberPut(nhsNumber: string, patientId: string): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...keys.nhsNumber(nhsNumber), type: 'nhsNumber', patientId },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  /** Registers a patient under an identity; `onlyIfFree`: only if no one is registered under it. */
  private joinIdentity(identityHash: string, patientId: string, options: { onlyIfFree: boolean }): TransactItem {
    return {
      Update: {
        TableName: this.db.tableName,
        Key: keys.patientIdentity(identityHash),
        UpdateExpression: 'ADD patientIds :patient SET #type = :type',
        ...(options.onlyIfFree ? { ConditionExpression: 'attribute_not_exists(patientIds)' } : {}),
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':patient': new Set([patientId]), ':type': 'patientIdentity' },
      },
    };
  }

  private leaveIdentity(identityHash: string, patientId: string): TransactItem {
    return {
      Update: {
        TableName: this.db.tableName,
        Key: keys.patientIdentity(identityHash),
        UpdateExpression: 'DELETE patientIds :patient',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':patient': new Set([patientId]) },
      },
    };
  }
}

class PatientMovedElsewhere extends Error {}
