import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetItems, queryCollection, queryPatientRecords, type Db, type Page, type PageRequest } from '#shared/platform/dynamo';
import { conflict } from '#shared/platform/errors';
import { collections, followUpLists, keys, membership, patientRecordPrefix, referralCollections, reportIndex } from '#shared/platform/keys';
import { londonDate } from '#shared/platform/london';
import { transact, type TransactItem } from '#shared/platform/transactions';
import type { PatientRecord, ReferralRecord } from './rules';
import type { ReferralStatus } from './schema';

const ITEM_ATTRIBUTES = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'type']);

/** An item without its key attributes and type tag: the entity's own fields. */
export function entityOf<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !ITEM_ATTRIBUTES.has(name))) as T;
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

/** The order of referral statuses: a referral only ever moves forward. */
const REFERRAL_PROGRESS: ReferralStatus[] = ['new', 'assessed', 'prescribed'];

/** The patients capability's DynamoDB access: patients, referrals, caseloads. */
export class PatientStore {
  constructor(private readonly db: Db) {}

  /** Creates the patient and their referral together; an NHS number already in the scheme is a 409. */
  async createReferral(patient: PatientRecord, referral: ReferralRecord): Promise<void> {
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
    await transact(this.db, items, (failed) =>
      failed.includes(2)
        ? conflict('nhs_number_registered', 'A patient with this NHS number is already registered in the scheme.')
        : undefined,
    );
  }

  /** Strongly consistent: a navigator reads a patient straight after creating or changing them. */
  async getPatient(patientId: string): Promise<PatientRecord | undefined> {
    const result = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.patient(patientId), ConsistentRead: true }),
    );
    return result.Item ? entityOf<PatientRecord>(result.Item) : undefined;
  }

  async getReferral(patientId: string, referralId: string): Promise<ReferralRecord | undefined> {
    const result = await this.db.client.send(
      new GetCommand({ TableName: this.db.tableName, Key: keys.referral(patientId, referralId), ConsistentRead: true }),
    );
    return result.Item ? entityOf<ReferralRecord>(result.Item) : undefined;
  }

  async listPatients(navigator: string | undefined, page: PageRequest): Promise<Page<PatientRecord>> {
    const of = navigator === undefined ? collections.allPatients() : collections.caseload(navigator);
    const result = await queryCollection(this.db, of, page);
    return { ...result, items: result.items.map((item) => entityOf<PatientRecord>(item)) };
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
    const referrals = result.items.map((item) => entityOf<ReferralRecord>(item));
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
