/**
 * A double tap on Record, or a barcode reader that sends Enter twice, submits the form a second
 * time moments after the first — with the field already emptied, or with the same number while
 * the first is still being checked. Neither is a new scan: the first answer stays on screen.
 * Pure: the scanner screen and the unit tests both use it.
 */
export const REPEAT_WINDOW_MS = 5_000;

/** The last submission: the card it named, when, and whether its answer has come back yet. */
export interface LastSubmission {
  cardId: string;
  at: number;
  answered: boolean;
}

/** True when a submission of `cardId` at `at` is only the echo of the last one, and should be ignored. */
export function isEcho(last: LastSubmission | undefined, cardId: string, at: number): boolean {
  if (!last || at - last.at > REPEAT_WINDOW_MS || at < last.at) return false;
  if (cardId === '') return true;
  return cardId === last.cardId && !last.answered;
}
