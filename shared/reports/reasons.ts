/**
 * The coded referral reasons the outcomes export carries. A referral's reasons are short free-text
 * tags (up to 40 characters each), and free text can carry personal data ("lost her husband
 * Jim"), so a tag never leaves as typed: it is normalised and exported only if it is one of these
 * codes; anything else becomes `other` (ARCHITECTURE.md decision 90; docs/data-dictionary.md).
 * The console's suggested reasons (web/console/lib/referral.ts) all normalise to a code here
 * (a test holds them to it).
 */
export const REFERRAL_REASON_CODES = [
  'alcohol',
  'anxiety',
  'benefits',
  'bereavement',
  'carer',
  'carer_stress',
  'confidence',
  'debt',
  'diet',
  'employment',
  'exercise',
  'housing',
  'isolation',
  'loneliness',
  'long_term_condition',
  'low_mood',
  'mental_health',
  'mobility',
  'pain',
  'sleep',
  'smoking',
  'stress',
  'volunteering',
  'weight',
] as const;

export type ReferralReasonCode = (typeof REFERRAL_REASON_CODES)[number] | 'other';

const CODES: ReadonlySet<string> = new Set(REFERRAL_REASON_CODES);

/** A tag as it is compared with the codes: lowercase, trimmed, runs of spaces, hyphens and underscores to one `_`. */
export const normaliseReason = (tag: string): string =>
  tag
    .trim()
    .toLowerCase()
    .replace(/[\s\-_]+/g, '_');

/** The code of one tag: itself when normalised it is a code, else `other`. */
export const reasonCode = (tag: string): ReferralReasonCode => {
  const normalised = normaliseReason(tag);
  return CODES.has(normalised) ? (normalised as ReferralReasonCode) : 'other';
};

/** A referral's tags as the export's cell: their codes, de-duplicated, sorted, `;`-separated. */
export const reasonCodes = (tags: readonly string[]): string => [...new Set(tags.map(reasonCode))].sort().join(';');
