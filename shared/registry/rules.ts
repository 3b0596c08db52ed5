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
} from './schema';

/** Pure registry rules: records are made here, with the clock and id source injected. */

export interface AccreditationRecord extends AccreditationInputT {
  updatedAt: string;
}

export interface ProviderRecord {
  providerId: string;
  name: string;
  categories: CategoryName[];
  accreditation: AccreditationRecord;
  createdAt: string;
  updatedAt: string;
}

export interface VenueRecord {
  venueId: string;
  providerId: string;
  name: string;
  postcode: string;
  createdAt: string;
}

export interface ActivityRecord {
  activityId: string;
  providerId: string;
  venueId: string;
  name: string;
  category: CategoryName;
  capacity?: number;
  schedule?: CreateActivityInput['schedule'];
  createdAt: string;
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

/** Accredited on a London calendar date: status accredited and validUntil that day or later. */
export function isAccreditedOn(accreditation: AccreditationInputT, date: string): boolean {
  return accreditation.status === 'accredited' && accreditation.validUntil >= date;
}

export function isAccreditedAt(accreditation: AccreditationInputT, instant: Date): boolean {
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
  const problems: ActivityProblem[] = [];
  if (!venue || venue.providerId !== provider.providerId) {
    problems.push({ field: 'venueId', code: 'venue_not_at_provider', message: 'venueId is not a venue of this provider' });
  }
  if (!provider.categories.includes(category)) {
    problems.push({
      field: 'category',
      code: 'category_not_accredited',
      message: `this provider is not accredited for ${category}; it is for ${provider.categories.join(', ')}`,
    });
  }
  return problems;
}

export function newActivity(providerId: string, input: CreateActivityInput, { clock, ids }: RuleContext): ActivityRecord {
  return {
    activityId: ids.next(),
    providerId,
    venueId: input.venueId,
    name: input.name,
    category: input.category,
    ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
    ...(input.schedule !== undefined ? { schedule: input.schedule } : {}),
    createdAt: clock.now().toISOString(),
  };
}
