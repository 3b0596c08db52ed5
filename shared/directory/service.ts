import type { Clock } from '#shared/platform/clock';
import type { Page, PageRequest as CursorPage } from '#shared/platform/dynamo';
import { londonDate } from '#shared/platform/london';
import { inParallel } from '#shared/platform/parallel';
import type { ActivityRecord, ProviderRecord, VenueRecord } from '#shared/registry/rules';
import {
  TAXONOMY_TERMS,
  WAYMARK_TAXONOMY,
  filterServices,
  findService,
  findServiceAtLocation,
  fullService,
  fullServiceAtLocation,
  isPublished,
  orukPage,
  publishedServices,
  serviceAtLocationListItem,
  serviceListItem,
  taxonomy,
  type Locality,
  type PageRequest,
  type RegistrySnapshot,
  type ServiceEntry,
  type ServiceFilter,
} from './rules';

/**
 * What the directory reads of the registry (the registry's store implements it): providers, and a
 * provider's venues and activities a page at a time. The directory owns no items of its own.
 */
export interface RegistryReads {
  allProviders(): Promise<ProviderRecord[]>;
  listVenues(providerId: string, page: CursorPage): Promise<Page<VenueRecord>>;
  listActivities(providerId: string, page: CursorPage): Promise<Page<ActivityRecord>>;
}

type Found<T> = { kind: 'found'; value: T } | { kind: 'not_found'; what: string };

async function everyPage<T>(list: (page: CursorPage) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit: 100, cursor });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** How many providers' venues and activities are read at once while the feed is built. */
const READ_CONCURRENCY = 8;

/**
 * The public ORUK feed's use cases. Each answer is built from the registry as it is at the
 * request, on the London day of the injected clock: one Query of the providers, then the venues
 * and activities of the published ones only (decision 81).
 */
export class DirectoryService {
  /** The last snapshot built, its London day and when (monotonic ms); reused while fresh. */
  private cached: { day: string; builtAt: number; snapshot: Promise<RegistrySnapshot> } | undefined;

  constructor(
    private readonly deps: {
      registry: RegistryReads;
      clock: Clock;
      locality?: Locality | undefined;
      /** How long one instance reuses the registry it read (0: read it for every answer). */
      cacheMs?: number | undefined;
    },
  ) {}

  /**
   * The published registry of today: providers accredited today that have not opted out. With
   * `cacheMs`, the registry read is reused for that long within one London day (a new day reads
   * it again, so a provider whose accreditation ended yesterday is never published today).
   */
  async snapshot(): Promise<{ day: string; snapshot: RegistrySnapshot }> {
    const day = londonDate(this.deps.clock.now());
    const ttl = this.deps.cacheMs ?? 0;
    if (ttl <= 0) return { day, snapshot: await this.read(day) };
    const now = performance.now();
    if (!this.cached || this.cached.day !== day || now - this.cached.builtAt >= ttl) {
      const snapshot = this.read(day);
      this.cached = { day, builtAt: now, snapshot };
      // A failed read is not kept: the next answer tries again.
      snapshot.catch(() => {
        if (this.cached?.snapshot === snapshot) this.cached = undefined;
      });
    }
    return { day, snapshot: await this.cached.snapshot };
  }

  private async read(day: string): Promise<RegistrySnapshot> {
    const providers = (await this.deps.registry.allProviders()).filter((provider) => isPublished(provider, day));
    const snapshot: RegistrySnapshot = { providers: [] };
    await inParallel(providers, READ_CONCURRENCY, async (provider) => {
      const [venues, activities] = await Promise.all([
        everyPage((page) => this.deps.registry.listVenues(provider.providerId, page)),
        everyPage((page) => this.deps.registry.listActivities(provider.providerId, page)),
      ]);
      snapshot.providers.push({ provider, venues, activities });
    });
    return snapshot;
  }

  private async services(): Promise<ServiceEntry[]> {
    const { day, snapshot } = await this.snapshot();
    return publishedServices(snapshot, day);
  }

  async listServices(filter: ServiceFilter, page: PageRequest) {
    return orukPage(filterServices(await this.services(), filter), page, serviceListItem);
  }

  async getService(id: string): Promise<Found<ReturnType<typeof fullService>>> {
    const entry = findService(await this.services(), id);
    return entry ? { kind: 'found', value: fullService(entry, this.deps.locality) } : { kind: 'not_found', what: 'Service' };
  }

  async listServicesAtLocations(filter: ServiceFilter, page: PageRequest) {
    return orukPage(filterServices(await this.services(), filter), page, serviceAtLocationListItem);
  }

  async getServiceAtLocation(id: string): Promise<Found<ReturnType<typeof fullServiceAtLocation>>> {
    const entry = findServiceAtLocation(await this.services(), id);
    return entry ? { kind: 'found', value: fullServiceAtLocation(entry, this.deps.locality) } : { kind: 'not_found', what: 'Service at location' };
  }

  /** The taxonomies and their terms are fixed: no read at all. */
  listTaxonomies(page: PageRequest) {
    return orukPage([taxonomy()], page, (item) => item);
  }

  getTaxonomy(id: string): Found<ReturnType<typeof taxonomy>> {
    return id.toLowerCase() === WAYMARK_TAXONOMY.id ? { kind: 'found', value: taxonomy() } : { kind: 'not_found', what: 'Taxonomy' };
  }

  listTaxonomyTerms(page: PageRequest) {
    return orukPage(TAXONOMY_TERMS, page, (term) => term);
  }

  getTaxonomyTerm(id: string): Found<(typeof TAXONOMY_TERMS)[number]> {
    const term = TAXONOMY_TERMS.find((candidate) => candidate.id === id.toLowerCase());
    return term ? { kind: 'found', value: term } : { kind: 'not_found', what: 'Taxonomy term' };
  }
}
