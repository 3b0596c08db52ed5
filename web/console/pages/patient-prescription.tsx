import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatDate, formatDateTime } from '../lib/dates';
import { CATEGORIES, CATEGORY_LABELS, plural } from '../lib/format';
import { hasProblems, noProblems, problemsFromError, type FormProblems } from '../lib/issues';
import { href } from '../lib/routes';
import {
  ACTION_LABELS,
  ACTION_TARGET,
  MAX_WEEKS,
  MIN_WEEKS,
  PRESCRIPTION_FIELDS,
  PRESCRIPTION_FIELD_ORDER,
  WITHDRAWAL_REASONS,
  WITHDRAW_FIELDS,
  WITHDRAW_FIELD_ORDER,
  activityOptions,
  defaultPrescriptionForm,
  endDateOf,
  filterActivityOptions,
  noActivityFilter,
  prescriptionActions,
  prescriptionStatusText,
  shownPrescriptionStatus,
  toCreatePrescription,
  toWithdrawBody,
  validatePrescription,
  validateWithdrawal,
  withdrawalReasonLabel,
  venueChoices,
  type ActivityFilter,
  type PrescriptionAction,
  type PrescriptionForm,
} from '../lib/prescription';
import type { Patient, Prescription } from '../lib/types';
import { Button, ErrorNotice, ErrorSummary, Loading, SelectField, Success, SummaryList, Tag, TextArea, TextField } from '../ui/components';
import { ApiError, listAll, must, useLoad, useServices } from '../ui/services';
import { isCalendarDate } from '../lib/dates';

/** `version` changes when something else on the page changed the record (a referral closed withdraws its prescription): read again. */
export function PrescriptionSection(props: { patient: Patient; canChange: boolean; version?: number; onChanged: () => Promise<void> }) {
  const { api } = useServices();
  const { patientId } = props.patient;
  const prescriptions = useLoad(
    async () => must(await api.GET('/v1/patients/{patientId}/prescriptions', { params: { path: { patientId } } })).items,
    [patientId, props.version],
  );
  const [writing, setWriting] = useState(false);
  const [saved, setSaved] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (writing) heading.current?.focus();
  }, [writing]);

  const items = prescriptions.state === 'ready' ? prescriptions.data : [];
  const current =
    items.find((p) => p.prescriptionId === props.patient.currentPrescriptionId) ??
    items.find((p) => p.status === 'active' || p.status === 'paused');
  const earlier = items.filter((p) => p !== current).reverse();

  const changed = async (message: string) => {
    await Promise.all([prescriptions.reload(), props.onChanged()]);
    setSaved(message);
  };

  return (
    <section>
      <h2 class="heading-l" id="prescription-heading">
        Prescription
      </h2>
      {saved && <Success>{saved}</Success>}
      {prescriptions.state === 'loading' && <Loading what="Loading prescriptions" />}
      {prescriptions.state === 'error' && <ErrorNotice>{prescriptions.error}</ErrorNotice>}
      {prescriptions.state === 'ready' && (
        <>
          {current ? (
            <>
              <CurrentPrescription prescription={current} canChange={props.canChange} onChanged={changed} />
              <p class="body">
                <a href={href.plan(patientId)}>Their plan to print</a>: goals, places and times, card number and your contact, in large type.
              </p>
            </>
          ) : (
            <p class="body">No current prescription.</p>
          )}
          {!current && props.canChange && !writing && (
            <Button
              onClick={() => {
                setSaved(undefined);
                setWriting(true);
              }}
            >
              Write prescription
            </Button>
          )}
          {writing && (
            <div class="panel">
              <h3 class="heading-m" id="prescription-form-heading" tabIndex={-1} ref={heading}>
                Write a prescription
              </h3>
              <PrescriptionFormView
                patient={props.patient}
                onCancel={() => setWriting(false)}
                onSaved={async (p) => {
                  await changed(`Prescription saved: ${formatDate(p.startDate)} to ${formatDate(p.endDate)}. The follow-up is due ${formatDateTime(p.followUpDueAt)}.`);
                  setWriting(false);
                }}
              />
            </div>
          )}
          {earlier.length > 0 && (
            <>
              <h3 class="heading-m">Earlier prescriptions</h3>
              <div class="table-wrap">
                <table class="table">
                  <thead>
                    <tr>
                      <th scope="col">Dates</th>
                      <th scope="col">Weeks</th>
                      <th scope="col">Status</th>
                      <th scope="col">Sessions attended</th>
                    </tr>
                  </thead>
                  <tbody>
                    {earlier.map((p) => (
                      <tr key={p.prescriptionId}>
                        <th scope="row">
                          {formatDate(p.startDate, 'short')} to {formatDate(p.endDate, 'short')}
                        </th>
                        <td>{p.weeks}</td>
                        <td>{prescriptionStatusText(p)}</td>
                        <td>{p.sessionsAttended}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}

function CurrentPrescription(props: { prescription: Prescription; canChange: boolean; onChanged: (message: string) => Promise<void> }) {
  const { api, today } = useServices();
  const p = props.prescription;
  const status = shownPrescriptionStatus(p, today());
  const [confirmWithdraw, setConfirmWithdraw] = useState(false);
  const [withdrawReason, setWithdrawReason] = useState('');
  const [withdrawProblems, setWithdrawProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const closeWithdraw = () => {
    setConfirmWithdraw(false);
    setWithdrawReason('');
    setWithdrawProblems(noProblems);
  };

  const act = async (action: PrescriptionAction) => {
    if (action === 'withdraw') {
      // The API takes a withdrawal without a reason; the console always asks for one.
      const found = validateWithdrawal(withdrawReason);
      setWithdrawProblems(found);
      if (hasProblems(found)) return;
    }
    setBusy(true);
    setError(undefined);
    const { data, error: body, response } = await api.PATCH('/v1/prescriptions/{prescriptionId}', {
      params: { path: { prescriptionId: p.prescriptionId } },
      body: action === 'withdraw' ? toWithdrawBody(withdrawReason) : { status: ACTION_TARGET[action] },
    });
    if (!data) {
      setBusy(false);
      if (action === 'withdraw' && response.status === 400) {
        setWithdrawProblems(problemsFromError(body, WITHDRAW_FIELDS, '', `The prescription was not withdrawn (HTTP ${response.status}).`));
        return;
      }
      closeWithdraw();
      setError(new ApiError(response.status, body).message);
      return;
    }
    const done = { pause: 'paused', resume: 'resumed', withdraw: 'withdrawn' }[action];
    await props.onChanged(
      action === 'withdraw'
        ? `Prescription withdrawn (${withdrawalReasonLabel(data.withdrawalReason ?? withdrawReason)}). Its follow-up is cancelled.`
        : `Prescription ${done}. It now ends on ${formatDate(data.endDate)}.`,
    );
    setBusy(false);
    closeWithdraw();
  };

  const weekText =
    p.currentWeek !== undefined
      ? `${plural(p.weeks, 'week')} (now in week ${p.currentWeek}, ${plural(p.weeksRemaining, 'week')} left)`
      : plural(p.weeks, 'week');

  return (
    <>
      <SummaryList
        rows={[
          { key: 'Status', value: <Tag tone={status.tone}>{status.label}</Tag> },
          { key: 'Dates', value: `${formatDate(p.startDate)} to ${formatDate(p.endDate)}` },
          { key: 'Weeks', value: weekText },
          ...(p.status === 'paused' && p.pausedOn ? [{ key: 'Paused since', value: formatDate(p.pausedOn) }] : []),
          { key: 'Sessions attended', value: String(p.sessionsAttended) },
          { key: 'Follow-up due', value: formatDateTime(p.followUpDueAt) },
          {
            key: 'Baseline assessment',
            value: p.hasBaseline ? 'Recorded' : 'Not recorded: wellbeing change cannot be measured for this prescription',
          },
          {
            key: 'Goals',
            value: (
              <ul class="list list--bullet">
                {p.goals.map((goal) => (
                  <li key={goal}>{goal}</li>
                ))}
              </ul>
            ),
          },
          {
            key: 'Activities',
            value: (
              <ul class="list list--bullet">
                {p.activities.map((a) => (
                  <li key={a.activityId}>
                    {a.name} — {a.providerName} <span class="secondary-text">({CATEGORY_LABELS[a.category]})</span>
                  </li>
                ))}
              </ul>
            ),
          },
        ]}
      />
      {error && <ErrorNotice>{error}</ErrorNotice>}
      {props.canChange && !confirmWithdraw && (
        <div class="button-group">
          {prescriptionActions(p.status).map((action) =>
            action === 'withdraw' ? (
              <Button key={action} variant="warning" disabled={busy} onClick={() => setConfirmWithdraw(true)}>
                {ACTION_LABELS[action]}
              </Button>
            ) : (
              <Button key={action} variant="secondary" disabled={busy} onClick={() => act(action)}>
                {ACTION_LABELS[action]}
              </Button>
            ),
          )}
        </div>
      )}
      {confirmWithdraw && (
        <form
          class="warning-panel form"
          noValidate
          aria-labelledby="withdraw-question"
          onSubmit={(event) => {
            event.preventDefault();
            void act('withdraw');
          }}
        >
          <ErrorSummary problems={withdrawProblems} order={WITHDRAW_FIELD_ORDER} />
          <p class="body" id="withdraw-question">
            <strong>Withdraw this prescription?</strong> Its follow-up will be cancelled and their card will no longer be accepted for it. This cannot be undone.
          </p>
          <SelectField
            id="withdrawReason"
            label="Reason for withdrawing"
            hint="Evaluators count these reasons; they never see a note."
            value={withdrawReason}
            onValue={setWithdrawReason}
            options={WITHDRAWAL_REASONS}
            placeholder="Choose a reason"
            error={withdrawProblems.fields.withdrawReason}
          />
          <div class="button-group">
            <Button type="submit" variant="warning" disabled={busy}>
              Yes, withdraw prescription
            </Button>
            <Button variant="secondary" onClick={closeWithdraw}>
              Cancel
            </Button>
          </div>
        </form>
      )}
    </>
  );
}

function PrescriptionFormView(props: { patient: Patient; onCancel: () => void; onSaved: (p: Prescription) => Promise<void> }) {
  const { api, today } = useServices();
  const [form, setForm] = useState<PrescriptionForm>(() => defaultPrescriptionForm(today()));
  const [filter, setFilter] = useState<ActivityFilter>(noActivityFilter);
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);

  // The registry: every provider, and the venues and activities of those accredited.
  const registry = useLoad(async () => {
    const providers = await listAll(async (cursor) =>
      must(await api.GET('/v1/providers', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })),
    );
    const accredited = providers.filter((p) => p.accreditation.status === 'accredited');
    const parts = await Promise.all(
      accredited.map(async (provider) => {
        const path = { providerId: provider.providerId };
        const [venues, activities] = await Promise.all([
          listAll(async (cursor) =>
            must(await api.GET('/v1/providers/{providerId}/venues', { params: { path, query: { limit: 100, ...(cursor ? { cursor } : {}) } } })),
          ),
          listAll(async (cursor) =>
            must(await api.GET('/v1/providers/{providerId}/activities', { params: { path, query: { limit: 100, ...(cursor ? { cursor } : {}) } } })),
          ),
        ]);
        return { venues, activities };
      }),
    );
    return { providers, venues: parts.flatMap((p) => p.venues), activities: parts.flatMap((p) => p.activities) };
  }, []);

  const options = useMemo(
    () =>
      registry.state === 'ready'
        ? activityOptions(registry.data.providers, registry.data.venues, registry.data.activities, form.startDate).filter((o) => o.selectable)
        : [],
    [registry.state, registry.data, form.startDate],
  );
  const shown = filterActivityOptions(options, filter);
  const providerChoices = [...new Map(options.map((o) => [o.providerId, o.providerName]))].map(([value, label]) => ({ value, label }));
  const chosen = options.filter((o) => form.activityIds.includes(o.activityId));
  const hiddenChosen = chosen.filter((o) => !shown.includes(o));
  const weeks = Number(form.weeks);
  const endDate =
    isCalendarDate(form.startDate) && Number.isInteger(weeks) && weeks >= MIN_WEEKS && weeks <= MAX_WEEKS
      ? endDateOf(form.startDate, weeks)
      : undefined;

  const toggle = (activityId: string, checked: boolean) =>
    setForm((f) => ({
      ...f,
      activityIds: checked ? [...f.activityIds.filter((id) => id !== activityId), activityId] : f.activityIds.filter((id) => id !== activityId),
    }));

  const submit = async (event: Event) => {
    event.preventDefault();
    // Chosen activities whose provider is not accredited on the new start date are dropped.
    const selectable = new Set(options.map((o) => o.activityId));
    const cleaned = { ...form, activityIds: form.activityIds.filter((id) => selectable.has(id)) };
    const found = validatePrescription(cleaned);
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    const { data, error, response } = await api.POST('/v1/prescriptions', {
      body: toCreatePrescription(props.patient.patientId, cleaned),
    });
    if (!data) {
      setProblems(problemsFromError(error, PRESCRIPTION_FIELDS, '', `The prescription was not saved (HTTP ${response.status}).`));
      setBusy(false);
      return;
    }
    await props.onSaved(data);
  };

  return (
    <form onSubmit={submit} noValidate class="form">
      <ErrorSummary problems={problems} order={PRESCRIPTION_FIELD_ORDER} />
      <TextField
        id="startDate"
        label="Start date"
        type="date"
        value={form.startDate}
        onValue={(value) => setForm((f) => ({ ...f, startDate: value }))}
        error={problems.fields.startDate}
        width="10"
      />
      <TextField
        id="weeks"
        label="Weeks"
        type="number"
        hint={`From ${MIN_WEEKS} to ${MAX_WEEKS}. Most prescriptions are 12 weeks.${endDate ? ` It would end on ${formatDate(endDate)}.` : ''}`}
        value={form.weeks}
        onValue={(value) => setForm((f) => ({ ...f, weeks: value }))}
        error={problems.fields.weeks}
        min={MIN_WEEKS}
        max={MAX_WEEKS}
        inputMode="numeric"
        width="3"
      />
      <TextArea
        id="goals"
        label="Goals"
        hint="One goal per line, agreed with the person. For example: Walk to the shops without stopping"
        value={form.goals}
        onValue={(value) => setForm((f) => ({ ...f, goals: value }))}
        error={problems.fields.goals}
        rows={4}
      />

      <div class={`form-group${problems.fields.activities ? ' form-group--error' : ''}`}>
        <fieldset class="fieldset" aria-describedby={`activities-hint${problems.fields.activities ? ' activities-error' : ''}`}>
          <legend class="fieldset__legend fieldset__legend--m">Activities</legend>
          <p class="hint" id="activities-hint">
            Choose activities at accredited providers. Filter the list by category, provider or venue; your choices are kept when you filter.
          </p>
          {problems.fields.activities && (
            <p class="error-message" id="activities-error">
              <span class="visually-hidden">Error: </span>
              {problems.fields.activities}
            </p>
          )}
          <div id="activities" tabIndex={-1} />
          {registry.state === 'loading' && <Loading what="Loading activities" />}
          {registry.state === 'error' && <ErrorNotice>{registry.error}</ErrorNotice>}
          {registry.state === 'ready' && (
            <>
              <div class="filters">
                <SelectField
                  id="filterCategory"
                  label="Category"
                  value={filter.category}
                  onValue={(value) => setFilter((f) => ({ ...f, category: value as ActivityFilter['category'] }))}
                  options={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))}
                  placeholder="All categories"
                />
                <SelectField
                  id="filterProvider"
                  label="Provider"
                  value={filter.providerId}
                  onValue={(value) => setFilter((f) => ({ ...f, providerId: value, venueId: '' }))}
                  options={providerChoices}
                  placeholder="All providers"
                />
                <SelectField
                  id="filterVenue"
                  label="Venue"
                  value={filter.venueId}
                  onValue={(value) => setFilter((f) => ({ ...f, venueId: value }))}
                  options={venueChoices(options, filter.providerId).map((v) => ({ value: v.venueId, label: v.name }))}
                  placeholder="All venues"
                />
              </div>
              <p class="body-s" aria-live="polite">
                Showing {plural(shown.length, 'activity', 'activities')}; {chosen.length} chosen.
              </p>
              {shown.length === 0 ? (
                <p class="body">No accredited activities match. Clear a filter to see more.</p>
              ) : (
                <div class="checkboxes">
                  {shown.map((option) => (
                    <div class="checkboxes__item" key={option.activityId}>
                      <input
                        class="checkboxes__input"
                        type="checkbox"
                        id={`activity-${option.activityId}`}
                        name="activityIds"
                        value={option.activityId}
                        checked={form.activityIds.includes(option.activityId)}
                        onChange={(event) => toggle(option.activityId, event.currentTarget.checked)}
                        aria-describedby={`activity-${option.activityId}-when`}
                      />
                      <div>
                        <label class="label checkboxes__label" for={`activity-${option.activityId}`}>
                          {option.label}
                        </label>
                        <div class="hint checkboxes__hint" id={`activity-${option.activityId}-when`}>
                          {option.when}
                        </div>
                      </div>
                    </div>
                  ))}
                </div>
              )}
              {hiddenChosen.length > 0 && (
                <div class="inset">
                  <p class="body-s">Also chosen (hidden by the filter):</p>
                  <ul class="list list--bullet">
                    {hiddenChosen.map((o) => (
                      <li key={o.activityId}>
                        {o.label} <span class="secondary-text">({o.when})</span>
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </>
          )}
        </fieldset>
      </div>

      <div class="button-group">
        <Button type="submit" disabled={busy || registry.state !== 'ready'}>
          Save prescription
        </Button>
        <Button variant="secondary" onClick={props.onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
