import { OpenAPIHono, z } from '@hono/zod-openapi';
import { auditPatientAccess } from '../platform/audit';
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
} from '../platform/http';
import type { Services } from '../platform/services';
import { visiblePatient } from '../patients/rules';
import { newAssessment } from './rules';
import { Assessment, CreateAssessmentBody } from './schema';

const tags = ['Assessments'];
const PatientPath = z.object({ patientId: idParam('patientId') });

export const assessmentRoutes = {
  recordAssessment: defineRoute(anyRole('navigator', 'admin'), {
    method: 'post',
    path: '/v1/patients/{patientId}/assessments',
    tags,
    summary: 'Record a baseline or follow-up assessment (ONS4, SWEMWBS, activity, self-care)',
    request: { params: PatientPath, body: jsonBody(CreateAssessmentBody) },
    responses: {
      201: jsonResponse('The assessment, scored', Assessment),
      ...commonErrors,
      ...notFoundError,
      ...conflictError,
    },
  }),
  listAssessments: defineRoute(anyRole('navigator', 'manager', 'admin'), {
    method: 'get',
    path: '/v1/patients/{patientId}/assessments',
    tags,
    summary: 'A patient’s assessments, oldest first',
    request: { params: PatientPath },
    responses: { 200: jsonResponse('The assessments', z.object({ items: z.array(Assessment) })), ...commonErrors, ...notFoundError },
  }),
};

export function assessmentsApp(services: Services) {
  const { patients, assessments, clock, ids, logger } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(assessmentRoutes.recordAssessment, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const patient = visiblePatient(principal, await patients.getPatient(patientId));
    const assessment = newAssessment(c.req.valid('json'), { patientId, recordedBy: principal.sub }, { clock, ids });
    // A first baseline moves the referral on from "new".
    const referral = assessment.kind === 'baseline' ? await patients.getReferral(patientId, patient.openReferralId) : undefined;
    const advance = referral ? patients.advanceReferral(referral, 'assessed') : undefined;
    await assessments.record(assessment, principal, advance ? [advance] : []);
    auditPatientAccess(logger, principal, 'record_assessment', patientId);
    return c.json(assessment, 201);
  });

  app.openapi(assessmentRoutes.listAssessments, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    visiblePatient(principal, await patients.getPatient(patientId));
    auditPatientAccess(logger, principal, 'read_assessments', patientId);
    return c.json({ items: await assessments.listForPatient(patientId) }, 200);
  });

  return app;
}
