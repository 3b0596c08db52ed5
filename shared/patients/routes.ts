import { OpenAPIHono, z } from '@hono/zod-openapi';
import { auditPatientAccess } from '#shared/platform/audit';
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
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import type { Logger } from '#shared/platform/logger';
import { CreateReferralBody, CreatedReferral, Patient, REFERRAL_STATUSES, ReassignBody, ReferralListItem } from './schema';
import type { PatientService } from './service';

const tags = ['Referrals and patients'];
/** Navigators work their own caseload; admins can do everything; managers read. */
const caseWorkers = anyRole('navigator', 'admin');
const caseReaders = anyRole('navigator', 'manager', 'admin');

const NavigatorQuery = z.object({
  navigator: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .openapi({ description: 'Managers and admins: one navigator’s caseload. Navigators always see their own.' }),
});

export const patientRoutes = {
  createReferral: defineRoute(caseWorkers, {
    method: 'post',
    path: '/v1/referrals',
    tags,
    summary: 'Take a referral: registers the patient in your caseload with their referral',
    description: 'Records SNOMED CT 871731000000106 (referral to social prescribing service).',
    request: { body: jsonBody(CreateReferralBody) },
    responses: { 201: jsonResponse('The referral and the patient', CreatedReferral), ...commonErrors, ...conflictError },
  }),
  listReferrals: defineRoute(caseReaders, {
    method: 'get',
    path: '/v1/referrals',
    tags,
    summary: 'Referrals in your caseload (managers: everyone’s), oldest first',
    request: { query: PageQuery.extend(NavigatorQuery.shape).extend({ status: z.enum(REFERRAL_STATUSES).optional() }) },
    responses: { 200: jsonResponse('A page of referrals (may be short when filtered)', pageOf(ReferralListItem)), ...commonErrors },
  }),
  listPatients: defineRoute(caseReaders, {
    method: 'get',
    path: '/v1/patients',
    tags,
    summary: 'Your caseload (managers: every patient), oldest first',
    request: { query: PageQuery.extend(NavigatorQuery.shape) },
    responses: { 200: jsonResponse('A page of patients', pageOf(Patient)), ...commonErrors },
  }),
  getPatient: defineRoute(caseReaders, {
    method: 'get',
    path: '/v1/patients/{patientId}',
    tags,
    summary: 'Read a patient in your caseload',
    request: { params: z.object({ patientId: idParam('patientId') }) },
    responses: { 200: jsonResponse('The patient', Patient), ...commonErrors, ...notFoundError },
  }),
  reassignCaseload: defineRoute(anyRole('manager', 'admin'), {
    method: 'post',
    path: '/v1/caseloads/reassign',
    tags,
    summary: 'Move every patient of one navigator to another (a navigator leaves)',
    description: 'Safe to repeat: a second run moves whatever the first did not. `to` must be an enabled navigator (else 404).',
    request: { body: jsonBody(ReassignBody) },
    responses: {
      200: jsonResponse('How many patients moved', z.object({ moved: z.number().int() })),
      ...commonErrors,
      404: notFoundError[404],
    },
  }),
};

/** What these routes need, and no more: the composition root passes them in. */
export interface PatientRoutesDeps {
  patientService: PatientService;
  logger: Logger;
}

export function patientsApp(services: PatientRoutesDeps) {
  const { patientService, logger } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(patientRoutes.createReferral, async (c) => {
    const principal = c.get('principal');
    const outcome = await patientService.refer(principal, c.req.valid('json'));
    if (outcome.kind !== 'created') return failWith(outcome);
    const { referral, patient } = outcome;
    auditPatientAccess(logger, principal, 'create_referral', patient.patientId);
    return c.json({ referralId: referral.referralId, patientId: patient.patientId, referral, patient }, 201);
  });

  app.openapi(patientRoutes.listReferrals, async (c) => {
    const principal = c.get('principal');
    const outcome = await patientService.listReferrals(principal, c.req.valid('query'));
    if (outcome.kind !== 'listed') return failWith(outcome);
    auditPatientAccess(logger, principal, 'list_referrals', undefined, { count: outcome.page.items.length });
    return c.json(outcome.page, 200);
  });

  app.openapi(patientRoutes.listPatients, async (c) => {
    const principal = c.get('principal');
    const outcome = await patientService.listPatients(principal, c.req.valid('query'));
    if (outcome.kind !== 'listed') return failWith(outcome);
    auditPatientAccess(logger, principal, 'list_patients', undefined, { count: outcome.page.items.length });
    return c.json(outcome.page, 200);
  });

  app.openapi(patientRoutes.getPatient, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const outcome = await patientService.getPatient(principal, patientId);
    if (outcome.kind !== 'found') return failWith(outcome);
    auditPatientAccess(logger, principal, 'read_patient', patientId);
    return c.json(outcome.patient, 200);
  });

  app.openapi(patientRoutes.reassignCaseload, async (c) => {
    const principal = c.get('principal');
    const { from, to } = c.req.valid('json');
    const outcome = await patientService.reassignCaseload(from, to);
    if (outcome.kind !== 'moved') return failWith(outcome);
    auditPatientAccess(logger, principal, 'reassign_caseload', undefined, { moved: outcome.moved });
    return c.json({ moved: outcome.moved }, 200);
  });

  return app;
}
