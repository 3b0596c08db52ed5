import { createHash } from 'node:crypto';
import { londonDate } from '#shared/platform/london';
import { isAccreditedOn, type ActivityRecord, type ProviderRecord, type VenueRecord, type Weekday, type WeeklySessionRecord } from '#shared/registry/rules';
import type { CategoryName } from '#shared/registry/schema';

/**
 * The public directory: the registry as an Open Referral UK (ORUK) v3.0 feed. Pure functions
 * only — which providers are published on a day, how a provider, activity and venue become an
 * organization, a service and a location, and how a list is filtered and paged. Nothing here
 * reads or could read a patient: the input is the registry alone.
 */

export const ORUK_VERSION = '3.0';
export const ORUK_PROFILE_URL = 'https://openreferral.org.uk/profile/v3.0';

/** What the feed is built from: the registry's providers, each with its venues and activities. */
export interface RegistrySnapshot {
  providers: { provider: ProviderRecord; venues: VenueRecord[]; activities: ActivityRecord[] }[];
}

/** A provider is published when it is accredited on that London day and has not opted out. */
export function isPublished(provider: ProviderRecord, day: string): boolean {
  return provider.listed !== false && isAccreditedOn(provider.accreditation, day);
}

// ---------- ids ----------

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID as the UUID the profile asks for: the same 128 bits written in UUID form, so the
 * feed's id of a provider, activity or venue is its Waymark id, reversibly (`uuidToUlid`).
 */
export function ulidToUuid(ulid: string): string {
  let value = 0n;
  for (const char of ulid.toUpperCase()) {
    const digit = CROCKFORD.indexOf(char);
    if (digit < 0) throw new Error('not a ULID');
    value = (value << 5n) | BigInt(digit);
  }
  const hex = value.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ULID a feed UUID stands for, or undefined when it is not one of ours. */
export function uuidToUlid(uuid: string): string | undefined {
  if (!UUID_PATTERN.test(uuid)) return undefined;
  let value = BigInt(`0x${uuid.replace(/-/g, '')}`);
  if (value >> 128n !== 0n || value >> 126n !== 0n) return undefined; // a ULID's first character is 0–7
  let text = '';
  for (let i = 0; i < 26; i += 1) {
    text = CROCKFORD[Number(value & 31n)]! + text;
    value >>= 5n;
  }
  return text;
}

/** Waymark's namespace for the feed's derived ids (a random UUID fixed once). */
const NAMESPACE = 'c0b7c9d2-3f0a-4a55-9d1e-6f2b8a4e7c11';

/**
 * A stable UUID (RFC 9562 version 5, SHA-1 name-based) for what has no id of its own in the
 * registry: a schedule line, an address, a service at a location, an attribute link.
 */
export function derivedUuid(name: string): string {
  const hash = createHash('sha1').update(Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------- the Waymark taxonomy: the five accreditation areas ----------

export interface TaxonomyTerm {
  id: string;
  name: string;
  description: string;
  taxonomy: string;
  taxonomy_id: string;
  term: string;
}

export const WAYMARK_TAXONOMY = {
  id: '5a3c1f0e-7d2b-4e59-8a61-0c9e4b7d2f10',
  name: 'Waymark accreditation areas',
  description: 'The five areas a social prescribing provider is accredited for in a Waymark scheme.',
  version: '1',
} as const;

const TERM_IDS: Record<CategoryName, string> = {
  social: '5a3c1f0e-7d2b-4e59-8a61-0c9e4b7d2f11',
  volunteering: '5a3c1f0e-7d2b-4e59-8a61-0c9e4b7d2f12',
  physical: '5a3c1f0e-7d2b-4e59-8a61-0c9e4b7d2f13',
  wellbeing: '5a3c1f0e-7d2b-4e59-8a61-0c9e4b7d2f14',
  advice: '5a3c1f0e-7d2b-4e59-8a61-0c9e4b7d2f15',
};

const TERM_TEXT: Record<CategoryName, { name: string; description: string }> = {
  social: { name: 'Social activity', description: 'Groups and activities for meeting people and taking part.' },
  volunteering: { name: 'Volunteering', description: 'Opportunities to volunteer.' },
  physical: { name: 'Physical activity', description: 'Walking, sport, exercise and other physical activity.' },
  wellbeing: { name: 'Wellbeing and mental health', description: 'Support for wellbeing and mental health.' },
  advice: { name: 'Information, advice and guidance', description: 'Information, advice and guidance, e.g. on money, housing or work.' },
};

const CATEGORY_ORDER: CategoryName[] = ['social', 'volunteering', 'physical', 'wellbeing', 'advice'];

export function taxonomyTerm(category: CategoryName): TaxonomyTerm {
  return { id: TERM_IDS[category], ...TERM_TEXT[category], taxonomy: WAYMARK_TAXONOMY.name, taxonomy_id: WAYMARK_TAXONOMY.id, term: category };
}

export const TAXONOMY_TERMS: TaxonomyTerm[] = CATEGORY_ORDER.map(taxonomyTerm);

export function taxonomy() {
  return { ...WAYMARK_TAXONOMY, taxonomy_terms: TAXONOMY_TERMS };
}

// ---------- mapping ----------

/** Where the scheme's venues are: the town and county of a venue that has none of its own recorded. */
export interface Locality {
  city: string;
  stateProvince: string;
}

const BYDAY: Record<Weekday, string> = { monday: 'MO', tuesday: 'TU', wednesday: 'WE', thursday: 'TH', friday: 'FR', saturday: 'SA', sunday: 'SU' };
const DAY_NAMES: Record<Weekday, string> = { monday: 'Mondays', tuesday: 'Tuesdays', wednesday: 'Wednesdays', thursday: 'Thursdays', friday: 'Fridays', saturday: 'Saturdays', sunday: 'Sundays' };

/** One published service: an activity with its provider and venue. */
export interface ServiceEntry {
  provider: ProviderRecord;
  venue: VenueRecord;
  activity: ActivityRecord;
}

/** Every published activity on that day whose venue is known, ordered by name then id (a stable order for paging). */
export function publishedServices(snapshot: RegistrySnapshot, day: string): ServiceEntry[] {
  const entries: ServiceEntry[] = [];
  for (const { provider, venues, activities } of snapshot.providers) {
    if (!isPublished(provider, day)) continue;
    const venueById = new Map(venues.map((venue) => [venue.venueId, venue]));
    for (const activity of activities) {
      const venue = venueById.get(activity.venueId);
      if (venue && provider.categories.includes(activity.category)) entries.push({ provider, venue, activity });
    }
  }
  return entries.sort((a, b) => a.activity.name.localeCompare(b.activity.name, 'en-GB') || a.activity.activityId.localeCompare(b.activity.activityId));
}

function categoryList(categories: readonly CategoryName[]): string {
  return categories.map((category) => TERM_TEXT[category].name.toLowerCase()).join(', ');
}

export function organization(provider: ProviderRecord) {
  return {
    id: ulidToUuid(provider.providerId),
    name: provider.name,
    description: `${provider.name}: a provider accredited by the social prescribing scheme for ${categoryList(provider.categories)}.`,
  };
}

function lastModified({ provider, venue, activity }: ServiceEntry): string {
  const times = [provider.updatedAt, venue.updatedAt ?? venue.createdAt, activity.updatedAt ?? activity.createdAt].map((at) => new Date(at).toISOString());
  return times.sort().at(-1)!;
}

/** The service's one-to-one fields (what a list shows). */
function serviceFields(entry: ServiceEntry) {
  const { provider, activity } = entry;
  return {
    id: ulidToUuid(activity.activityId),
    organization_id: ulidToUuid(provider.providerId),
    name: activity.name,
    description: `${activity.name}, run by ${provider.name}: ${TERM_TEXT[activity.category].name.toLowerCase()}.`,
    status: 'active' as const,
    accreditations: `Accredited by the social prescribing scheme for ${categoryList(provider.categories)}, until ${provider.accreditation.validUntil}.`,
    assured_date: londonDate(new Date(provider.accreditation.updatedAt)),
    last_modified: lastModified(entry),
  };
}

function timeOf(hhmm: string): string {
  return `${hhmm}:00`;
}

/** The weekly sessions as RFC 5545 recurrence fields, one schedule per session. */
export function schedules(activity: ActivityRecord, serviceAtLocationId: string) {
  return (activity.schedule ?? []).map((session: WeeklySessionRecord) => ({
    id: derivedUuid(`schedule:${activity.activityId}:${session.day}:${session.startTime}`),
    service_id: ulidToUuid(activity.activityId),
    service_at_location_id: serviceAtLocationId,
    freq: 'WEEKLY',
    interval: 1,
    byday: BYDAY[session.day],
    opens_at: timeOf(session.startTime),
    closes_at: timeOf(session.endTime),
    description: `${DAY_NAMES[session.day]}, ${session.startTime}–${session.endTime} (UK time).`,
    attending_type: 'in person',
  }));
}

/**
 * A venue as a location. The profile's address needs a town and county: the venue's own when
 * recorded, else the scheme's locality setting; without either the location has no address
 * (rather than an invented one).
 */
export function location(venue: VenueRecord, locality: Locality | undefined) {
  const id = ulidToUuid(venue.venueId);
  const city = venue.town ?? locality?.city;
  const stateProvince = venue.county ?? locality?.stateProvince;
  const address = city &&
    stateProvince && {
      id: derivedUuid(`address:${venue.venueId}`),
      location_id: id,
      address_1: venue.name,
      city,
      state_province: stateProvince,
      postal_code: venue.postcode,
      country: 'GB',
      address_type: 'physical',
    };
  return { id, location_type: 'physical', name: venue.name, ...(address ? { addresses: [address] } : {}) };
}

function serviceAtLocationId(activity: ActivityRecord): string {
  return derivedUuid(`service_at_location:${activity.activityId}:${activity.venueId}`);
}

function attribute(linkId: string, category: CategoryName) {
  const term = taxonomyTerm(category);
  return { id: derivedUuid(`attribute:${linkId}:${term.id}`), link_id: linkId, taxonomy_term_id: term.id, link_type: 'service', taxonomy_term: term };
}

/** A service in a list: its one-to-one fields and its organization. */
export function serviceListItem(entry: ServiceEntry) {
  return { ...serviceFields(entry), organization: organization(entry.provider) };
}

/** A service in full: schedules, where it runs, its organization, its area as a taxonomy attribute. */
export function fullService(entry: ServiceEntry, locality: Locality | undefined) {
  const fields = serviceFields(entry);
  const salId = serviceAtLocationId(entry.activity);
  const place = location(entry.venue, locality);
  return {
    ...fields,
    schedules: schedules(entry.activity, salId),
    service_at_locations: [{ id: salId, service_id: fields.id, location_id: place.id, location: place }],
    organization: organization(entry.provider),
    attributes: [attribute(fields.id, entry.activity.category)],
  };
}

/** A service at a location in a list: the location's and the service's one-to-one fields. */
export function serviceAtLocationListItem(entry: ServiceEntry) {
  const { addresses: _addresses, ...place } = location(entry.venue, undefined);
  return {
    id: serviceAtLocationId(entry.activity),
    service_id: ulidToUuid(entry.activity.activityId),
    location_id: place.id,
    location: place,
    service: serviceListItem(entry),
  };
}

/** A service at a location in full: the location with its address, and the service with its schedules. */
export function fullServiceAtLocation(entry: ServiceEntry, locality: Locality | undefined) {
  const { service_at_locations: _sal, ...service } = fullService(entry, locality);
  const place = location(entry.venue, locality);
  return { id: serviceAtLocationId(entry.activity), service_id: service.id, location_id: place.id, location: place, service };
}

/** The service whose feed id is `id` (a service's, or a service at a location's), if it is published. */
export function findService(entries: readonly ServiceEntry[], id: string): ServiceEntry | undefined {
  const ulid = uuidToUlid(id);
  return ulid ? entries.find((entry) => entry.activity.activityId === ulid) : undefined;
}

export function findServiceAtLocation(entries: readonly ServiceEntry[], id: string): ServiceEntry | undefined {
  const wanted = id.toLowerCase();
  return entries.find((entry) => serviceAtLocationId(entry.activity) === wanted);
}

// ---------- filters and pages ----------

export const DAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type DayCode = (typeof DAY_CODES)[number];

export interface ServiceFilter {
  search?: string | undefined;
  taxonomyTermId?: string | undefined;
  taxonomyId?: string | undefined;
  day?: DayCode | undefined;
  /** HH:MM: a session starting at or after it. */
  startTime?: string | undefined;
  /** HH:MM: a session ending at or before it. */
  endTime?: string | undefined;
  /** An instant: modified at or after it. */
  modifiedAfter?: string | undefined;
  /** A normalised postcode ("LU1 2AB") or an outward code ("LU1"): venues in that postcode or district. */
  postcode?: string | undefined;
}

const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

function matchesSearch(entry: ServiceEntry, search: string): boolean {
  const haystack = fold([entry.activity.name, entry.provider.name, entry.venue.name, TERM_TEXT[entry.activity.category].name].join(' '));
  return fold(search)
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

function matchesTimes(activity: ActivityRecord, filter: ServiceFilter): boolean {
  if (!filter.day && !filter.startTime && !filter.endTime) return true;
  return (activity.schedule ?? []).some(
    (session) =>
      (!filter.day || BYDAY[session.day] === filter.day) &&
      (!filter.startTime || session.startTime >= filter.startTime) &&
      (!filter.endTime || session.endTime <= filter.endTime),
  );
}

function matchesPostcode(venue: VenueRecord, postcode: string): boolean {
  return postcode.includes(' ') ? venue.postcode === postcode : venue.postcode.split(' ')[0] === postcode;
}

export function filterServices(entries: readonly ServiceEntry[], filter: ServiceFilter): ServiceEntry[] {
  return entries.filter(
    (entry) =>
      (!filter.search || matchesSearch(entry, filter.search)) &&
      (!filter.taxonomyTermId || TERM_IDS[entry.activity.category] === filter.taxonomyTermId.toLowerCase()) &&
      (!filter.taxonomyId || filter.taxonomyId.toLowerCase() === WAYMARK_TAXONOMY.id) &&
      matchesTimes(entry.activity, filter) &&
      (!filter.modifiedAfter || new Date(lastModified(entry)).getTime() >= new Date(filter.modifiedAfter).getTime()) &&
      (!filter.postcode || matchesPostcode(entry.venue, filter.postcode)),
  );
}

export interface PageRequest {
  page: number;
  perPage: number;
}

/** The profile's page: counts over everything that matched, and the slice asked for. */
export function orukPage<T, U>(all: readonly T[], { page, perPage }: PageRequest, map: (item: T) => U) {
  const totalPages = Math.ceil(all.length / perPage);
  const contents = all.slice((page - 1) * perPage, page * perPage).map(map);
  return {
    total_items: all.length,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: all.length === 0,
    contents,
  };
}
