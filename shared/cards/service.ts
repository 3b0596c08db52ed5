import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { IdSource } from '#shared/platform/ids';
import { caseloadCondition, maySeePatient } from '#shared/patients/rules';
import type { PatientStore } from '#shared/patients/store';
import { newCardIssue, normaliseCardId, revokeCard, type CardConflict, type CardRecord } from './rules';
import type { IssueCardInput, RevokeReason } from './schema';
import type { CardStore } from './store';

export type CardOutcome =
  | { kind: 'done'; card: CardRecord }
  | { kind: 'not_found'; what: 'Patient' | 'Card' }
  | { kind: 'conflict'; code: CardConflict['code']; message: string };

export type HistoryOutcome = { kind: 'listed'; items: CardRecord[] } | { kind: 'not_found'; what: 'Patient' };

/** The cards capability's use cases. Each returns what happened; routes turn it into HTTP. */
export class CardService {
  constructor(private readonly deps: { cards: CardStore; patients: PatientStore; clock: Clock; ids: IdSource }) {}

  async issue(principal: Principal, input: IssueCardInput): Promise<CardOutcome> {
    const { cards, patients, clock, ids } = this.deps;
    const patient = await patients.getPatient(input.patientId);
    if (!patient || !maySeePatient(principal, patient)) return { kind: 'not_found', what: 'Patient' };
    const card = newCardIssue(input, principal, { clock, ids });
    return outcomeOf(await cards.issue(card, { caseload: caseloadCondition(principal) }), card);
  }

  async revoke(principal: Principal, cardId: string, reason: RevokeReason): Promise<CardOutcome> {
    const card = await this.visibleCard(principal, cardId);
    if (!card) return { kind: 'not_found', what: 'Card' };
    const decision = revokeCard(card, reason, principal, this.deps.clock.now());
    if (!decision.ok) return { kind: 'conflict', ...decision.conflict };
    return outcomeOf(await this.deps.cards.revoke(decision.card, { caseload: caseloadCondition(principal) }), decision.card);
  }

  async get(principal: Principal, cardId: string): Promise<CardOutcome> {
    const card = await this.visibleCard(principal, cardId);
    return card ? { kind: 'done', card } : { kind: 'not_found', what: 'Card' };
  }

  async history(principal: Principal, patientId: string): Promise<HistoryOutcome> {
    const patient = await this.deps.patients.getPatient(patientId);
    if (!patient || !maySeePatient(principal, patient)) return { kind: 'not_found', what: 'Patient' };
    return { kind: 'listed', items: await this.deps.cards.history(patientId) };
  }

  /**
   * The card if the caller may see its patient. An unknown card and a card of someone outside
   * the caller's caseload are the same "not found", so nobody learns which cards are in use.
   */
  private async visibleCard(principal: Principal, cardId: string): Promise<CardRecord | undefined> {
    const card = await this.deps.cards.getCard(normaliseCardId(cardId));
    const patient = card ? await this.deps.patients.getPatient(card.patientId) : undefined;
    return card && patient && maySeePatient(principal, patient) ? card : undefined;
  }
}

function outcomeOf(write: Awaited<ReturnType<CardStore['issue']>>, card: CardRecord): CardOutcome {
  switch (write.kind) {
    case 'written':
      return { kind: 'done', card };
    case 'not_found':
      return write;
    case 'conflict':
      return { kind: 'conflict', ...write.conflict };
  }
}
