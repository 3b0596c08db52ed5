import { toOutcode } from 'postcode';
import { Temporal } from 'temporal-polyfill';
import type { FieldIssue } from '#shared/platform/errors';
import type { CategoryName as Category } from '#shared/registry/schema';
import type { AttendanceDay } from '#shared/scans/store';

export type { AttendanceDay };

/**
 * Reporting rules as pure functions: date ranges, London calendar weeks, the coarsened
 * demographics an evaluator export carries, and the tally behind the attendance report.
 */

/** The longest range a report may cover: three calendar years. */
export const MAX_REPORT_YEARS = 3;

const date = (value: string) => Temporal.PlainDate.from(value);

/** Issues with a report's from/to (already well-formed dates): reversed, or longer than three years. */
export function rangeIssues(from: string, to: string): FieldIssue[] {
  if (Temporal.PlainDate.compare(date(to), date(from)) < 0) {
    return [{ in: 'query', path: 'to', code: 'before_from', message: 'to must not be before from' }];
  }
  if (Temporal.PlainDate.compare(date(to), date(from).add({ years: MAX_REPORT_YEARS })) >= 0) {
    return [{ in: 'query', path: 'to', code: 'range_too_long', message: `a report covers at most ${MAX_REPORT_YEARS} years` }];
  }
  return [];
}

/** The Monday that starts the London calendar week of `day` (UK "week commencing"). */
export function weekCommencing(day: string): string {
  const d = date(day);
  return d.subtract({ days: d.dayOfWeek - 1 }).toString();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "w/c 16 Nov 2026": how a UK report labels a week (fixed names: ICU's en-GB gives "Sept", and varies by runtime). */
export function weekLabel(monday: string): string {
  const d = date(monday);
  return `w/c ${d.day} ${MONTHS[d.month - 1]} ${d.year}`;
}

export const AGE_BANDS = ['0-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75-84', '85+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** The ten-year band of a person's age on a London date: exports carry this, never the date of birth. */
export function ageBand(dateOfBirth: string, on: string): AgeBand {
  const age = date(dateOfBirth).until(date(on), { largestUnit: 'years' }).years;
  if (age < 18) return '0-17';
  if (age < 25) return '18-24';
  if (age >= 85) return '85+';
  const lower = Math.floor((age - 5) / 10) * 10 + 5;
  return `${lower}-${lower + 9}` as AgeBand;
}

/** The outward code ("LU1" of "LU1 3AB"), the postcode district an export carries; '' when unknown. */
export function postcodeDistrict(postcode: string | undefined): string {
  if (!postcode) return '';
  return toOutcode(postcode) ?? '';
}

/** A prescription as the waiting times read it: when written, its start date and first attended day. */
export interface PrescriptionStart {
  prescriptionId: string;
  createdAt: string;
  startDate: string;
  firstAttendedOn?: string | undefined;
}

/** Whether a referral led to a prescription: it is prescribed, or was closed (only a prescribed referral closes). */
export function ledToPrescription(referral: { status: string; prescribedAt?: string | undefined }): boolean {
  return referral.status === 'prescribed' || referral.status === 'closed' || referral.prescribedAt !== undefined;
}

/**
 * The first prescription of a referral's episode, among the patient's prescriptions: the earliest
 * written at or after the referral was received and, if the referral has ended, no later than its
 * end. A prescription needs an open referral and a patient has one open at a time, so the episodes'
 * prescriptions never overlap.
 */
export function episodePrescription<P extends PrescriptionStart>(
  referral: { createdAt: string; endedAt?: string | undefined },
  prescriptions: readonly P[],
): P | undefined {
  const from = Date.parse(referral.createdAt);
  const until = referral.endedAt === undefined ? Infinity : Date.parse(referral.endedAt);
  return prescriptions
    .filter((p) => Date.parse(p.createdAt) >= from && Date.parse(p.createdAt) <= until)
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.prescriptionId.localeCompare(b.prescriptionId))[0];
}

/**
 * The referral a prescription belongs to: the patient's latest referral received at or before the
 * prescription was written.
 */
export function referralOfPrescription<R extends { createdAt: string; referralId: string }>(prescription: { createdAt: string }, referrals: readonly R[]): R | undefined {
  const at = Date.parse(prescription.createdAt);
  return referrals
    .filter((r) => Date.parse(r.createdAt) <= at)
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.referralId.localeCompare(a.referralId))[0];
}

export const CATEGORY_LABELS: Record<Category, string> = {
  social: 'Social activity',
  volunteering: 'Volunteering',
  physical: 'Physical activity',
  wellbeing: 'Wellbeing and mental health',
  advice: 'Information, advice and guidance',
};

/** A scan at a venue without an activity has no activity or category: it is reported under this key. */
export const NO_ACTIVITY = { key: 'none', label: 'No activity given' } as const;


/**
 * Weekly rows with the weeks that had no attendance filled in as zero rows, so a chart or table of
 * weeks has no gaps: one row per London week from the week of `from` to the week of `to`, in order.
 * Rows already there are kept as they are.
 */
export function withEmptyWeeks(rows: readonly AttendanceRow[], from: string, to: string): AttendanceRow[] {
  const byWeek = new Map(rows.map((row) => [row.key, row]));
  const filled: AttendanceRow[] = [];
  const last = weekCommencing(to);
  for (let monday = date(weekCommencing(from)); Temporal.PlainDate.compare(monday, date(last)) <= 0; monday = monday.add({ days: 7 })) {
    const key = monday.toString();
    filled.push(byWeek.get(key) ?? { key, label: weekLabel(key), attendances: 0, uniquePatients: 0 });
  }
  return filled;
}

export const ATTENDANCE_GROUPS = ['week', 'provider', 'category', 'activity'] as const;
export type AttendanceGroup = (typeof ATTENDANCE_GROUPS)[number];

export interface AttendanceRow {
  key: string;
  label: string;
  attendances: number;
  uniquePatients: number;
}

/**
 * Adds attendance days up into report rows, a page at a time (so a year of them need never be
 * held at once). An attendance is one person accepted at one place on one day; unique patients
 * are counted across the whole group (the union of its days' sets), so someone who came every
 * week counts once in a provider's row and once in each week's.
 */
export class AttendanceTally {
  private readonly groups = new Map<string, { label: string; attendances: number; patients: Set<string> }>();
  /** A day's week, worked out once per day rather than once per session (Temporal is not free). */
  private readonly weeks = new Map<string, { key: string; label: string }>();
  private readonly everyone = new Set<string>();
  private total = 0;

  constructor(
    private readonly groupBy: AttendanceGroup,
    private readonly providerName: (providerId: string) => string,
    /** Who may be counted (a navigator's caseload); everyone when absent. */
    private readonly counts: (patientId: string) => boolean = () => true,
  ) {}

  add(day: AttendanceDay): void {
    const counted = [...day.patients].filter(this.counts);
    if (counted.length === 0) return;
    const { key, label } = this.groupOf(day);
    const group = this.groups.get(key) ?? { label, attendances: 0, patients: new Set<string>() };
    group.attendances += counted.length;
    for (const patientId of counted) {
      group.patients.add(patientId);
      this.everyone.add(patientId);
    }
    this.total += counted.length;
    this.groups.set(key, group);
  }

  /** Weeks in date order; other groupings by label. */
  rows(): AttendanceRow[] {
    const rows = [...this.groups.entries()].map(([key, g]) => ({ key, label: g.label, attendances: g.attendances, uniquePatients: g.patients.size }));
    return this.groupBy === 'week'
      ? rows.sort((a, b) => a.key.localeCompare(b.key))
      : rows.sort((a, b) => a.label.localeCompare(b.label, 'en-GB') || a.key.localeCompare(b.key));
  }

  totals(): { attendances: number; uniquePatients: number } {
    return { attendances: this.total, uniquePatients: this.everyone.size };
  }

  private groupOf(day: AttendanceDay): { key: string; label: string } {
    switch (this.groupBy) {
      case 'week': {
        let week = this.weeks.get(day.day);
        if (!week) {
          const monday = weekCommencing(day.day);
          week = { key: monday, label: weekLabel(monday) };
          this.weeks.set(day.day, week);
        }
        return week;
      }
      case 'provider':
        return { key: day.providerId, label: this.providerName(day.providerId) };
      case 'category':
        return day.category ? { key: day.category, label: CATEGORY_LABELS[day.category] } : NO_ACTIVITY;
      case 'activity':
        return day.activityId ? { key: day.activityId, label: day.activityName ?? day.activityId } : NO_ACTIVITY;
    }
  }
}
