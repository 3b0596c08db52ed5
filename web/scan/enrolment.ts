/**
 * Enrolment codes as the scanner reads them: from the address it was opened at (`#enrol=…`), from
 * the QR code the console shows, or typed. Pure: no DOM, no network. The server has the last word
 * (it normalises the typed form the same way); checking here keeps an obvious slip from using up
 * one of the code's five tries, and answers at once.
 *
 * Two forms: the long one in the QR's address, `<LOOKUP>.<43 base64url characters>` (the part
 * after `#enrol=`), and the short one to type, `XXXXX-XXXXX-XXXXX` in Crockford's base32.
 */

/** Crockford's base32: the digits and the letters but I, L, O and U. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LONG_CODE = /^[0-9A-HJKMNP-TV-Z]{5}\.[A-Za-z0-9_-]{43}$/;
const TYPED_LENGTH = 15;
const FRAGMENT_KEY = 'enrol';

/** What the console shows, for the hint under the field. */
export const TYPED_CODE_EXAMPLE = 'K7QFM-2XW9R-TBJ4C';

export type ReadCode =
  /** A code to send to POST /v1/devices/enrol, as it should be sent. */
  | { kind: 'code'; code: string; form: 'long' | 'typed' }
  /** Nothing that can be an enrolment code. */
  | { kind: 'not-a-code' };

/**
 * The code in an address's fragment (`#enrol=<code>`, as `location.hash` gives it), if there is
 * one. Only the raw text: `enrolmentCodeFrom` says whether it is a code.
 */
export function codeFromFragment(hash: string): string | undefined {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!fragment) return undefined;
  let value: string | null;
  try {
    value = new URLSearchParams(fragment).get(FRAGMENT_KEY);
  } catch {
    return undefined;
  }
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The address without its fragment: what the address bar keeps once the code is taken from it. */
export function withoutFragment(href: string): string {
  const at = href.indexOf('#');
  return at === -1 ? href : href.slice(0, at);
}

/**
 * The typed form as the console shows it, `XXXXX-XXXXX-XXXXX`: any case, with or without spaces
 * or hyphens, and the read-aloud slips forgiven as the server forgives them (O for 0, I or L for 1).
 * `undefined` when it is not 15 Crockford characters.
 */
export function normaliseTypedCode(input: string): string | undefined {
  const plain = input
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—−]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (plain.length !== TYPED_LENGTH || ![...plain].every((char) => CROCKFORD.includes(char))) return undefined;
  return `${plain.slice(0, 5)}-${plain.slice(5, 10)}-${plain.slice(10)}`;
}

/**
 * The enrolment code in what was read or typed: the console's enrolment address (a QR code holds
 * it), the long code on its own, or the typed form.
 */
export function enrolmentCodeFrom(text: string): ReadCode {
  const trimmed = text.trim();
  if (LONG_CODE.test(trimmed)) return { kind: 'code', code: trimmed, form: 'long' };
  const at = trimmed.indexOf('#');
  if (at !== -1) {
    const inFragment = codeFromFragment(trimmed.slice(at));
    // Only a code in the fragment counts: some other address (a card's, a web page's) is not one.
    if (!inFragment || inFragment.includes('#')) return { kind: 'not-a-code' };
    return enrolmentCodeFrom(inFragment);
  }
  const typed = normaliseTypedCode(trimmed);
  return typed ? { kind: 'code', code: typed, form: 'typed' } : { kind: 'not-a-code' };
}
