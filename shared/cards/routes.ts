import { OpenAPIHono, z } from '@hono/zod-openapi';
import { auditRequest } from '#shared/audit/routes';
import type { AuditTrail } from '#shared/audit/service';
import {
  anyRole,
  commonErrors,
  conflictError,
  defineRoute,
  failWith,
  idParam,
  jsonBody,
  jsonResponse,
  notFoundError,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import type { Logger } from '#shared/platform/logger';
import { Card, CardHistory, CardIdInput, IssueCardBody, RevokeCardBody } from './schema';
import type { CardService } from './service';

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
  cardService: CardService;
  logger: Logger;
  audit: AuditTrail;
}

export function cardsApp(services: CardRoutesDeps) {
  const { cardService, audit } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(cardRoutes.issueCard, async (c) => {
    const principal = c.get('principal');
    const body = c.req.valid('json');
    const outcome = await audit.change(auditRequest(c), 'issue_card', { patientId: body.patientId, refs: { cardId: body.cardId } }, () => cardService.issue(principal, body), (o) =>
      o.kind === 'done' ? { patientId: o.card.patientId } : false,
    );
    if (outcome.kind !== 'done') return failWith(outcome);
    return c.json(outcome.card, 201);
  });

  app.openapi(cardRoutes.revokeCard, async (c) => {
    const principal = c.get('principal');
    const { cardId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const outcome = await audit.change(auditRequest(c), 'revoke_card', { refs: { cardId, reason } }, () => cardService.revoke(principal, cardId, reason), (o) =>
      o.kind === 'done' ? { patientId: o.card.patientId } : false,
    );
    if (outcome.kind !== 'done') return failWith(outcome);
    return c.json(outcome.card, 200);
  });

  app.openapi(cardRoutes.getCard, async (c) => {
    const principal = c.get('principal');
    const { cardId } = c.req.valid('param');
    const outcome = await audit.read(auditRequest(c), 'read_cards', undefined, () => cardService.get(principal, cardId), (o) =>
      o.kind === 'done' ? { patientId: o.card.patientId, refs: { cardId } } : false,
    );
    if (outcome.kind !== 'done') return failWith(outcome);
    return c.json(outcome.card, 200);
  });

  app.openapi(cardRoutes.patientCards, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const outcome = await audit.read(auditRequest(c), 'read_cards', patientId, () => cardService.history(principal, patientId), () => ({}));
    if (outcome.kind !== 'listed') return failWith(outcome);
    return c.json({ items: outcome.items }, 200);
  });

  return app;
}
