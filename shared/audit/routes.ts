import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { anyRole, commonErrors, defineRoute, failWith, idParam, jsonResponse, notFoundError, PageQuery, validationHook, type AppEnv } from '#shared/platform/http';
import type { AuditRequest } from './rules';
import { ActorAuditQuery, AuditPage } from './schema';
import type { AuditService, AuditTrail } from './service';

const tags = ['Audit'];

/** Who asks, in which request: what a route hands the audit trail. */
export function auditRequest(c: Context<AppEnv>): AuditRequest {
  return { principal: c.get('principal'), requestId: c.get('requestId') };
}

export const auditRoutes = {
  patientAudit: defineRoute(anyRole('manager', 'admin'), {
    method: 'get',
    path: '/v1/patients/{patientId}/audit',
    tags,
    summary: "Who read or changed a patient's record, newest first",
    description:
      'One entry per read or change of the record: who (user id and role), the action, when, the request id, and ids of ' +
      'what was touched — never names, contact details or notes. Kept ten years. An unknown patient is a 404.',
    request: { params: z.object({ patientId: idParam('patientId') }), query: PageQuery },
    responses: { 200: jsonResponse('A page of entries', AuditPage), ...commonErrors, ...notFoundError },
  }),
  actorAudit: defineRoute(anyRole('admin'), {
    method: 'get',
    path: '/v1/audit',
    tags,
    summary: "One user's audited actions in a time range, newest first",
    description:
      'Every audited action of `actor` (a user id) from `from` (inclusive) to `to` (exclusive), listings and reports ' +
      'included (entries without a patient). Default: the 30 days up to now. Entries appear here within about a second.',
    request: { query: ActorAuditQuery },
    responses: { 200: jsonResponse('A page of entries', AuditPage), ...commonErrors },
  }),
};

export interface AuditRoutesDeps {
  auditService: AuditService;
  audit: AuditTrail;
}

export function auditApp(services: AuditRoutesDeps) {
  const { auditService, audit } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(auditRoutes.patientAudit, async (c) => {
    const { patientId } = c.req.valid('param');
    const { limit, cursor } = c.req.valid('query');
    // Written after the read (not beside it), so a page never shows its own reading.
    const outcome = await audit.read(
      auditRequest(c),
      'read_audit',
      undefined,
      () => auditService.ofPatient(patientId, { limit, cursor }),
      (o) => (o.kind === 'listed' ? { patientId, refs: { count: o.page.items.length } } : false),
    );
    if (outcome.kind !== 'listed') return failWith(outcome);
    return c.json(outcome.page, 200);
  });

  app.openapi(auditRoutes.actorAudit, async (c) => {
    const { actor, from, to, limit, cursor } = c.req.valid('query');
    const outcome = await auditService.ofActor(actor, { from, to }, { limit, cursor });
    if (outcome.kind !== 'listed') return failWith(outcome);
    return c.json(outcome.page, 200);
  });

  return app;
}
