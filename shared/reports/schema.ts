import { z } from '@hono/zod-openapi';
import { CLOSE_REASONS, DECLINE_REASONS, REFERRAL_SOURCES, REFERRAL_STATUSES } from '#shared/patients/schema';
import { PRESCRIPTION_STATUSES } from '#shared/prescriptions/rules';
import { CATEGORIES } from '#shared/registry/schema';
import { ATTENDANCE_GROUPS, MAX_REPORT_YEARS } from './rules';

export const ReportRange = z.object({
  from: z.iso.date().openapi({ description: 'First London date of the report, YYYY-MM-DD.', example: '2026-01-01' }),
  to: z.iso.date().openapi({
    description: `Last London date, inclusive; not before from, and less than ${MAX_REPORT_YEARS} years after it.`,
    example: '2026-12-31',
  }),
});

export const AttendanceReportQuery = ReportRange.extend({
  groupBy: z.enum(ATTENDANCE_GROUPS).default('week').openapi({
    description: 'week: London calendar weeks (Monday to Sunday, keyed by the Monday); provider; activity category; activity.',
  }),
});

const Count = z.number().int().nonnegative();

export const AttendanceReport = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.enum(ATTENDANCE_GROUPS),
    scope: z.enum(['programme', 'caseload', 'provider']).openapi({
      description: 'Whose attendance is counted: everyone (managers), the caller’s caseload (navigators) or the caller’s provider.',
    }),
    total: z.object({ attendances: Count, uniquePatients: Count }),
    rows: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        attendances: Count.openapi({ description: 'Accepted scans: one person at one activity (or venue) on one day.' }),
        uniquePatients: Count.openapi({ description: 'Different people among them, each counted once in the row.' }),
      }),
    ),
  })
  .openapi('AttendanceReport');

const MeasureChange = z
  .object({
    n: Count,
    baselineMean: z.number().nullable(),
    followUpMean: z.number().nullable(),
    meanChange: z.number().nullable().openapi({ description: 'Follow-up minus baseline (for anxious, lower is better).' }),
    ci95: z.object({ low: z.number(), high: z.number() }).nullable().openapi({ description: '95% confidence interval of the mean change (t distribution); null when n < 2.' }),
  })
  .openapi('MeasureChange');

const Wellbeing = z
  .object({
    pairs: Count.openapi({ description: 'Prescriptions with both a baseline and a follow-up assessment.' }),
    satisfied: MeasureChange,
    worthwhile: MeasureChange,
    happy: MeasureChange,
    anxious: MeasureChange,
    swemwbsMetric: MeasureChange,
  })
  .openapi('WellbeingChange');

const Share = z.object({ n: Count, share: z.number().nullable() });
const SessionStats = z
  .object({
    prescriptions: Count,
    mean: z.number().nullable(),
    median: z.number().nullable(),
    attendedAtLeastOne: Share,
    attendedAtLeastSix: Share,
  })
  .openapi('SessionStats');

const countsOf = (keys: readonly string[]) => z.object(Object.fromEntries(keys.map((key) => [key, Count])));
const WaitStats = z
  .object({
    n: Count.openapi({ description: 'Referrals that reached the step.' }),
    medianDays: z.number().int().nullable().openapi({ description: 'Nearest-rank median (the ⌈n/2⌉-th shortest wait), in days; null when n = 0.' }),
    p90Days: z.number().int().nullable().openapi({ description: 'Nearest-rank 90th percentile (the ⌈0.9 n⌉-th shortest wait), in days.' }),
  })
  .openapi('WaitStats');
const ShareOf = z.object({ n: Count, of: Count, share: z.number().nullable().openapi({ description: 'n / of, to 3 places; null when of = 0.' }) }).openapi('ShareOf');

export const ProgrammeReport = z
  .object({
    from: z.string(),
    to: z.string(),
    scope: z.enum(['programme', 'caseload']),
    cohorts: z
      .object({
        referrals: z.string(),
        prescriptions: z.string(),
        followUpsInPeriod: z.string(),
        referralOutcomes: z.string(),
        waitingTimes: z.string(),
        takeUp: z.string(),
        followUpCompletion: z.string(),
      })
      .openapi({
        description:
          'What each part counts, in words: referrals; prescriptions (the cohort, which prescriptions, sessions, followUps, wellbeing and byCategory count); followUpsInPeriod.',
      }),
    referrals: z.object({ total: Count, bySource: z.object(Object.fromEntries(REFERRAL_SOURCES.map((s) => [s, Count]))) }),
    prescriptions: z.object({ started: Count, ...Object.fromEntries(PRESCRIPTION_STATUSES.map((s) => [s, Count])) }),
    sessions: SessionStats,
    followUps: z
      .object({ completed: Count, onTime: Count, overdue: Count, due: Count, scheduled: Count, held: Count, cancelled: Count })
      .openapi({ description: 'The cohort’s follow-ups only (prescriptions started in the period), by their status now.' }),
    followUpsInPeriod: z
      .object({
        completed: Count.openapi({ description: 'Completed on a London day in the period, whenever the prescription started.' }),
        completedOnTime: Count.openapi({ description: 'Of those, completed within 14 days of falling due.' }),
        fellDue: Count.openapi({ description: 'Fell due on a London day in the period (and by now), since completed or still due.' }),
        fellDueCompleted: Count.openapi({ description: 'Of those, completed by now.' }),
        dueNow: Count.openapi({ description: 'Due now, whatever the period: what the inbox holds.' }),
        overdueNow: Count.openapi({ description: 'Due now and more than 14 days past due.' }),
      })
      .openapi({ description: 'Every follow-up in scope, counted by its own dates rather than by the cohort.' }),
    wellbeing: Wellbeing,
    byCategory: z.array(z.object({ category: z.enum(CATEGORIES), prescriptions: Count, sessions: SessionStats, wellbeing: Wellbeing })),
    referralOutcomes: z
      .object({
        byStatus: countsOf(REFERRAL_STATUSES),
        declinedByReason: countsOf(DECLINE_REASONS),
        closedByReason: countsOf(CLOSE_REASONS),
      })
      .openapi({ description: 'Referrals received in the period, by their status now; declined and closed ones by reason.' }),
    waitingTimes: z
      .object({
        toFirstContact: WaitStats.openapi({ description: 'Received → first contact (the referral accepted: explicitly, by the first contact that reached the person, or by a baseline).' }),
        toPrescriptionStart: WaitStats.openapi({ description: 'Received → the start date of the episode’s first prescription.' }),
        toFirstAttendance: WaitStats.openapi({ description: 'Received → the first attended session of that prescription.' }),
      })
      .openapi({ description: 'Referrals received in the period that reached each step: whole days between London dates.' }),
    takeUp: z.object({
      referralsWithPrescription: ShareOf.openapi({ description: 'Referrals received in the period that led to a prescription.' }),
      prescriptionsWithAttendance: ShareOf.openapi({ description: 'Prescriptions started in the period with at least one attended session.' }),
    }),
    followUpCompletion: z
      .object({ fallenDue: Count, completed: ShareOf, completedOnTime: ShareOf.openapi({ description: 'Completed within 14 days of falling due.' }) })
      .openapi({ description: 'Prescriptions started in the period whose follow-up has fallen due (completed, or due now).' }),
  })
  .openapi('ProgrammeReport');

/** `?bom=1`: the CSV starts with the UTF-8 byte-order mark, so Excel reads it as UTF-8. Absent: plain UTF-8. */
const Bom = z
  .enum(['1'], { message: 'must be 1, or left out' })
  .optional()
  .openapi({
    description:
      '`1`: the file starts with the UTF-8 byte-order mark (EF BB BF), so Excel opens it as UTF-8 and names such as “Café Ōtautahi” survive. ' +
      'Left out: plain UTF-8 without one, as R, pandas and scripts prefer.',
    example: '1',
  });

export const CsvExportQuery = ReportRange.extend({ bom: Bom });

export const OutcomesQuery = ReportRange.partial().extend({ bom: Bom }).openapi({ description: 'Prescriptions started from..to; by default the last 365 days.' });

export const CsvResponse = (description: string) => ({
  description,
  content: { 'text/csv': { schema: z.string() } },
  headers: z.object({ 'Content-Disposition': z.string().openapi({ example: 'attachment; filename="waymark-attendance-2026-01-01-to-2026-12-31.csv"' }) }),
});
