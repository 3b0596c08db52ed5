import type { IdSource } from '#shared/platform/ids';
import { isPlainText } from '#shared/platform/text';
import type { FeedLocation, FeedSchedule, FeedService } from './import-feed';
import {
  MAX_WEEKLY_SESSIONS,
  isValidPostcode,
  normalisePostcode,
  orderedSchedule,
  scheduleClashes,
  type ActivityRecord,
  type ProviderRecord,
  type VenueRecord,
  type Weekday,
  type WeeklySessionRecord,
} from './rules';
import { CATEGORIES, type CategoryName } from './schema';
import { SKIP_REASONS } from './import-constants';

/**
 * The pure half of an ORUK import: from a parsed feed and what earlier imports left (the source
 * pointers and the items they point at), what to write and the report. Nothing here reads or
 * writes; the clock and ids are passed in.
 */

export type SourceKind = 'organization' | 'location' | 'service_at_location';

/** What an earlier import recorded for one feed record: the registry item it became. */
export interface SourcePointer {
  kind: SourceKind;
  sourceId: string;
  targetId: string;
  providerId: string;
}

export interface ExistingRegistry {
  pointers: ReadonlyMap<string, SourcePointer>;
  providers: ReadonlyMap<string, ProviderRecord>;
  venues: ReadonlyMap<string, VenueRecord>;
  activities: ReadonlyMap<string, ActivityRecord>;
}

export const pointerKey = (kind: SourceKind, sourceId: string) => `${kind}|${sourceId}`;

/** A venue is one organization's use of a location: two organizations at one hall get a venue each. */
export const venueSourceId = (organizationId: string, locationId: string) => `${locationId}@${organizationId}`;

export type ImportOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';

export { SKIP_REASONS };
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface ImportEntry {
  /** The feed's id for the record (a venue's is `<location id>@<organization id>`). */
  sourceId: string;
  name?: string;
  outcome: ImportOutcome;
  /** The Waymark id it is (created, updated, unchanged). */
  id?: string;
  reason?: SkipReason;
  message?: string;
  /** What was left out of an imported record, e.g. a monthly schedule. */
  notes?: string[];
}

export interface ImportReport {
  providers: ImportEntry[];
  venues: ImportEntry[];
  activities: ImportEntry[];
  counts: Record<ImportOutcome, number>;
}

export type ImportWrite =
  | { kind: 'create_provider'; sourceId: string; provider: ProviderRecord }
  /** A provider's name, and for a still-pending one its categories: nothing else an import changes. */
  | { kind: 'update_provider'; current: ProviderRecord; name: string; categories: CategoryName[] }
  | { kind: 'create_venue'; sourceId: string; venue: VenueRecord }
  | { kind: 'update_venue'; current: VenueRecord; next: VenueRecord }
  | { kind: 'create_activity'; sourceId: string; activity: ActivityRecord }
  | { kind: 'update_activity'; current: ActivityRecord; next: ActivityRecord };

export interface ImportPlan {
  writes: ImportWrite[];
  report: ImportReport;
}

export interface ImportOptions {
  /** For services the feed does not classify into one of the five areas; without it they are skipped. */
  defaultCategory?: CategoryName;
  now: Date;
  /** Today's London date: when a pending provider's (meaningless) validUntil is set, and which schedules have ended. */
  today: string;
  ids: IdSource;
}

const NAME_MAX = 120;

function cleanName(value: string | undefined): string | undefined {
  const name = value?.trim();
  return name && name.length <= NAME_MAX && isPlainText(name) ? name : undefined;
}

const LABELS: Record<string, CategoryName> = {
  social: 'social',
  'social activity': 'social',
  'social activities': 'social',
  volunteering: 'volunteering',
  volunteer: 'volunteering',
  physical: 'physical',
  'physical activity': 'physical',
  wellbeing: 'wellbeing',
  'well-being': 'wellbeing',
  'wellbeing and mental health': 'wellbeing',
  'mental health': 'wellbeing',
  advice: 'advice',
  'information, advice and guidance': 'advice',
  'advice and guidance': 'advice',
};

/**
 * The area a service is in: the first of its taxonomy terms (term, else name) that is one of the
 * five areas or their usual labels, compared in lower case. ORUK has no fixed taxonomy for them,
 * so anything else is left to the import's default category.
 */
export function serviceCategory(service: FeedService): CategoryName | undefined {
  for (const attribute of service.attributes ?? []) {
    for (const label of [attribute.taxonomy_term?.term, attribute.taxonomy_term?.name]) {
      const found = label ? LABELS[label.trim().toLowerCase()] : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

const BYDAY: Record<string, Weekday> = { MO: 'monday', TU: 'tuesday', WE: 'wednesday', TH: 'thursday', FR: 'friday', SA: 'saturday', SU: 'sunday' };

function clockTime(value: string | undefined): string | undefined {
  const match = value ? /^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim()) : null;
  return match ? `${match[1]}:${match[2]}` : undefined;
}

/**
 * An ORUK service's schedules as Waymark's weekly schedule: each WEEKLY schedule (interval 1)
 * with days (`byday`, e.g. "TH,FR") and times (`opens_at`, `closes_at`) gives a session on each
 * day. Anything else — monthly, every other week, no times, ended before today — is left out with
 * a note, as are sessions overlapping an earlier one and any past the fourteenth.
 */
export function weeklySchedule(schedules: readonly FeedSchedule[], today: string): { schedule?: WeeklySessionRecord[]; notes: string[] } {
  const notes: string[] = [];
  const sessions: WeeklySessionRecord[] = [];
  for (const schedule of schedules) {
    const left = (why: string) => notes.push(`schedule ${schedule.id} left out: ${why}`);
    if (schedule.freq !== 'WEEKLY' || (schedule.interval ?? 1) !== 1) {
      left(schedule.freq === 'WEEKLY' ? 'not every week' : 'not weekly');
      continue;
    }
    if (schedule.valid_to && /^\d{4}-\d{2}-\d{2}/.test(schedule.valid_to) && schedule.valid_to.slice(0, 10) < today) {
      left(`it ended on ${schedule.valid_to.slice(0, 10)}`);
      continue;
    }
    const startTime = clockTime(schedule.opens_at);
    const endTime = clockTime(schedule.closes_at);
    if (!startTime || !endTime || startTime >= endTime) {
      left('no opening and closing times of one day');
      continue;
    }
    const days = (schedule.byday ?? '').split(',').map((day) => day.trim().toUpperCase()).filter(Boolean);
    const weekdays = days.map((day) => BYDAY[day]);
    if (days.length === 0 || weekdays.some((day) => day === undefined)) {
      left('no days of the week it runs (byday)');
      continue;
    }
    for (const day of new Set(weekdays as Weekday[])) sessions.push({ day, startTime, endTime });
  }
  const distinct = sessions.filter(
    (session, index) => sessions.findIndex((other) => other.day === session.day && other.startTime === session.startTime && other.endTime === session.endTime) === index,
  );
  const clashing = new Set(scheduleClashes(distinct).map((clash) => clash.index));
  for (const index of clashing) notes.push(`the ${distinct[index]!.day} session ${distinct[index]!.startTime}–${distinct[index]!.endTime} left out: it overlaps another`);
  let kept = orderedSchedule(distinct.filter((_, index) => !clashing.has(index)));
  if (kept.length > MAX_WEEKLY_SESSIONS) {
    notes.push(`only the first ${MAX_WEEKLY_SESSIONS} sessions of the week kept`);
    kept = kept.slice(0, MAX_WEEKLY_SESSIONS);
  }
  return { ...(kept.length > 0 ? { schedule: kept } : {}), notes };
}

/** The longest town or county a venue keeps (as the API's venue fields). */
const PLACE_MAX = 60;

/** A town or county as the registry keeps it: one plain line of 1–60 characters, else none. */
function cleanPlace(value: string | undefined): string | undefined {
  const place = value?.trim();
  return place && place.length <= PLACE_MAX && isPlainText(place) ? place : undefined;
}

/**
 * A venue's address: the first physical (then any) address with a valid UK postcode, its town
 * (`city`) and county (`state_province`) with it when they fit.
 */
function venueAddress(location: FeedLocation): { postcode: string; town?: string; county?: string } | undefined {
  const addresses = [...(location.addresses ?? [])].sort((a, b) => Number(b.address_type === 'physical') - Number(a.address_type === 'physical'));
  const found = addresses.find((address) => address.postal_code && isValidPostcode(address.postal_code));
  if (!found?.postal_code) return undefined;
  const town = cleanPlace(found.city);
  const county = cleanPlace(found.state_province);
  return { postcode: normalisePostcode(found.postal_code), ...(town ? { town } : {}), ...(county ? { county } : {}) };
}

const sameSchedule = (a: WeeklySessionRecord[] | undefined, b: WeeklySessionRecord[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((value) => b.includes(value));
const inCategoryOrder = (categories: Iterable<CategoryName>) => CATEGORIES.filter((category) => new Set(categories).has(category));

interface ProviderPlan {
  organizationId: string;
  entry: ImportEntry;
  /** The provider the organization is (created now or earlier); absent when skipped. */
  provider?: ProviderRecord;
  created: boolean;
  categories: Set<CategoryName>;
}

/**
 * Plans an import. Organizations first (a provider each, new ones `pending`), then each active
 * service at each of its locations (a venue per organization and location, an activity per
 * service at a location), then what the providers' categories must become. Records already
 * imported are compared with what the feed now says: the same is `unchanged` (nothing written),
 * a difference is `updated` (only the fields an import owns). Ids come from `ids` in feed order.
 */
export function planImport(services: readonly FeedService[], existing: ExistingRegistry, options: ImportOptions): ImportPlan {
  const now = options.now.toISOString();
  const providers = new Map<string, ProviderPlan>();
  const venueEntries = new Map<string, ImportEntry>();
  const venueIds = new Map<string, string>();
  const activityEntries: ImportEntry[] = [];
  const writes: { providers: ImportWrite[]; venues: ImportWrite[]; activities: ImportWrite[] } = { providers: [], venues: [], activities: [] };
  const pointer = (kind: SourceKind, sourceId: string) => existing.pointers.get(pointerKey(kind, sourceId));

  const providerFor = (service: FeedService): ProviderPlan => {
    const organizationId = service.organization?.id ?? service.organization_id!;
    const planned = providers.get(organizationId);
    if (planned) return planned;
    const feedName = service.organization?.name;
    const known = pointer('organization', organizationId);
    let plan: ProviderPlan;
    if (known) {
      const current = existing.providers.get(known.targetId);
      plan = current
        ? { organizationId, provider: current, created: false, categories: new Set(current.categories), entry: { sourceId: organizationId, name: cleanName(feedName) ?? current.name, outcome: 'unchanged', id: current.providerId } }
        : { organizationId, created: false, categories: new Set(), entry: skipped(organizationId, feedName, 'imported_item_missing', `provider ${known.targetId}, imported from this organization before, is no longer in the registry`) };
    } else if (feedName === undefined) {
      plan = { organizationId, created: false, categories: new Set(), entry: skipped(organizationId, undefined, 'unknown_organization', 'the feed names this organization without including it, and it was never imported') };
    } else {
      const name = cleanName(feedName);
      if (!name) {
        plan = { organizationId, created: false, categories: new Set(), entry: skipped(organizationId, feedName.slice(0, NAME_MAX), 'invalid_name', `the name must be one line of 1–${NAME_MAX} characters`) };
      } else {
        const provider: ProviderRecord = {
          providerId: options.ids.next(),
          name,
          categories: [],
          accreditation: { status: 'pending', validUntil: options.today, updatedAt: now },
          createdAt: now,
          updatedAt: now,
        };
        plan = { organizationId, provider, created: true, categories: new Set(), entry: { sourceId: organizationId, name, outcome: 'created', id: provider.providerId } };
      }
    }
    providers.set(organizationId, plan);
    return plan;
  };

  const venueFor = (plan: ProviderPlan, location: FeedLocation): { venueId?: string; entry: ImportEntry } => {
    const sourceId = venueSourceId(plan.organizationId, location.id);
    const seen = venueEntries.get(sourceId);
    if (seen) return { ...(venueIds.has(sourceId) ? { venueId: venueIds.get(sourceId)! } : {}), entry: seen };
    const provider = plan.provider!;
    const name = cleanName(location.name ?? location.addresses?.[0]?.address_1);
    const address = venueAddress(location);
    const postcode = address?.postcode;
    const known = pointer('location', sourceId);
    let entry: ImportEntry;
    if (location.location_type === 'virtual') entry = skipped(sourceId, location.name, 'virtual_location', 'a virtual location has no door to scan cards at');
    else if (!postcode) entry = skipped(sourceId, location.name, 'no_uk_postcode', 'none of its addresses has a valid UK postcode');
    else if (!name) entry = skipped(sourceId, location.name, 'invalid_name', `the name (or first address line) must be one line of 1–${NAME_MAX} characters`);
    else if (known) {
      const current = existing.venues.get(known.targetId);
      if (!current) entry = skipped(sourceId, name, 'imported_item_missing', `venue ${known.targetId}, imported from this location before, is no longer in the registry`);
      else {
        // A town or county the feed does not give keeps the venue's own (a manager may have added it).
        const next: VenueRecord = { ...current, name, postcode, ...(address?.town ? { town: address.town } : {}), ...(address?.county ? { county: address.county } : {}) };
        if (current.name === next.name && current.postcode === next.postcode && current.town === next.town && current.county === next.county) {
          entry = { sourceId, name, outcome: 'unchanged', id: current.venueId };
        } else {
          writes.venues.push({ kind: 'update_venue', current, next: { ...next, updatedAt: now } });
          entry = { sourceId, name, outcome: 'updated', id: current.venueId };
        }
      }
    } else {
      const venue: VenueRecord = {
        venueId: options.ids.next(),
        providerId: provider.providerId,
        name,
        postcode,
        ...(address?.town ? { town: address.town } : {}),
        ...(address?.county ? { county: address.county } : {}),
        createdAt: now,
      };
      writes.venues.push({ kind: 'create_venue', sourceId, venue });
      entry = { sourceId, name, outcome: 'created', id: venue.venueId };
    }
    venueEntries.set(sourceId, entry);
    if (entry.id) venueIds.set(sourceId, entry.id);
    return { ...(entry.id ? { venueId: entry.id } : {}), entry };
  };

  for (const service of services) {
    const plan = providerFor(service);
    const placements = service.service_at_locations ?? [];
    const name = cleanName(service.name);
    if (!plan.provider) {
      for (const sourceId of placements.length > 0 ? placements.map((p) => p.id) : [service.id]) {
        activityEntries.push(skipped(sourceId, service.name, 'provider_skipped', `its organization ${plan.organizationId} was not imported (${plan.entry.reason})`));
      }
      continue;
    }
    if (service.status !== 'active') {
      for (const sourceId of placements.length > 0 ? placements.map((p) => p.id) : [service.id]) {
        activityEntries.push(skipped(sourceId, service.name, 'service_not_active', `the service is ${service.status}`));
      }
      continue;
    }
    if (placements.length === 0) {
      activityEntries.push(skipped(service.id, service.name, 'no_location', 'the service lists no location, and an activity is held at a venue'));
      continue;
    }
    const category = serviceCategory(service) ?? options.defaultCategory;
    for (const placement of placements) {
      const venue = venueFor(plan, placement.location!);
      if (!venue.venueId) {
        activityEntries.push(skipped(placement.id, service.name, 'venue_skipped', `its location was not imported (${venue.entry.reason})`));
        continue;
      }
      if (!name) {
        activityEntries.push(skipped(placement.id, service.name.slice(0, NAME_MAX), 'invalid_name', `the name must be one line of 1–${NAME_MAX} characters`));
        continue;
      }
      if (!category) {
        activityEntries.push(skipped(placement.id, name, 'no_category', 'none of its taxonomy terms is one of the five areas, and the import gave no default category'));
        continue;
      }
      const canAddCategory = plan.created || plan.provider.accreditation.status === 'pending';
      if (!canAddCategory && !plan.provider.categories.includes(category)) {
        activityEntries.push(skipped(placement.id, name, 'category_not_accredited', `the provider is accredited for ${plan.provider.categories.join(', ')}, not ${category}`));
        continue;
      }
      plan.categories.add(category);
      const { schedule, notes } = weeklySchedule(placement.schedules ?? service.schedules ?? [], options.today);
      const withNotes = notes.length > 0 ? { notes } : {};
      const known = pointer('service_at_location', placement.id);
      if (known) {
        const current = existing.activities.get(known.targetId);
        if (!current) {
          activityEntries.push(skipped(placement.id, name, 'imported_item_missing', `activity ${known.targetId}, imported from this service before, is no longer in the registry`));
          continue;
        }
        const { schedule: _schedule, ...rest } = current;
        const next: ActivityRecord = { ...rest, name, category, venueId: venue.venueId, ...(schedule ? { schedule } : {}) };
        if (current.name === name && current.category === category && current.venueId === venue.venueId && sameSchedule(current.schedule, schedule)) {
          activityEntries.push({ sourceId: placement.id, name, outcome: 'unchanged', id: current.activityId, ...withNotes });
        } else {
          writes.activities.push({ kind: 'update_activity', current, next: { ...next, updatedAt: now } });
          activityEntries.push({ sourceId: placement.id, name, outcome: 'updated', id: current.activityId, ...withNotes });
        }
      } else {
        const activity: ActivityRecord = {
          activityId: options.ids.next(),
          providerId: plan.provider.providerId,
          venueId: venue.venueId,
          name,
          category,
          ...(schedule ? { schedule } : {}),
          createdAt: now,
        };
        writes.activities.push({ kind: 'create_activity', sourceId: placement.id, activity });
        activityEntries.push({ sourceId: placement.id, name, outcome: 'created', id: activity.activityId, ...withNotes });
      }
    }
  }

  for (const plan of providers.values()) {
    if (!plan.provider) continue;
    const categories = inCategoryOrder(plan.categories);
    if (plan.created) {
      writes.providers.push({ kind: 'create_provider', sourceId: plan.organizationId, provider: { ...plan.provider, categories } });
      continue;
    }
    const name = plan.entry.name ?? plan.provider.name;
    const nextCategories = plan.provider.accreditation.status === 'pending' ? categories : plan.provider.categories;
    if (name !== plan.provider.name || !sameSet(nextCategories, plan.provider.categories)) {
      writes.providers.push({ kind: 'update_provider', current: plan.provider, name, categories: nextCategories });
      plan.entry.outcome = 'updated';
    }
  }

  const report: ImportReport = {
    providers: [...providers.values()].map((plan) => plan.entry),
    venues: [...venueEntries.values()],
    activities: activityEntries,
    counts: { created: 0, updated: 0, unchanged: 0, skipped: 0 },
  };
  for (const entry of [...report.providers, ...report.venues, ...report.activities]) report.counts[entry.outcome] += 1;
  // Providers before the venues and activities that name them: a write cut short leaves nothing pointing at a missing provider.
  return { writes: [...writes.providers, ...writes.venues, ...writes.activities], report };
}

function skipped(sourceId: string, name: string | undefined, reason: SkipReason, message: string): ImportEntry {
  return { sourceId, ...(name !== undefined ? { name: name.slice(0, NAME_MAX) } : {}), outcome: 'skipped', reason, message };
}

/** Every feed record an import may have seen before, to look up its pointer. */
export function sourcesOf(services: readonly FeedService[]): { kind: SourceKind; sourceId: string }[] {
  const sources: { kind: SourceKind; sourceId: string }[] = [];
  for (const service of services) {
    const organizationId = service.organization?.id ?? service.organization_id!;
    sources.push({ kind: 'organization', sourceId: organizationId });
    for (const placement of service.service_at_locations ?? []) {
      sources.push({ kind: 'service_at_location', sourceId: placement.id });
      if (placement.location) sources.push({ kind: 'location', sourceId: venueSourceId(organizationId, placement.location.id) });
    }
  }
  return sources;
}
