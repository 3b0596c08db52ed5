import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { Page, PageRequest } from '#shared/platform/dynamo';
import type { FieldIssue } from '#shared/platform/errors';
import type { IdSource } from '#shared/platform/ids';
import {
  activityChangeChecks,
  activityChangeProblems,
  activityProblems,
  changedActivity,
  isAccreditedAt,
  newActivity,
  newProvider,
  newVenue,
  venueChanges,
  type ActivityProblem,
  type ActivityRecord,
  type ProviderRecord,
  type VenueRecord,
} from './rules';
import type {
  AccreditationInputT,
  CreateActivityInput,
  CreateProviderInput,
  CreateVenueInput,
  ListingInputT,
  ProviderView,
  UpdateActivityInput,
  UpdateVenueInput,
} from './schema';
import type { RegistryStore } from './store';

type NotFound = { kind: 'not_found'; what: 'Provider' | 'Venue' | 'Activity' };
type Forbidden = { kind: 'forbidden'; message: string };
export type Found<T> = { kind: 'found'; value: T } | NotFound | Forbidden;
type Invalid = { kind: 'invalid'; issues: FieldIssue[] };
type Changed = { kind: 'changed' };

const invalid = (problems: ActivityProblem[]): Invalid => ({
  kind: 'invalid',
  issues: problems.map(({ field, code, message }) => ({ in: 'body', path: field, code, message })),
});

const notFound = (what: NotFound['what']): NotFound => ({ kind: 'not_found', what });
const found = <T>(value: T): Found<T> => ({ kind: 'found', value });

/** The registry's use cases: providers, their accreditation, venues and activities. */
export class RegistryService {
  constructor(private readonly deps: { registry: RegistryStore; clock: Clock; ids: IdSource }) {}

  /** A provider as answered: with whether it is accredited right now. */
  view(provider: ProviderRecord): ProviderView {
    return {
      ...provider,
      accreditation: { ...provider.accreditation, currentlyAccredited: isAccreditedAt(provider.accreditation, this.deps.clock.now()) },
      listed: provider.listed ?? true,
    };
  }

  async createProvider(input: CreateProviderInput): Promise<ProviderView> {
    const provider = newProvider(input, this.deps);
    await this.deps.registry.createProvider(provider);
    return this.view(provider);
  }

  async listProviders(page: PageRequest): Promise<Page<ProviderView>> {
    const result = await this.deps.registry.listProviders(page);
    return { ...result, items: result.items.map((provider) => this.view(provider)) };
  }

  async getProvider(principal: Principal, providerId: string): Promise<Found<ProviderView>> {
    const refused = readRefusal(principal, providerId);
    if (refused) return refused;
    const provider = await this.deps.registry.getProvider(providerId);
    return provider ? found(this.view(provider)) : notFound('Provider');
  }

  async setAccreditation(providerId: string, input: AccreditationInputT): Promise<Found<ProviderView>> {
    const updated = await this.deps.registry.setAccreditation(providerId, { ...input, updatedAt: this.deps.clock.now().toISOString() });
    return updated ? found(this.view(updated)) : notFound('Provider');
  }

  /** Lists the provider in the public directory (while accredited) or keeps it out; the same value again is no change. */
  async setListing(providerId: string, input: ListingInputT): Promise<Found<ProviderView>> {
    const updated = await this.deps.registry.setListed(providerId, input.listed, this.deps.clock.now().toISOString());
    return updated ? found(this.view(updated)) : notFound('Provider');
  }

  async createVenue(providerId: string, input: CreateVenueInput): Promise<Found<VenueRecord>> {
    const venue = newVenue(providerId, input, this.deps);
    return (await this.deps.registry.createVenue(venue)) === 'created' ? found(venue) : notFound('Provider');
  }

  listVenues(principal: Principal, providerId: string, page: PageRequest): Promise<Found<Page<VenueRecord>>> {
    return this.listOf(principal, providerId, () => this.deps.registry.listVenues(providerId, page));
  }

  getVenue(principal: Principal, providerId: string, venueId: string): Promise<Found<VenueRecord>> {
    return this.memberOf(principal, providerId, 'Venue', () => this.deps.registry.getVenue(venueId));
  }

  /** Renames a venue or corrects its postcode; another provider's venue is not found, as a missing one is. */
  async updateVenue(providerId: string, venueId: string, input: UpdateVenueInput): Promise<Found<VenueRecord>> {
    const updated = await this.deps.registry.updateVenue(providerId, venueId, venueChanges(input, this.deps.clock));
    return updated ? found(updated) : notFound('Venue');
  }

  /**
   * Adds an activity at one of the provider's venues, in a category it is accredited for; the
   * checks are repeated as conditions on the write, so a concurrent change is a conflict.
   */
  async createActivity(providerId: string, input: CreateActivityInput): Promise<Found<ActivityRecord> | Invalid | Changed> {
    const { provider, venue } = await this.deps.registry.getProviderAndVenue(providerId, input.venueId);
    if (!provider) return notFound('Provider');
    const problems = activityProblems(provider, venue, input.category);
    if (problems.length > 0) return invalid(problems);
    const activity = newActivity(providerId, input, this.deps);
    return (await this.deps.registry.createActivity(activity)) === 'created' ? found(activity) : { kind: 'changed' };
  }

  /**
   * Changes one of the provider's activities (name, venue, category, capacity, weekly schedule).
   * A new venue or category is checked as when adding one, and the write repeats those checks
   * and that the activity is as read, so a concurrent change is a conflict, never a lost update.
   */
  async updateActivity(providerId: string, activityId: string, input: UpdateActivityInput): Promise<Found<ActivityRecord> | Invalid | Changed> {
    const { provider, activity, venue } = await this.deps.registry.getForActivityChange(providerId, activityId, input.venueId);
    if (!provider) return notFound('Provider');
    if (!activity || activity.providerId !== providerId) return notFound('Activity');
    const problems = activityChangeProblems(activity, provider, venue, input);
    if (problems.length > 0) return invalid(problems);
    const next = changedActivity(activity, input, this.deps.clock);
    const written = await this.deps.registry.updateActivity(activity, next, activityChangeChecks(activity, input));
    return written === 'updated' ? found(next) : { kind: 'changed' };
  }

  listActivities(principal: Principal, providerId: string, page: PageRequest): Promise<Found<Page<ActivityRecord>>> {
    return this.listOf(principal, providerId, () => this.deps.registry.listActivities(providerId, page));
  }

  getActivity(principal: Principal, providerId: string, activityId: string): Promise<Found<ActivityRecord>> {
    return this.memberOf(principal, providerId, 'Activity', () => this.deps.registry.getActivity(activityId));
  }

  /** A page of one of the provider's collections, if the caller may read it and the provider exists. */
  private async listOf<T>(principal: Principal, providerId: string, list: () => Promise<Page<T>>): Promise<Found<Page<T>>> {
    const refused = readRefusal(principal, providerId);
    if (refused) return refused;
    if (!(await this.deps.registry.getProvider(providerId))) return notFound('Provider');
    return found(await list());
  }

  /** One of the provider's venues or activities: another provider's is "not found", as a missing one is. */
  private async memberOf<T extends { providerId: string }>(
    principal: Principal,
    providerId: string,
    what: 'Venue' | 'Activity',
    get: () => Promise<T | undefined>,
  ): Promise<Found<T>> {
    const refused = readRefusal(principal, providerId);
    if (refused) return refused;
    const member = await get();
    return member && member.providerId === providerId ? found(member) : notFound(what);
  }
}

/** A provider's token opens its own registry entries only. */
function readRefusal(principal: Principal, providerId: string): Forbidden | undefined {
  if (principal.role === 'provider' && principal.providerId !== providerId) {
    return { kind: 'forbidden', message: 'A provider may only read its own registry entries.' };
  }
  return undefined;
}
