import { useState } from 'preact/hooks';
import type { components } from '../../shared/openapi';
import { formatDate, formatInstantDate } from '../lib/dates';
import { PRESCRIPTION_STATUS_LABELS, REFERRAL_STATUS_LABELS, personName } from '../lib/format';
import { href } from '../lib/routes';
import { Button, Checkboxes, ErrorNotice, Loading, SelectField, Tag, TextField } from '../ui/components';
import { listAll, must, useLoad, useServices, useTitle } from '../ui/services';

type CaseloadPatient = components['schemas']['CaseloadPatient'];
type Summary = CaseloadPatient['summary'];
type Sort = 'name' | 'days_waiting' | 'last_contact' | 'follow_up_due';
type Stage = NonNullable<Summary['referralStatus']>;

const STAGES = Object.entries(REFERRAL_STATUS_LABELS).map(([value, label]) => ({ value, label }));
const SORTS: { value: Sort; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'days_waiting', label: 'Days waiting (longest first)' },
  { value: 'last_contact', label: 'Last contact (longest ago first)' },
  { value: 'follow_up_due', label: 'Follow-up due (soonest first)' },
];
const STAGE_TONE = { received: 'blue', accepted: 'yellow', prescribed: 'green', declined: 'grey', closed: 'grey' } as const;

/** What the form holds, and what was last applied (the list shows the applied one). */
interface Filters {
  q: string;
  stage: string;
  sort: string;
  followUpDue: boolean;
  noContactDays: string;
  navigator: string;
}
const NO_FILTERS: Filters = { q: '', stage: '', sort: '', followUpDue: false, noContactDays: '', navigator: '' };

/** The prescription column: status, and week n of N while it runs. */
export function prescriptionSummary(prescription: Summary['prescription']): string {
  if (!prescription) return 'None';
  const status = PRESCRIPTION_STATUS_LABELS[prescription.status];
  if (prescription.week !== undefined) return `${status}: week ${prescription.week} of ${prescription.weeks}`;
  return `${status}: ${formatDate(prescription.startDate, 'short')} to ${formatDate(prescription.endDate, 'short')}`;
}

function noContactIssue(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const days = Number(value);
  return Number.isInteger(days) && days >= 1 && days <= 365 ? undefined : 'Enter a whole number of days from 1 to 365';
}

export function Caseload() {
  useTitle('Caseload');
  const { api, session } = useServices();
  const picksNavigator = session.role === 'manager' || session.role === 'admin';
  const [form, setForm] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [problem, setProblem] = useState<string>();
  const set = <K extends keyof Filters>(key: K) => (value: Filters[K]) => setForm((current) => ({ ...current, [key]: value }));

  const navigators = useLoad(
    async () =>
      picksNavigator
        ? (await listAll(async (cursor) => must(await api.GET('/v1/people', { params: { query: { limit: 100, role: 'navigator', ...(cursor ? { cursor } : {}) } } }))))
            .filter((person) => person.sub)
        : [],
    [picksNavigator],
  );

  // One request (a page at a time): each patient comes with their summary.
  const caseload = useLoad(
    () =>
      listAll(async (cursor) =>
        must(
          await api.GET('/v1/patients', {
            params: {
              query: {
                limit: 100,
                ...(applied.q.trim() ? { q: applied.q.trim() } : {}),
                ...(applied.stage ? { stage: applied.stage as Stage } : {}),
                ...(applied.sort ? { sort: applied.sort as Sort } : {}),
                ...(applied.followUpDue ? { followUpDue: 'true' as const } : {}),
                ...(applied.noContactDays.trim() ? { noContactDays: Number(applied.noContactDays) } : {}),
                ...(applied.navigator ? { navigator: applied.navigator } : {}),
                ...(cursor ? { cursor } : {}),
              },
            },
          }),
        ),
      ),
    [session.token, JSON.stringify(applied)],
  );
  const filtered = JSON.stringify(applied) !== JSON.stringify(NO_FILTERS);

  return (
    <>
      <h1 class="heading-xl">Caseload</h1>
      <p class="body">{session.role === 'navigator' ? 'People in your caseload.' : 'Everyone referred to the scheme, or one navigator’s caseload.'}</p>
      <form
        class="filter"
        role="search"
        aria-label="Caseload"
        onSubmit={(event) => {
          event.preventDefault();
          const issue = noContactIssue(form.noContactDays);
          setProblem(issue);
          if (!issue) setApplied(form);
        }}
      >
        {picksNavigator && navigators.state === 'ready' && (
          <SelectField
            id="caseload-navigator"
            label="Navigator"
            value={form.navigator}
            onValue={set('navigator')}
            placeholder="All navigators"
            options={navigators.data.map((person) => ({ value: person.sub!, label: `${person.givenName} ${person.familyName}` }))}
          />
        )}
        <TextField id="caseload-q" label="Name or NHS number" hint="The start of a first or last name, or all 10 digits" value={form.q} onValue={set('q')} spellcheck={false} />
        <SelectField id="caseload-stage" label="Stage" value={form.stage} onValue={set('stage')} options={STAGES} placeholder="All stages" />
        <TextField
          id="caseload-no-contact"
          label="No contact for more than (days)"
          value={form.noContactDays}
          onValue={set('noContactDays')}
          inputMode="numeric"
          width="3"
          error={problem}
        />
        <Checkboxes
          id="caseload-due"
          name="followUpDue"
          legend="Follow-up"
          legendClass="visually-hidden"
          options={[{ value: 'due', label: 'Follow-up due' }]}
          values={form.followUpDue ? ['due'] : []}
          onValues={(values) => set('followUpDue')(values.includes('due'))}
        />
        <SelectField id="caseload-sort" label="Sort by" value={form.sort} onValue={set('sort')} options={SORTS} placeholder="Oldest referral first" />
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {filtered && (
          <Button
            type="button"
            variant="secondary"
            onClick={() => {
              setForm({ ...NO_FILTERS, navigator: form.navigator });
              setApplied({ ...NO_FILTERS, navigator: applied.navigator });
              setProblem(undefined);
            }}
          >
            Clear search
          </Button>
        )}
      </form>
      {navigators.state === 'error' && <ErrorNotice>{navigators.error}</ErrorNotice>}
      {caseload.state === 'loading' && <Loading what="Loading the caseload" />}
      {caseload.state === 'error' && <ErrorNotice>{caseload.error}</ErrorNotice>}
      {caseload.state === 'ready' &&
        (caseload.data.length === 0 ? (
          <p class="body" role="status">
            {filtered ? 'Nobody in the caseload matches.' : 'There is nobody in the caseload yet.'}
          </p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <caption class="table__caption">
                {caseload.data.length} {caseload.data.length === 1 ? 'person' : 'people'}
                {filtered ? ' match' : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Stage</th>
                  <th scope="col">Prescription</th>
                  <th scope="col">Follow-up</th>
                  <th scope="col">Last contact</th>
                  <th scope="col">Card</th>
                </tr>
              </thead>
              <tbody>
                {caseload.data.map((patient) => (
                  <CaseloadRow key={patient.patientId} patient={patient} />
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </>
  );
}

function CaseloadRow({ patient }: { patient: CaseloadPatient }) {
  const { summary } = patient;
  return (
    <tr>
      <th scope="row">
        <a href={href.patient(patient.patientId)}>{personName(patient)}</a>
        <br />
        <span class="secondary-text">Born {formatDate(patient.dateOfBirth, 'short')}</span>
      </th>
      <td>
        {summary.referralStatus ? <Tag tone={STAGE_TONE[summary.referralStatus]}>{REFERRAL_STATUS_LABELS[summary.referralStatus]}</Tag> : 'Not known'}
        {summary.daysWaiting !== undefined && (
          <>
            <br />
            <span class="secondary-text">
              Waiting {summary.daysWaiting} {summary.daysWaiting === 1 ? 'day' : 'days'}
            </span>
          </>
        )}
      </td>
      <td>{prescriptionSummary(summary.prescription)}</td>
      <td>
        {summary.followUp ? (
          <>
            {summary.followUp.state === 'overdue' && <Tag tone="red">Overdue</Tag>}
            {summary.followUp.state === 'due' && <Tag tone="yellow">Due</Tag>}
            {summary.followUp.state === 'scheduled' && 'Due'} {formatInstantDate(summary.followUp.dueAt, 'short')}
          </>
        ) : (
          'None'
        )}
      </td>
      <td>{summary.lastContactAt ? formatInstantDate(summary.lastContactAt, 'short') : 'None yet'}</td>
      <td>{patient.activeCardId ? <span class="code">{patient.activeCardId}</span> : <Tag tone="grey">No card</Tag>}</td>
    </tr>
  );
}
