import type { Clock } from '#shared/platform/clock';
import type { Db } from '#shared/platform/dynamo';
import type { IdSource } from '#shared/platform/ids';
import type { Logger } from '#shared/platform/logger';
import type { FeedFetcher } from './import-fetch';
import type { RegistryImportService } from './import-service';

/** The import's use cases, as the routes call them. */
export type RegistryImports = Pick<RegistryImportService, 'importFeed' | 'importFromUrl'>;

/**
 * The import service, loaded on its first use: a feed's validation, mapping and writing are code
 * every other request would otherwise load at a cold start (decision 51; esbuild puts it in a chunk).
 */
export function lazyRegistryImports(deps: { db: Db; clock: Clock; ids: IdSource; logger: Logger; fetcher?: FeedFetcher | undefined }): RegistryImports {
  let loaded: Promise<RegistryImportService> | undefined;
  const service = () =>
    (loaded ??= (async () => {
      const [{ RegistryImportService }, { RegistryImportStore }] = await Promise.all([import('./import-service'), import('./import-store')]);
      return new RegistryImportService({ imports: new RegistryImportStore(deps.db), clock: deps.clock, ids: deps.ids, logger: deps.logger, fetcher: deps.fetcher });
    })());
  return {
    importFeed: async (body, request) => (await service()).importFeed(body, request),
    importFromUrl: async (url, request) => (await service()).importFromUrl(url, request),
  };
}
