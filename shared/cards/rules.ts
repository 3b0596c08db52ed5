import type { Principal } from '#shared/platform/auth';
import type { RuleContext } from '#shared/registry/rules';
import type { CardView, IssueCardInput, RevokeReason } from './schema';

/**
 * Pure card rules: what a card id looks like, when a card may be issued, and the records
 * issuing and revoking make (clock and id source injected).
 *
 * A card is only a number bound to a patient id; it carries no personal data. Attendance is
 * recorded against the patient and their prescription, never against the card, so when a card
 * is replaced (revoke + issue a new one) the patient's attendance history simply continues.
 */

/** A card as stored: both the card's current binding and each issue record in the patient's history. */
export type CardRecord = CardView;

/** What is printed on the card, or in its QR code or NFC UID. */
export const CARD_ID_PATTERN = /^[0-9A-Za-z-]{8,32}$/;

/** Reasons that retire a card number for good: a found lost card must never start working for someone else. */
export const RETIRING_REASONS: readonly RevokeReason[] = ['lost', 'stolen', 'damaged'];

/** `" 04a2-b3c4 "` → `"04A2-B3C4"`: one card, however it was typed or read. */
export function normaliseCardId(value: string): string {
  return value.trim().toUpperCase();
}

/** True when the value, once trimmed, is 8–32 letters, digits and hyphens. */
export function isValidCardId(value: string): boolean {
  return CARD_ID_PATTERN.test(value.trim());
}

/** Why a card cannot be issued, with what to tell the navigator. */
export interface CardConflict {
  code: 'card_active' | 'card_retired' | 'card_revoked' | 'patient_has_card' | 'card_changed';
  message: string;
}

export const CARD_CONFLICTS = {
  card_active: { code: 'card_active', message: 'This card is already active; revoke it before issuing it again.' },
  card_retired: { code: 'card_retired', message: 'This card was revoked as lost, stolen or damaged and can never be issued again.' },
  card_revoked: { code: 'card_revoked', message: 'This card is already revoked.' },
  patient_has_card: { code: 'patient_has_card', message: 'This patient already has an active card; revoke it before issuing another.' },
  card_changed: { code: 'card_changed', message: 'The card changed while this request ran; read it again.' },
} as const satisfies Record<CardConflict['code'], CardConflict>;

export type IssueDecision = { ok: true } | { ok: false; conflict: CardConflict };

/**
 * Whether a card may be issued, given its current binding (undefined for a card never issued):
 * not while it is active for anyone; never again once revoked as lost, stolen or damaged;
 * and, after being handed back (withdrawn), to anyone.
 */
export function mayIssue(existing: Pick<CardRecord, 'status' | 'revokeReason'> | undefined): IssueDecision {
  if (!existing) return { ok: true };
  if (existing.status === 'active') return { ok: false, conflict: CARD_CONFLICTS.card_active };
  if (existing.revokeReason === undefined || RETIRING_REASONS.includes(existing.revokeReason)) {
    return { ok: false, conflict: CARD_CONFLICTS.card_retired };
  }
  return { ok: true };
}

/** The record of a new issuance: the card id normalised, a new issue id, who issued it and when. */
export function newCardIssue(input: IssueCardInput, principal: Principal, { clock, ids }: RuleContext): CardRecord {
  return {
    cardId: normaliseCardId(input.cardId),
    patientId: input.patientId,
    issueId: ids.next(),
    status: 'active',
    issuedAt: clock.now().toISOString(),
    issuedBy: principal.sub,
  };
}

/** The card after revocation, or the conflict `card_revoked` for a card already revoked. */
export function revokeCard(
  card: CardRecord,
  reason: RevokeReason,
  principal: Principal,
  now: Date,
): { ok: true; card: CardRecord } | { ok: false; conflict: CardConflict } {
  if (card.status !== 'active') return { ok: false, conflict: CARD_CONFLICTS.card_revoked };
  return { ok: true, card: { ...card, status: 'revoked', revokedAt: now.toISOString(), revokedBy: principal.sub, revokeReason: reason } };
}

/** Card writes check the caseload as every patient write does. */
export { caseloadCondition } from '#shared/patients/rules';
