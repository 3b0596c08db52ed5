import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { Category, FollowUp, PrescriptionStatus, Referral, ReferralSource, RevokeReason } from './types';

/** The words people see for the API's codes. */
export const CATEGORIES: readonly Category[] = ['social', 'volunteering', 'physical', 'wellbeing', 'advice'];

export const CATEGORY_LABELS: Record<Category, string> = {
  social: 'Social activity',
  volunteering: 'Volunteering',
  physical: 'Physical activity',
  wellbeing: 'Wellbeing and mental health',
  advice: 'Information, advice and guidance',
};

export const REFERRAL_SOURCES: readonly { value: ReferralSource; label: string }[] = [
  { value: 'gp', label: 'GP' },
  { value: 'nurse', label: 'Practice nurse' },
  { value: 'pharmacist', label: 'Pharmacist' },
  { value: 'social_care', label: 'Social care' },
  { value: 'self', label: 'Self-referral' },
  { value: 'other', label: 'Other' },
];

export const sourceLabel = (source: ReferralSource): string =>
  REFERRAL_SOURCES.find((s) => s.value === source)?.label ?? source;

export const REFERRAL_STATUS_LABELS: Record<Referral['status'], string> = {
  received: 'Received',
  accepted: 'Accepted',
  prescribed: 'Prescribed',
  declined: 'Declined',
  closed: 'Closed',
};

export const PRESCRIPTION_STATUS_LABELS: Record<PrescriptionStatus, string> = {
  active: 'Active',
  paused: 'Paused',
  withdrawn: 'Withdrawn',
  completed: 'Completed',
};

export const FOLLOW_UP_STATUS_LABELS: Record<FollowUp['status'], string> = {
  due: 'Due',
  scheduled: 'Scheduled',
  held: 'On hold (prescription paused)',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export const REVOKE_REASONS: readonly { value: RevokeReason; label: string }[] = [
  { value: 'lost', label: 'Lost' },
  { value: 'stolen', label: 'Stolen' },
  { value: 'damaged', label: 'Damaged' },
  { value: 'withdrawn', label: 'Handed back (withdrawn)' },
];

export const ROLE_LABELS = {
  navigator: 'Navigator',
  manager: 'Manager',
  admin: 'Admin',
  provider: 'Provider',
} as const;

export function personName(person: { givenName: string; familyName: string } | undefined, fallback = 'Unknown'): string {
  return person ? `${person.givenName} ${person.familyName}` : fallback;
}

/** A number for a table: fixed decimals, or an en dash when there is none. */
export function formatNumber(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return value.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A change with its sign: "+2.3", "−1.0" (a true minus sign). */
export function formatChange(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const text = formatNumber(Math.abs(value), decimals);
  if (value > 0) return `+${text}`;
  if (value < 0) return `−${text}`;
  return text;
}

/** "70%" for a share 0–1. */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '–';
  return `${Math.round(share * 100)}%`;
}

/** "−0.5 to 5.2" for a confidence interval. */
export function formatInterval(ci: { low: number; high: number } | null | undefined, decimals = 1): string {
  if (!ci) return '–';
  return `${formatChange(ci.low, decimals)} to ${formatChange(ci.high, decimals)}`;
}

/** "1 session", "3 sessions". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * A stored phone number (E.164, +447700900123) as people in the UK write it: "07700 900123",
 * "020 7946 0000". The grouping depends on the area code, which libphonenumber-js knows.
 */
export function formatPhone(e164: string | undefined): string | undefined {
  if (!e164) return undefined;
  const parsed = parsePhoneNumberFromString(e164, 'GB');
  if (!parsed) return e164;
  return parsed.countryCallingCode === '44' ? parsed.formatNational() : parsed.formatInternational();
}
