import { OpenAPIHono, z } from '@hono/zod-openapi';
import { auditRequest } from '#shared/audit/routes';
import type { AuditTrail } from '#shared/audit/service';
import { anyRole, commonErrors, defineRoute, failWith, jsonResponse, validationHook, type AppEnv } from '#shared/platform/http';
import type { Logger } from '#shared/platform/logger';
import { AttendanceReport, AttendanceReportQuery, CsvExportQuery, CsvResponse, OutcomesQuery, ProgrammeReport, ReportRange } from './schema';
import type { ReportService } from './service';

const tags = ['Reports'];
const evaluatorExports = anyRole('manager', 'admin');
/** The programme report of one caseload: a manager's choice; a navigator's is always their own. */
const ProgrammeQuery = ReportRange.extend({
  navigator: z.string().min(1).max(128).optional().openapi({ description: 'Managers and admins: one navigator’s caseload. A navigator always sees their own (another’s is 403).' }),
});

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
      'only (baseline and follow-up of the same prescription), with n and a 95% confidence interval. A navigator sees their caseload only; ' +
      'a manager may pass `navigator` for one caseload. referralOutcomes, waitingTimes (whole London days; nearest-rank median and ' +
      '90th percentile) and takeUp.referralsWithPrescription count the referrals received from..to; followUpCompletion the cohort. ' +
      'Everyone is counted, including people who declined evaluation (totals only).',
    request: { query: ProgrammeQuery },
    responses: { 200: jsonResponse('The programme report', ProgrammeReport), ...commonErrors },
  }),
  attendanceCsv: defineRoute(evaluatorExports, {
    method: 'get',
    path: '/v1/reports/attendance.csv',
    tags,
    summary: 'Evaluator export: one pseudonymised row per accepted attendance (CSV, streamed)',
    description:
      'Each patient appears under a stable pseudonym for this programme; an age band instead of the date of birth and the ' +
      'postcode district instead of the postcode. No names, NHS numbers, contact details or notes. People who declined evaluation ' +
      '(consents.evaluation.given = false) are left out. `bom=1` starts the file with a UTF-8 byte-order mark for Excel. Columns: docs/data-dictionary.md.',
    request: { query: CsvExportQuery },
    responses: { 200: CsvResponse('CSV with a header row'), ...commonErrors },
  }),
  outcomesCsv: defineRoute(evaluatorExports, {
    method: 'get',
    path: '/v1/reports/outcomes.csv',
    tags,
    summary: 'Evaluator export: one pseudonymised row per prescription with sessions and baseline/follow-up scores (CSV)',
    description:
      'Also the outcome and coded reason of the referral each prescription belongs to (never its note). People who declined ' +
      'evaluation (consents.evaluation.given = false) are left out; those not asked yet are included. Referral reasons leave only as codes ' +
      'of a fixed list (any other tag is `other`). `bom=1` starts the file with a UTF-8 byte-order mark for Excel. Columns: docs/data-dictionary.md.',
    request: { query: OutcomesQuery },
    responses: { 200: CsvResponse('CSV with a header row'), ...commonErrors },
  }),
};

/** What these routes need, and no more: the composition root passes them in. */
export interface ReportRoutesDeps {
  reportService: ReportService;
  logger: Logger;
  audit: AuditTrail;
}

export function reportsApp(services: ReportRoutesDeps) {
  const { reportService, audit } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(reportRoutes.attendance, async (c) => {
    const principal = c.get('principal');
    const outcome = await reportService.attendance(principal, c.req.valid('query'));
    if (outcome.kind !== 'report') return failWith(outcome);
    if (principal.role !== 'provider') await audit.listing(auditRequest(c), 'report_attendance', outcome.range);
    return c.json(outcome.report, 200);
  });

  app.openapi(reportRoutes.programme, async (c) => {
    const principal = c.get('principal');
    const outcome = await reportService.programme(principal, c.req.valid('query'));
    if (outcome.kind !== 'report') return failWith(outcome);
    await audit.listing(auditRequest(c), 'report_programme', { ...outcome.range, prescriptions: outcome.cohortSize });
    return c.json(outcome.report, 200);
  });

  app.openapi(reportRoutes.attendanceCsv, async (c) => {
    const { bom, ...range } = c.req.valid('query');
    const outcome = await reportService.attendanceExport(range, { bom: bom === '1' });
    if (outcome.kind !== 'csv') return failWith(outcome);
    await audit.listing(auditRequest(c), 'export_attendance', outcome.range);
    return csvAnswer(outcome.body, outcome.filename);
  });

  app.openapi(reportRoutes.outcomesCsv, async (c) => {
    const { bom, ...range } = c.req.valid('query');
    const outcome = await reportService.outcomesExport(range, { bom: bom === '1' });
    if (outcome.kind !== 'csv') return failWith(outcome);
    await audit.listing(auditRequest(c), 'export_outcomes', outcome.range);
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
