import { describe, expect, it } from 'vitest';
import {
  caseloadCondition,
  isValidCardId,
  mayIssue,
  newCardIssue,
  normaliseCardId,
  revokeCard,
} from '#shared/cards/rules';
import type { Principal } from '#shared/platform/auth';
import { fixedClock } from '#shared/platform/clock';

const clock = fixedClock('2026-11-23T10:00:00Z');
const ids = (() => {
  let n = 0;
  return { next: () => `01J00000000000000000000${String(++n).padStart(3, '0')}` };
})();
const navigator: Principal = { sub: 'nav-1', role: 'navigator' };
const admin: Principal = { sub: 'admin-1', role: 'admin' };

function refusal(decision: ReturnType<typeof mayIssue> | ReturnType<typeof revokeCard>) {
  if (decision.ok) throw new Error('expected a refusal');
  return ['conflict', decision.conflict.code];
}

describe('card ids', () => {
  it.each([
    ['04a2b3c4', '04A2B3C4'],
    ['  04a2-b3c4-d5e6 ', '04A2-B3C4-D5E6'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'],
    ['--------', '--------'],
  ])('accepts %j and normalises it to %j', (input, expected) => {
    expect(isValidCardId(input)).toBe(true);
    expect(normaliseCardId(input)).toBe(expected);
  });

  it.each([
    ['7 characters', 'ABC1234'],
    ['33 characters', 'A'.repeat(33)],
    ['an underscore', 'ABC_1234'],
    ['a space inside', 'ABCD 1234'],
    ['only spaces', '          '],
    ['7 characters once trimmed', '  ABC1234  '],
    ['a non-ASCII letter', 'ABCDÉ1234'],
    ['empty', ''],
  ])('rejects %s', (_label, input) => {
    expect(isValidCardId(input)).toBe(false);
  });
});

describe('mayIssue', () => {
  it('allows a card never issued', () => {
    expect(mayIssue(undefined)).toEqual({ ok: true });
  });

  it('refuses a card active for anyone with card_active', () => {
    expect(refusal(mayIssue({ status: 'active' }))).toEqual(['conflict', 'card_active']);
  });

  it.each(['lost', 'stolen', 'damaged'] as const)('retires a card revoked as %s for good', (reason) => {
    expect(refusal(mayIssue({ status: 'revoked', revokeReason: reason }))).toEqual(['conflict', 'card_retired']);
  });

  it('allows a card handed back (withdrawn) to be issued again', () => {
    expect(mayIssue({ status: 'revoked', revokeReason: 'withdrawn' })).toEqual({ ok: true });
  });

  it('treats a revoked card with no recorded reason as retired (never re-activates by accident)', () => {
    expect(refusal(mayIssue({ status: 'revoked' }))).toEqual(['conflict', 'card_retired']);
  });
});

describe('issuing and revoking', () => {
  it('makes an active issue record with the card id normalised, a new issue id, who and when', () => {
    const card = newCardIssue({ cardId: ' 04a2-b3c4 ', patientId: '01JPATIENT0000000000000000' }, navigator, { clock, ids });
    expect(card).toEqual({
      cardId: '04A2-B3C4',
      patientId: '01JPATIENT0000000000000000',
      issueId: '01J00000000000000000000001',
      status: 'active',
      issuedAt: '2026-11-23T10:00:00.000Z',
      issuedBy: 'nav-1',
    });
  });

  it('revoking records the reason, who and when, and keeps the issuance', () => {
    const card = newCardIssue({ cardId: 'CARD0001', patientId: 'P' }, navigator, { clock, ids });
    const revoked = revokeCard(card, 'lost', admin, new Date('2026-12-01T09:30:00Z'));
    expect(revoked).toEqual({ ok: true, card: {
      ...card,
      status: 'revoked',
      revokedAt: '2026-12-01T09:30:00.000Z',
      revokedBy: 'admin-1',
      revokeReason: 'lost',
    } });
    expect(card.status).toBe('active');
  });

  it('refuses to revoke a card twice with card_revoked', () => {
    const card = newCardIssue({ cardId: 'CARD0002', patientId: 'P' }, navigator, { clock, ids });
    const revoked = revokeCard(card, 'withdrawn', navigator, clock.now());
    if (!revoked.ok) throw new Error('expected the first revoke to succeed');
    expect(refusal(revokeCard(revoked.card, 'lost', navigator, clock.now()))).toEqual(['conflict', 'card_revoked']);
  });

  it('holds a navigator to their own caseload at write time, and an admin to none', () => {
    expect(caseloadCondition(navigator)).toBe('nav-1');
    expect(caseloadCondition(admin)).toBeUndefined();
  });
});
