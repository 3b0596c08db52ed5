/**
 * Card numbers as the scanner reads them: typed, from a QR code, or from an NFC tag. Pure.
 * A card id is the opaque number on the card, 8–32 letters, digits or hyphens; it carries no
 * personal data. (The server checks it too; checking here answers at once, even offline, and
 * keeps a mistyped number out of the offline queue.)
 */
export const CARD_ID_PATTERN = /^[0-9A-Za-z-]{8,32}$/;

export const CARD_ID_HINT = 'A card number is 8 to 32 letters, digits or hyphens.';

export function isCardId(value: string): boolean {
  return CARD_ID_PATTERN.test(value);
}

/** What was typed, without the spaces people add when copying a number off a card. */
export function normaliseTyped(value: string): string {
  return value.trim().replace(/\s+/g, '');
}

/**
 * The card id in a QR code's text. Cards print the bare id; a code that holds a link instead
 * (e.g. `https://…/c/LUTON-DEMO-04` or `…?card=LUTON-DEMO-04`) gives the id at its end.
 */
export function cardIdFromCode(text: string): string {
  const trimmed = text.trim();
  if (isCardId(trimmed)) return trimmed;
  try {
    const url = new URL(trimmed);
    const fromQuery = url.searchParams.get('card') ?? url.searchParams.get('cardId');
    if (fromQuery && isCardId(fromQuery.trim())) return fromQuery.trim();
    const last = url.pathname.split('/').filter(Boolean).pop();
    if (last && isCardId(decodeURIComponent(last))) return decodeURIComponent(last);
  } catch {
    // Not a link: fall through and let the card-number check explain.
  }
  return normaliseTyped(trimmed);
}

/**
 * The card id on an NFC tag: its first text record if it has one, else the tag's serial number
 * (its UID, `04:a2:5b:…`) written as bare hex digits, which fits the card-id pattern.
 */
export function cardIdFromNfc(firstText: string | undefined, serialNumber: string | undefined): string | undefined {
  if (firstText !== undefined && firstText.trim() !== '') return cardIdFromCode(firstText);
  if (serialNumber) {
    const hex = serialNumber.replace(/[^0-9A-Fa-f]/g, '').toUpperCase();
    if (hex.length > 0) return hex;
  }
  return undefined;
}
