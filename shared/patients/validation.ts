import { Temporal } from 'temporal-polyfill';
import { isCalendarDate } from '#shared/platform/london';

/**
 * Pure checks and normalisers for the patient fields of a referral. The referral schema calls
 * these; keeping them free of zod and I/O lets them be tested on their own.
 */

// ---------------------------------------------------------------------------------------------
// NHS number
// ---------------------------------------------------------------------------------------------

/** "943 476 5919" or "943-476-5919" → "9434765919". Other characters are left for validation to reject. */
export function normaliseNhsNumber(value: string): string {
  return value.replace(/[\s-]/g, '');
}

/** Weights for the first nine digits in the NHS Modulus 11 check: 10 down to 2. */
const NHS_WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/**
 * True for a well-formed NHS number: ten digits (after removing spaces and hyphens) whose
 * tenth digit is the Modulus 11 check digit of the first nine.
 *
 * Numbers of one repeated digit (0000000000, 1111111111, … 9999999999) are rejected even
 * though every one of them passes the arithmetic (the weights sum to 54, and 54 ≡ −1 mod 11,
 * so d×54 leaves remainder 11 − d and the check digit works out as d). None is ever issued,
 * and they are what people type as a placeholder when the real number is not to hand; taking
 * one would file a patient under a number that isn't theirs. Better to ask for it again or
 * leave the field out (it is optional on a referral).
 */
export function isValidNhsNumber(value: string): boolean {
  const digits = normaliseNhsNumber(value);
  if (!/^\d{10}$/.test(digits)) return false;
  if (/^(\d)\1{9}$/.test(digits)) return false;

  let sum = 0;
  NHS_WEIGHTS.forEach((weight, index) => {
    sum += Number(digits[index]) * weight;
  });
  const remainder = sum % 11;
  const check = remainder === 0 ? 0 : 11 - remainder;
  // A check value of 10 cannot be written as one digit: no NHS number is issued with those nine digits.
  if (check === 10) return false;
  return check === Number(digits[9]);
}

// ---------------------------------------------------------------------------------------------
// UK phone numbers
// ---------------------------------------------------------------------------------------------

/**
 * A UK phone number in E.164 form (+447700900123), or undefined when it is not a plausible UK
 * number. Accepts the ways people write them: 07700 900123, +44 7700 900123, 0044 7700 900123,
 * (01582) 123456, +44 (0)1582 123456, with spaces, hyphens and brackets anywhere.
 *
 * "Plausible" is deliberately loose, not a check against Ofcom's numbering plan: after the
 * leading 0 (or +44 / 0044) there must be a national significant number of 9 or 10 digits that
 * does not itself start with 0. Numbers from other countries are not accepted: the apps text
 * and ring UK patients only. A phone library (libphonenumber-js) would know each range, but a
 * contact number typed by a navigator needs no more than this.
 */
export function normaliseUkPhone(value: string): string | undefined {
  // "+44 (0)1582 …": the bracketed 0 is the trunk prefix, written for callers inside the UK.
  const withoutTrunk = value.trim().replace(/^(\+44|0044)[\s-]*\(0\)/, '$1');
  if (!/^\+?[\d\s()-]+$/.test(withoutTrunk)) return undefined;
  const compact = withoutTrunk.replace(/[\s()-]/g, '');

  let nationalNumber: string;
  if (compact.startsWith('+44')) nationalNumber = compact.slice(3);
  else if (compact.startsWith('0044')) nationalNumber = compact.slice(4);
  else if (compact.startsWith('0')) nationalNumber = compact.slice(1);
  else return undefined;

  if (!/^[1-9]\d{8,9}$/.test(nationalNumber)) return undefined;
  return `+44${nationalNumber}`;
}

// ---------------------------------------------------------------------------------------------
// Date of birth
// ---------------------------------------------------------------------------------------------

/** Older than anyone living (the oldest recorded person reached 122), so a date beyond this is a typo. */
export const MAX_AGE_YEARS = 120;

/**
 * True when `value` is a real calendar date (YYYY-MM-DD) strictly before `today` and no more
 * than 120 years before it. `today` is the London date, passed in so the check stays pure and
 * tests can fix it; it must itself be a calendar date.
 */
export function isPlausibleDateOfBirth(value: string, today: string): boolean {
  if (!isCalendarDate(today)) throw new RangeError(`today must be a calendar date YYYY-MM-DD, got ${today}`);
  if (!isCalendarDate(value)) return false;
  // Both are zero-padded YYYY-MM-DD, so string order is date order.
  if (value >= today) return false;
  const earliest = Temporal.PlainDate.from(today).subtract({ years: MAX_AGE_YEARS }).toString();
  return value >= earliest;
}

// ---------------------------------------------------------------------------------------------
// Email
// ---------------------------------------------------------------------------------------------

/**
 * Trims and lower-cases the domain of an email address the schema has already validated.
 * The local part is kept as typed: RFC 5321 lets a mail server treat it case-sensitively.
 */
export function normaliseEmail(value: string): string {
  const trimmed = value.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed;
  return `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}
