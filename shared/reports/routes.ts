import { OpenAPIHono } from '@hono/zod-openapi';
import { Temporal } from 'temporal-polyfill';
import { auditPatientAccess } from '#shared/platform/audit';
import type { Principal } from '#shared/platform/auth';
import { invalidRequest } from '#shared/platform/errors';
import { anyRole, commonErrors, defineRoute, jsonResponse, validationHook, type AppEnv } from '#shared/platform/http';
import { londonDate } from '#shared/platform/london';
import { inParallel } from '#shared/platform/parallel';
import type { ProviderRecord } from '#shared/registry/rules';
import { AttendanceTally, rangeIssues } from './rules';
import { AttendanceReport, AttendanceReportQuery, CsvResponse, OutcomesQuery, ProgrammeReport, ReportRange } from './schema';
import type { CohortMember } from './store';
import type { Clock } from '#shared/platform/clock';
import type { Logger } from '#shared/platform/logger';
import type { PseudonymKeySource } from './pseudonym';
import type { RegistryStore } from '#shared/registry/store';
import type { ReportStore } from './store';

const tags = ['Reports'];
const evaluatorExports = anyRole('manager', 'admin');

/** How many providers' attendance days are read at once. */
const PROVIDER_READS_IN_FLIGHT = 8;

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
      'Referrals received from..to; the cohort is the prescriptions started from..to. Wellbeing change is on paired data ' +
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
  reports: ReportStore;
  registry: RegistryStore;
  clock: Clock;
  logger: Logger;
  pseudonymKey: PseudonymKeySource;
}

export function reportsApp(services: ReportRoutesDeps) {
  const { reports, registry, clock, logger } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  /** The caller's caseload for a navigator (they see only its numbers); everyone otherwise. */
  const scopeOf = async (principal: Principal) => {
    if (principal.role !== 'navigator') return undefined;
    const caseload = await reports.caseload(principal.sub);
    return (patientId: string) => caseload.has(patientId);
  };

  app.openapi(reportRoutes.attendance, async (c) => {
    const principal = c.get('principal');
    const { from, to, groupBy } = checked(c.req.valid('query'));
    const providers: ProviderRecord[] =
      principal.role === 'provider' ? [await registry.getProvider(principal.providerId)].filter((p) => p !== undefined) : await registry.allProviders();
    const include = await scopeOf(principal);
    const names = new Map(providers.map((p) => [p.providerId, p.name]));
    const tally = new AttendanceTally(groupBy, (id) => names.get(id) ?? id, include);
    await inParallel(providers, PROVIDER_READS_IN_FLIGHT, async (provider) => {
      for await (const page of reports.attendanceDays(provider.providerId, from, to)) for (const day of page) tally.add(day);
    });
    if (principal.role !== 'provider') auditPatientAccess(logger, principal, 'report_attendance', undefined, { from, to });
    const scope = principal.role === 'provider' ? 'provider' : include ? 'caseload' : 'programme';
    return c.json({ from, to, groupBy, scope, total: tally.totals(), rows: tally.rows() }, 200);
  });

  app.openapi(reportRoutes.programme, async (c) => {
    const principal = c.get('principal');
    const { from, to } = checked(c.req.valid('query'));
    const include = await scopeOf(principal);
    const everyone = () => true;
    const [referrals, cohort] = await Promise.all([reports.referrals(from, to), collect(reports.cohort(from, to, include ?? everyone))]);
    // Loaded on first use: the statistics library stays out of the cold start of every other route.
    const { programmeReport } = await import('./programme');
    const report = programmeReport({
      from,
      to,
      now: clock.now(),
      referrals: referrals.filter((r) => (include ?? everyone)(r.patientId)),
      prescriptions: cohort,
    });
    auditPatientAccess(logger, principal, 'report_programme', undefined, { from, to, prescriptions: cohort.length });
    return c.json({ ...report, scope: include ? ('caseload' as const) : ('programme' as const) }, 200);
  });

  app.openapi(reportRoutes.attendanceCsv, async (c) => {
    const principal = c.get('principal');
    const { from, to } = checked(c.req.valid('query'));
    const [key, providers, { ATTENDANCE_COLUMNS, attendanceRows, csvStream }] = await Promise.all([
      services.pseudonymKey(),
      registry.allProviders(),
      import('./exports'),
    ]);
    auditPatientAccess(logger, principal, 'export_attendance', undefined, { from, to });
    const body = await csvStream(ATTENDANCE_COLUMNS, attendanceRows(reports, key, providers, from, to), exportFailed(services, 'attendance'));
    return c.body(body, 200, csvHeaders(`waymark-attendance-${from}-to-${to}.csv`)) as never;
  });

  app.openapi(reportRoutes.outcomesCsv, async (c) => {
    const principal = c.get('principal');
    const query = c.req.valid('query');
    const to = query.to ?? londonDate(clock.now());
    const from = query.from ?? Temporal.PlainDate.from(to).subtract({ days: 364 }).toString();
    checked({ from, to });
    const [key, { OUTCOME_COLUMNS, outcomeRows, csvStream }] = await Promise.all([services.pseudonymKey(), import('./exports')]);
    auditPatientAccess(logger, principal, 'export_outcomes', undefined, { from, to });
    const body = await csvStream(OUTCOME_COLUMNS, outcomeRows(reports, key, from, to), exportFailed(services, 'outcomes'));
    return c.body(body, 200, csvHeaders(`waymark-outcomes-${from}-to-${to}.csv`)) as never;
  });

  return app;
}

/** The range, or a 400 naming what is wrong with it. */
function checked<T extends { from: string; to: string }>(query: T): T {
  const issues = rangeIssues(query.from, query.to);
  if (issues.length > 0) throw invalidRequest(issues);
  return query;
}

function csvHeaders(filename: string) {
  return { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}"`, 'Cache-Control': 'no-store' };
}

/** Once a CSV has begun the status is sent: a later failure ends the file with a marker row (and is logged, without data). */
function exportFailed(services: Pick<ReportRoutesDeps, 'logger'>, kind: string) {
  return (error: unknown) => services.logger.error('export failed', { kind, name: error instanceof Error ? error.name : 'unknown' });
}

async function collect(pages: AsyncIterable<CohortMember[]>): Promise<CohortMember[]> {
  const all: CohortMember[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
