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
import { AmendAssessmentBody, Assessment, CreateAssessmentBody, RecordedAssessment } from './schema';
import type { AssessmentService } from './service';
import type { Logger } from '#shared/platform/logger';

const tags = ['Assessments'];
const PatientPath = z.object({ patientId: idParam('patientId') });

export const assessmentRoutes = {
  recordAssessment: defineRoute(anyRole('navigator', 'admin'), {
    method: 'post',
    path: '/v1/patients/{patientId}/assessments',
    tags,
    summary: 'Record a baseline or follow-up assessment (ONS4, SWEMWBS, activity, self-care)',
    description:
      'A follow_up assessment completes the patient’s due follow-up and its prescription, exactly as completing it ' +
      'from the inbox does; `attachedTo` says what it attached to (or why it stands alone).',
    request: { params: PatientPath, body: jsonBody(CreateAssessmentBody) },
    responses: {
      201: jsonResponse('The assessment, scored (for a follow-up, with what it attached to)', RecordedAssessment),
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
  amendAssessment: defineRoute(anyRole('navigator', 'admin'), {
    method: 'post',
    path: '/v1/patients/{patientId}/assessments/{assessmentId}/amendments',
    tags,
    summary: 'Correct a mistaken assessment, saying why; the answers it replaces are kept',
    description:
      'Send the corrected answers in full with a reason. The assessment is re-scored; `amendments` keeps each earlier ' +
      'set of answers with who changed it, when and why. 409 if it was amended meanwhile.',
    request: {
      params: z.object({ patientId: idParam('patientId'), assessmentId: idParam('assessmentId') }),
      body: jsonBody(AmendAssessmentBody),
    },
    responses: {
      200: jsonResponse('The corrected assessment', Assessment),
      ...commonErrors,
      ...notFoundError,
      ...conflictError,
    },
  }),
};

/** What these routes need, and no more: the composition root passes them in. */
export interface AssessmentRoutesDeps {
  assessmentService: AssessmentService;
  logger: Logger;
  audit: AuditTrail;
}

export function assessmentsApp(services: AssessmentRoutesDeps) {
  const { assessmentService, audit } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(assessmentRoutes.recordAssessment, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const body = c.req.valid('json');
    const outcome = await audit.change(auditRequest(c), 'record_assessment', { patientId }, () => assessmentService.record(principal, patientId, body), (o) =>
      o.kind === 'recorded'
        ? {
            refs: {
              assessmentId: o.assessment.assessmentId,
              ...(o.assessment.attachedTo?.kind === 'follow_up' ? { followUpId: o.assessment.attachedTo.followUpId } : {}),
            },
          }
        : false,
    );
    if (outcome.kind === 'not_found') return failWith({ kind: 'not_found', what: 'Patient' });
    if (outcome.kind !== 'recorded') return failWith(outcome);
    const { assessment } = outcome;
    return c.json(assessment, 201);
  });

  app.openapi(assessmentRoutes.listAssessments, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const outcome = await audit.read(auditRequest(c), 'read_assessments', patientId, () => assessmentService.list(principal, patientId), () => ({}));
    if (outcome.kind !== 'listed') return failWith({ kind: 'not_found', what: 'Patient' });
    return c.json({ items: outcome.items }, 200);
  });

  app.openapi(assessmentRoutes.amendAssessment, async (c) => {
    const principal = c.get('principal');
    const { patientId, assessmentId } = c.req.valid('param');
    const body = c.req.valid('json');
    // The reason is free text and the answers are health data: neither is in the entry, only the ids
    // (the assessment, the revision it replaced and the one it made; the replaced answers stay in the item's `amendments`).
    const outcome = await audit.change(auditRequest(c), 'amend_assessment', { patientId, refs: { assessmentId } }, () => assessmentService.amend(principal, patientId, assessmentId, body), (o) =>
      o.kind === 'amended' ? { refs: { revision: o.assessment.revision ?? 0 } } : false,
    );
    if (outcome.kind !== 'amended') return failWith(outcome);
    return c.json(outcome.assessment, 200);
  });

  return app;
}
