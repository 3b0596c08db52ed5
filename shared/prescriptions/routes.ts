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
import { ChangePrescriptionBody, CreatePrescriptionBody, Prescription } from './schema';
import type { PrescriptionService } from './service';

const tags = ['Prescriptions'];
const PrescriptionPath = z.object({ prescriptionId: idParam('prescriptionId') });

export const prescriptionRoutes = {
  createPrescription: defineRoute(anyRole('navigator', 'admin'), {
    method: 'post',
    path: '/v1/prescriptions',
    tags,
    summary: 'Write a prescription of activities for a patient in your caseload',
    description:
      'Each activity must exist and be offered by a provider accredited on the start date. ' +
      'One active or paused prescription per patient (409 otherwise). A baseline assessment is ' +
      'not required, but hasBaseline says whether one exists: without it, no wellbeing change can be measured.',
    request: { body: jsonBody(CreatePrescriptionBody) },
    responses: {
      201: jsonResponse('The prescription, with endDate and followUpDueAt', Prescription),
      ...commonErrors,
      ...notFoundError,
      ...conflictError,
    },
  }),
  getPrescription: defineRoute(anyRole('navigator', 'manager', 'admin'), {
    method: 'get',
    path: '/v1/prescriptions/{prescriptionId}',
    tags,
    summary: 'Read a prescription with its activities and attendance so far',
    request: { params: PrescriptionPath },
    responses: { 200: jsonResponse('The prescription', Prescription), ...commonErrors, ...notFoundError },
  }),
  changePrescription: defineRoute(anyRole('navigator', 'admin'), {
    method: 'patch',
    path: '/v1/prescriptions/{prescriptionId}',
    tags,
    summary: 'Pause, resume, withdraw or complete a prescription, or change its length',
    description:
      'active ↔ paused, active or paused → withdrawn or completed. Pausing and resuming move endDate and ' +
      'followUpDueAt by the days paused; a weeks change moves them too. Illegal transitions are 409.',
    request: { params: PrescriptionPath, body: jsonBody(ChangePrescriptionBody) },
    responses: {
      200: jsonResponse('The prescription after the change', Prescription),
      ...commonErrors,
      ...notFoundError,
      ...conflictError,
    },
  }),
  listPatientPrescriptions: defineRoute(anyRole('navigator', 'manager', 'admin'), {
    method: 'get',
    path: '/v1/patients/{patientId}/prescriptions',
    tags,
    summary: 'A patient’s prescriptions, oldest first',
    request: { params: z.object({ patientId: idParam('patientId') }) },
    responses: {
      200: jsonResponse('All the patient’s prescriptions (a handful at most)', z.object({ items: z.array(Prescription) })),
      ...commonErrors,
      ...notFoundError,
    },
  }),
};

/** What these routes need, and no more: the composition root passes them in. */
export interface PrescriptionRoutesDeps {
  prescriptionService: PrescriptionService;
  logger: Logger;
  audit: AuditTrail;
}

export function prescriptionsApp(services: PrescriptionRoutesDeps) {
  const { prescriptionService, audit } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(prescriptionRoutes.createPrescription, async (c) => {
    const principal = c.get('principal');
    const body = c.req.valid('json');
    const outcome = await audit.change(auditRequest(c), 'create_prescription', { patientId: body.patientId }, () => prescriptionService.create(principal, body), (o) =>
      o.kind === 'done' ? { patientId: o.prescription.patientId, refs: { prescriptionId: o.prescription.prescriptionId } } : false,
    );
    if (outcome.kind !== 'done') return failWith(outcome);
    const { prescription } = outcome;
    return c.json(prescription, 201);
  });

  app.openapi(prescriptionRoutes.getPrescription, async (c) => {
    const principal = c.get('principal');
    const { prescriptionId } = c.req.valid('param');
    const outcome = await audit.read(auditRequest(c), 'read_prescription', undefined, () => prescriptionService.get(principal, prescriptionId), (o) =>
      o.kind === 'done' ? { patientId: o.prescription.patientId, refs: { prescriptionId } } : false,
    );
    if (outcome.kind !== 'done') return failWith(outcome);
    const { prescription } = outcome;
    return c.json(prescription, 200);
  });

  app.openapi(prescriptionRoutes.changePrescription, async (c) => {
    const principal = c.get('principal');
    const { prescriptionId } = c.req.valid('param');
    const body = c.req.valid('json');
    const outcome = await audit.change(auditRequest(c), 'change_prescription', { refs: { prescriptionId } }, () => prescriptionService.change(principal, prescriptionId, body), (o) =>
      o.kind === 'done' ? { patientId: o.prescription.patientId } : false,
    );
    if (outcome.kind !== 'done') return failWith(outcome);
    const { prescription } = outcome;
    return c.json(prescription, 200);
  });

  app.openapi(prescriptionRoutes.listPatientPrescriptions, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const outcome = await audit.read(auditRequest(c), 'read_prescription', patientId, () => prescriptionService.listForPatient(principal, patientId), () => ({}));
    if (outcome.kind !== 'listed') return failWith(outcome);
    return c.json({ items: outcome.items }, 200);
  });

  return app;
}
