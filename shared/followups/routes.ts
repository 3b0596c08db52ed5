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
  pageOf,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import type { Logger } from '#shared/platform/logger';
import { CompleteFollowUpBody, FollowUp, FollowUpQuery } from './schema';
import type { FollowUpService } from './service';

const tags = ['Follow-ups'];

export const followUpRoutes = {
  inbox: defineRoute(anyRole('navigator', 'manager', 'admin'), {
    method: 'get',
    path: '/v1/followups',
    tags,
    summary: 'The follow-up inbox: your caseload’s follow-ups in one status, earliest due first',
    request: { query: FollowUpQuery },
    responses: { 200: jsonResponse('A page of follow-ups', pageOf(FollowUp)), ...commonErrors },
  }),
  complete: defineRoute(anyRole('navigator', 'admin'), {
    method: 'post',
    path: '/v1/followups/{followUpId}/complete',
    tags,
    summary: 'Record the follow-up assessment: completes the follow-up and its prescription',
    description:
      'Allowed before it is due (the person came early; recorded as early). Completing twice, or a cancelled ' +
      'follow-up (its prescription was withdrawn), is 409.',
    request: { params: z.object({ followUpId: idParam('followUpId') }), body: jsonBody(CompleteFollowUpBody) },
    responses: { 200: jsonResponse('The completed follow-up', FollowUp), ...commonErrors, ...notFoundError, ...conflictError },
  }),
};

/** What these routes need, and no more: the composition root passes them in. */
export interface FollowUpRoutesDeps {
  followUpService: FollowUpService;
  logger: Logger;
  audit: AuditTrail;
}

export function followUpsApp(services: FollowUpRoutesDeps) {
  const { followUpService, audit } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(followUpRoutes.inbox, async (c) => {
    const principal = c.get('principal');
    const outcome = await followUpService.inbox(principal, c.req.valid('query'));
    if (outcome.kind !== 'listed') return failWith(outcome);
    await audit.listing(auditRequest(c), 'list_followups', { count: outcome.page.items.length });
    return c.json(outcome.page, 200);
  });

  app.openapi(followUpRoutes.complete, async (c) => {
    const principal = c.get('principal');
    const { followUpId } = c.req.valid('param');
    const { assessment } = c.req.valid('json');
    const outcome = await audit.change(auditRequest(c), 'complete_followup', { refs: { followUpId } }, () => followUpService.complete(principal, followUpId, assessment), (o) =>
      o.kind === 'completed' ? { patientId: o.followUp.patientId } : false,
    );
    if (outcome.kind !== 'completed') return failWith(outcome);
    return c.json(outcome.followUp, 200);
  });

  return app;
}
