import { z } from '@hono/zod-openapi';
import { ULID_PATTERN } from '#shared/platform/ids';
import { CARD_ID_PATTERN, isValidCardId } from './rules';

/** active: scans count; revoked: the card no longer works (see REVOKE_REASONS for whether it may again). */
export const CARD_STATUSES = ['active', 'revoked'] as const;
/**
 * Why a card stopped working. lost, stolen and damaged retire the card number for good;
 * withdrawn (handed back to the scheme) lets the same card be issued again, to anyone.
 */
export const REVOKE_REASONS = ['lost', 'stolen', 'damaged', 'withdrawn'] as const;

const Id = z.string().regex(ULID_PATTERN, 'must be a 26-character ULID');
const Instant = z.string().openapi({ format: 'date-time', example: '2026-11-23T09:00:00.000Z' });

const CARD_ID_MESSAGE = 'must be 8–32 characters: letters, digits and hyphens';

/**
 * The number on the card (printed digits, QR code or NFC UID). Surrounding spaces are
 * ignored and letters are stored upper case, so `04a2-b3c4` and `04A2-B3C4` are one card.
 */
export const CardIdInput = z.string().refine(isValidCardId, CARD_ID_MESSAGE).openapi({
  pattern: CARD_ID_PATTERN.source,
  example: '04A2-B3C4-D5E6',
  description: 'The number on the card: 8–32 letters, digits and hyphens; case does not matter.',
});

export const IssueCardBody = z
  .object({ cardId: CardIdInput, patientId: Id })
  .openapi('IssueCard');

export const RevokeCardBody = z
  .object({
    reason: z.enum(REVOKE_REASONS).openapi({
      description: 'lost, stolen or damaged retire the card for good; withdrawn (handed back) lets it be issued again.',
    }),
  })
  .openapi('RevokeCard');

/**
 * One issuance of a card to a patient. `GET /v1/cards/{cardId}` shows the card's current one;
 * a patient's history lists all of theirs. A card carries no personal data: only the patient id.
 */
export const Card = z
  .object({
    cardId: z.string().openapi({ example: '04A2-B3C4-D5E6' }),
    patientId: Id,
    issueId: Id,
    status: z.enum(CARD_STATUSES),
    issuedAt: Instant,
    issuedBy: z.string().openapi({ description: 'User id of the navigator or admin who issued it.' }),
    revokedAt: Instant.optional(),
    revokedBy: z.string().optional(),
    revokeReason: z.enum(REVOKE_REASONS).optional(),
  })
  .openapi('Card');

export const CardHistory = z
  .object({ items: z.array(Card).openapi({ description: 'Every card issued to the patient, newest first.' }) })
  .openapi('CardHistory');

export type CardStatus = (typeof CARD_STATUSES)[number];
export type RevokeReason = (typeof REVOKE_REASONS)[number];
export type IssueCardInput = z.infer<typeof IssueCardBody>;
export type CardView = z.infer<typeof Card>;
