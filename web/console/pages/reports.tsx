import { useEffect, useState } from 'preact/hooks';
import { attendanceChartData, attendanceSummary } from '../lib/charts';
import { formatDate, reportPresets } from '../lib/dates';
import { exportFilename, filenameFromContentDisposition } from '../lib/download';
import { CATEGORY_LABELS, formatChange, formatInterval, formatNumber, formatShare } from '../lib/format';
import { hasProblems, noProblems, type FormProblems } from '../lib/issues';
import {
  GROUP_BY,
  endReasonRows,
  followUpCounts,
  followUpsInPeriodCounts,
  groupByLabel,
  prescriptionsByStatus,
  referralOutcomeRows,
  referralsBySource,
  reportQuery,
  takeUpRows,
  validateReportQuery,
  waitingTimeRows,
  wellbeingRows,
  type CountRow,
  type GroupBy,
  type ReportQuery,
} from '../lib/reports';
import { href } from '../lib/routes';
import type { AttendanceReport, ProgrammeReport } from '../lib/types';
import { AttendanceChart } from '../ui/chart';
import { Button, ErrorNotice, ErrorSummary, Loading, SelectField, TextField } from '../ui/components';
import { ApiError, errorText, must, useLoad, useServices, useTitle } from '../ui/services';

export function Reports({ query }: { query: Record<string, string> }) {
  useTitle('Reports');
  const { api, today, session } = useServices();
  const current = reportQuery(query, today());
  const [form, setForm] = useState<ReportQuery>(current);
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const key = `${current.from}|${current.to}|${current.groupBy}`;
  useEffect(() => setForm(current), [key]);

  const attendance = useLoad(
    async () => must(await api.GET('/v1/reports/attendance', { params: { query: current } })),
    [key],
  );
  const programme = useLoad(
    async () => must(await api.GET('/v1/reports/programme', { params: { query: { from: current.from, to: current.to } } })),
    [current.from, current.to],
  );

  const submit = (event: Event) => {
    event.preventDefault();
    const found = validateReportQuery(form);
    setProblems(found);
    if (hasProblems(found)) return;
    location.hash = href.reports({ from: form.from, to: form.to, groupBy: form.groupBy });
  };
  const canExport = session.role === 'manager' || session.role === 'admin';

  return (
    <div class="print-report">
      <h1 class="heading-xl">Reports</h1>
      <p class="body">
        From {formatDate(current.from)} to {formatDate(current.to)}. Counts only: no one is named in these reports.
      </p>
      <ErrorSummary problems={problems} order={['from', 'to', 'groupBy']} />
      <nav class="presets no-print" aria-label="Report periods">
        <ul class="presets__list">
          {reportPresets(today()).map((preset) => {
            const shown = preset.from === current.from && preset.to === current.to;
            return (
              <li key={preset.label}>
                <a href={href.reports({ from: preset.from, to: preset.to, groupBy: current.groupBy })} aria-current={shown ? 'true' : undefined}>
                  {preset.label}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <form class="filter no-print" onSubmit={submit} noValidate>
        <TextField id="from" label="From" type="date" value={form.from} onValue={(from) => setForm((f) => ({ ...f, from }))} error={problems.fields.from} width="10" />
        <TextField id="to" label="To" type="date" value={form.to} onValue={(to) => setForm((f) => ({ ...f, to }))} error={problems.fields.to} width="10" />
        <SelectField
          id="groupBy"
          label="Group by"
          value={form.groupBy}
          onValue={(groupBy) => setForm((f) => ({ ...f, groupBy: groupBy as GroupBy }))}
          options={GROUP_BY}
        />
        <Button type="submit" variant="secondary">
          Show report
        </Button>
      </form>

      <section>
        <h2 class="heading-l" id="attendance-heading">
          Attendance
        </h2>
        {attendance.state === 'loading' && <Loading what="Loading attendance" />}
        {attendance.state === 'error' && <ErrorNotice>{attendance.error}</ErrorNotice>}
        {attendance.state === 'ready' && <AttendanceView report={attendance.data} />}
      </section>

      <section>
        <h2 class="heading-l" id="programme-heading">
          Programme
        </h2>
        {programme.state === 'loading' && <Loading what="Loading the programme report" />}
        {programme.state === 'error' && <ErrorNotice>{programme.error}</ErrorNotice>}
        {programme.state === 'ready' && <ProgrammeView report={programme.data} />}
      </section>

      <div class="button-group no-print">
        <Button variant="secondary" onClick={() => window.print()}>
          Print summary
        </Button>
      </div>
      {canExport && <Downloads from={current.from} to={current.to} />}
    </div>
  );
}

function AttendanceView({ report }: { report: AttendanceReport }) {
  const label = groupByLabel(report.groupBy);
  return (
    <>
      <p class="body">
        {report.total.attendances} attendances by {report.total.uniquePatients} {report.total.uniquePatients === 1 ? 'person' : 'people'}
        {report.scope === 'caseload' ? ' in your caseload' : ''}.
      </p>
      {report.total.attendances === 0 ? (
        <p class="body">No attendances in this period.</p>
      ) : (
        <>
          <div class="table-wrap">
            <table class="table table--numbers">
              <caption class="table__caption">Attendances by {label.toLowerCase()}</caption>
              <thead>
                <tr>
                  <th scope="col">{label}</th>
                  <th scope="col">Attendances</th>
                  <th scope="col">Unique people</th>
                </tr>
              </thead>
              <tbody>
                {report.rows.map((row) => (
                  <tr key={row.key}>
                    <th scope="row">{row.label}</th>
                    <td>{row.attendances}</td>
                    <td>{row.uniquePatients}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td>{report.total.attendances}</td>
                  <td>{report.total.uniquePatients}</td>
                </tr>
              </tfoot>
            </table>
          </div>
          <AttendanceChart data={attendanceChartData(report)} summary={attendanceSummary(report, label)} label={label} />
        </>
      )}
    </>
  );
}

function CountTable({ caption, heading, rows, total }: { caption: string; heading: string; rows: CountRow[]; total?: number }) {
  return (
    <table class="table table--numbers table--narrow">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{heading}</th>
          <th scope="col">Number</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.label}>
            <th scope="row">{row.label}</th>
            <td>{row.count}</td>
          </tr>
        ))}
      </tbody>
      {total !== undefined && (
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td>{total}</td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}

function ProgrammeView({ report }: { report: ProgrammeReport }) {
  const s = report.sessions;
  const wellbeing = wellbeingRows(report.wellbeing);
  return (
    <>
      {report.scope === 'caseload' && <p class="body">Your caseload only.</p>}
      <h3 class="heading-m">Referrals by source</h3>
      <CountTable caption="Referrals received in the period, by source" heading="Source" rows={referralsBySource(report)} total={report.referrals.total} />

      <h3 class="heading-m">Referral outcomes</h3>
      <p class="body-s">{report.cohorts.referralOutcomes}</p>
      <CountTable caption="Referrals received in the period, by status now" heading="Status" rows={referralOutcomeRows(report)} total={report.referrals.total} />
      {(['declined', 'closed'] as const).map((kind) => {
        const rows = endReasonRows(report, kind);
        return rows.length === 0 ? null : (
          <CountTable key={kind} caption={`${kind === 'declined' ? 'Declined' : 'Closed'} referrals by reason`} heading={kind === 'declined' ? 'Declined: reason' : 'Closed: reason'} rows={rows} />
        );
      })}

      <h3 class="heading-m">Waiting times</h3>
      <p class="body-s">
        {report.cohorts.waitingTimes} Whole days; the median and 90th percentile are each a wait someone actually had (nearest rank).
      </p>
      <div class="table-wrap">
        <table class="table table--numbers">
          <caption class="visually-hidden">Waiting times from referral received, in days</caption>
          <thead>
            <tr>
              <th scope="col">From referral received</th>
              <th scope="col">Referrals</th>
              <th scope="col">Median</th>
              <th scope="col">90th percentile</th>
            </tr>
          </thead>
          <tbody>
            {waitingTimeRows(report).map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                <td>{row.n}</td>
                <td>{row.median}</td>
                <td>{row.p90}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3 class="heading-m">Take-up and follow-up completion</h3>
      <p class="body-s">
        {report.cohorts.takeUp} {report.cohorts.followUpCompletion}
      </p>
      <div class="table-wrap">
        <table class="table table--numbers">
          <caption class="visually-hidden">Take-up of prescriptions and completion of follow-ups</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">Number</th>
              <th scope="col">Of</th>
              <th scope="col">Share</th>
            </tr>
          </thead>
          <tbody>
            {takeUpRows(report).map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                <td>{row.n}</td>
                <td>{row.of}</td>
                <td>{formatShare(row.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3 class="heading-m">Prescriptions by status</h3>
      <p class="body-s">Of prescriptions started in this period: where they are now.</p>
      <CountTable caption="Prescriptions by status" heading="Status" rows={prescriptionsByStatus(report)} />

      <h3 class="heading-m">Sessions attended</h3>
      <table class="table table--numbers table--narrow">
        <caption class="visually-hidden">Sessions attended per prescription</caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Prescriptions</th>
            <td>{s.prescriptions}</td>
          </tr>
          <tr>
            <th scope="row">Mean sessions per prescription</th>
            <td>{formatNumber(s.mean)}</td>
          </tr>
          <tr>
            <th scope="row">Median sessions per prescription</th>
            <td>{formatNumber(s.median)}</td>
          </tr>
          <tr>
            <th scope="row">Attended at least 1 session</th>
            <td>
              {s.attendedAtLeastOne.n} ({formatShare(s.attendedAtLeastOne.share)})
            </td>
          </tr>
          <tr>
            <th scope="row">Attended at least 6 sessions</th>
            <td>
              {s.attendedAtLeastSix.n} ({formatShare(s.attendedAtLeastSix.share)})
            </td>
          </tr>
        </tbody>
      </table>

      <h3 class="heading-m">Follow-ups in this period</h3>
      <p class="body-s">{report.cohorts.followUpsInPeriod}</p>
      <CountTable caption="Follow-ups by their own dates in the period" heading="Follow-ups" rows={followUpsInPeriodCounts(report)} />

      <h3 class="heading-m">Of prescriptions started in this period</h3>
      <p class="body-s">{report.cohorts.prescriptions}</p>

      <h3 class="heading-m">Their follow-ups</h3>
      <CountTable caption="Follow-ups of prescriptions started in the period" heading="Follow-ups" rows={followUpCounts(report)} />

      <h3 class="heading-m">Wellbeing change</h3>
      <p class="body">
        Of prescriptions started in this period: change from baseline to follow-up, on paired assessments only ({report.wellbeing.pairs} {report.wellbeing.pairs === 1 ? 'person' : 'people'} with
        both). n is the number of pairs for each measure. For anxiety, a fall is an improvement. The 95% confidence interval needs at least 2 pairs.
      </p>
      <div class="table-wrap">
        <table class="table table--numbers">
          <caption class="visually-hidden">Wellbeing change from baseline to follow-up</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">n</th>
              <th scope="col">Baseline mean</th>
              <th scope="col">Follow-up mean</th>
              <th scope="col">Change</th>
              <th scope="col">95% confidence interval</th>
              <th scope="col" class="text">Direction</th>
            </tr>
          </thead>
          <tbody>
            {wellbeing.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.label}</th>
                <td>{row.change.n}</td>
                <td>{formatNumber(row.change.baselineMean, 2)}</td>
                <td>{formatNumber(row.change.followUpMean, 2)}</td>
                <td>{formatChange(row.change.meanChange, 2)}</td>
                <td>{formatInterval(row.change.ci95, 2)}</td>
                <td class="text">{row.direction}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3 class="heading-m">By category</h3>
      <p class="body-s">A prescription with activities in more than one category counts in each.</p>
      <div class="table-wrap">
        <table class="table table--numbers">
          <caption class="visually-hidden">Prescriptions, sessions and wellbeing change by activity category</caption>
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">Prescriptions</th>
              <th scope="col">Mean sessions</th>
              <th scope="col">At least 6 sessions</th>
              <th scope="col">Wellbeing pairs</th>
              <th scope="col">SWEMWBS change</th>
            </tr>
          </thead>
          <tbody>
            {report.byCategory.map((row) => (
              <tr key={row.category}>
                <th scope="row">{CATEGORY_LABELS[row.category]}</th>
                <td>{row.prescriptions}</td>
                <td>{formatNumber(row.sessions.mean)}</td>
                <td>
                  {row.sessions.attendedAtLeastSix.n} ({formatShare(row.sessions.attendedAtLeastSix.share)})
                </td>
                <td>{row.wellbeing.pairs}</td>
                <td>{formatChange(row.wellbeing.swemwbsMetric.meanChange, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Saves a downloaded file under its name (an object URL clicked as a download link). */
function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

function Downloads({ from, to }: { from: string; to: string }) {
  const { api } = useServices();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  // The exports need the bearer token, so they are fetched with the typed client, not linked.
  // bom=1: managers open them in Excel, which reads UTF-8 (names such as “Café Ōtautahi”) only after a byte-order mark.
  const download = async (kind: 'attendance' | 'outcomes') => {
    setBusy(kind);
    setError(undefined);
    setDone(undefined);
    try {
      const result =
        kind === 'attendance'
          ? await api.GET('/v1/reports/attendance.csv', { params: { query: { from, to, bom: '1' } }, parseAs: 'blob' })
          : await api.GET('/v1/reports/outcomes.csv', { params: { query: { from, to, bom: '1' } }, parseAs: 'blob' });
      if (!result.data) throw new ApiError(result.response.status, result.error);
      const filename = filenameFromContentDisposition(result.response.headers.get('content-disposition'), exportFilename(kind, from, to));
      saveBlob(result.data, filename);
      setDone(`Downloaded ${filename}.`);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section class="no-print">
      <h2 class="heading-l" id="downloads-heading">
        Downloads for evaluators
      </h2>
      <p class="body">
        CSV files for the period above. People appear under a pseudonym, with an age band and postcode district: no names, NHS numbers or contact
        details. People who declined to be in the evaluation are left out of both files (the report above still counts them).
      </p>
      {error && <ErrorNotice>{error}</ErrorNotice>}
      <p class="body-s" role="status">
        {done ?? ''}
      </p>
      <div class="button-group">
        <Button variant="secondary" disabled={busy !== undefined} onClick={() => download('attendance')}>
          Download attendance CSV
        </Button>
        <Button variant="secondary" disabled={busy !== undefined} onClick={() => download('outcomes')}>
          Download outcomes CSV
        </Button>
      </div>
    </section>
  );
}
