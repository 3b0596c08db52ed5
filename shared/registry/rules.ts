import { isValid as postcodeIsValid, toNormalised } from 'postcode';
import type { Clock } from '#shared/platform/clock';
import type { IdSource } from '#shared/platform/ids';
import { londonDate } from '#shared/platform/london';
import type {
  AccreditationInputT,
  CategoryName,
  CreateActivityInput,
  CreateProviderInput,
  CreateVenueInput,
  UpdateActivityInput,
  UpdateVenueInput,
} from './schema';

/** Pure registry rules: records are made here, with the clock and id source injected. */

/** A stored accreditation: what a manager set, or `pending` for a provider an import created. */
export interface AccreditationRecord extends Omit<AccreditationInputT, 'status'> {
  status: AccreditationStatus;
  updatedAt: string;
}

export type AccreditationStatus = AccreditationInputT['status'] | 'pending';

export interface ProviderRecord {
  providerId: string;
  name: string;
  categories: CategoryName[];
  accreditation: AccreditationRecord;
  /** Whether the public directory (the ORUK feed) may list it; absent means listed (decision 80). */
  listed?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface VenueRecord {
  venueId: string;
  providerId: string;
  name: string;
  postcode: string;
  /** Its town and county, for its address in the directory feed (an ORUK address's `city` and `state_province`). */
  town?: string;
  county?: string;
  createdAt: string;
  /** When it was last changed; absent until then. */
  updatedAt?: string;
}

/** The days of a weekly schedule, in week order (the order a schedule is kept in). */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One weekly session: a day and London local times, HH:MM, the end after the start. */
export interface WeeklySessionRecord {
  day: Weekday;
  startTime: string;
  endTime: string;
}

/** The most sessions a week one activity may have (two a day). */
export const MAX_WEEKLY_SESSIONS = 14;

export interface ActivityRecord {
  activityId: string;
  providerId: string;
  venueId: string;
  name: string;
  category: CategoryName;
  capacity?: number;
  schedule?: WeeklySessionRecord[];
  createdAt: string;
  /** When it was last changed; absent until then. */
  updatedAt?: string;
}

export interface RuleContext {
  clock: Clock;
  ids: IdSource;
}

export function isValidPostcode(value: string): boolean {
  return postcodeIsValid(value.trim());
}

/** Upper case with the single space before the inward code: "lu12ab" → "LU1 2AB". */
export function normalisePostcode(value: string): string {
  const normalised = toNormalised(value.trim());
  if (!normalised) throw new Error('normalisePostcode called with an invalid postcode');
  return normalised;
}

/** Accredited on a London calendar date: status accredited and validUntil that day or later (pending never is). */
export function isAccreditedOn(accreditation: { status: AccreditationStatus; validUntil: string }, date: string): boolean {
  return accreditation.status === 'accredited' && accreditation.validUntil >= date;
}

export function isAccreditedAt(accreditation: { status: AccreditationStatus; validUntil: string }, instant: Date): boolean {
  return isAccreditedOn(accreditation, londonDate(instant));
}

export function newProvider(input: CreateProviderInput, { clock, ids }: RuleContext): ProviderRecord {
  const now = clock.now().toISOString();
  return {
    providerId: ids.next(),
    name: input.name,
    categories: input.categories,
    accreditation: { ...input.accreditation, updatedAt: now },
    createdAt: now,
    updatedAt: now,
  };
}

export function newVenue(providerId: string, input: CreateVenueInput, { clock, ids }: RuleContext): VenueRecord {
  return {
    venueId: ids.next(),
    providerId,
    name: input.name,
    postcode: normalisePostcode(input.postcode),
    ...(input.town ? { town: input.town } : {}),
    ...(input.county ? { county: input.county } : {}),
    createdAt: clock.now().toISOString(),
  };
}

export interface ActivityProblem {
  field: 'venueId' | 'category';
  code: 'venue_not_at_provider' | 'category_not_accredited';
  message: string;
}

/**
 * Why an activity cannot be offered by this provider at this venue, if it cannot:
 * the venue must be the provider's, and the category one the provider is accredited for.
 */
export function activityProblems(
  provider: Pick<ProviderRecord, 'providerId' | 'categories'>,
  venue: Pick<VenueRecord, 'providerId'> | undefined,
  category: CategoryName,
): ActivityProblem[] {
  return [venueProblem(provider, venue), categoryProblem(provider, category)].filter((problem) => problem !== undefined);
}

function venueProblem(provider: Pick<ProviderRecord, 'providerId'>, venue: Pick<VenueRecord, 'providerId'> | undefined): ActivityProblem | undefined {
  if (venue && venue.providerId === provider.providerId) return undefined;
  return { field: 'venueId', code: 'venue_not_at_provider', message: 'venueId is not a venue of this provider' };
}

function categoryProblem(provider: Pick<ProviderRecord, 'categories'>, category: CategoryName): ActivityProblem | undefined {
  if (provider.categories.includes(category)) return undefined;
  return {
    field: 'category',
    code: 'category_not_accredited',
    message: `this provider is not accredited for ${category}; it is for ${provider.categories.join(', ')}`,
  };
}

export function newActivity(providerId: string, input: CreateActivityInput, { clock, ids }: RuleContext): ActivityRecord {
  return {
    activityId: ids.next(),
    providerId,
    venueId: input.venueId,
    name: input.name,
    category: input.category,
    ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
    ...(input.schedule !== undefined ? { schedule: orderedSchedule(input.schedule) } : {}),
    createdAt: clock.now().toISOString(),
  };
}

/** Two sessions on the same day overlap when each starts before the other ends (touching is fine). */
function overlaps(a: WeeklySessionRecord, b: WeeklySessionRecord): boolean {
  return a.day === b.day && a.startTime < b.endTime && b.startTime < a.endTime;
}

export interface ScheduleClash {
  /** The later session (in the order given) that overlaps an earlier one. */
  index: number;
  /** The earlier session it overlaps. */
  with: WeeklySessionRecord;
}

/**
 * The sessions of a weekly schedule that overlap an earlier one on the same day, each named
 * once, with the first session it overlaps. Times are HH:MM strings, so they compare as text.
 */
export function scheduleClashes(sessions: readonly WeeklySessionRecord[]): ScheduleClash[] {
  const clashes: ScheduleClash[] = [];
  sessions.forEach((session, index) => {
    const earlier = sessions.slice(0, index).find((other) => overlaps(other, session));
    if (earlier) clashes.push({ index, with: earlier });
  });
  return clashes;
}

/** A schedule in week order: Monday first, and by start time within a day. */
export function orderedSchedule(sessions: readonly WeeklySessionRecord[]): WeeklySessionRecord[] {
  return [...sessions].sort((a, b) => WEEKDAYS.indexOf(a.day) - WEEKDAYS.indexOf(b.day) || a.startTime.localeCompare(b.startTime));
}

/**
 * The fields a venue change writes (a new postcode normalised), stamped with the time of the
 * change; a town or county of null is removed.
 */
export type VenueChanges = Partial<Pick<VenueRecord, 'name' | 'postcode'>> & { town?: string | null; county?: string | null; updatedAt: string };

export function venueChanges(input: UpdateVenueInput, clock: Clock): VenueChanges {
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.postcode !== undefined ? { postcode: normalisePostcode(input.postcode) } : {}),
    ...(input.town !== undefined ? { town: input.town } : {}),
    ...(input.county !== undefined ? { county: input.county } : {}),
    updatedAt: clock.now().toISOString(),
  };
}

/**
 * What a change to an activity must still be checked against: a new venue must be the
 * provider's, and a new category one it is accredited for. What is not changing is not
 * re-checked, so an activity whose provider has since lost its category can still be renamed.
 */
export function activityChangeProblems(
  current: ActivityRecord,
  provider: Pick<ProviderRecord, 'providerId' | 'categories'>,
  newVenue: Pick<VenueRecord, 'providerId'> | undefined,
  input: UpdateActivityInput,
): ActivityProblem[] {
  const checks = activityChangeChecks(current, input);
  return [
    checks.venueId !== undefined ? venueProblem(provider, newVenue) : undefined,
    checks.category !== undefined ? categoryProblem(provider, checks.category) : undefined,
  ].filter((problem) => problem !== undefined);
}

/** What a change moves that needs checking: a venue or category different from the current one. */
export function activityChangeChecks(current: ActivityRecord, input: UpdateActivityInput): { venueId?: string; category?: CategoryName } {
  return {
    ...(input.venueId !== undefined && input.venueId !== current.venueId ? { venueId: input.venueId } : {}),
    ...(input.category !== undefined && input.category !== current.category ? { category: input.category } : {}),
  };
}

/**
 * An activity with the changes asked for: `capacity: null` removes the capacity, and a
 * schedule replaces the whole week (an empty one removes the times).
 */
export function changedActivity(activity: ActivityRecord, input: UpdateActivityInput, clock: Clock): ActivityRecord {
  const { capacity: _capacity, schedule: _schedule, ...rest } = activity;
  const capacity = input.capacity === undefined ? activity.capacity : (input.capacity ?? undefined);
  const schedule = input.schedule === undefined ? activity.schedule : input.schedule.length > 0 ? orderedSchedule(input.schedule) : undefined;
  return {
    ...rest,
    ...(input.venueId !== undefined ? { venueId: input.venueId } : {}),
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.category !== undefined ? { category: input.category } : {}),
    ...(capacity !== undefined ? { capacity } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
    updatedAt: clock.now().toISOString(),
  };
}
