import { Temporal } from 'temporal-polyfill';
import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { FieldIssue } from '#shared/platform/errors';
import type { Logger } from '#shared/platform/logger';
import { londonDate } from '#shared/platform/london';
import { inParallel } from '#shared/platform/parallel';
import type { ProviderRecord } from '#shared/registry/rules';
import type { RegistryStore } from '#shared/registry/store';
import type { PseudonymKeySource } from './pseudonym';
import { AttendanceTally, rangeIssues, withEmptyWeeks, type AttendanceGroup } from './rules';
import type { CohortMember, ReportStore } from './store';

/** How many providers' attendance days are read at once. */
const PROVIDER_READS_IN_FLIGHT = 8;

type Invalid = { kind: 'invalid'; issues: FieldIssue[] };
type Range = { from: string; to: string };
export type ReportOutcome<T> = { kind: 'report'; report: T; range: Range } | Invalid;
/** How a CSV is written: `bom` starts it with the UTF-8 byte-order mark (for Excel). */
export type CsvOptions = { bom?: boolean };
export type ExportOutcome = { kind: 'csv'; filename: string; body: ReadableStream<Uint8Array>; range: Range } | Invalid;

/** The reports capability's use cases: attendance and programme reports, and the evaluator exports. */
export class ReportService {
  constructor(
    private readonly deps: { reports: ReportStore; registry: RegistryStore; clock: Clock; logger: Logger; pseudonymKey: PseudonymKeySource },
  ) {}

  /** Attendance in the range, grouped; a provider sees its own sessions, a navigator their caseload's. */
  async attendance(principal: Principal, query: Range & { groupBy: AttendanceGroup }) {
    const { from, to, groupBy } = query;
    const issues = rangeIssues(from, to);
    if (issues.length > 0) return { kind: 'invalid', issues } as const;
    const { reports, registry } = this.deps;
    const providers: ProviderRecord[] =
      principal.role === 'provider' ? [await registry.getProvider(principal.providerId)].filter((p) => p !== undefined) : await registry.allProviders();
    const include = await this.scopeOf(principal);
    const names = new Map(providers.map((p) => [p.providerId, p.name]));
    const tally = new AttendanceTally(groupBy, (id) => names.get(id) ?? id, include);
    await inParallel(providers, PROVIDER_READS_IN_FLIGHT, async (provider) => {
      for await (const page of reports.attendanceDays(provider.providerId, from, to)) for (const day of page) tally.add(day);
    });
    // Weeks with no attendance are zero rows, not gaps (a chart of weeks shows them as zero).
    const rows = groupBy === 'week' ? withEmptyWeeks(tally.rows(), from, to) : tally.rows();
    const scope = principal.role === 'provider' ? ('provider' as const) : include ? ('caseload' as const) : ('programme' as const);
    return { kind: 'report', range: { from, to }, report: { from, to, groupBy, scope, total: tally.totals(), rows } } as const;
  }

  /** The programme's numbers: prescriptions started in the range, and follow-ups by their own dates (a navigator's caseload only, for them). */
  async programme(principal: Principal, query: Range & { navigator?: string | undefined }) {
    const { from, to } = query;
    // Whose caseload: a navigator's own (asking for another's is forbidden); a manager's choice, or everyone.
    if (principal.role === 'navigator' && query.navigator !== undefined && query.navigator !== principal.sub) {
      return { kind: 'forbidden', message: 'A navigator sees the reports of their own caseload only.' } as const;
    }
    const navigator = principal.role === 'navigator' ? principal.sub : query.navigator;
    const issues = rangeIssues(from, to);
    if (issues.length > 0) return { kind: 'invalid', issues } as const;
    const include = await this.scopeOf(principal, navigator);
    const everyone = () => true;
    const { reports, clock } = this.deps;
    const [referrals, cohort, followUps] = await Promise.all([
      reports.referralJourneys(from, to, include ?? everyone, londonDate(clock.now())),
      collect(reports.cohort(from, to, include ?? everyone)),
      reports.followUpsForPeriod({ navigator, include: include ?? everyone }),
    ]);
    // Loaded on first use: the statistics library stays out of the cold start of every other route.
    const { programmeReport } = await import('./programme');
    const report = programmeReport({
      from,
      to,
      now: clock.now(),
      referrals,
      prescriptions: cohort,
      followUps,
    });
    const scope = include ? ('caseload' as const) : ('programme' as const);
    return { kind: 'report', range: { from, to }, cohortSize: cohort.length, report: { ...report, scope } } as const;
  }

  /** One pseudonymised row per accepted attendance in the range, streamed (after a UTF-8 byte-order mark when `bom`). */
  async attendanceExport(query: Range, options: CsvOptions = {}): Promise<ExportOutcome> {
    const { from, to } = query;
    const issues = rangeIssues(from, to);
    if (issues.length > 0) return { kind: 'invalid', issues };
    const [key, providers, { ATTENDANCE_COLUMNS, attendanceRows, csvStream }] = await Promise.all([
      this.deps.pseudonymKey(),
      this.deps.registry.allProviders(),
      import('./exports'),
    ]);
    const body = await csvStream(ATTENDANCE_COLUMNS, attendanceRows(this.deps.reports, key, providers, from, to), this.exportFailed('attendance'), options);
    return { kind: 'csv', filename: `waymark-attendance-${from}-to-${to}.csv`, body, range: { from, to } };
  }

  /** One pseudonymised row per prescription started in the range (by default the last 365 days), streamed. */
  async outcomesExport(query: Partial<Range>, options: CsvOptions = {}): Promise<ExportOutcome> {
    const to = query.to ?? londonDate(this.deps.clock.now());
    const from = query.from ?? Temporal.PlainDate.from(to).subtract({ days: 364 }).toString();
    const issues = rangeIssues(from, to);
    if (issues.length > 0) return { kind: 'invalid', issues };
    const [key, { OUTCOME_COLUMNS, outcomeRows, csvStream }] = await Promise.all([this.deps.pseudonymKey(), import('./exports')]);
    const body = await csvStream(OUTCOME_COLUMNS, outcomeRows(this.deps.reports, key, from, to), this.exportFailed('outcomes'), options);
    return { kind: 'csv', filename: `waymark-outcomes-${from}-to-${to}.csv`, body, range: { from, to } };
  }

  /** The caller's caseload for a navigator (they see only its numbers), or the one a manager chose; everyone otherwise. */
  private async scopeOf(principal: Principal, chosen?: string) {
    const navigator = principal.role === 'navigator' ? principal.sub : chosen;
    if (navigator === undefined) return undefined;
    const caseload = await this.deps.reports.caseload(navigator);
    return (patientId: string) => caseload.has(patientId);
  }

  /**
   * Once a CSV has begun the status is sent: a later failure ends the file with a marker row and
   * is logged as one structured line, without data or stack (`message` is reserved in Powertools'
   * logger, so the error's own message, cut short, goes under another name).
   */
  private exportFailed(kind: string) {
    return (error: unknown) =>
      this.deps.logger.error('export failed', {
        kind,
        name: error instanceof Error ? error.name : 'unknown',
        ...(error instanceof Error ? { errorMessage: error.message.slice(0, 200) } : {}),
      });
  }
}

async function collect(pages: AsyncIterable<CohortMember[]>): Promise<CohortMember[]> {
  const all: CohortMember[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
