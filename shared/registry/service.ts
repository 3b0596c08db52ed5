import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { Page, PageRequest } from '#shared/platform/dynamo';
import type { FieldIssue } from '#shared/platform/errors';
import type { IdSource } from '#shared/platform/ids';
import {
  activityProblems,
  isAccreditedAt,
  newActivity,
  newProvider,
  newVenue,
  type ActivityRecord,
  type ProviderRecord,
  type VenueRecord,
} from './rules';
import type { AccreditationInputT, CreateActivityInput, CreateProviderInput, CreateVenueInput, ProviderView } from './schema';
import type { RegistryStore } from './store';

type NotFound = { kind: 'not_found'; what: 'Provider' | 'Venue' | 'Activity' };
type Forbidden = { kind: 'forbidden'; message: string };
export type Found<T> = { kind: 'found'; value: T } | NotFound | Forbidden;

const notFound = (what: NotFound['what']): NotFound => ({ kind: 'not_found', what });
const found = <T>(value: T): Found<T> => ({ kind: 'found', value });

/** The registry's use cases: providers, their accreditation, venues and activities. */
export class RegistryService {
  constructor(private readonly deps: { registry: RegistryStore; clock: Clock; ids: IdSource }) {}

  /** A provider as answered: with whether it is accredited right now. */
  view(provider: ProviderRecord): ProviderView {
    return { ...provider, accreditation: { ...provider.accreditation, currentlyAccredited: isAccreditedAt(provider.accreditation, this.deps.clock.now()) } };
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

  async createVenue(providerId: string, input: CreateVenueInput): Promise<Found<VenueRecord>> {
    const venue = newVenue(providerId, input, this.deps);
    return (await this.deps.registry.createVenue(venue)) === 'created' ? found(venue) : notFound('Provider');
  }

  async listVenues(principal: Principal, providerId: string, page: PageRequest): Promise<Found<Page<VenueRecord>>> {
    const refused = readRefusal(principal, providerId) ?? (await this.missingProvider(providerId));
    return refused ?? found(await this.deps.registry.listVenues(providerId, page));
  }

  async getVenue(principal: Principal, providerId: string, venueId: string): Promise<Found<VenueRecord>> {
    const refused = readRefusal(principal, providerId);
    if (refused) return refused;
    const venue = await this.deps.registry.getVenue(venueId);
    return venue && venue.providerId === providerId ? found(venue) : notFound('Venue');
  }

  /**
   * Adds an activity at one of the provider's venues, in a category it is accredited for; the
   * checks are repeated as conditions on the write, so a concurrent change is a conflict.
   */
  async createActivity(
    providerId: string,
    input: CreateActivityInput,
  ): Promise<Found<ActivityRecord> | { kind: 'invalid'; issues: FieldIssue[] } | { kind: 'changed' }> {
    const { provider, venue } = await this.deps.registry.getProviderAndVenue(providerId, input.venueId);
    if (!provider) return notFound('Provider');
    const problems = activityProblems(provider, venue, input.category);
    if (problems.length > 0) {
      return { kind: 'invalid', issues: problems.map(({ field, code, message }) => ({ in: 'body', path: field, code, message })) };
    }
    const activity = newActivity(providerId, input, this.deps);
    return (await this.deps.registry.createActivity(activity)) === 'created' ? found(activity) : { kind: 'changed' };
  }

  async listActivities(principal: Principal, providerId: string, page: PageRequest): Promise<Found<Page<ActivityRecord>>> {
    const refused = readRefusal(principal, providerId) ?? (await this.missingProvider(providerId));
    return refused ?? found(await this.deps.registry.listActivities(providerId, page));
  }

  async getActivity(principal: Principal, providerId: string, activityId: string): Promise<Found<ActivityRecord>> {
    const refused = readRefusal(principal, providerId);
    if (refused) return refused;
    const activity = await this.deps.registry.getActivity(activityId);
    return activity && activity.providerId === providerId ? found(activity) : notFound('Activity');
  }

  private async missingProvider(providerId: string): Promise<NotFound | undefined> {
    return (await this.deps.registry.getProvider(providerId)) ? undefined : notFound('Provider');
  }
}

/** A provider's token opens its own registry entries only. */
function readRefusal(principal: Principal, providerId: string): Forbidden | undefined {
  if (principal.role === 'provider' && principal.providerId !== providerId) {
    return { kind: 'forbidden', message: 'A provider may only read its own registry entries.' };
  }
  return undefined;
}
