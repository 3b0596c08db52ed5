import { OpenAPIHono, z } from '@hono/zod-openapi';
import { auditPatientAccess } from '#shared/platform/audit';
import { keys } from '#shared/platform/keys';
import { batchGetItems } from '#shared/platform/dynamo';
import { conflict, notFound } from '#shared/platform/errors';
import {
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
import type { Clock } from '#shared/platform/clock';
import type { Logger } from '#shared/platform/logger';
import type { PatientStore } from '#shared/patients/store';
import { caseloadFilter, visiblePatient } from '#shared/patients/rules';
import type { PrescriptionStatus } from '#shared/prescriptions/rules';
import { completeFollowUp, type CompletionServices } from './completion';
import { isOverdue, type FollowUpRecord } from './rules';
import { CompleteFollowUpBody, FollowUp, FollowUpQuery, type FollowUpView } from './schema';

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

/** What these routes need: the completion's stores, the patients for names, a clock and a logger. */
export interface FollowUpRoutesDeps extends CompletionServices {
  patients: PatientStore;
  clock: Clock;
  logger: Logger;
}

export function followUpsApp(services: FollowUpRoutesDeps) {
  const { followUps, patients, clock, logger, db } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  /** Inbox rows: the follow-ups with the patient's name and their prescription's dates and attendance. */
  const views = async (records: FollowUpRecord[]): Promise<FollowUpView[]> => {
    const names = await patients.patientNames([...new Set(records.map((r) => r.patientId))]);
    const items = await batchGetItems(
      db,
      records.flatMap((r) => [keys.prescription(r.patientId, r.prescriptionId), keys.prescriptionAttendance(r.patientId, r.prescriptionId)]),
    );
    const id = (key: { PK: unknown; SK: unknown }) => `${String(key.PK)}|${String(key.SK)}`;
    const byKey = new Map(items.map((item) => [id(item as { PK: unknown; SK: unknown }), item]));
    const now = clock.now();
    return records.map((record) => {
      const prescription = byKey.get(id(keys.prescription(record.patientId, record.prescriptionId)));
      const counter = byKey.get(id(keys.prescriptionAttendance(record.patientId, record.prescriptionId)));
      const name = names.get(record.patientId);
      const { version: _version, createdAt: _created, updatedAt: _updated, ...fields } = record;
      return {
        ...fields,
        ...(name ? { patient: name } : {}),
        overdue: isOverdue(record, now),
        ...(prescription
          ? {
              prescription: {
                status: prescription.status as PrescriptionStatus,
                startDate: String(prescription.startDate),
                endDate: String(prescription.endDate),
                sessionsAttended: Number(counter?.sessionsAttended ?? 0),
              },
            }
          : {}),
      };
    });
  };

  app.openapi(followUpRoutes.inbox, async (c) => {
    const principal = c.get('principal');
    const { status, navigator, ...page } = c.req.valid('query');
    const result = await followUps.list({ navigator: caseloadFilter(principal, navigator), status }, page);
    auditPatientAccess(logger, principal, 'list_followups', undefined, { count: result.items.length });
    return c.json({ ...result, items: await views(result.items) }, 200);
  });

  app.openapi(followUpRoutes.complete, async (c) => {
    const principal = c.get('principal');
    const { followUpId } = c.req.valid('param');
    const followUp = await followUps.getById(followUpId);
    if (!followUp) throw notFound('Follow-up');
    const patient = visiblePatient(principal, await patients.getPatient(followUp.patientId), 'Follow-up');
    if (followUp.status === 'completed') throw conflict('follow_up_completed', 'This follow-up is already completed.');
    if (followUp.status === 'cancelled') throw conflict('follow_up_cancelled', 'This follow-up was cancelled: its prescription was withdrawn.');

    const { followUp: completed } = await completeFollowUp(services, principal, followUp, patient, c.req.valid('json').assessment, clock);
    auditPatientAccess(logger, principal, 'complete_followup', followUp.patientId, { followUpId });
    const [view] = await views([completed]);
    return c.json(view!, 200);
  });

  return app;
}
