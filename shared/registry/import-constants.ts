/** What the import's routes document, apart from the import itself (which loads lazily: decision 51). */

/** The most services one import takes (a large scheme lists about 400). */
export const MAX_FEED_SERVICES = 2000;

export const SKIP_REASONS = [
  'unknown_organization',
  'invalid_name',
  'provider_skipped',
  'service_not_active',
  'no_location',
  'virtual_location',
  'no_uk_postcode',
  'venue_skipped',
  'no_category',
  'category_not_accredited',
  'imported_item_missing',
] as const;
