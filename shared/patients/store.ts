import { z } from 'zod';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, batchGetItems, collectionPages, queryCollection, queryPages, queryPatientRecords, type Db, type Page, type PageRequest } from '#shared/platform/dynamo';
import { collections, followUpLists, keys, membership, patientRecordPrefix, referralCollections, reportIndex } from '#shared/platform/keys';
import { londonDate } from '#shared/platform/london';
import { indexAttributes } from '#shared/platform/table';
import { transact, transactConditions, type TransactItem } from '#shared/platform/transactions';
import type { PatientRecord, ReferralRecord } from './rules';
import { Patient, Referral, type ReferralStatus } from './schema';

// Items are parsed by their schemas on the way out (only the entity's fields kept), never cast.
const PatientItem = Patient.extend({ openReferralId: z.string() });
const patientFromItem = (item: Record<string, unknown>): PatientRecord => PatientItem.parse(item);
const referralFromItem = (item: Record<string, unknown>): ReferralRecord => Referral.parse(item);

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

/** The order of referral statuses: a referral only ever moves forward. */
const REFERRAL_PROGRESS: ReferralStatus[] = ['new', 'assessed', 'prescribed'];

/** The patients capability's DynamoDB access: patients, referrals, caseloads. */
export class PatientStore {
  constructor(private readonly db: Db) {}

  /** Creates the patient and their referral together, unless their NHS number is already in the scheme. */
  async createReferral(patient: PatientRecord, referral: ReferralRecord): Promise<'created' | 'nhs_number_registered'> {
    const items: TransactItem[] = [
      { Put: { TableName: this.db.tableName, Item: this.patientItem(patient), ConditionExpression: 'attribute_not_exists(PK)' } },
      { Put: { TableName: this.db.tableName, Item: this.referralItem(referral), ConditionExpression: 'attribute_not_exists(PK)' } },
    ];
    if (patient.nhsNumber) {
      items.push({
        Put: {
          TableName: this.db.tableName,
          Item: { ...keys.nhsNumber(patient.nhsNumber), type: 'nhsNumber', patientId: patient.patientId },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    const failed = await transactConditions(this.db, items);
    if (!failed) return 'created';
    if (failed.includes(2)) return 'nhs_number_registered';
    // The patient and referral are new ids: only a concurrent write of the same ids could fail them.
    throw new Error('a new patient or referral id was already taken');
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

  /** Referrals received on London days from..to (the reporting index): their source and patient, nothing else. */
  async referralsReceived(from: string, to: string): Promise<{ patientId: string; source: ReferralRecord['source'] }[]> {
    const found: { patientId: string; source: ReferralRecord['source'] }[] = [];
    for (const query of reportIndex.queries('REFERRALS', from, to)) {
      for await (const page of queryPages(this.db, {
        IndexName: reportIndex.indexName,
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': query.partition, ':low': query.low, ':high': query.high },
        ProjectionExpression: 'patientId, #source',
        ExpressionAttributeNames: { '#source': 'source' },
      })) {
        for (const item of page) found.push({ patientId: String(item.patientId), source: item.source as ReferralRecord['source'] });
      }
    }
    return found;
  }

  /**
   * What a pseudonymised export needs of each patient — date of birth and postcode, nothing else:
   * names, NHS numbers and contact details are never even read for it.
   */
  async demographics(patientIds: string[]): Promise<Map<string, Pick<PatientRecord, 'dateOfBirth' | 'postcode'>>> {
    const items = await batchGetAll(this.db, patientIds.map(keys.patient), { projection: 'patientId, dateOfBirth, postcode' });
    return new Map(
      items.map((item) => [
        String(item.patientId),
        { dateOfBirth: String(item.dateOfBirth), ...(typeof item.postcode === 'string' ? { postcode: item.postcode } : {}) },
      ]),
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

  async listPatients(navigator: string | undefined, page: PageRequest): Promise<Page<PatientRecord>> {
    const of = navigator === undefined ? collections.allPatients() : collections.caseload(navigator);
    const result = await queryCollection(this.db, of, page);
    return { ...result, items: result.items.map((item) => patientFromItem(item)) };
  }

  async listReferrals(
    filter: { navigator?: string | undefined; status?: ReferralStatus | undefined },
    page: PageRequest,
  ): Promise<Page<ReferralRecord & { patient?: { givenName: string; familyName: string } }>> {
    const of = filter.navigator === undefined ? referralCollections.all() : referralCollections.ofNavigator(filter.navigator);
    const result = await queryCollection(
      this.db,
      of,
      page,
      filter.status
        ? { filter: { expression: '#status = :status', names: { '#status': 'status' }, values: { ':status': filter.status } } }
        : {},
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
   * The transaction item that moves the patient's referral forward to `to`, given the status
   * just read — or nothing if it is already there or beyond (a referral never moves back, so
   * a late baseline after a prescription leaves it "prescribed"). Conditioned on the status
   * read, so a concurrent move fails the transaction instead of being overwritten.
   */
  advanceReferral(referral: ReferralRecord, to: ReferralStatus): TransactItem | undefined {
    if (REFERRAL_PROGRESS.indexOf(referral.status) >= REFERRAL_PROGRESS.indexOf(to)) return undefined;
    return {
      Update: {
        TableName: this.db.tableName,
        Key: keys.referral(referral.patientId, referral.referralId),
        UpdateExpression: 'SET #status = :to',
        ConditionExpression: '#status = :read',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': to, ':read': referral.status },
      },
    };
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
    const [referrals, followUps] = await Promise.all([
      queryPatientRecords(this.db, patient.patientId, patientRecordPrefix.referrals),
      queryPatientRecords(this.db, patient.patientId, patientRecordPrefix.followUps),
    ]);
    const caseload = collections.caseload(to);
    const referralsOf = referralCollections.ofNavigator(to);
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
      ...referrals.map(
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
    try {
      await transact(this.db, items, () => new PatientMovedElsewhere());
      return true;
    } catch (error) {
      if (error instanceof PatientMovedElsewhere) return false; // someone else moved them meanwhile
      throw error;
    }
  }

  patientItem(patient: PatientRecord): Record<string, unknown> {
    return {
      ...keys.patient(patient.patientId),
      ...membership(collections.caseload(patient.navigator), patient.patientId),
      ...membership(collections.allPatients(), patient.patientId),
      type: 'patient',
      ...patient,
    };
  }

  referralItem(referral: ReferralRecord): Record<string, unknown> {
    const memberId = `${referral.referralId}#${referral.patientId}`;
    return {
      ...keys.referral(referral.patientId, referral.referralId),
      ...membership(referralCollections.ofNavigator(referral.navigator), memberId),
      ...membership(referralCollections.all(), memberId),
      ...reportIndex.entry('REFERRALS', londonDate(new Date(referral.createdAt)), referral.referralId),
      type: 'referral',
      ...referral,
    };
  }
}

class PatientMovedElsewhere extends Error {}
