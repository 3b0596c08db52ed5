import { OpenAPIHono } from '@hono/zod-openapi';
import { auditPatientAccess } from '#shared/platform/audit';
import { anyRole, commonErrors, defineRoute, failWith, jsonResponse, validationHook, type AppEnv } from '#shared/platform/http';
import type { Logger } from '#shared/platform/logger';
import { AttendanceReport, AttendanceReportQuery, CsvResponse, OutcomesQuery, ProgrammeReport, ReportRange } from './schema';
import type { ReportService } from './service';

const tags = ['Reports'];
const evaluatorExports = anyRole('manager', 'admin');

export const reportRoutes = {
  attendance: defineRoute(anyRole('provider', 'navigator', 'manager', 'admin'), {
    method: 'get',
    path: '/v1/reports/attendance',
    tags,
    summary: 'Accepted attendance by London week, provider, activity category or activity',
    description:
      'Counts only. Managers see the whole programme, a navigator only their caseload, a provider only its own sessions. ' +
      'Read from the attendance days the scan transaction keeps (one item per provider, place and day), never from the scans.',
    request: { query: AttendanceReportQuery },
    responses: { 200: jsonResponse('Rows of attendances and unique patients', AttendanceReport), ...commonErrors },
  }),
  programme: defineRoute(anyRole('navigator', 'manager', 'admin'), {
    method: 'get',
    path: '/v1/reports/programme',
    tags,
    summary: 'Referrals, prescriptions, sessions, follow-ups and paired wellbeing change',
    description:
      'Referrals received from..to; the cohort is the prescriptions started from..to (status, sessions, followUps, wellbeing, byCategory). ' +
      'followUpsInPeriod counts every follow-up by its own dates: completed from..to, fell due from..to, and due or overdue now. ' +
      '`cohorts` says in words what each part counts. Wellbeing change is on paired data ' +
      'only (baseline and follow-up of the same prescription), with n and a 95% confidence interval. A navigator sees their caseload only.',
    request: { query: ReportRange },
    responses: { 200: jsonResponse('The programme report', ProgrammeReport), ...commonErrors },
  }),
  attendanceCsv: defineRoute(evaluatorExports, {
    method: 'get',
    path: '/v1/reports/attendance.csv',
    tags,
    summary: 'Evaluator export: one pseudonymised row per accepted attendance (CSV, streamed)',
    description:
      'Each patient appears under a stable pseudonym for this programme; an age band instead of the date of birth and the ' +
      'postcode district instead of the postcode. No names, NHS numbers, contact details or notes.',
    request: { query: ReportRange },
    responses: { 200: CsvResponse('CSV with a header row'), ...commonErrors },
  }),
  outcomesCsv: defineRoute(evaluatorExports, {
    method: 'get',
    path: '/v1/reports/outcomes.csv',
    tags,
    summary: 'Evaluator export: one pseudonymised row per prescription with sessions and baseline/follow-up scores (CSV)',
    request: { query: OutcomesQuery },
    responses: { 200: CsvResponse('CSV with a header row'), ...commonErrors },
  }),
};

/** What these routes need, and no more: the composition root passes them in. */
export interface ReportRoutesDeps {
  reportService: ReportService;
  logger: Logger;
}

export function reportsApp(services: ReportRoutesDeps) {
  const { reportService, logger } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(reportRoutes.attendance, async (c) => {
    const principal = c.get('principal');
    const outcome = await reportService.attendance(principal, c.req.valid('query'));
    if (outcome.kind !== 'report') return failWith(outcome);
    if (principal.role !== 'provider') auditPatientAccess(logger, principal, 'report_attendance', undefined, outcome.range);
    return c.json(outcome.report, 200);
  });

  app.openapi(reportRoutes.programme, async (c) => {
    const principal = c.get('principal');
    const outcome = await reportService.programme(principal, c.req.valid('query'));
    if (outcome.kind !== 'report') return failWith(outcome);
    auditPatientAccess(logger, principal, 'report_programme', undefined, { ...outcome.range, prescriptions: outcome.cohortSize });
    return c.json(outcome.report, 200);
  });

  app.openapi(reportRoutes.attendanceCsv, async (c) => {
    const principal = c.get('principal');
    const outcome = await reportService.attendanceExport(c.req.valid('query'));
    if (outcome.kind !== 'csv') return failWith(outcome);
    auditPatientAccess(logger, principal, 'export_attendance', undefined, outcome.range);
    return csvAnswer(outcome.body, outcome.filename);
  });

  app.openapi(reportRoutes.outcomesCsv, async (c) => {
    const principal = c.get('principal');
    const outcome = await reportService.outcomesExport(c.req.valid('query'));
    if (outcome.kind !== 'csv') return failWith(outcome);
    auditPatientAccess(logger, principal, 'export_outcomes', undefined, outcome.range);
    return csvAnswer(outcome.body, outcome.filename);
  });

  return app;
}

/** A streamed CSV download: a plain Response, since its body is a stream, not JSON. */
function csvAnswer(body: ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(body, {
    status: 200,
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}"`, 'Cache-Control': 'no-store' },
  });
}
