import { useState } from 'preact/hooks';
import { CATEGORIES, CATEGORY_LABELS } from '../lib/format';
import { OUTCOME_LABELS, REASON_LABELS, feedProblems, readFeed, type ImportEntry, type ImportReport } from '../lib/import';
import { href } from '../lib/routes';
import type { Category } from '../lib/types';
import { Button, SelectField, Tag } from '../ui/components';
import { useServices, useTitle } from '../ui/services';

/**
 * Import providers, venues and activities from an Open Referral UK feed (a .json file), then
 * show the report: what was created, updated, left unchanged, and what was skipped and why.
 */
export function ImportProviders() {
  useTitle('Import from an ORUK feed');
  const { api } = useServices();
  const [file, setFile] = useState<File>();
  const [defaultCategory, setDefaultCategory] = useState<string>('');
  const [problems, setProblems] = useState<string[]>([]);
  const [report, setReport] = useState<ImportReport>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setReport(undefined);
    if (!file) {
      setProblems(['Choose the feed’s .json file']);
      return;
    }
    const read = readFeed(await file.text(), file.size);
    if ('problem' in read) {
      setProblems([read.problem]);
      return;
    }
    setBusy(true);
    setProblems([]);
    const { data, error, response } = await api.POST('/v1/registry/imports', {
      params: { query: defaultCategory ? { defaultCategory: defaultCategory as Category } : {} },
      body: read.feed as never,
    });
    setBusy(false);
    if (!data) {
      setProblems(response.status === 413 ? ['The file is over 4 MB. Split the feed and import each part.'] : feedProblems(error));
      return;
    }
    setReport(data);
  };

  return (
    <>
      <p class="back">
        <a href={href.providers()} class="back-link">
          Back
        </a>
      </p>
      <h1 class="heading-xl">Import from an ORUK feed</h1>
      <p class="body">
        Organizations in the feed become providers, their locations venues, and each service at a location an activity. New providers are <strong>pending</strong>: they
        cannot scan cards and their activities cannot be prescribed until you accredit them. Importing the same feed again updates what changed and never adds duplicates.
      </p>
      {problems.length > 0 && (
        <div class="error-summary" role="alert" tabIndex={-1} aria-labelledby="import-problems-title">
          <h2 class="error-summary__title" id="import-problems-title">
            The feed was not imported
          </h2>
          <p class="body">Nothing was changed.</p>
          <ul class="error-summary__list" data-testid="import-problems">
            {problems.slice(0, 20).map((problem, index) => (
              <li key={index}>{problem}</li>
            ))}
            {problems.length > 20 && <li>and {problems.length - 20} more</li>}
          </ul>
        </div>
      )}
      <form onSubmit={submit} noValidate class="form">
        <div class="form-group">
          <label class="label" for="feedFile">
            Feed file (JSON)
          </label>
          <div class="hint" id="feedFile-hint">
            A page of services, a list of services or one service, as ORUK v3.0 publishes them; up to 4 MB.
          </div>
          <input
            class="file-upload"
            id="feedFile"
            name="feedFile"
            type="file"
            accept=".json,application/json"
            aria-describedby="feedFile-hint"
            onChange={(event) => setFile(event.currentTarget.files?.[0])}
          />
        </div>
        <SelectField
          id="defaultCategory"
          label="Category for services the feed does not classify"
          hint="Services whose taxonomy terms name none of the five areas get this category; without one they are skipped."
          value={defaultCategory}
          onValue={setDefaultCategory}
          placeholder="None: skip them"
          options={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))}
        />
        <Button type="submit" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </Button>
      </form>
      {report && <ImportReportView report={report} />}
    </>
  );
}

function ImportReportView({ report }: { report: ImportReport }) {
  const { counts } = report;
  return (
    <section aria-labelledby="import-report-title" data-testid="import-report">
      <h2 class="heading-l" id="import-report-title" tabIndex={-1}>
        Import report
      </h2>
      <p class="body" role="status">
        {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged, {counts.skipped} skipped.
      </p>
      <EntryTable caption="Providers" entries={report.providers} link={(id) => href.provider(id)} />
      <EntryTable caption="Venues" entries={report.venues} />
      <EntryTable caption="Activities" entries={report.activities} />
    </section>
  );
}

function EntryTable({ caption, entries, link }: { caption: string; entries: readonly ImportEntry[]; link?: (id: string) => string }) {
  if (entries.length === 0) return null;
  return (
    <div class="table-wrap">
      <table class="table">
        <caption class="table__caption">
          {caption} ({entries.length})
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Outcome</th>
            <th scope="col">Why, or what was left out</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const outcome = OUTCOME_LABELS[entry.outcome];
            const name = entry.name ?? entry.sourceId;
            return (
              <tr key={`${entry.sourceId}-${entry.outcome}`}>
                <th scope="row">{link && entry.id ? <a href={link(entry.id)}>{name}</a> : name}</th>
                <td>
                  <Tag tone={outcome.tone}>{outcome.label}</Tag>
                </td>
                <td>
                  {entry.reason ? `${REASON_LABELS[entry.reason]}. ${entry.message ?? ''}` : ''}
                  {entry.notes?.map((note) => (
                    <span class="hint" key={note}>
                      {' '}
                      {note}.
                    </span>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
