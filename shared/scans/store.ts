import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CardRecord } from '../cards/rules';
import type { Db } from '../platform/dynamo';
import { collections, keys, providerAttendance, type ItemKey } from '../platform/keys';
import { cancellationCodes, type TransactItem } from '../platform/transactions';
import { entityOf } from '../patients/store';
import type { PrescriptionRecord } from '../prescriptions/rules';
import type { ActivityRecord, ProviderRecord, VenueRecord } from '../registry/rules';

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
  existing?: ScanRecord;
  card?: CardRecord;
  venue?: VenueRecord;
  activity?: ActivityRecord;
  provider?: ProviderRecord;
  prescription?: PrescriptionRecord;
}

export type WriteOutcome =
  | { kind: 'recorded' }
  | { kind: 'duplicate_scan_id' }
  | { kind: 'duplicate_same_day' }
  | { kind: 'prescription_changed' }
  | { kind: 'card_changed' }
  | { kind: 'conflict' };

/** The scans capability's DynamoDB access. */
export class ScanStore {
  constructor(private readonly db: Db) {}

  /**
   * Everything eligibility needs, in two round trips: one BatchGetItem (the scan itself, the
   * card, venue, activity and the device's provider), then the card holder's latest
   * prescription by one Query. Eventually consistent: the write's conditions re-check what matters.
   */
  async read(request: { scanId: string; cardId: string; venueId: string; activityId?: string | undefined; providerId: string }): Promise<ScanReads> {
    const wanted: Record<string, ItemKey> = {
      scan: keys.scan(request.scanId),
      card: keys.card(request.cardId),
      venue: keys.venue(request.venueId),
      provider: keys.provider(request.providerId),
      ...(request.activityId ? { activity: keys.activity(request.activityId) } : {}),
    };
    const found = new Map<string, Record<string, unknown>>();
    let pending: Record<string, unknown>[] = Object.values(wanted).map((key) => ({ ...key }));
    while (pending.length > 0) {
      const result = await this.db.client.send(new BatchGetCommand({ RequestItems: { [this.db.tableName]: { Keys: pending } } }));
      for (const item of result.Responses?.[this.db.tableName] ?? []) found.set(`${item.PK}|${item.SK}`, item);
      pending = result.UnprocessedKeys?.[this.db.tableName]?.Keys ?? [];
    }
    const get = <T>(name: string) => {
      const key = wanted[name];
      const item = key ? found.get(`${key.PK}|${key.SK}`) : undefined;
      return item ? entityOf<T>(item) : undefined;
    };
    const reads: ScanReads = {};
    const existing = get<ScanRecord>('scan');
    const card = get<CardRecord>('card');
    const venue = get<VenueRecord>('venue');
    const activity = get<ActivityRecord>('activity');
    const provider = get<ProviderRecord>('provider');
    if (existing) reads.existing = existing;
    if (card) reads.card = card;
    if (venue) reads.venue = venue;
    if (activity) reads.activity = activity;
    if (provider) reads.provider = provider;
    if (card && !existing) {
      const prescription = await this.latestPrescription(card.patientId);
      if (prescription) reads.prescription = prescription;
    }
    return reads;
  }

  /** The patient's newest prescription (only the newest can be active: one at a time). */
  private async latestPrescription(patientId: string): Promise<PrescriptionRecord | undefined> {
    const of = collections.prescriptionsOf(patientId);
    const result = await this.db.client.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: of.indexName,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': of.partition },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = result.Items?.[0];
    return item ? entityOf<PrescriptionRecord>(item) : undefined;
  }

  /**
   * Records an accepted scan: the scan (unique by scanId), the person's attendance that day at
   * that place (unique), and the prescription's count — all or nothing, with conditions that
   * re-check the prescription (still active, the day within its dates) and the card. A retry
   * or a concurrent duplicate fails a condition instead of counting twice.
   */
  async record(scan: ScanRecord, place: string, cardMustStillBeActive: boolean): Promise<WriteOutcome> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.tableName,
          Item: {
            ...keys.scan(scan.scanId),
            GSI1PK: providerAttendance.partition(scan.providerId),
            GSI1SK: providerAttendance.sortKey(scan.day, scan.scanId),
            type: 'scan',
            ...scan,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...keys.attendanceOnDay(scan.patientId, place, scan.day), type: 'attendanceDay', scanId: scan.scanId },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Update: {
          TableName: this.db.tableName,
          Key: keys.prescription(scan.prescriptionId),
          UpdateExpression: 'ADD sessionsAttended :one',
          ConditionExpression: '#status = :active AND startDate <= :day AND endDate >= :day AND patientId = :patient',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':active': 'active', ':day': scan.day, ':patient': scan.patientId },
        },
      },
    ];
    if (cardMustStillBeActive) {
      items.push({
        ConditionCheck: {
          TableName: this.db.tableName,
          Key: keys.card(scan.cardId),
          ConditionExpression: '#status = :active AND patientId = :patient',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':active': 'active', ':patient': scan.patientId },
        },
      });
    }
    try {
      await this.db.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { kind: 'recorded' };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes[0] === 'ConditionalCheckFailed') return { kind: 'duplicate_scan_id' };
      if (codes[1] === 'ConditionalCheckFailed') return { kind: 'duplicate_same_day' };
      if (codes[2] === 'ConditionalCheckFailed') return { kind: 'prescription_changed' };
      if (codes[3] === 'ConditionalCheckFailed') return { kind: 'card_changed' };
      if (codes.includes('TransactionConflict')) return { kind: 'conflict' };
      throw error;
    }
  }

  /** Strongly consistent: the scan a retry refers to may have been written a moment ago. */
  async getScan(scanId: string): Promise<ScanRecord | undefined> {
    const result = await this.db.client.send(new GetCommand({ TableName: this.db.tableName, Key: keys.scan(scanId), ConsistentRead: true }));
    return result.Item ? entityOf<ScanRecord>(result.Item) : undefined;
  }

  /** A provider's accepted scans on London days from..to, oldest first. */
  async providerScans(providerId: string, from: string, to: string): Promise<ScanRecord[]> {
    const [low, high] = providerAttendance.range(from, to);
    const scans: ScanRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.client.send(
        new QueryCommand({
          TableName: this.db.tableName,
          IndexName: providerAttendance.indexName,
          KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high',
          ExpressionAttributeValues: { ':pk': providerAttendance.partition(providerId), ':low': low, ':high': high },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      scans.push(...(result.Items ?? []).map((item) => entityOf<ScanRecord>(item)));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return scans;
  }
}
