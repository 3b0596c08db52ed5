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
import { GpCodesQuery, GpMessage, GpMessageDetail, GpMessageListQuery, GpMessageQuery, MarkSentBody } from './schema';
import { GP_CODE_COLUMNS, type GpMessageService } from './service';

const tags = ['GP messages'];
const staff = anyRole('navigator', 'manager', 'admin');
const MessagePath = z.object({ messageId: idParam('messageId') });

export const gpMessageRoutes = {
  list: defineRoute(staff, {
    method: 'get',
    path: '/v1/gp-messages',
    tags,
    summary: 'The GP outbox: summaries for patients’ GP practices, ready to send or sent, oldest first',
    description:
      'A summary is prepared when a referral is declined or closed, and when a prescription ends with its follow-up — only ' +
      'for a person who consented to a GP summary and whose practice’s ODS code is on the record. A navigator sees their ' +
      'caseload’s; managers and admins everyone’s (or one navigator’s with `navigator`). With `patientId`, one person’s ' +
      '(the patient page links each ended referral to its summary).',
    request: { query: GpMessageListQuery },
    responses: { 200: jsonResponse('A page of messages', pageOf(GpMessage)), ...commonErrors, ...notFoundError },
  }),
  get: defineRoute(staff, {
    method: 'get',
    path: '/v1/gp-messages/{messageId}',
    tags,
    summary: 'One GP summary: as JSON with the letter in HTML, as a FHIR R4 document Bundle, or as the PDF letter',
    description:
      'While ready, it is gathered from the record as it stands; once marked sent, it is exactly what was sent (frozen then).',
    request: { params: MessagePath, query: GpMessageQuery },
    responses: {
      200: {
        description: 'The message (`format=json`), the FHIR document (`format=fhir`) or the letter (`format=pdf`)',
        content: {
          'application/json': { schema: GpMessageDetail },
          'application/fhir+json': { schema: z.object({ resourceType: z.literal('Bundle') }).passthrough() },
          'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
        },
      },
      ...commonErrors,
      ...notFoundError,
    },
  }),
  markSent: defineRoute(staff, {
    method: 'post',
    path: '/v1/gp-messages/{messageId}/sent',
    tags,
    summary: 'Mark a GP summary sent, saying how (MESH, GP Connect, NHSmail, post…)',
    description: 'Freezes what it says as it is now. Marking it sent again is 409 `gp_message_sent`.',
    request: { params: MessagePath, body: jsonBody(MarkSentBody) },
    responses: { 200: jsonResponse('The message, sent', GpMessage), ...commonErrors, ...notFoundError, ...conflictError },
  }),
  gpCodes: defineRoute(anyRole('manager', 'admin'), {
    method: 'get',
    path: '/v1/reports/gp-codes.csv',
    tags,
    summary: 'Coded events for practices that upload codes in bulk: NHS number, date, SNOMED CT code, description (CSV)',
    description:
      'One row per coded event of the referrals received from..to: the referral (871731000000106) on the day received and a ' +
      'decline (871711000000103) on the day declined — for people with an NHS number, their practice’s ODS code and consent ' +
      'to a GP summary. Identifiable by design (it is for the person’s own GP): every download is audited.',
    request: { query: GpCodesQuery },
    responses: {
      200: {
        description: 'CSV with a header row',
        content: { 'text/csv': { schema: z.string() } },
        headers: z.object({ 'Content-Disposition': z.string() }),
      },
      ...commonErrors,
    },
  }),
};

/** What these routes need, and no more: the composition root passes them in. */
export interface GpMessageRoutesDeps {
  gpMessageService: GpMessageService;
  logger: Logger;
  audit: AuditTrail;
}

export function gpMessagesApp(services: GpMessageRoutesDeps) {
  const { gpMessageService, logger, audit } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(gpMessageRoutes.list, async (c) => {
    const principal = c.get('principal');
    const query = c.req.valid('query');
    const outcome = await gpMessageService.list(principal, query);
    if (outcome.kind !== 'listed') return failWith(outcome);
    const count = { count: outcome.page.items.length };
    // One person's messages are a read of their record: the entry names them.
    if (query.patientId) await audit.record(auditRequest(c), 'list_gp_messages', { patientId: query.patientId, refs: count });
    else await audit.listing(auditRequest(c), 'list_gp_messages', count);
    return c.json(outcome.page, 200);
  });

  app.openapi(gpMessageRoutes.get, async (c) => {
    const principal = c.get('principal');
    const { messageId } = c.req.valid('param');
    const { format } = c.req.valid('query');
    const outcome = await gpMessageService.get(principal, messageId);
    if (outcome.kind !== 'found') return failWith(outcome);
    await audit.record(auditRequest(c), 'read_gp_message', { patientId: outcome.message.patientId, refs: { messageId, format } });
    if (format === 'fhir') {
      return new Response(JSON.stringify(await gpMessageService.bundle(outcome.content)), {
        status: 200,
        headers: { 'Content-Type': 'application/fhir+json; charset=utf-8', 'Cache-Control': 'no-store' },
      });
    }
    if (format === 'pdf') {
      const pdf = await gpMessageService.pdf(outcome.content);
      return new Response(pdf, {
        status: 200,
        headers: {
          'Content-Type': 'application/pdf',
          'Content-Disposition': `attachment; filename="gp-summary-${messageId}.pdf"`,
          'Cache-Control': 'no-store',
        },
      });
    }
    return c.json({ ...outcome.message, content: outcome.content, letterHtml: await gpMessageService.html(outcome.content) }, 200);
  });

  app.openapi(gpMessageRoutes.markSent, async (c) => {
    const principal = c.get('principal');
    const { messageId } = c.req.valid('param');
    const body = c.req.valid('json');
    const outcome = await audit.change(auditRequest(c), 'mark_gp_message_sent', { refs: { messageId } }, () => gpMessageService.markSent(principal, messageId, body), (o) =>
      o.kind === 'sent' ? { patientId: o.message.patientId, refs: { via: o.message.sentVia ?? '' } } : false,
    );
    if (outcome.kind !== 'sent') return failWith(outcome);
    return c.json(outcome.message, 200);
  });

  app.openapi(gpMessageRoutes.gpCodes, async (c) => {
    const query = c.req.valid('query');
    const { csvStream } = await import('#shared/reports/exports');
    const body = await csvStream(GP_CODE_COLUMNS, gpMessageService.gpCodeRows(query), (error) =>
      logger.error('gp codes export failed', { errorName: error instanceof Error ? error.name : 'unknown' }),
    );
    await audit.listing(auditRequest(c), 'export_gp_codes', { from: query.from, to: query.to, ...(query.practice ? { practice: query.practice } : {}) });
    const filename = `waymark-gp-codes-${query.from}-to-${query.to}${query.practice ? `-${query.practice}` : ''}.csv`;
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}"`, 'Cache-Control': 'no-store' },
    });
  });

  return app;
}
