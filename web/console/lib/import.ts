import type { components } from '../../shared/openapi';

type Schemas = components['schemas'];

/** The registry import's answer, as the console shows it. */
export type ImportReport = Schemas['ImportReport'];
export type ImportEntry = Schemas['ImportEntry'];

/** What an import may be sent: the app takes feeds up to 4 MiB. */
export const MAX_FEED_BYTES = 4 * 1024 * 1024;

/** A chosen file's text as a feed to send, or why it cannot be (checked before anything is sent). */
export function readFeed(text: string, size: number): { feed: unknown } | { problem: string } {
  if (size > MAX_FEED_BYTES) return { problem: 'The file is over 4 MB. Split the feed and import each part.' };
  try {
    return { feed: JSON.parse(text) as unknown };
  } catch {
    return { problem: 'The file is not JSON. Choose the ORUK feed’s .json file.' };
  }
}

export const OUTCOME_LABELS: Record<ImportEntry['outcome'], { label: string; tone: 'green' | 'blue' | 'grey' | 'yellow' }> = {
  created: { label: 'Created', tone: 'green' },
  updated: { label: 'Updated', tone: 'blue' },
  unchanged: { label: 'Unchanged', tone: 'grey' },
  skipped: { label: 'Skipped', tone: 'yellow' },
};

/** Each skip reason in words, for the report table. */
export const REASON_LABELS: Record<NonNullable<ImportEntry['reason']>, string> = {
  unknown_organization: 'Its organization is not in the feed',
  invalid_name: 'The name does not fit (one line, up to 120 characters)',
  provider_skipped: 'Its organization was skipped',
  service_not_active: 'The service is not active',
  no_location: 'The service has no location',
  virtual_location: 'A virtual location (no door to scan at)',
  no_uk_postcode: 'No valid UK postcode',
  venue_skipped: 'Its location was skipped',
  no_category: 'No category (choose a default category)',
  category_not_accredited: 'The provider is not accredited for its category',
  imported_item_missing: 'Imported before, but no longer in the registry',
};

/** One line per problem of a refused feed: where in the file, and what is wrong. */
export function feedProblems(body: unknown): string[] {
  const error = (body as { error?: { message?: string; issues?: { in: string; path: string; message: string }[] } } | undefined)?.error;
  if (error?.issues?.length) return error.issues.map((issue) => (issue.in === 'query' ? `Default category: ${issue.message}` : `${issue.path}: ${issue.message}`));
  return [error?.message ?? 'The import failed. Try again.'];
}
