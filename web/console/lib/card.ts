import type { FieldMap } from './issues';
import type { Card } from './types';

/** Card numbers: 8–32 letters, digits and hyphens, stored upper case. */
const CARD_NUMBER = /^[0-9A-Za-z-]{8,32}$/;

/** The number as typed, tidied: spaces removed, upper case. */
export function normaliseCardNumber(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/** A message when the number cannot be a card number, else undefined. */
export function cardNumberProblem(text: string): string | undefined {
  const number = normaliseCardNumber(text);
  if (!number) return 'Enter the card number';
  if (!CARD_NUMBER.test(number)) return 'Card number must be 8 to 32 letters, numbers and hyphens';
  return undefined;
}

export const CARD_FIELDS: FieldMap = {
  cardId: { id: 'cardNumber', label: 'Card number' },
  reason: { id: 'revokeReason', label: 'Reason' },
};

/** The patient's active card, from their card history. */
export function activeCard(cards: readonly Card[]): Card | undefined {
  return cards.find((card) => card.status === 'active');
}

/** What a 409 from `POST /v1/cards` means for the person issuing the card. */
export function issueConflictMessage(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'card_active':
      return 'This card is already active for someone. Use a different card.';
    case 'card_retired':
      return 'This card was reported lost, stolen or damaged and cannot be used again. Use a different card.';
    case 'patient_has_card':
      return 'This person already has an active card. Revoke it before issuing a new one.';
    default:
      return fallback;
  }
}

/** The card face's number column, in points (85.6 mm card, less padding, QR code and gap: 45 mm). */
const NUMBER_COLUMN_PT = (45 / 25.4) * 72;
/** Courier's characters are 0.6 em wide. */
const COURIER_EM_WIDTH = 0.6;
export const CARD_NUMBER_MAX_PT = 17;

/**
 * The printed number's size: 17 pt unless its longest run between hyphens would not fit on one
 * line at that size. Lines break only at its hyphens, never inside a run of characters, so the
 * person reads the number as it is written.
 */
export function cardNumberFontPt(cardId: string): number {
  const longestRun = Math.max(...cardId.split('-').map((run) => run.length + 1));
  const fits = NUMBER_COLUMN_PT / (COURIER_EM_WIDTH * longestRun);
  return Math.min(CARD_NUMBER_MAX_PT, Math.floor(fits * 2) / 2);
}
