import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CardRecord } from '#shared/cards/rules';
import { cardFromItem } from '#shared/cards/store';
import type { DeviceRecord } from '#shared/devices/rules';
import { deviceFromItem } from '#shared/devices/store';
import { batchGetItems, keyString, queryPages, type Db } from '#shared/platform/dynamo';
import { attendanceDayRange, keys, type ItemKey } from '#shared/platform/keys';
import { cancellationCodes, type TransactItem } from '#shared/platform/transactions';
import { z } from 'zod';
import { CATEGORIES } from '#shared/registry/schema';
import type { PrescriptionRecord } from '#shared/prescriptions/rules';
import type { PrescriptionStore } from '#shared/prescriptions/store';
import type { ActivityRecord, ProviderRecord, VenueRecord } from '#shared/registry/rules';
import { activityFromItem, providerFromItem, venueFromItem } from '#shared/registry/store';
import type { CategoryName } from '#shared/registry/schema';

/** A provider's attendance at one place on one London day, as the scan transaction keeps it. */
export interface AttendanceDay {
  providerId: string;
  venueId: string;
  day: string;
  /** The activity id, or `VENUE-<venueId>` for scans without one. */
  place: string;
  activityId?: string;
  activityName?: string;
  category?: CategoryName;
  /** Everyone accepted there that day, each once. */
  patients: ReadonlySet<string>;
  /** Of them, accepted at an activity that was not on their prescription. */
  offPrescription?: ReadonlySet<string>;
}

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

/** A stored attendance item as the scan that made it: parsed, never cast. */
const ScanItem = z.object({
  scanId: z.string(),
  providerId: z.string(),
  venueId: z.string(),
  activityId: z.string().optional(),
  activityName: z.string().optional(),
  category: z.enum(CATEGORIES).optional(),
  cardId: z.string(),
  patientId: z.string(),
  prescriptionId: z.string(),
  scannedAt: z.string(),
  day: z.string(),
  recordedAt: z.string(),
  onPrescription: z.boolean(),
  sessionsAttended: z.number().int(),
  weeksRemaining: z.number().int(),
}) satisfies z.ZodType<ScanRecord>;

export interface ScanReads {
  card?: CardRecord;
  venue?: VenueRecord;
  activity?: ActivityRecord;
  provider?: ProviderRecord;
  /** The scanning device, when a device (not a person) scans: a revoked one is refused at once. */
  device?: DeviceRecord;
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
   * venue, the activity, the scanner's provider and, for a device, the device (eventually
   * consistent: a card or device revoked in the last second may still read as active).
   */
  async read(request: { cardId: string; venueId: string; activityId?: string | undefined; providerId: string; deviceId?: string | undefined }): Promise<ScanReads> {
    const wanted: Record<string, ItemKey> = {
      card: keys.card(request.cardId),
      venue: keys.venue(request.venueId),
      provider: keys.provider(request.providerId),
      ...(request.activityId ? { activity: keys.activity(request.activityId) } : {}),
      ...(request.deviceId ? { device: keys.device(request.deviceId) } : {}),
    };
    const found = new Map((await batchGetItems(this.db, Object.values(wanted))).map((item) => [keyString(item), item]));
    const item = (key: ItemKey | undefined) => (key ? found.get(keyString(key)) : undefined);
    // Each item is read back by its owner's parser: the scans only borrow them for this one round trip.
    const [card, venue, provider, activity, device] = [item(wanted.card), item(wanted.venue), item(wanted.provider), item(wanted.activity), item(wanted.device)];
    return {
      ...(device ? { device: deviceFromItem(device) } : {}),
      ...(card ? { card: cardFromItem(card) } : {}),
      ...(venue ? { venue: venueFromItem(venue) } : {}),
      ...(provider ? { provider: providerFromItem(provider) } : {}),
      ...(activity ? { activity: activityFromItem(activity) } : {}),
    };
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
      ...(recorded.Item ? { recorded: ScanItem.parse(recorded.Item) } : {}),
    };
  }

  /** One provider's attendance days on London days from..to, a page at a time (oldest first). */
  async *attendanceDays(providerId: string, from: string, to: string): AsyncGenerator<AttendanceDay[]> {
    const [low, high] = attendanceDayRange(from, to);
    for await (const page of queryPages(this.db, {
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': keys.provider(providerId).PK, ':low': low, ':high': high },
    })) {
      yield page.map(attendanceDayOf);
    }
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
      this.prescriptions.attendanceCountItem(scan.patientId, scan.prescriptionId, scan.day),
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

function attendanceDayOf(item: Record<string, unknown>): AttendanceDay {
  const set = (value: unknown): ReadonlySet<string> => (value instanceof Set ? (value as Set<string>) : new Set<string>());
  return {
    providerId: String(item.providerId),
    venueId: String(item.venueId),
    day: String(item.day),
    place: String(item.place),
    ...(typeof item.activityId === 'string' ? { activityId: item.activityId } : {}),
    ...(typeof item.activityName === 'string' ? { activityName: item.activityName } : {}),
    ...(typeof item.category === 'string' ? { category: item.category as AttendanceDay['category'] & string } : {}),
    patients: set(item.patients),
    ...(item.offPrescription instanceof Set ? { offPrescription: set(item.offPrescription) } : {}),
  };
}
