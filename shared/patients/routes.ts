import { OpenAPIHono, z } from '@hono/zod-openapi';
import { auditRequest } from '#shared/audit/routes';
import type { AuditTrail } from '#shared/audit/service';
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
import {
  ChangePatientBody,
  CloseReferralBody,
  ConsentPath,
  CreateContactBody,
  CreateReferralBody,
  CreatedReferral,
  DeclineReferralBody,
  Patient,
  REFERRAL_STATUSES,
  ReassignBody,
  RecordedContact,
  Referral,
  ReferralChanged,
  ReferralListItem,
  SetConsentBody,
  TimelineEntry,
  TimelineQuery,
} from './schema';
import { CaseloadCounts, CaseloadListQuery, CaseloadPatient } from './caseload-schema';
import type { PatientService } from './service';

const tags = ['Referrals and patients'];
const PatientPath = z.object({ patientId: idParam('patientId') });
const ReferralPath = z.object({ referralId: idParam('referralId') });
const referralChangeResponses = {
  200: jsonResponse('The referral after the change', ReferralChanged),
  ...commonErrors,
  ...notFoundError,
  ...conflictError,
};
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
    description:
      'Records SNOMED CT 871731000000106 (referral to social prescribing service). A person already registered — by NHS number, ' +
      'or without one by the same given name, family name and date of birth — gets a new episode (a new referral on their record, ' +
      'which joins your caseload) if their latest referral was declined or closed; while it is open the answer is 409 ' +
      '`patient_has_open_referral` naming it. Several people with that name and date of birth and no NHS number given: 409 ' +
      '`patient_identity_ambiguous`.',
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
  acceptReferral: defineRoute(caseWorkers, {
    method: 'post',
    path: '/v1/referrals/{referralId}/accept',
    tags,
    summary: 'Accept a received referral: first contact was made',
    description: 'received → accepted. Accepting an accepted referral changes nothing; any other status is 409.',
    request: { params: ReferralPath },
    responses: referralChangeResponses,
  }),
  declineReferral: defineRoute(caseWorkers, {
    method: 'post',
    path: '/v1/referrals/{referralId}/decline',
    tags,
    summary: 'Decline a received or accepted referral, with the reason',
    description:
      'Records SNOMED CT 871711000000103 (social prescribing declined) beside the referral’s 871731000000106. ' +
      'A note is required for the reason `other`. A prescribed referral is closed instead (409 `illegal_referral_transition`); ' +
      'a declined or closed one cannot change (409 `referral_ended`).',
    request: { params: ReferralPath, body: jsonBody(DeclineReferralBody) },
    responses: referralChangeResponses,
  }),
  closeReferral: defineRoute(caseWorkers, {
    method: 'post',
    path: '/v1/referrals/{referralId}/close',
    tags,
    summary: 'Close a prescribed referral, with the reason: the episode is over',
    description:
      'The current prescription, if any, is withdrawn in the same transaction (its follow-up cancelled, its reminder removed). ' +
      'A note is required for the reason `other`. Only a prescribed referral closes; a received or accepted one is declined.',
    request: { params: ReferralPath, body: jsonBody(CloseReferralBody) },
    responses: referralChangeResponses,
  }),
  listEpisodes: defineRoute(caseReaders, {
    method: 'get',
    path: '/v1/patients/{patientId}/referrals',
    tags,
    summary: 'A patient’s referrals (their episodes), newest first',
    request: { params: PatientPath },
    responses: {
      200: jsonResponse('Every referral of the patient (a handful at most)', z.object({ items: z.array(Referral) })),
      ...commonErrors,
      ...notFoundError,
    },
  }),
  changePatient: defineRoute(caseWorkers, {
    method: 'patch',
    path: '/v1/patients/{patientId}',
    tags,
    summary: 'Change a patient’s record: only the fields given; null removes an optional one',
    description:
      'Validated exactly as at referral. A new NHS number must not be another patient’s (409 `nhs_number_registered`); ' +
      'the old one is released in the same transaction.',
    request: { params: PatientPath, body: jsonBody(ChangePatientBody) },
    responses: { 200: jsonResponse('The patient after the change', Patient), ...commonErrors, ...notFoundError, ...conflictError },
  }),
  setConsent: defineRoute(caseWorkers, {
    method: 'put',
    path: '/v1/patients/{patientId}/consents/{purpose}',
    tags,
    summary: 'Record a consent decision (yes or no) with who recorded it and when',
    description:
      'purpose: share_attendance (sharing attendance with providers beyond the door’s answer; not used yet), gp_summary (sending a ' +
      'summary to the GP), evaluation (being in the evaluation exports: a recorded no leaves the person out of both CSVs). ' +
      'The same answer again changes nothing and keeps its date; a different one replaces it. Answers the patient.',
    request: { params: PatientPath.extend(ConsentPath.shape), body: jsonBody(SetConsentBody) },
    responses: { 200: jsonResponse('The patient with their consents', Patient), ...commonErrors, ...notFoundError, ...conflictError },
  }),
  recordContact: defineRoute(caseWorkers, {
    method: 'post',
    path: '/v1/patients/{patientId}/contacts',
    tags,
    summary: 'Record a contact with the patient (a call, a visit, a text…)',
    description: 'The first contact that reaches the person (`reached`) accepts their received referral, in the same transaction.',
    request: { params: PatientPath, body: jsonBody(CreateContactBody) },
    responses: { 201: jsonResponse('The contact', RecordedContact), ...commonErrors, ...notFoundError, ...conflictError },
  }),
  timeline: defineRoute(caseReaders, {
    method: 'get',
    path: '/v1/patients/{patientId}/timeline',
    tags,
    summary: 'The patient’s timeline: referrals, contacts, assessments, prescriptions, cards and follow-ups, newest first',
    request: { params: PatientPath, query: TimelineQuery },
    responses: { 200: jsonResponse('A page of the timeline', pageOf(TimelineEntry)), ...commonErrors, ...notFoundError },
  }),
  listPatients: defineRoute(caseReaders, {
    method: 'get',
    path: '/v1/patients',
    tags,
    summary: 'Your caseload (managers: every patient, or one navigator’s), each with their current state',
    description:
      'Each patient carries a `summary` (referral status, days waiting, prescription week n of N, follow-up due or overdue, ' +
      'last contact), kept on the patient by the writes that change it. Without `q`, `stage`, `followUpDue`, `noContactDays` ' +
      'or `sort` the list is oldest first; with any of them the whole caseload is matched and sorted (by name unless `sort` says).',
    request: { query: PageQuery.extend(NavigatorQuery.shape).extend(CaseloadListQuery.shape) },
    responses: { 200: jsonResponse('A page of patients', pageOf(CaseloadPatient)), ...commonErrors },
  }),
  caseloadCounts: defineRoute(caseReaders, {
    method: 'get',
    path: '/v1/caseload/counts',
    tags,
    summary: 'How many follow-ups are due and referrals new in your caseload (managers: everyone’s, or one navigator’s)',
    request: { query: NavigatorQuery },
    responses: { 200: jsonResponse('The counts', CaseloadCounts), ...commonErrors },
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
  audit: AuditTrail;
}

export function patientsApp(services: PatientRoutesDeps) {
  const { patientService, audit } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(patientRoutes.createReferral, async (c) => {
    const principal = c.get('principal');
    const body = c.req.valid('json');
    // The patient's id is made inside: the entry takes it from the transaction (the one patient it writes).
    const outcome = await audit.change(auditRequest(c), 'create_referral', {}, () => patientService.refer(principal, body), (o) =>
      o.kind === 'created'
        ? { patientId: o.patient.patientId, refs: { referralId: o.referral.referralId, ...(o.rereferral ? { matchedBy: o.rereferral.matchedBy } : {}) } }
        : false,
    );
    if (outcome.kind !== 'created') return failWith(outcome);
    const { referral, patient, rereferral } = outcome;
    return c.json({ referralId: referral.referralId, patientId: patient.patientId, referral, patient, ...(rereferral ? { rereferral } : {}) }, 201);
  });

  app.openapi(patientRoutes.acceptReferral, async (c) => {
    const principal = c.get('principal');
    const { referralId } = c.req.valid('param');
    const outcome = await audit.change(auditRequest(c), 'accept_referral', { refs: { referralId } }, () => patientService.accept(principal, referralId), (o) =>
      o.kind === 'done' ? { patientId: o.referral.patientId } : false,
    );
    if (outcome.kind !== 'done') return failWith(outcome);
    return c.json(outcome.referral, 200);
  });

  for (const [route, to, action] of [
    [patientRoutes.declineReferral, 'declined', 'decline_referral'],
    [patientRoutes.closeReferral, 'closed', 'close_referral'],
  ] as const) {
    app.openapi(route, async (c) => {
      const principal = c.get('principal');
      const { referralId } = c.req.valid('param');
      const body = c.req.valid('json');
      // The reason is a code from a fixed list; the note is free text, and never in the entry.
      const outcome = await audit.change(auditRequest(c), action, { refs: { referralId, reason: body.reason } }, () => patientService.end(principal, referralId, to, body), (o) =>
        o.kind === 'done' ? { patientId: o.referral.patientId, ...(o.withdrawnPrescriptionId ? { refs: { withdrawnPrescriptionId: o.withdrawnPrescriptionId } } : {}) } : false,
      );
      if (outcome.kind !== 'done') return failWith(outcome);
      const { referral, withdrawnPrescriptionId, gpSummary } = outcome;
      return c.json({ ...referral, ...(withdrawnPrescriptionId ? { withdrawnPrescriptionId } : {}), ...(gpSummary ? { gpSummary } : {}) }, 200);
    });
  }

  app.openapi(patientRoutes.listEpisodes, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const outcome = await audit.read(auditRequest(c), 'read_referrals', patientId, () => patientService.episodes(principal, patientId), () => ({}));
    if (outcome.kind !== 'listed') return failWith(outcome);
    return c.json({ items: outcome.items }, 200);
  });

  app.openapi(patientRoutes.changePatient, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const body = c.req.valid('json');
    // Which fields were sent, never their values.
    const outcome = await audit.change(auditRequest(c), 'change_patient', { patientId, refs: { fields: Object.keys(body).sort().join(',') } }, () => patientService.changePatient(principal, patientId, body), (o) =>
      o.kind === 'done' ? {} : false,
    );
    if (outcome.kind !== 'done') return failWith(outcome);
    return c.json(outcome.patient, 200);
  });

  app.openapi(patientRoutes.setConsent, async (c) => {
    const principal = c.get('principal');
    const { patientId, purpose } = c.req.valid('param');
    const body = c.req.valid('json');
    // The purpose and the yes or no: a decision, not personal detail.
    const outcome = await audit.change(auditRequest(c), 'set_consent', { patientId, refs: { purpose, given: String(body.given) } }, () => patientService.setConsent(principal, patientId, purpose, body), (o) =>
      o.kind === 'done' ? { refs: { changed: String(o.changed) } } : false,
    );
    if (outcome.kind !== 'done') return failWith(outcome);
    return c.json(outcome.patient, 200);
  });

  app.openapi(patientRoutes.recordContact, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const body = c.req.valid('json');
    const outcome = await audit.change(auditRequest(c), 'record_contact', { patientId }, () => patientService.recordContact(principal, patientId, body), (o) =>
      o.kind === 'recorded' ? { refs: { contactId: o.contact.contactId, ...(o.referralAccepted ? { acceptedReferralId: o.contact.referralId } : {}) } } : false,
    );
    if (outcome.kind !== 'recorded') return failWith(outcome);
    const { contact, referralAccepted } = outcome;
    return c.json({ ...contact, referralAccepted }, 201);
  });

  app.openapi(patientRoutes.timeline, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const query = c.req.valid('query');
    const outcome = await audit.read(auditRequest(c), 'read_timeline', patientId, () => patientService.timeline(principal, patientId, query), () => ({}));
    if (outcome.kind !== 'listed') return failWith(outcome);
    return c.json(outcome.page, 200);
  });

  app.openapi(patientRoutes.listReferrals, async (c) => {
    const principal = c.get('principal');
    const outcome = await patientService.listReferrals(principal, c.req.valid('query'));
    if (outcome.kind !== 'listed') return failWith(outcome);
    await audit.listing(auditRequest(c), 'list_referrals', { count: outcome.page.items.length });
    return c.json(outcome.page, 200);
  });

  app.openapi(patientRoutes.listPatients, async (c) => {
    const principal = c.get('principal');
    const outcome = await patientService.listPatients(principal, c.req.valid('query'));
    if (outcome.kind !== 'listed') return failWith(outcome);
    await audit.listing(auditRequest(c), 'list_patients', { count: outcome.page.items.length });
    return c.json(outcome.page, 200);
  });

  app.openapi(patientRoutes.caseloadCounts, async (c) => {
    const outcome = await patientService.caseloadCounts(c.get('principal'), c.req.valid('query').navigator);
    if (outcome.kind !== 'counted') return failWith(outcome);
    const { kind: _kind, ...counts } = outcome;
    return c.json(counts, 200);
  });

  app.openapi(patientRoutes.getPatient, async (c) => {
    const principal = c.get('principal');
    const { patientId } = c.req.valid('param');
    const outcome = await audit.read(auditRequest(c), 'read_patient', patientId, () => patientService.getPatient(principal, patientId), () => ({}));
    if (outcome.kind !== 'found') return failWith(outcome);
    return c.json(outcome.patient, 200);
  });

  app.openapi(patientRoutes.reassignCaseload, async (c) => {
    const { from, to } = c.req.valid('json');
    const outcome = await patientService.reassignCaseload(from, to);
    if (outcome.kind !== 'moved') return failWith(outcome);
    // Many patients, each moved in a transaction of its own: one entry under the actor, with the count.
    await audit.listing(auditRequest(c), 'reassign_caseload', { moved: outcome.moved });
    return c.json({ moved: outcome.moved }, 200);
  });

  return app;
}
