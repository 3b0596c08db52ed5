import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Principal } from '#shared/platform/auth';
import { auditPatientAccess } from '#shared/platform/audit';
import { notFound } from '#shared/platform/errors';
import {
  anyRole,
  commonErrors,
  conflictError,
  defineRoute,
  idParam,
  jsonBody,
  jsonResponse,
  notFoundError,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import { maySeePatient, visiblePatient } from '#shared/patients/rules';
import { caseloadCondition, newCardIssue, normaliseCardId, revokeCard, type CardRecord } from './rules';
import { Card, CardHistory, CardIdInput, IssueCardBody, RevokeCardBody } from './schema';
import type { CardStore } from './store';
import type { Clock } from '#shared/platform/clock';
import type { IdSource } from '#shared/platform/ids';
import type { Logger } from '#shared/platform/logger';
import type { PatientStore } from '#shared/patients/store';

const tags = ['Cards'];
/** Navigators issue and revoke cards for their own caseload; admins for anyone. */
const issuers = anyRole('navigator', 'admin');
/** Managers see cards too (they see every patient), but do not hand them out. */
const readers = anyRole('navigator', 'manager', 'admin');

const CardPath = z.object({ cardId: CardIdInput });
const PatientPath = z.object({ patientId: idParam('patientId') });

export const cardRoutes = {
  issueCard: defineRoute(issuers, {
    method: 'post',
    path: '/v1/cards',
    tags,
    summary: 'Issue a card to a patient',
    description:
      'The card id is stored upper case. 409 `card_active` if the card is active for anyone, `card_retired` if it was ' +
      'revoked as lost, stolen or damaged, `patient_has_card` if the patient already has an active card. A patient ' +
      'outside your caseload is a 404, as an unknown one is.',
    request: { body: jsonBody(IssueCardBody) },
    responses: { 201: jsonResponse('The card, active', Card), ...commonErrors, ...notFoundError, ...conflictError },
  }),
  revokeCard: defineRoute(issuers, {
    method: 'post',
    path: '/v1/cards/{cardId}/revoke',
    tags,
    summary: 'Revoke a card (lost, stolen, damaged or handed back)',
    description:
      'A replacement is a revoke plus a new card for the same patient; their attendance continues, as it is recorded ' +
      'against the patient, not the card. 409 `card_revoked` if the card is already revoked.',
    request: { params: CardPath, body: jsonBody(RevokeCardBody) },
    responses: { 200: jsonResponse('The card, revoked', Card), ...commonErrors, ...notFoundError, ...conflictError },
  }),
  getCard: defineRoute(readers, {
    method: 'get',
    path: '/v1/cards/{cardId}',
    tags,
    summary: 'Read a card: whose it is now, and whether it is active',
    request: { params: CardPath },
    responses: { 200: jsonResponse('The card', Card), ...commonErrors, ...notFoundError },
  }),
  patientCards: defineRoute(readers, {
    method: 'get',
    path: '/v1/patients/{patientId}/cards',
    tags,
    summary: "A patient's cards, newest first",
    request: { params: PatientPath },
    responses: { 200: jsonResponse("The patient's card history", CardHistory), ...commonErrors, ...notFoundError },
  }),
};

/** What these routes need, and no more: the composition root passes them in. */
export interface CardRoutesDeps {
  cards: CardStore;
  patients: PatientStore;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
}

export function cardsApp(services: CardRoutesDeps) {
  const { cards, patients, clock, ids, logger } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  /**
   * The card if the caller may see its patient. An unknown card and a card of someone outside
   * the caller's caseload get the same 404, so nobody learns which cards are in use.
   */
  const visibleCard = async (principal: Principal, cardId: string): Promise<CardRecord> => {
    const card = await cards.getCard(normaliseCardId(cardId));
    const patient = card ? await patients.getPatient(card.patientId) : undefined;
    if (!card || !patient || !maySeePatient(principal, patient)) throw notFound('Card');
    return card;
  };

  app.openapi(cardRoutes.issueCard, async (c) => {
    const principal = c.get('principal');
    const input = c.req.valid('json');
    visiblePatient(principal, await patients.getPatient(input.patientId));
    const card = newCardIssue(input, principal, { clock, ids });
    await cards.issue(card, { caseload: caseloadCondition(principal) });
    auditPatientAccess(logger, principal, 'issue_card', card.patientId);
    return c.json(card, 201);
  });

  app.openapi(cardRoutes.revokeCard, async (c) => {
    const principal = c.get('principal');
    const card = await visibleCard(principal, c.req.valid('param').cardId);
    const revoked = revokeCard(card, c.req.valid('json').reason, principal, clock.now());
    await cards.revoke(revoked, { caseload: caseloadCondition(principal) });
    auditPatientAccess(logger, principal, 'revoke_card', card.patientId);
    return c.json(revoked, 200);
  });

  app.openapi(cardRoutes.getCard, async (c) => {
    const principal = c.get('principal');
    const card = await visibleCard(principal, c.req.valid('param').cardId);
    auditPatientAccess(logger, principal, 'read_cards', card.patientId);
    return c.json(card, 200);
  });

  app.openapi(cardRoutes.patientCards, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    visiblePatient(principal, await patients.getPatient(patientId));
    const items = await cards.history(patientId);
    auditPatientAccess(logger, principal, 'read_cards', patientId);
    return c.json({ items }, 200);
  });

  return app;
}
