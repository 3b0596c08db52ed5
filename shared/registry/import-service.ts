import type { Clock } from '#shared/platform/clock';
import type { FieldIssue } from '#shared/platform/errors';
import type { IdSource } from '#shared/platform/ids';
import type { Logger } from '#shared/platform/logger';
import { londonDate } from '#shared/platform/london';
import { parseFeed } from './import-feed';
import type { FeedFetcher } from './import-fetch';
import { planImport, sourcesOf, type ImportReport } from './import-rules';
import type { RegistryImportStore } from './import-store';
import type { CategoryName } from './schema';

export type ImportResult =
  | { kind: 'done'; report: ImportReport; transactions: number }
  | { kind: 'invalid'; issues: FieldIssue[] }
  | { kind: 'conflict'; code: string; message: string };

export interface ImportRequest {
  defaultCategory?: CategoryName;
}

/**
 * Imports an Open Referral UK feed into the registry: validate the whole feed first (a bad one
 * writes nothing), read what earlier imports made of its records, plan, then write in
 * transactions of at most 100 items. See ARCHITECTURE.md for why "resumes safely" is the
 * guarantee past one transaction.
 */
export class RegistryImportService {
  constructor(
    private readonly deps: { imports: RegistryImportStore; clock: Clock; ids: IdSource; logger: Logger; fetcher?: FeedFetcher | undefined },
  ) {}

  async importFeed(body: unknown, request: ImportRequest = {}): Promise<ImportResult> {
    const feed = parseFeed(body);
    if (feed.kind === 'invalid') return feed;
    const existing = await this.deps.imports.existing(sourcesOf(feed.services));
    const now = this.deps.clock.now();
    const plan = planImport(feed.services, existing, {
      now,
      today: londonDate(now),
      ids: this.deps.ids,
      ...(request.defaultCategory ? { defaultCategory: request.defaultCategory } : {}),
    });
    const written = await this.deps.imports.write(plan.writes, now.toISOString());
    // Counts only: a feed holds organisations' names and contact details, which logs do not carry.
    this.deps.logger.info('registry import', { services: feed.services.length, ...plan.report.counts, transactions: written.transactions });
    if (written.kind === 'changed') {
      return {
        kind: 'conflict',
        code: 'import_interrupted',
        message: `Something in the registry changed while this import was written (${written.written} of ${written.transactions} transactions were written). Send the same feed again: what was written is found by its feed ids and updated, never duplicated.`,
      };
    }
    return { kind: 'done', report: plan.report, transactions: written.transactions };
  }

  /** Fetches the feed from a URL (https only, with a timeout and a size limit), then imports it. */
  async importFromUrl(url: string, request: ImportRequest = {}): Promise<ImportResult> {
    if (!this.deps.fetcher) {
      return { kind: 'conflict', code: 'feed_urls_disabled', message: 'Importing from a URL is not switched on here; upload the feed instead.' };
    }
    const fetched = await this.deps.fetcher.fetch(url);
    if (fetched.kind === 'refused') return { kind: 'invalid', issues: [{ in: 'body', path: 'url', code: fetched.code, message: fetched.message }] };
    const result = await this.importFeed(fetched.body, request);
    if (result.kind !== 'invalid') return result;
    // The feed's own problems, said to be in the fetched document rather than the request body.
    return { kind: 'invalid', issues: result.issues.map((issue) => ({ ...issue, path: `(feed).${issue.path}` })) };
  }
}
