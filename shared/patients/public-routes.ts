import { OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { auditRequest } from '#shared/audit/routes';
import { PUBLIC_FORM_ACTOR } from '#shared/audit/rules';
import type { AuditTrail } from '#shared/audit/service';
import { ApiError } from '#shared/platform/errors';
import {
  PageQuery,
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
  publicAccess,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import type { Logger } from '#shared/platform/logger';
import type { RateLimit } from '#shared/platform/rate-limit';
import type { PublicReferralService } from './public-service';
import { AssignReferralBody, PublicReferralBody, Referral, ReferralListItem } from './schema';

const tags = ['Referrals and patients'];
const managers = anyRole('manager', 'admin');

/**
 * Per client address: a GP practice or a community centre behind one address sends a handful of
 * referrals an hour; a flood is refused here (and by API Gateway's route throttle in AWS).
 */
export const PUBLIC_REFERRAL_LIMIT: RateLimit = { requests: 10, perSeconds: 600, by: 'address' };
/** A full, valid form is under 3 KB; anything much larger is not the form. */
export const PUBLIC_REFERRAL_MAX_BYTES = 8 * 1024;

export const PublicReferralReceived = z
  .object({
    status: z.literal('received'),
    message: z.string(),
  })
  .openapi('PublicReferralReceived');

/** The one answer every accepted form gets, whoever the person turns out to be. */
const RECEIVED = {
  status: 'received',
  message: 'Thank you: the referral has been received. The social prescribing team will contact the person, usually within a few working days.',
} as const;

export const publicReferralRoutes = {
  submit: defineRoute(
    publicAccess,
    {
      method: 'post',
      path: '/v1/public/referrals',
      tags,
      summary: 'Send a referral with the public form (self-referral, or a professional without an account)',
      description:
        'The referral lands `received` in the unassigned triage queue, for a manager to give to a navigator. The answer is ' +
        'the same 202 whether or not the person (or their NHS number) is already known. `consentToContact` must be true. ' +
        `Bodies are limited to ${PUBLIC_REFERRAL_MAX_BYTES} bytes; fields the form does not have are refused.`,
      request: { body: jsonBody(PublicReferralBody) },
      responses: { 202: jsonResponse('Received', PublicReferralReceived), 400: commonErrors[400], 503: jsonResponse('Busy: try again', z.any()) },
    },
    PUBLIC_REFERRAL_LIMIT,
  ),
  unassigned: defineRoute(managers, {
    method: 'get',
    path: '/v1/referrals/unassigned',
    tags,
    summary: 'The unassigned triage queue: referrals no navigator has yet (public referrals), oldest first',
    request: { query: PageQuery },
    responses: { 200: jsonResponse('A page of unassigned referrals', pageOf(ReferralListItem)), ...commonErrors },
  }),
  assign: defineRoute(managers, {
    method: 'post',
    path: '/v1/referrals/{referralId}/assign',
    tags,
    summary: 'Give an unassigned referral to a navigator: the patient joins their caseload',
    description:
      'The navigator must be an enabled navigator (else 404). Assigning to the navigator who has it already changes nothing; ' +
      'a referral another navigator has is 409 `referral_assigned` (move caseloads with POST /v1/caseloads/reassign).',
    request: { params: z.object({ referralId: idParam('referralId') }), body: jsonBody(AssignReferralBody) },
    responses: { 200: jsonResponse('The referral, assigned', Referral), ...commonErrors, ...notFoundError, ...conflictError },
  }),
};

export interface PublicReferralRoutesDeps {
  publicReferralService: PublicReferralService;
  logger: Logger;
  audit: AuditTrail;
}

export function publicReferralsApp({ publicReferralService, logger, audit }: PublicReferralRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(
    publicReferralRoutes.submit.path,
    bodyLimit({
      maxSize: PUBLIC_REFERRAL_MAX_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `Referral forms are limited to ${PUBLIC_REFERRAL_MAX_BYTES} bytes.`);
      },
    }),
  );

  app.openapi(publicReferralRoutes.submit, async (c) => {
    // Audited as every change of a record is (decision 82), under the form's own actor — never the
    // sender, who is not signed in and whose details stay on the referral only. The entry rides in
    // the referral's transaction on every path that keeps something (a honeypot keeps nothing).
    const request = { principal: PUBLIC_FORM_ACTOR, requestId: c.get('requestId') };
    const outcome = await audit.change(request, 'receive_public_referral', {}, () => publicReferralService.receive(c.req.valid('json')), (o) =>
      o.kind === 'received' && o.patientId ? { patientId: o.patientId, refs: { result: o.result, ...(o.referralId ? { referralId: o.referralId } : {}) } } : false,
    );
    if (outcome.kind === 'invalid') return failWith(outcome);
    if (outcome.kind === 'busy') throw new ApiError(503, 'busy', 'The service is busy; nothing was kept. Please send the form again in a moment.');
    // Ids and what became of it only: nothing the form sent (names, numbers, reasons, the sender) is logged.
    logger.info('audit', {
      audit: true,
      actor: 'public_form',
      role: 'public',
      action: 'receive_public_referral',
      result: outcome.result,
      ...(outcome.patientId ? { patientId: outcome.patientId } : {}),
      ...(outcome.referralId ? { referralId: outcome.referralId } : {}),
    });
    return c.json(RECEIVED, 202);
  });

  app.openapi(publicReferralRoutes.unassigned, async (c) => {
    const page = await publicReferralService.unassigned(c.req.valid('query'));
    await audit.listing(auditRequest(c), 'list_unassigned_referrals', { count: page.items.length });
    return c.json(page, 200);
  });

  app.openapi(publicReferralRoutes.assign, async (c) => {
    const principal = c.get('principal');
    const { referralId } = c.req.valid('param');
    const { navigator } = c.req.valid('json');
    const outcome = await audit.change(auditRequest(c), 'assign_referral', { refs: { referralId } }, () => publicReferralService.assign(principal, referralId, navigator), (o) =>
      o.kind === 'done' ? { patientId: o.referral.patientId, refs: { changed: o.changed ? 1 : 0 } } : false,
    );
    if (outcome.kind !== 'done') return failWith(outcome);
    return c.json(outcome.referral, 200);
  });

  return app;
}
