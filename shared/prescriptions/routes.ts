import { OpenAPIHono, z } from '@hono/zod-openapi';
import { Temporal } from 'temporal-polyfill';
import { auditPatientAccess } from '#shared/platform/audit';
import type { Principal } from '#shared/platform/auth';
import { conflict, invalidRequest, notFound, type FieldIssue } from '#shared/platform/errors';
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
} from '#shared/platform/http';
import { londonDate } from '#shared/platform/london';
import { visiblePatient } from '#shared/patients/rules';
import { isAccreditedOn } from '#shared/registry/rules';
import { applyChange, categoriesOf, newPrescription, weekOf, weeksRemaining, type PrescriptionRecord } from './rules';
import { ChangePrescriptionBody, CreatePrescriptionBody, Prescription, type PrescribedActivityView, type PrescriptionView } from './schema';
import type { Clock } from '#shared/platform/clock';
import type { IdSource } from '#shared/platform/ids';
import type { Logger } from '#shared/platform/logger';
import type { PatientStore } from '#shared/patients/store';
import type { PrescriptionFollowUps } from './follow-ups';
import type { PrescriptionStore } from './store';
import type { RegistryStore } from '#shared/registry/store';

const tags = ['Prescriptions'];
const PrescriptionPath = z.object({ prescriptionId: idParam('prescriptionId') });

/** How far from today a start date may be: recording one that began last month is normal; years are a typo. */
export const START_DATE_WINDOW = { pastDays: 90, futureDays: 180 } as const;

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
  patients: PatientStore;
  prescriptions: PrescriptionStore;
  registry: RegistryStore;
  prescriptionFollowUps: PrescriptionFollowUps;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
}

export function prescriptionsApp(services: PrescriptionRoutesDeps) {
  const { patients, prescriptions, registry, prescriptionFollowUps, clock, ids, logger } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  /** The prescription and its patient, if the caller may see that patient; 404 otherwise. */
  const visiblePrescription = async (principal: Principal, prescriptionId: string) => {
    const prescription = await prescriptions.get(prescriptionId);
    if (!prescription) throw notFound('Prescription');
    const patient = visiblePatient(principal, await patients.getPatient(prescription.patientId), 'Prescription');
    return { prescription, patient };
  };

  /** The prescribed activities as a view shows them, from activities already read. */
  const prescribedActivities = (found: Awaited<ReturnType<typeof registry.getActivitiesWithProviders>>) =>
    (record: PrescriptionRecord): PrescribedActivityView[] =>
      record.activityIds.flatMap((activityId) => {
        const entry = found.get(activityId);
        if (!entry) return [];
        const { activity, provider } = entry;
        return [{ activityId, name: activity.name, category: activity.category, providerId: provider.providerId, providerName: provider.name, venueId: activity.venueId }];
      });

  const activitiesOf = async (records: PrescriptionRecord[]) =>
    prescribedActivities(await registry.getActivitiesWithProviders([...new Set(records.flatMap((r) => r.activityIds))]));

  const view = (record: PrescriptionRecord, activities: PrescribedActivityView[]): PrescriptionView => {
    const today = londonDate(clock.now());
    const { version: _version, createdBy: _createdBy, ...fields } = record;
    const week = record.status === 'active' ? weekOf(record, today) : undefined;
    return { ...fields, activities, ...(week !== undefined ? { currentWeek: week } : {}), weeksRemaining: weeksRemaining(record, today) };
  };

  app.openapi(prescriptionRoutes.createPrescription, async (c) => {
    const principal = c.get('principal');
    const input = c.req.valid('json');
    const patient = visiblePatient(principal, await patients.getPatient(input.patientId));

    const today = Temporal.PlainDate.from(londonDate(clock.now()));
    const issues: FieldIssue[] = [];
    const start = Temporal.PlainDate.from(input.startDate);
    if (
      Temporal.PlainDate.compare(start, today.subtract({ days: START_DATE_WINDOW.pastDays })) < 0 ||
      Temporal.PlainDate.compare(start, today.add({ days: START_DATE_WINDOW.futureDays })) > 0
    ) {
      issues.push({
        in: 'body',
        path: 'startDate',
        code: 'start_date_out_of_range',
        message: `must be within ${START_DATE_WINDOW.pastDays} days before and ${START_DATE_WINDOW.futureDays} days after today`,
      });
    }
    const found = await registry.getActivitiesWithProviders(input.activityIds);
    input.activityIds.forEach((activityId, index) => {
      const entry = found.get(activityId);
      if (!entry) {
        issues.push({ in: 'body', path: `activityIds.${index}`, code: 'unknown_activity', message: `no activity ${activityId}` });
      } else if (!isAccreditedOn(entry.provider.accreditation, input.startDate)) {
        issues.push({
          in: 'body',
          path: `activityIds.${index}`,
          code: 'provider_not_accredited',
          message: `${entry.provider.name} is not accredited on ${input.startDate}`,
        });
      }
    });
    if (issues.length > 0) throw invalidRequest(issues);
    if (patient.currentPrescriptionId) {
      throw conflict('prescription_exists', 'This patient already has an active or paused prescription.');
    }

    const followUpId = ids.next();
    const prescription = newPrescription(input, {
      prescriptionId: ids.next(),
      now: clock.now(),
      createdBy: principal.sub,
      hasBaseline: patient.baselineAssessmentId !== undefined,
      baselineAssessmentId: patient.baselineAssessmentId,
      categories: categoriesOf([...found.values()].map((entry) => entry.activity)),
      followUpId,
    });
    // The follow-up is written with its prescription; its reminder is made after.
    const followUp = prescriptionFollowUps.created(prescription, patient.navigator);
    const referral = await patients.getReferral(patient.patientId, patient.openReferralId);
    const advance = referral ? patients.advanceReferral(referral, 'prescribed') : undefined;
    await prescriptions.create(prescription, principal, [...(advance ? [advance] : []), ...followUp.items]);
    await followUp.afterCommit();
    auditPatientAccess(logger, principal, 'create_prescription', patient.patientId, { prescriptionId: prescription.prescriptionId });
    // The activities were read to validate the request: the answer is built from the same read.
    return c.json(view(prescription, prescribedActivities(found)(prescription)), 201);
  });

  app.openapi(prescriptionRoutes.getPrescription, async (c) => {
    const principal = c.get('principal');
    const { prescription } = await visiblePrescription(principal, c.req.valid('param').prescriptionId);
    auditPatientAccess(logger, principal, 'read_prescription', prescription.patientId, { prescriptionId: prescription.prescriptionId });
    return c.json(view(prescription, (await activitiesOf([prescription]))(prescription)), 200);
  });

  app.openapi(prescriptionRoutes.changePrescription, async (c) => {
    const principal = c.get('principal');
    const { prescription: before } = await visiblePrescription(principal, c.req.valid('param').prescriptionId);
    const after = applyChange(before, c.req.valid('json'), londonDate(clock.now()), clock.now());
    if (after !== before) {
      // The follow-up moves with its prescription, in the same transaction; then its reminder.
      const followUp = await prescriptionFollowUps.changed(before, after);
      await prescriptions.update(before, after, followUp.items);
      await followUp.afterCommit();
    }
    auditPatientAccess(logger, principal, 'change_prescription', after.patientId, { prescriptionId: after.prescriptionId });
    return c.json(view(after, (await activitiesOf([after]))(after)), 200);
  });

  app.openapi(prescriptionRoutes.listPatientPrescriptions, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    visiblePatient(principal, await patients.getPatient(patientId));
    const records = await prescriptions.listForPatient(patientId);
    const activities = await activitiesOf(records);
    auditPatientAccess(logger, principal, 'read_prescription', patientId, { count: records.length });
    return c.json({ items: records.map((record) => view(record, activities(record))) }, 200);
  });

  return app;
}
