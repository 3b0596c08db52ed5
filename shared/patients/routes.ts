import { OpenAPIHono, z } from '@hono/zod-openapi';
import { auditPatientAccess } from '#shared/platform/audit';
import {
  PageQuery,
  anyRole,
  commonErrors,
  conflictError,
  defineRoute,
  idParam,
  jsonBody,
  jsonResponse,
  notFoundError,
  pageOf,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import { caseloadFilter, newReferral, patientView, visiblePatient } from './rules';
import { CreateReferralBody, CreatedReferral, Patient, REFERRAL_STATUSES, ReassignBody, ReferralListItem } from './schema';
import type { Clock } from '#shared/platform/clock';
import type { IdSource } from '#shared/platform/ids';
import type { Logger } from '#shared/platform/logger';
import type { PatientStore } from './store';

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
    description: 'Safe to repeat: a second run moves whatever the first did not.',
    request: { body: jsonBody(ReassignBody) },
    responses: { 200: jsonResponse('How many patients moved', z.object({ moved: z.number().int() })), ...commonErrors },
  }),
};

/** What these routes need, and no more: the composition root passes them in. */
export interface PatientRoutesDeps {
  patients: PatientStore;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
}

export function patientsApp(services: PatientRoutesDeps) {
  const { patients, clock, ids, logger } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(patientRoutes.createReferral, async (c) => {
    const principal = c.get('principal');
    const { patient, referral } = newReferral(c.req.valid('json'), principal, { clock, ids });
    await patients.createReferral(patient, referral);
    auditPatientAccess(logger, principal, 'create_referral', patient.patientId);
    return c.json({ referralId: referral.referralId, patientId: patient.patientId, referral, patient: patientView(patient) }, 201);
  });

  app.openapi(patientRoutes.listReferrals, async (c) => {
    const principal = c.get('principal');
    const { navigator, status, ...page } = c.req.valid('query');
    const result = await patients.listReferrals({ navigator: caseloadFilter(principal, navigator), status }, page);
    auditPatientAccess(logger, principal, 'list_referrals', undefined, { count: result.items.length });
    return c.json(result, 200);
  });

  app.openapi(patientRoutes.listPatients, async (c) => {
    const principal = c.get('principal');
    const { navigator, ...page } = c.req.valid('query');
    const result = await patients.listPatients(caseloadFilter(principal, navigator), page);
    auditPatientAccess(logger, principal, 'list_patients', undefined, { count: result.items.length });
    return c.json({ ...result, items: result.items.map(patientView) }, 200);
  });

  app.openapi(patientRoutes.getPatient, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const patient = visiblePatient(principal, await patients.getPatient(patientId));
    auditPatientAccess(logger, principal, 'read_patient', patientId);
    return c.json(patientView(patient), 200);
  });

  app.openapi(patientRoutes.reassignCaseload, async (c) => {
    const principal = c.get('principal');
    const { from, to } = c.req.valid('json');
    const moved = await patients.reassignCaseload(from, to);
    auditPatientAccess(logger, principal, 'reassign_caseload', undefined, { moved });
    return c.json({ moved }, 200);
  });

  return app;
}
