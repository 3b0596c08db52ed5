import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, formatInstantDate } from '../lib/dates';
import { REFERRAL_STATUS_LABELS, sourceLabel } from '../lib/format';
import { hasProblems, noProblems, problemsFromError, type FormProblems } from '../lib/issues';
import {
  CONTACT_FIELDS,
  CONTACT_FIELD_ORDER,
  CONTACT_KINDS,
  CONTACT_OUTCOMES,
  describeTimelineEntry,
  emptyContactForm,
  episodeStatus,
  referralActions,
  toCreateContact,
  validateContact,
  type ContactForm,
  type TimelineEntry,
} from '../lib/lifecycle';
import type { Patient, Referral } from '../lib/types';
import { Button, ErrorNotice, ErrorSummary, Loading, Radios, SelectField, Success, TextArea, TextField, VisuallyHidden } from '../ui/components';
import { GpSummaryLink, GpSummaryReason } from '../ui/gp-summary';
import { ReferralActionPanel, ReferralDoneNotice, type ReferralAction, type ReferralDone } from '../ui/referral-actions';
import { errorText, must, useLoad, useServices } from '../ui/services';

const STATUS_TONE = { received: 'blue', accepted: 'yellow', prescribed: 'green', declined: 'grey', closed: 'grey' } as const;
const ACTION_LABELS: Record<ReferralAction, string> = { accept: 'Accept', decline: 'Decline', close: 'Close' };

/**
 * The patient's referrals (episodes), newest first, with accepting, declining or closing the open
 * one; each ended one says what became of the summary for their GP (a link to it in the outbox, or
 * that none was prepared), and while one would not be, the section says why.
 */
export function EpisodesSection(props: { patient: Patient; canChange: boolean; version: number; onChanged: () => Promise<void> }) {
  const { api } = useServices();
  const { patientId, gpSummaryBlocked } = props.patient;
  const name = `${props.patient.givenName} ${props.patient.familyName}`;
  const referrals = useLoad(
    async () => must(await api.GET('/v1/patients/{patientId}/referrals', { params: { path: { patientId } } })).items,
    [patientId, props.version],
  );
  // Their summaries for the GP (one per ended referral or completed prescription, at most a few).
  const messages = useLoad(
    async () => must(await api.GET('/v1/gp-messages', { params: { query: { patientId } } })).items,
    [patientId, props.version],
  );
  const [chosen, setChosen] = useState<{ referral: Referral; action: ReferralAction }>();
  const [saved, setSaved] = useState<ReferralDone>();
  const messagesOf = (referralId: string) => (messages.state === 'ready' ? messages.data.filter((m) => m.referralId === referralId) : []);

  return (
    <section>
      <h2 class="heading-l" id="episodes-heading">
        Referrals
      </h2>
      {saved && <ReferralDoneNotice done={saved} onPatientPage />}
      {gpSummaryBlocked && (
        <div class="notice" id="gp-summary-blocked">
          <p class="body">
            <GpSummaryReason why={gpSummaryBlocked} name={name} patientId={patientId} when="later" onPatientPage />
          </p>
        </div>
      )}
      {messages.state === 'error' && <ErrorNotice>Their summaries for the GP could not be loaded: {messages.error}</ErrorNotice>}
      {referrals.state === 'loading' && <Loading what="Loading their referrals" />}
      {referrals.state === 'error' && <ErrorNotice>{referrals.error}</ErrorNotice>}
      {referrals.state === 'ready' && (
        <div class="table-wrap">
          <table class="table">
            <caption class="table__caption visually-hidden">Their referrals, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Source</th>
                <th scope="col">Reasons</th>
                <th scope="col">Status</th>
                {props.canChange && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {referrals.data.map((referral) => (
                <tr key={referral.referralId}>
                  <th scope="row">{formatInstantDate(referral.createdAt, 'short')}</th>
                  <td>{sourceLabel(referral.source)}</td>
                  <td>{referral.reasons.join(', ')}</td>
                  <td>
                    <strong class={`tag tag--${STATUS_TONE[referral.status]}`}>{episodeStatus(referral, REFERRAL_STATUS_LABELS)}</strong>
                    {referral.endedAt && <span class="hint"> {formatInstantDate(referral.endedAt, 'short')}</span>}
                    {referral.endNote && <p class="body">{referral.endNote}</p>}
                    {messagesOf(referral.referralId).map((m) => (
                      <p class="body" key={m.messageId}>
                        <GpSummaryLink messageId={m.messageId} status={m.status} />
                      </p>
                    ))}
                    {messages.state === 'ready' && (referral.status === 'declined' || referral.status === 'closed') && messagesOf(referral.referralId).length === 0 && (
                      <p class="hint">No summary was prepared for their GP.</p>
                    )}
                  </td>
                  {props.canChange && (
                    <td>
                      <div class="button-group">
                        {referralActions(referral.status).map((action) => (
                          <Button key={action} variant={action === 'accept' ? 'secondary' : 'warning'} onClick={() => setChosen({ referral, action })}>
                            {ACTION_LABELS[action]}
                            <VisuallyHidden> the referral received {formatInstantDate(referral.createdAt, 'short')}</VisuallyHidden>
                          </Button>
                        ))}
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {chosen && (
        <ReferralActionPanel
          key={`${chosen.referral.referralId}-${chosen.action}`}
          referral={chosen.referral}
          name={name}
          action={chosen.action}
          onCancel={() => setChosen(undefined)}
          onDone={async (done) => {
            setChosen(undefined);
            setSaved(undefined);
            await props.onChanged();
            setSaved(done);
          }}
        />
      )}
    </section>
  );
}

const PAGE = 20;

/** Everything that happened, newest first, a page at a time; and logging a contact. */
export function TimelineSection(props: { patient: Patient; canChange: boolean; version: number; onChanged: () => Promise<void> }) {
  const { api } = useServices();
  const { patientId } = props.patient;
  const [entries, setEntries] = useState<TimelineEntry[]>();
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string>();

  const page = async (from: string | undefined) =>
    must(await api.GET('/v1/patients/{patientId}/timeline', { params: { path: { patientId }, query: { limit: PAGE, ...(from ? { cursor: from } : {}) } } }));

  useEffect(() => {
    let live = true;
    page(undefined).then(
      (first) => {
        if (!live) return;
        setEntries(first.items);
        setCursor(first.nextCursor);
        setError(undefined);
      },
      (failure: unknown) => live && setError(errorText(failure)),
    );
    return () => {
      live = false;
    };
  }, [patientId, props.version]);

  const more = async () => {
    setBusy(true);
    try {
      const next = await page(cursor);
      setEntries((shown) => [...(shown ?? []), ...next.items]);
      setCursor(next.nextCursor);
    } catch (failure) {
      setError(errorText(failure));
    }
    setBusy(false);
  };

  return (
    <section>
      <h2 class="heading-l" id="timeline-heading">
        Timeline
      </h2>
      {saved && <Success>{saved}</Success>}
      {props.canChange && (
        <LogContactForm
          patientId={patientId}
          onLogged={async (message) => {
            setSaved(undefined);
            await props.onChanged();
            setSaved(message);
          }}
        />
      )}
      {error && <ErrorNotice>{error}</ErrorNotice>}
      {!entries && !error && <Loading what="Loading their timeline" />}
      {entries &&
        (entries.length === 0 ? (
          <p class="body">Nothing has happened yet.</p>
        ) : (
          <>
            <ol class="timeline" aria-labelledby="timeline-heading">
              {entries.map((entry) => {
                const { title, detail } = describeTimelineEntry(entry);
                return (
                  <li key={entry.eventId} class="timeline__entry">
                    <h3 class="heading-s timeline__title">{title}</h3>
                    <p class="hint timeline__when">{formatDateTime(entry.at)}</p>
                    {detail && <p class="body">{detail}</p>}
                    {entry.note && <p class="body timeline__note">{entry.note}</p>}
                  </li>
                );
              })}
            </ol>
            {cursor && (
              <Button variant="secondary" onClick={more} disabled={busy}>
                More<VisuallyHidden> of the timeline</VisuallyHidden>
              </Button>
            )}
          </>
        ))}
    </section>
  );
}

function LogContactForm(props: { patientId: string; onLogged: (message: string) => Promise<void> }) {
  const { api, now } = useServices();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<ContactForm>(() => emptyContactForm(now()));
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);
  const set = (changes: Partial<ContactForm>) => setForm({ ...form, ...changes });

  if (!open) {
    return (
      <div class="button-group">
        <Button
          variant="secondary"
          onClick={() => {
            setForm(emptyContactForm(now()));
            setProblems(noProblems());
            setOpen(true);
          }}
        >
          Log a contact
        </Button>
      </div>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validateContact(form, now());
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    const { data, error, response } = await api.POST('/v1/patients/{patientId}/contacts', {
      params: { path: { patientId: props.patientId } },
      body: toCreateContact(form),
    });
    setBusy(false);
    if (!data) {
      setProblems(problemsFromError(error, CONTACT_FIELDS, '', `The contact was not recorded (HTTP ${response.status}).`));
      return;
    }
    setOpen(false);
    await props.onLogged(data.referralAccepted ? 'Contact logged. It reached them, so their referral is now accepted.' : 'Contact logged.');
  };

  return (
    <form onSubmit={submit} noValidate class="form">
      <h3 class="heading-m">Log a contact</h3>
      <ErrorSummary problems={problems} order={CONTACT_FIELD_ORDER} />
      <div class="date-time">
        <TextField id="contactDate" label="Date" type="date" value={form.date} onValue={(date) => set({ date })} error={problems.fields.contactDate} width="10" />
        <TextField
          id="contactTime"
          label="Time"
          hint="24-hour clock, like 14:30"
          value={form.time}
          onValue={(time) => set({ time })}
          error={problems.fields.contactTime}
          width="5"
          autocomplete="off"
        />
      </div>
      <SelectField
        id="contactKind"
        label="Kind of contact"
        value={form.kind}
        onValue={(kind) => set({ kind })}
        options={CONTACT_KINDS}
        placeholder="Choose"
        error={problems.fields.contactKind}
      />
      <Radios
        id="contactOutcome"
        name="contactOutcome"
        legend="Outcome"
        options={CONTACT_OUTCOMES}
        value={form.outcome}
        onValue={(outcome) => set({ outcome })}
        error={problems.fields.contactOutcome}
        small
      />
      <TextArea
        id="contactNote"
        label="Note (optional)"
        hint="Seen only by staff who may see this person"
        value={form.note}
        onValue={(note) => set({ note })}
        error={problems.fields.contactNote}
        rows={3}
      />
      <div class="button-group">
        <Button type="submit" disabled={busy}>
          Save contact
        </Button>
        <Button variant="secondary" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
