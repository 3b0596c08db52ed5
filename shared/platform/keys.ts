import { indexAttributes } from './table';
/**
 * Every DynamoDB key Waymark writes or reads is built here, and nowhere else.
 *
 * Each entity lives in its own partition (`TYPE#id`), so any entity is one
 * GetItem (or one BatchGetItem for several, as a scan's eligibility check needs).
 * What belongs to one patient and is only ever read with them (referrals,
 * assessments, card issues) lives in the patient's partition, so one Query reads
 * a patient's whole record. Collections ("a navigator's patients") are partitions
 * of GSI1 or GSI2 whose sort key is derived from the member's id alone, so a page
 * cursor is just a member id.
 */
export interface ItemKey {
  PK: string;
  SK: string;
}

/** The one partition of local mode's outbox (see `keys.localOutboxMessage`). */
export const LOCAL_OUTBOX_PARTITION = 'LOCALOUTBOX';

export const keys = {
  provider: (providerId: string): ItemKey => ({ PK: `PROVIDER#${providerId}`, SK: 'PROVIDER' }),
  venue: (venueId: string): ItemKey => ({ PK: `VENUE#${venueId}`, SK: 'VENUE' }),
  activity: (activityId: string): ItemKey => ({ PK: `ACTIVITY#${activityId}`, SK: 'ACTIVITY' }),
  patient: (patientId: string): ItemKey => ({ PK: `PATIENT#${patientId}`, SK: 'PATIENT' }),
  referral: (patientId: string, referralId: string): ItemKey => ({ PK: `PATIENT#${patientId}`, SK: `REFERRAL#${referralId}` }),
  assessment: (patientId: string, assessmentId: string): ItemKey => ({ PK: `PATIENT#${patientId}`, SK: `ASSESSMENT#${assessmentId}` }),
  cardIssue: (patientId: string, issueId: string): ItemKey => ({ PK: `PATIENT#${patientId}`, SK: `CARDISSUE#${issueId}` }),
  /** Holds the patient id an NHS number belongs to: makes the number unique in the scheme. */
  nhsNumber: (nhsNumber: string): ItemKey => ({ PK: `NHSNUMBER#${nhsNumber}`, SK: 'NHSNUMBER' }),
  /** Which patient a referral id belongs to (for the referral routes, which name the referral alone). */
  referralOwner: (referralId: string): ItemKey => ({ PK: `REFERRAL#${referralId}`, SK: 'REFERRAL' }),
  /**
   * The patients registered under one identity — a hash of the normalised given name, family name
   * and date of birth (never the names themselves in a key): how a referral without an NHS number
   * finds the person it may already belong to, with a GetItem instead of a Scan.
   */
  patientIdentity: (identityHash: string): ItemKey => ({ PK: `PATIENTIDENTITY#${identityHash}`, SK: 'PATIENTIDENTITY' }),
  /** A contact with the patient (a call, a visit, a letter…), in their partition. */
  contact: (patientId: string, contactId: string): ItemKey => ({ PK: `PATIENT#${patientId}`, SK: `CONTACT#${contactId}` }),
  /** A prescription lives with its patient, so a scan reads it (and its count) strongly consistently. */
  prescription: (patientId: string, prescriptionId: string): ItemKey => ({ PK: `PATIENT#${patientId}`, SK: `PRESCRIPTION#${prescriptionId}` }),
  /**
   * A prescription's attendance: the count, plus the status and dates the scan write checks.
   * A small item of its own, so the write a scan makes costs the same however long the
   * prescription's goals are. It sorts straight after its prescription.
   */
  prescriptionAttendance: (patientId: string, prescriptionId: string): ItemKey => ({
    PK: `PATIENT#${patientId}`,
    SK: `PRESCRIPTION#${prescriptionId}#ATTENDANCE`,
  }),
  /** Which patient a prescription id belongs to (for reads by prescription id alone). */
  prescriptionOwner: (prescriptionId: string): ItemKey => ({ PK: `PRESCRIPTION#${prescriptionId}`, SK: 'PRESCRIPTION' }),
  /** A card's current binding to a patient (its history is in the patient's card issues). */
  card: (cardId: string): ItemKey => ({ PK: `CARD#${cardId}`, SK: 'CARD' }),
  /**
   * An accepted scan, keyed by person, place and London day: at most one per person at the same
   * activity (or, without an activity, the same venue) a day. A retry of its scanId, or a second
   * scan that day, finds it — so one item makes a scan both idempotent and counted once a day.
   */
  attendanceOnDay: (patientId: string, place: string, day: string): ItemKey => ({
    PK: `ATTENDANCE#${patientId}#${place}#${day}`,
    SK: 'ATTENDANCE',
  }),
  /**
   * A provider's attendance at one place on one London day: the set of people accepted there and
   * how many of them had it on their prescription. Kept by the scan transaction, so reports read
   * one small item per session instead of every scan. It lives in the provider's partition, so
   * its writes spread over providers (no item or partition is written by every scan).
   */
  attendanceDay: (providerId: string, day: string, place: string): ItemKey => ({
    PK: `PROVIDER#${providerId}`,
    SK: `${ATTENDANCE_DAY_PREFIX}${day}#${place}`,
  }),
  /** A prescription's follow-up lives with the patient too; its owner item maps its id to them. */
  followUp: (patientId: string, followUpId: string): ItemKey => ({ PK: `PATIENT#${patientId}`, SK: `FOLLOWUP#${followUpId}` }),
  followUpOwner: (followUpId: string): ItemKey => ({ PK: `FOLLOWUP#${followUpId}`, SK: 'FOLLOWUP' }),
  /** A summary prepared for the patient's GP practice (the outbox), in the patient's partition; its owner maps its id to them. */
  gpMessage: (patientId: string, messageId: string): ItemKey => ({ PK: `PATIENT#${patientId}`, SK: `GPMESSAGE#${messageId}` }),
  gpMessageOwner: (messageId: string): ItemKey => ({ PK: `GPMESSAGE#${messageId}`, SK: 'GPMESSAGE' }),
  /**
   * That a navigator's daily follow-up email for one London day was claimed (and then sent): one
   * partition per day, so a run's records are one Query and a retry finds who already has theirs.
   */
  digestSend: (day: string, navigatorSub: string): ItemKey => ({ PK: `DIGEST#${day}`, SK: `NAVIGATOR#${navigatorSub}` }),
  /** Local mode's outbox: the emails it would have sent, newest last, in one partition. */
  localOutboxMessage: (sentAt: string, messageId: string): ItemKey => ({ PK: LOCAL_OUTBOX_PARTITION, SK: `${sentAt}#${messageId}` }),
  /** Local mode's stand-in for EventBridge Scheduler keeps its schedules in one partition. */
  localSchedule: (name: string): ItemKey => ({ PK: 'LOCALSCHEDULES', SK: name }),
  /** Marks that the demo data was loaded, so a restart does not load it twice. */
  seedMarker: (name: string): ItemKey => ({ PK: `SEED#${name}`, SK: 'SEED' }),
  /** A person who signs in (staff of the scheme or of a provider), by their own id. */
  person: (personId: string): ItemKey => ({ PK: `PERSON#${personId}`, SK: 'PERSON' }),
  /** Which person an email address belongs to (lower case): makes it unique among people. */
  personEmail: (email: string): ItemKey => ({ PK: `PERSONEMAIL#${email}`, SK: 'PERSONEMAIL' }),
  /** Which person a directory user id (`sub`) belongs to: a token or a caseload's navigator → the person. */
  personSub: (sub: string): ItemKey => ({ PK: `PERSONSUB#${sub}`, SK: 'PERSONSUB' }),
  /** How many enabled admins there are, so a condition can keep the last one. */
  peopleCounts: (): ItemKey => ({ PK: 'PEOPLE', SK: 'COUNTS' }),
  /** Local mode's stand-in for the Cognito user pool keeps its users in one partition. */
  localDirectoryUser: (sub: string): ItemKey => ({ PK: 'LOCALDIRECTORY', SK: `USER#${sub}` }),
  localDirectoryEmail: (email: string): ItemKey => ({ PK: 'LOCALDIRECTORY', SK: `EMAIL#${email}` }),
  /** One caller's requests to one route in one rate-limit window (expires by TTL). */
  rateWindow: (key: string, windowStart: number): ItemKey => ({ PK: `RATE#${key}`, SK: `WINDOW#${windowStart}` }),
  /** A scanning device of one provider: its status, enrolment and refresh-token hashes, last seen. */
  device: (deviceId: string): ItemKey => ({ PK: `DEVICE#${deviceId}`, SK: 'DEVICE' }),
  /** Which device a pending enrolment code's lookup part belongs to (unique while the code lives). */
  deviceEnrolment: (lookup: string): ItemKey => ({ PK: `DEVICEENROLMENT#${lookup}`, SK: 'DEVICEENROLMENT' }),
  /**
   * Which registry item an imported feed's record became (an ORUK organization → provider, a
   * location of that organization → venue, a service at a location → activity), by the feed's own
   * id: what makes importing the same feed again update rather than duplicate.
   */
  importSource: (kind: 'organization' | 'location' | 'service_at_location', sourceId: string): ItemKey => ({
    PK: `ORUK#${kind}#${sourceId}`,
    SK: 'ORUK',
  }),
};

/**
 * The audit trail (decision 82). An entry about one patient lives in that patient's audit partition
 * (not their record's: a record Query must not read every access ever made); an entry about no one
 * patient (a listing, a report) lives in its actor's. Every entry is also on GSI1 in its actor's
 * partition. Sort keys are the entry's ULID, which is its time: newest first is a backwards Query,
 * and a time range is a BETWEEN on ULID bounds. The actor's sort key carries the patient id too, so
 * a cursor (`entryId` or `entryId#patientId`) rebuilds the item's key.
 */
export const auditTrail = {
  ofPatient: (patientId: string, entryId: string): ItemKey => ({ PK: `AUDIT#PATIENT#${patientId}`, SK: `ENTRY#${entryId}` }),
  ofActorOnly: (actor: string, entryId: string): ItemKey => ({ PK: `AUDIT#ACTOR#${actor}`, SK: `ENTRY#${entryId}` }),
  patientPartition: (patientId: string) => `AUDIT#PATIENT#${patientId}`,
  entrySortKey: (entryId: string) => `ENTRY#${entryId}`,
  /** GSI1: every entry of one actor. */
  actorIndex: (actor: string, entryId: string, patientId: string | undefined) => ({
    GSI1PK: `AUDIT#ACTOR#${actor}`,
    GSI1SK: `ENTRY#${entryId}${patientId ? `#${patientId}` : ''}`,
  }),
  actorIndexName: 'GSI1' as const,
  actorPartition: (actor: string) => `AUDIT#ACTOR#${actor}`,
  /** Every actor sort key of an entry whose ULID is within lowId..highId lies between these. */
  actorRange: (lowId: string, highId: string) => [`ENTRY#${lowId}`, `ENTRY#${highId}#~`] as const,
  /** The member id (cursor) of an actor sort key, and the item key it names. */
  actorMember: (sortKey: string) => sortKey.slice('ENTRY#'.length),
  actorMemberKey: (actor: string, memberId: string) => {
    const [entryId = '', patientId] = memberId.split('#');
    return {
      ...(patientId ? auditTrail.ofPatient(patientId, entryId) : auditTrail.ofActorOnly(actor, entryId)),
      ...auditTrail.actorIndex(actor, entryId, patientId),
    };
  },
};

/** Prefixes of the sort keys inside a patient's partition, for `begins_with` queries. */
export const patientRecordPrefix = {
  referrals: 'REFERRAL#',
  assessments: 'ASSESSMENT#',
  cardIssues: 'CARDISSUE#',
  /** Prescriptions and their attendance items; newest first when read backwards. */
  prescriptions: 'PRESCRIPTION#',
  followUps: 'FOLLOWUP#',
  contacts: 'CONTACT#',
  gpMessages: 'GPMESSAGE#',
} as const;

/**
 * Follow-ups by status, ordered by due time: a navigator's inbox on GSI1, everyone's (managers,
 * and the sweep's "due by now" Query) on GSI2. The status is part of the partition, so a change
 * of status moves the item between lists.
 */
export const followUpLists = {
  ofNavigator: (navigator: string, status: string) => ({ indexName: 'GSI1' as const, partition: `NAVIGATOR#${navigator}#FOLLOWUPS#${status}` }),
  all: (status: string) => ({ indexName: 'GSI2' as const, partition: `FOLLOWUPS#${status}` }),
  /** Due times in one fixed-width form (with milliseconds), so they sort and compare as times. */
  sortKey: (dueAt: string, followUpId: string) => `${new Date(dueAt).toISOString()}#${followUpId}`,
  /** Every sort key of a follow-up due at or before `instant` is at most this. */
  dueBy: (instant: string) => `${new Date(instant).toISOString()}#~`,
};

/**
 * The GP outbox by status, oldest first: a navigator's on GSI1, everyone's on GSI2. The status is
 * part of the partition, so marking a message sent moves it between lists. The sort key carries the
 * patient id, so a cursor can rebuild the item key.
 */
export const gpMessageLists = {
  ofNavigator: (navigator: string, status: string) => gpMessageCollection('GSI1', `NAVIGATOR#${navigator}#GPMESSAGES#${status}`),
  all: (status: string) => gpMessageCollection('GSI2', `GPMESSAGES#${status}`),
};

function gpMessageCollection(indexName: CollectionIndex, partition: string): Collection {
  return {
    indexName,
    partition,
    sortKey: (memberId) => `GPMESSAGE#${memberId}`,
    memberId: (sortKey) => sortKey.slice('GPMESSAGE#'.length),
    itemKey: (memberId) => {
      const [messageId = '', patientId = ''] = memberId.split('#');
      return keys.gpMessage(patientId, messageId);
    },
  };
}

export type CollectionIndex = 'GSI1' | 'GSI2';

export interface Collection {
  readonly indexName: CollectionIndex;
  readonly partition: string;
  sortKey(memberId: string): string;
  /** The member id inside one of this collection's sort keys. */
  memberId(sortKey: string): string;
  itemKey(memberId: string): ItemKey;
}

const collection = (
  indexName: CollectionIndex,
  partition: string,
  prefix: string,
  itemKey: (id: string) => ItemKey,
): Collection => ({
  indexName,
  partition,
  sortKey: (id) => `${prefix}#${id}`,
  memberId: (sortKey) => sortKey.slice(prefix.length + 1),
  itemKey,
});

export const collections = {
  providers: () => collection('GSI1', 'PROVIDERS', 'PROVIDER', keys.provider),
  venuesOf: (providerId: string) => collection('GSI1', `PROVIDER#${providerId}#VENUES`, 'VENUE', keys.venue),
  activitiesOf: (providerId: string) => collection('GSI1', `PROVIDER#${providerId}#ACTIVITIES`, 'ACTIVITY', keys.activity),
  caseload: (navigatorSub: string) => collection('GSI1', `NAVIGATOR#${navigatorSub}#PATIENTS`, 'PATIENT', keys.patient),
  allPatients: () => collection('GSI2', 'PATIENTS', 'PATIENT', keys.patient),
  /** People by role (GSI1; a role change moves the item) and everyone (GSI2). */
  peopleWithRole: (role: string) => collection('GSI1', `PEOPLE#${role}`, 'PERSON', keys.person),
  allPeople: () => collection('GSI2', 'PEOPLE', 'PERSON', keys.person),
  /** A provider's scanning devices, oldest first. */
  devicesOf: (providerId: string) => collection('GSI1', `PROVIDER#${providerId}#DEVICES`, 'DEVICE', keys.device),
};

/**
 * Referrals are in the patient's partition; their collections carry the patient id in the
 * sort key (`REFERRAL#<referralId>#<patientId>`) so a cursor can rebuild the item key.
 */
export const referralCollections = {
  ofNavigator: (navigatorSub: string) => referralCollection('GSI1', `NAVIGATOR#${navigatorSub}#REFERRALS`),
  all: () => referralCollection('GSI2', 'REFERRALS'),
  /**
   * The unassigned triage queue: referrals with no navigator yet (public referrals), oldest first.
   * Sparse: a referral is in it only until it is assigned, when it moves to the navigator's list.
   */
  unassigned: () => referralCollection('GSI1', 'REFERRALS#UNASSIGNED'),
};

function referralCollection(indexName: CollectionIndex, partition: string): Collection {
  return {
    indexName,
    partition,
    sortKey: (memberId) => `REFERRAL#${memberId}`,
    memberId: (sortKey) => sortKey.slice('REFERRAL#'.length),
    itemKey: (memberId) => {
      const [referralId = '', patientId = ''] = memberId.split('#');
      return keys.referral(patientId, referralId);
    },
  };
}

const ATTENDANCE_DAY_PREFIX = 'ATTENDANCE#';

/** The sort keys of a provider's attendance days from..to (London dates, inclusive) lie between these two. */
export const attendanceDayRange = (from: string, to: string) => [`${ATTENDANCE_DAY_PREFIX}${from}#`, `${ATTENDANCE_DAY_PREFIX}${to}#~`] as const;

/**
 * GSI3, the reporting index: the programme's referrals (by the London day they were received)
 * and prescriptions (by start date), one partition per kind and calendar year, so a report's
 * cohort is a few Queries with BETWEEN — never a Scan. Only items written a handful of times in
 * their life are on it (not the attendance counter, which every scan writes).
 */
export const reportIndex = {
  indexName: 'GSI3' as const,
  partition: (kind: ReportKind, year: string) => `REPORT#${kind}#${year}`,
  /** The index attributes that put an item on it. */
  entry: (kind: ReportKind, day: string, id: string) => ({ GSI3PK: reportIndex.partition(kind, day.slice(0, 4)), GSI3SK: `${day}#${id}` }),
  /** The partitions holding days from..to, with each one's sort-key bounds. */
  queries: (kind: ReportKind, from: string, to: string) => {
    const first = Number(from.slice(0, 4));
    const last = Number(to.slice(0, 4));
    return Array.from({ length: last - first + 1 }, (_, i) => ({
      partition: reportIndex.partition(kind, String(first + i)),
      low: `${from}#`,
      high: `${to}#~`,
    }));
  },
};

export type ReportKind = 'REFERRALS' | 'PRESCRIPTIONS';

/** The index attributes that put an item into a collection. */
export function membership(of: Collection, memberId: string): Record<string, string> {
  const { partitionKey, sortKey } = indexAttributes(of.indexName);
  return { [partitionKey]: of.partition, [sortKey]: of.sortKey(memberId) };
}
