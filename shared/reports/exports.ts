import { PassThrough, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { ProviderRecord } from '#shared/registry/rules';
import { londonDate } from '#shared/platform/london';
import { declinedEvaluation, type ReferralRecord } from '#shared/patients/rules';
import { demographicCells, personDemographics, DEMOGRAPHIC_COLUMNS, type PersonDemographics } from './demographics';
import { pseudonymFor, type PseudonymKey } from './pseudonym';
import { reasonCodes } from './reasons';
import { ageBand, postcodeDistrict, referralOfPrescription, weekCommencing, type AttendanceDay } from './rules';
import type { CohortMember, ReportStore } from './store';

/**
 * The evaluator exports: pseudonymised rows, streamed as CSV. A row carries the patient's
 * programme pseudonym, an age band and a postcode district — never a name, NHS number, date of
 * birth, full postcode, contact detail or note. The column lists below are the whole of what
 * leaves; the tests hold every row to them.
 */
export const ATTENDANCE_COLUMNS = [
  'patient',
  'date',
  'week_commencing',
  'age_band',
  'postcode_district',
  'provider_id',
  'provider',
  'venue_id',
  'activity_id',
  'activity',
  'category',
  'on_prescription',
] as const;

const scoreColumns = (prefix: string) =>
  [`${prefix}_satisfied`, `${prefix}_worthwhile`, `${prefix}_happy`, `${prefix}_anxious`, `${prefix}_swemwbs_metric`] as const;

/** The seven SWEMWBS answers, in the questionnaire's order (SWEMWBS_ITEMS). */
const swemwbsItemColumns = <P extends string>(prefix: P) =>
  [
    `${prefix}_swemwbs_1`,
    `${prefix}_swemwbs_2`,
    `${prefix}_swemwbs_3`,
    `${prefix}_swemwbs_4`,
    `${prefix}_swemwbs_5`,
    `${prefix}_swemwbs_6`,
    `${prefix}_swemwbs_7`,
  ] as const;

export const OUTCOME_COLUMNS = [
  'patient',
  'prescription',
  'start_date',
  'end_date',
  'weeks',
  'status',
  'categories',
  'sessions_attended',
  'follow_up_status',
  'follow_up_completed_on',
  'referral_outcome',
  'referral_reason',
  'withdrawal_reason',
  'referral_date',
  'referral_source',
  'referral_reasons',
  'age_band',
  'postcode_district',
  'baseline_date',
  'follow_up_date',
  ...swemwbsItemColumns('baseline'),
  ...swemwbsItemColumns('follow_up'),
  'baseline_active_days',
  'follow_up_active_days',
  'baseline_self_care_confidence',
  'follow_up_self_care_confidence',
  ...scoreColumns('baseline'),
  ...scoreColumns('follow_up'),
  ...DEMOGRAPHIC_COLUMNS,
] as const;

type Row<C extends readonly string[]> = Record<C[number], string | number>;

/** What an export knows of a person: nothing more than this ever reaches a row. */
interface Person {
  pseudonym: string;
  dateOfBirth: string;
  district: string;
  /** The census codes and IMD decile recorded (decision 89): only the outcomes export writes them. */
  demographics: PersonDemographics;
}

/** Looks people up a page at a time and remembers them: memory grows with people, not rows. */
class People {
  private readonly known = new Map<string, Person | null>();
  constructor(private readonly store: ReportStore, private readonly key: PseudonymKey) {}

  async load(patientIds: Iterable<string>): Promise<void> {
    const wanted = [...new Set(patientIds)].filter((id) => !this.known.has(id));
    if (wanted.length === 0) return;
    const found = await this.store.demographics(wanted);
    for (const id of wanted) {
      const patient = found.get(id);
      // Someone who declined evaluation is left out of every export: no row of theirs leaves (ARCHITECTURE.md, consent).
      this.known.set(
        id,
        patient && !declinedEvaluation(patient)
          ? {
              pseudonym: pseudonymFor(this.key, 'patient', id),
              dateOfBirth: patient.dateOfBirth,
              district: postcodeDistrict(patient.postcode),
              demographics: personDemographics(patient),
            }
          : null,
      );
    }
  }

  get(patientId: string): Person | undefined {
    return this.known.get(patientId) ?? undefined;
  }
}

/** One row per accepted attendance, provider by provider, in date order within each. */
export async function* attendanceRows(
  store: ReportStore,
  key: PseudonymKey,
  providers: ProviderRecord[],
  from: string,
  to: string,
): AsyncGenerator<Row<typeof ATTENDANCE_COLUMNS>> {
  const people = new People(store, key);
  for (const provider of providers) {
    for await (const page of store.attendanceDays(provider.providerId, from, to)) {
      await people.load(page.flatMap((day) => [...day.patients]));
      for (const day of page) {
        const week = weekCommencing(day.day);
        const rows = [...day.patients].flatMap((patientId) => {
          const person = people.get(patientId);
          return person ? [attendanceRow(day, week, person, provider, day.offPrescription?.has(patientId) !== true)] : [];
        });
        // Sorted by pseudonym, so the order within a session says nothing about who came first.
        yield* rows.sort((a, b) => String(a.patient).localeCompare(String(b.patient)));
      }
    }
  }
}

function attendanceRow(
  day: AttendanceDay,
  week: string,
  person: Person,
  provider: ProviderRecord,
  onPrescription: boolean,
): Row<typeof ATTENDANCE_COLUMNS> {
  return {
    patient: person.pseudonym,
    date: day.day,
    week_commencing: week,
    age_band: ageBand(person.dateOfBirth, day.day),
    postcode_district: person.district,
    provider_id: provider.providerId,
    provider: provider.name,
    venue_id: day.venueId,
    activity_id: day.activityId ?? '',
    activity: day.activityName ?? '',
    category: day.category ?? '',
    on_prescription: onPrescription ? 'yes' : 'no',
  };
}

/** One row per prescription of the cohort (started from..to). */
export async function* outcomeRows(
  store: ReportStore,
  key: PseudonymKey,
  from: string,
  to: string,
): AsyncGenerator<Row<typeof OUTCOME_COLUMNS>> {
  const people = new People(store, key);
  for await (const page of store.cohort(from, to)) {
    await people.load(page.map((member) => member.patientId));
    const included = page.filter((member) => people.get(member.patientId) !== undefined);
    const episodes = await store.episodesOf(included.map((member) => member.patientId));
    for (const member of included) {
      const referral = referralOfPrescription(member, episodes.get(member.patientId) ?? []);
      yield outcomeRow(member, people.get(member.patientId)!, key, referral);
    }
  }
}

function outcomeRow(
  member: CohortMember,
  person: Person,
  key: PseudonymKey,
  referral: Pick<ReferralRecord, 'status' | 'endReason' | 'createdAt' | 'source' | 'reasons'> | undefined,
): Row<typeof OUTCOME_COLUMNS> {
  const scores = (prefix: 'baseline' | 'follow_up', s: CohortMember['baseline']) => ({
    [`${prefix}_satisfied`]: s?.ons4.satisfied ?? '',
    [`${prefix}_worthwhile`]: s?.ons4.worthwhile ?? '',
    [`${prefix}_happy`]: s?.ons4.happy ?? '',
    [`${prefix}_anxious`]: s?.ons4.anxious ?? '',
    [`${prefix}_swemwbs_metric`]: s?.swemwbsMetric ?? '',
  });
  // The seven answers (1–5), each empty when SWEMWBS was not asked.
  const items = (prefix: 'baseline' | 'follow_up', s: CohortMember['baseline']) =>
    Object.fromEntries(swemwbsItemColumns(prefix).map((column, i) => [column, s?.swemwbsItems?.[i] ?? '']));
  const dateOf = (instant: string | undefined) => (instant ? londonDate(new Date(instant)) : '');
  const { baseline, followUpScores } = member;
  return {
    patient: person.pseudonym,
    prescription: pseudonymFor(key, 'prescription', member.prescriptionId),
    start_date: member.startDate,
    end_date: member.endDate,
    weeks: member.weeks,
    status: member.status,
    categories: [...member.categories].sort().join(';'),
    sessions_attended: member.sessionsAttended,
    follow_up_status: member.followUp?.status ?? '',
    follow_up_completed_on: member.followUp?.completedAt ? londonDate(new Date(member.followUp.completedAt)) : '',
    // The status of the referral (episode) the prescription belongs to, and the coded reason it ended — never its note.
    referral_outcome: referral?.status ?? '',
    referral_reason: referral?.endReason ?? '',
    // The coded reason the prescription itself was withdrawn (empty unless withdrawn with one).
    withdrawal_reason: member.status === 'withdrawn' ? (member.withdrawalReason ?? '') : '',
    referral_date: dateOf(referral?.createdAt),
    referral_source: referral?.source ?? '',
    // The free-text tags never leave as typed: each becomes a code of the fixed list, or `other`.
    referral_reasons: referral ? reasonCodes(referral.reasons) : '',
    age_band: ageBand(person.dateOfBirth, member.startDate),
    postcode_district: person.district,
    baseline_date: dateOf(baseline?.recordedAt),
    follow_up_date: dateOf(followUpScores?.recordedAt),
    ...items('baseline', baseline),
    ...items('follow_up', followUpScores),
    baseline_active_days: baseline?.activeDays ?? '',
    follow_up_active_days: followUpScores?.activeDays ?? '',
    baseline_self_care_confidence: baseline?.selfCareConfidence ?? '',
    follow_up_self_care_confidence: followUpScores?.selfCareConfidence ?? '',
    ...scores('baseline', member.baseline),
    ...scores('follow_up', member.followUpScores),
    ...demographicCells(person.demographics),
  } as Row<typeof OUTCOME_COLUMNS>;
}

/** The last row of an export that failed part way, so a short file never passes for a whole one. */
export const EXPORT_FAILED_MARKER = 'EXPORT FAILED: this file is incomplete. Download it again.';

/** The UTF-8 byte-order mark: Excel reads a CSV that starts with it as UTF-8 (without it, as the legacy code page). */
export const UTF8_BOM = '\uFEFF';

/**
 * Rows to a CSV byte stream with a header (after the UTF-8 byte-order mark when `bom` is set),
 * pulled as the client reads (backpressure), so an export of any size holds one page of rows at a time. The first row is read before the answer
 * starts, so a failure there is an ordinary error answer; once bytes are sent the status cannot
 * change, so a later failure ends the file with a row that says it is incomplete, and goes to
 * `onError` (to be logged without data). The byte stream itself never fails: an error that
 * reached the HTTP adapter would be printed raw, stack and all (both `@hono/node-server` and
 * `hono/aws-lambda` do), and its message written into the file.
 */
export async function csvStream<C extends readonly string[]>(
  columns: C,
  rows: AsyncIterable<Row<C>>,
  onError: (error: unknown) => void,
  options: { bom?: boolean } = {},
): Promise<ReadableStream<Uint8Array>> {
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  let failed = false;
  async function* guarded(): AsyncGenerator<Record<string, string | number>> {
    try {
      if (first.done) return;
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } catch (error) {
      failed = true;
      onError(error);
      yield { [columns[0] as string]: EXPORT_FAILED_MARKER };
    } finally {
      // Ended early (the client went away, or the CSV failed): stop reading the database too.
      if (!first.done) await iterator.return?.();
    }
  }
  // A cell that starts with = + - @ or a tab would run as a formula in a spreadsheet: prefix it with '.
  const csv = stringify({ header: true, columns: [...columns], escape_formulas: true });
  const source = Readable.from(guarded());
  const out = new PassThrough();
  // Off by default: R, pandas and scripts read plain UTF-8, and some keep a BOM in the first column's name.
  if (options.bom) out.write(UTF8_BOM);
  source.pipe(csv).pipe(out, { end: false });
  csv.once('end', () => {
    if (!ended) out.end();
    ended = true;
  });
  // A failure of the CSV writing itself (a value it cannot write, say): what was written stays,
  // and the marker row ends the file. `pipe` passes no errors on, so each is caught here.
  let ended = false;
  const writingFailed = (error: unknown) => {
    source.destroy();
    csv.destroy();
    if (ended) return;
    ended = true;
    if (failed) return void out.end(); // the rows had failed already, and said so
    failed = true;
    onError(error);
    out.end(`${EXPORT_FAILED_MARKER}${','.repeat(columns.length - 1)}\n`);
  };
  source.on('error', writingFailed);
  csv.on('error', writingFailed);
  out.once('close', () => {
    source.destroy();
    csv.destroy();
  });
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
