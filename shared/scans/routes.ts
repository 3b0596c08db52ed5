import { OpenAPIHono, z } from '@hono/zod-openapi';
import { forbidden, invalidRequest, ApiError, errorBody } from '#shared/platform/errors';
import {
  anyRole,
  commonErrors,
  defineRoute,
  failWith,
  idParam,
  issuesFromZod,
  jsonBody,
  jsonResponse,
  notFoundError,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import type { RateLimit } from '#shared/platform/rate-limit';
import type { ScanOutcome } from './service';
import { AcceptedScan, AttendanceQuery, BatchBody, BatchResult, DuplicateScan, ProviderAttendance, RejectedScan, ScanBody } from './schema';
import type { Logger } from '#shared/platform/logger';
import type { ScanService } from './service';

const tags = ['Scans'];
const devices = anyRole('provider');


/**
 * Per device (the token's subject): a busy door scans a person every few seconds — 60 people in
 * 3 minutes is 20 a minute — so 120 a minute is far above any real session, and far below what
 * guessing card numbers needs (it also caps a stolen token's damage to the same rate).
 */
export const SCAN_LIMIT: RateLimit = { requests: 120, perSeconds: 60, by: 'subject' };
/** A device back online sends its queue in batches of up to 100: 30 batches a minute is 3,000 scans. */
export const BATCH_LIMIT: RateLimit = { requests: 30, perSeconds: 60, by: 'subject' };

export const scanRoutes = {
  scan: defineRoute(devices, {
    method: 'post',
    path: '/v1/scans',
    tags,
    summary: 'Record a card scan at one of your venues',
    description:
      'Idempotent by scanId: a retry answers 200 duplicate with the same counts. A second scan of the same person at the ' +
      'same activity (or venue) on the same London day is also a 200 duplicate. The answer never identifies the person.',
    request: { body: jsonBody(ScanBody) },
    responses: {
      201: jsonResponse('Accepted: attendance recorded', AcceptedScan),
      200: jsonResponse('A duplicate: nothing more recorded', DuplicateScan),
      422: jsonResponse('Rejected, with the reason and what to tell the person', RejectedScan),
      ...commonErrors,
      503: jsonResponse('Busy: not recorded; send again (Retry-After)', z.object({ error: z.object({ code: z.string(), message: z.string() }) })),
    },
  }, SCAN_LIMIT),
  batch: defineRoute(devices, {
    method: 'post',
    path: '/v1/scans/batch',
    tags,
    summary: 'Send up to 100 scans kept while offline; each answered as POST /v1/scans would, in order',
    description: 'A bad item gets its own 400 result without failing the others. A result of 503 means: keep it and send it again.',
    request: { body: jsonBody(BatchBody) },
    responses: { 200: jsonResponse('One result per scan, in order', BatchResult), ...commonErrors },
  }, BATCH_LIMIT),
  attendance: defineRoute(anyRole('provider', 'manager', 'admin'), {
    method: 'get',
    path: '/v1/providers/{providerId}/attendance',
    tags,
    summary: 'Attendance at a provider’s sessions by day and activity (counts only, no identities)',
    request: { params: z.object({ providerId: idParam('providerId') }), query: AttendanceQuery },
    responses: { 200: jsonResponse('Counts by day and activity', ProviderAttendance), ...commonErrors, ...notFoundError },
  }),
};

/** How a busy answer reads, for one scan or one item of a batch: nothing was recorded. */
const BUSY = { error: { code: 'busy', message: 'The scan could not be recorded just now; it was not counted. Send it again.' } };

/** One scan's outcome as POST /v1/scans would answer it: the batch's result for that item. */
function batchResult(outcome: ScanOutcome): { httpStatus: number; body: Record<string, unknown> } {
  switch (outcome.kind) {
    case 'accepted':
      return { httpStatus: 201, body: outcome.answer };
    case 'duplicate':
      return { httpStatus: 200, body: outcome.answer };
    case 'rejected':
      return { httpStatus: 422, body: outcome.answer };
    case 'busy':
      return { httpStatus: 503, body: BUSY };
    case 'device_revoked':
      // The whole batch is refused (see the route): the device keeps every scan it holds.
      throw DEVICE_REVOKED;
  }
}

/** A revoked device's request: 401, so the scanner says so and stops, keeping what it holds. */
const DEVICE_REVOKED = new ApiError(401, 'device_revoked', 'This device has been revoked. Ask a manager to enrol it again; scans it holds are kept.');

/** What these routes need, and no more: the composition root passes them in. */
export interface ScanRoutesDeps {
  scanService: ScanService;
  logger: Logger;
}

export function scansApp(services: ScanRoutesDeps) {
  const service = services.scanService;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  const devicePrincipal = (principal: AppEnv['Variables']['principal']) => {
    if (principal.role !== 'provider') throw forbidden();
    return principal;
  };

  app.openapi(scanRoutes.scan, async (c) => {
    const outcome = await service.recordScan(devicePrincipal(c.get('principal')), c.req.valid('json'));
    switch (outcome.kind) {
      case 'accepted':
        return c.json(outcome.answer, 201);
      case 'duplicate':
        return c.json(outcome.answer, 200);
      case 'rejected':
        return c.json(outcome.answer, 422);
      case 'busy':
        return c.json(BUSY, 503, { 'Retry-After': '1' });
      case 'device_revoked':
        throw DEVICE_REVOKED;
    }
  });

  app.openapi(scanRoutes.batch, async (c) => {
    const principal = devicePrincipal(c.get('principal'));
    const results: { httpStatus: number; body: Record<string, unknown> }[] = [];
    // In order, one after another: a scanId repeated inside the batch is then a duplicate.
    for (const [index, raw] of c.req.valid('json').scans.entries()) {
      const parsed = ScanBody.safeParse(raw);
      if (!parsed.success) {
        const issues = issuesFromZod(parsed.error, 'body').map((issue) => ({ ...issue, path: `scans.${index}${issue.path ? `.${issue.path}` : ''}` }));
        results.push({ httpStatus: 400, body: { ...errorBody(invalidRequest(issues)) } });
        continue;
      }
      try {
        results.push(batchResult(await service.recordScan(principal, parsed.data)));
      } catch (error) {
        if (error === DEVICE_REVOKED) throw error;
        if (error instanceof ApiError) {
          results.push({ httpStatus: error.status, body: { ...errorBody(error) } });
        } else {
          // One item's server fault must not lose the others: the device keeps this one and sends it again.
          services.logger.error('batch scan failed', { index, name: error instanceof Error ? error.name : 'unknown' });
          results.push({ httpStatus: 503, body: { ...errorBody(new ApiError(503, 'busy', 'Not recorded; send it again.')) } });
        }
      }
    }
    return c.json({ results }, 200);
  });

  app.openapi(scanRoutes.attendance, async (c) => {
    const outcome = await service.providerAttendance(c.get('principal'), c.req.valid('param').providerId, c.req.valid('query'));
    return outcome.kind === 'counted' ? c.json(outcome.attendance, 200) : failWith(outcome);
  });

  return app;
}
