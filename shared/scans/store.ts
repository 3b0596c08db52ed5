import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CardRecord } from '#shared/cards/rules';
import { batchGetItems, keyString, type Db } from '#shared/platform/dynamo';
import { keys, type ItemKey } from '#shared/platform/keys';
import { cancellationCodes, type TransactItem } from '#shared/platform/transactions';
import { entityOf } from '#shared/patients/store';
import type { PrescriptionRecord } from '#shared/prescriptions/rules';
import type { PrescriptionStore } from '#shared/prescriptions/store';
import type { ActivityRecord, ProviderRecord, VenueRecord } from '#shared/registry/rules';

/** An accepted scan as stored. The patient id is kept for reports; no answer to a provider carries it. */
export interface ScanRecord {
  scanId: string;
  providerId: string;
  venueId: string;
  activityId?: string;
  activityName?: string;
  category?: ActivityRecord['category'];
  cardId: string;
  patientId: string;
  prescriptionId: string;
  scannedAt: string;
  /** The London day of scannedAt. */
  day: string;
  recordedAt: string;
  onPrescription: boolean;
  /** The count after this scan, and the weeks left, as answered at the door (echoed to retries). */
  sessionsAttended: number;
  weeksRemaining: number;
}

export interface ScanReads {
  card?: CardRecord;
  venue?: VenueRecord;
  activity?: ActivityRecord;
  provider?: ProviderRecord;
}

export interface HolderReads {
  /** The card holder's newest prescription, with its count. */
  prescription?: PrescriptionRecord;
  /** The scan already recorded for this person, place and day, if any. */
  recorded?: ScanRecord;
}

export type WriteOutcome = { kind: 'recorded' } | { kind: 'already_recorded' } | { kind: 'prescription_changed' } | { kind: 'conflict' };

/** The scans capability's DynamoDB access. */
export class ScanStore {
  constructor(
    private readonly db: Db,
    private readonly prescriptions: PrescriptionStore,
  ) {}

  /**
   * Everything eligibility needs, in two round trips. First one BatchGetItem: the card, the
   * venue, the activity and the device's provider (eventually consistent: a card revoked in the
   * last second may still read as active — the visit happened all the same).
   */
  async read(request: { cardId: string; venueId: string; activityId?: string | undefined; providerId: string }): Promise<ScanReads> {
    const wanted: Record<string, ItemKey> = {
      card: keys.card(request.cardId),
      venue: keys.venue(request.venueId),
      provider: keys.provider(request.providerId),
      ...(request.activityId ? { activity: keys.activity(request.activityId) } : {}),
    };
    const found = new Map((await batchGetItems(this.db, Object.values(wanted))).map((item) => [keyString(item), item]));
    const reads: ScanReads = {};
    for (const [name, key] of Object.entries(wanted)) {
      const item = found.get(keyString(key));
      if (item) (reads as Record<string, unknown>)[name] = entityOf(item);
    }
    return reads;
  }

  /**
   * Then, side by side, two strongly consistent reads in the card holder's partitions: their
   * newest prescription with its count (one Query), and whether this person was already
   * recorded at this place on this day (one GetItem).
   */
  async readHolder(patientId: string, place: string, day: string): Promise<HolderReads> {
    const [prescription, recorded] = await Promise.all([
      this.prescriptions.latestForPatient(patientId),
      this.db.client.send(
        new GetCommand({ TableName: this.db.tableName, Key: keys.attendanceOnDay(patientId, place, day), ConsistentRead: true }),
      ),
    ]);
    return {
      ...(prescription ? { prescription } : {}),
      ...(recorded.Item ? { recorded: entityOf<ScanRecord>(recorded.Item) } : {}),
    };
  }

  /**
   * Records an accepted scan, all or nothing: the person's attendance at that place that day (at
   * most one, and it carries the scanId); one more on the prescription's counter, whose
   * condition re-checks the prescription (still active, the day within its dates); and the
   * person added to the provider's attendance day at that place, which reports read. A retry or
   * a concurrent duplicate fails the first condition instead of counting twice — so the
   * attendance day, a set of patient ids, never counts anyone twice either.
   */
  async record(scan: ScanRecord, place: string): Promise<WriteOutcome> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...keys.attendanceOnDay(scan.patientId, place, scan.day), type: 'scan', ...scan },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.prescriptionAttendance(scan.patientId, scan.prescriptionId),
          UpdateExpression: 'ADD sessionsAttended :one',
          ConditionExpression: '#status = :active AND startDate <= :day AND endDate >= :day',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':active': 'active', ':day': scan.day },
        },
      },
      attendanceDayUpdate(this.db.tableName, scan, place),
    ];
    try {
      await this.db.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { kind: 'recorded' };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes[0] === 'ConditionalCheckFailed') return { kind: 'already_recorded' };
      if (codes[1] === 'ConditionalCheckFailed') return { kind: 'prescription_changed' };
      if (codes.includes('TransactionConflict')) return { kind: 'conflict' };
      throw error;
    }
  }
}

/**
 * Adds the scan's person to their provider's attendance day at that place. `attendances` and
 * `onPrescription` are counts kept beside the set so a count-only reader need not size it;
 * `offPrescription` names the few accepted at an activity that was not on their prescription.
 */
export function attendanceDayUpdate(tableName: string, scan: ScanRecord, place: string): TransactItem {
  const person = new Set([scan.patientId]);
  return {
    Update: {
      TableName: tableName,
      Key: keys.attendanceDay(scan.providerId, scan.day, place),
      UpdateExpression:
        'SET #type = :type, providerId = :providerId, venueId = :venueId, #day = :day, place = :place' +
        (scan.activityId ? ', activityId = :activityId, activityName = :activityName, category = :category' : '') +
        ' ADD patients :person, attendances :one' +
        (scan.onPrescription ? ', onPrescription :one' : ', offPrescription :person'),
      ExpressionAttributeNames: { '#type': 'type', '#day': 'day' },
      ExpressionAttributeValues: {
        ':type': 'attendanceDay',
        ':providerId': scan.providerId,
        ':venueId': scan.venueId,
        ':day': scan.day,
        ':place': place,
        ':person': person,
        ':one': 1,
        ...(scan.activityId ? { ':activityId': scan.activityId, ':activityName': scan.activityName, ':category': scan.category } : {}),
      },
    },
  };
}
