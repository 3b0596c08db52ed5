import { useState } from 'preact/hooks';
import { accreditationState } from '../lib/accreditation';
import { formatDate } from '../lib/dates';
import { CATEGORY_LABELS } from '../lib/format';
import { hasProblems, noProblems, problemsFromError, type FormProblems } from '../lib/issues';
import {
  ACCREDITATION_FIELDS,
  VENUE_FIELDS,
  activityFieldOrder,
  activityFields,
  emptyActivityForm,
  emptyVenueForm,
  toAccreditationInput,
  toCreateActivity,
  toCreateVenue,
  validateAccreditation,
  validateActivity,
  validateVenue,
  venueFieldOrder,
  venuePlace,
  type AccreditationForm,
  type ActivityForm,
  type VenueForm,
} from '../lib/registry';
import { href } from '../lib/routes';
import { formatSchedule } from '../lib/schedule';
import type { Activity, Category, Provider, Venue } from '../lib/types';
import { AccreditationFields } from '../ui/accreditation-fields';
import { ActivityFields } from '../ui/activity-fields';
import { Button, ErrorNotice, ErrorSummary, Loading, Success, SummaryList, Tag, TextField, VisuallyHidden } from '../ui/components';
import { listAll, must, useLoad, useServices, useTitle } from '../ui/services';
import { ActivityEditForm, VenueEditForm } from './provider-edit';

/** A provider: accreditation (and changing it), venues and activities, and forms to add them. */
export function ProviderPage({ providerId }: { providerId: string }) {
  const { api, today, session } = useServices();
  const path = { providerId };
  const data = useLoad(async () => {
    const [provider, venues, activities] = await Promise.all([
      api.GET('/v1/providers/{providerId}', { params: { path } }).then(must),
      listAll(async (cursor) => must(await api.GET('/v1/providers/{providerId}/venues', { params: { path, query: { limit: 100, ...(cursor ? { cursor } : {}) } } }))),
      listAll(async (cursor) =>
        must(await api.GET('/v1/providers/{providerId}/activities', { params: { path, query: { limit: 100, ...(cursor ? { cursor } : {}) } } })),
      ),
    ]);
    return { provider, venues, activities };
  }, [providerId]);
  const [saved, setSaved] = useState<string>();
  const name = data.state === 'ready' ? data.data.provider.name : 'Provider';
  useTitle(name);
  const canChange = session.role === 'manager' || session.role === 'admin';
  const changed = async (message: string) => {
    await data.reload();
    setSaved(message);
  };

  return (
    <>
      <p class="back">
        <a href={href.providers()} class="back-link">
          Back
        </a>
      </p>
      <h1 class="heading-xl">{name}</h1>
      {saved && <Success>{saved}</Success>}
      {data.state === 'loading' && <Loading what="Loading the provider" />}
      {data.state === 'error' && <ErrorNotice>{data.error}</ErrorNotice>}
      {data.state === 'ready' && (
        <>
          <ProviderSummary provider={data.data.provider} today={today()} />
          <p class="body">
            <a href={href.devices(providerId)}>Devices</a>: the phones and tablets that scan cards at this provider’s sessions.
          </p>
          {canChange && <AccreditationFormView provider={data.data.provider} onSaved={() => changed('Accreditation updated.')} />}
          {canChange && (
            <DirectoryListingView
              provider={data.data.provider}
              onSaved={(listed) => changed(listed ? 'Listed in the public directory.' : 'Taken out of the public directory.')}
            />
          )}
          <Venues
            venues={data.data.venues}
            providerId={providerId}
            canChange={canChange}
            onSaved={(venue) => changed(`Venue “${venue.name}” saved.`)}
          />
          {canChange && <VenueFormView providerId={providerId} onSaved={(venue) => changed(`Venue “${venue.name}” added.`)} />}
          <Activities
            activities={data.data.activities}
            venues={data.data.venues}
            providerId={providerId}
            categories={data.data.provider.categories}
            canChange={canChange}
            onSaved={(activity) => changed(`Activity “${activity.name}” saved.`)}
          />
          {canChange && (
            <ActivityFormView
              key={data.data.venues.length}
              providerId={providerId}
              venues={data.data.venues}
              categories={data.data.provider.categories}
              onSaved={(activity) => changed(`Activity “${activity.name}” added.`)}
            />
          )}
        </>
      )}
    </>
  );
}

function ProviderSummary({ provider, today }: { provider: Provider; today: string }) {
  const view = accreditationState(provider.accreditation, today);
  return (
    <SummaryList
      rows={[
        { key: 'Categories', value: provider.categories.map((c) => CATEGORY_LABELS[c]).join(', ') },
        {
          key: 'Accreditation',
          value: (
            <>
              <Tag tone={view.tone}>{view.label}</Tag> <span class="body">{view.description}</span>
            </>
          ),
        },
        { key: 'Valid until', value: formatDate(provider.accreditation.validUntil) },
        {
          key: 'Public directory',
          value: !provider.listed
            ? 'Not listed (opted out)'
            : provider.accreditation.currentlyAccredited
              ? 'Listed: its activities are in the public directory feed'
              : 'Listed, but not shown while it is not accredited',
        },
      ]}
    />
  );
}

function AccreditationFormView({ provider, onSaved }: { provider: Provider; onSaved: () => Promise<void> }) {
  const { api } = useServices();
  // A pending (imported) provider is here to be accredited: the form starts there.
  const { status } = provider.accreditation;
  const [form, setForm] = useState<AccreditationForm>({ status: status === 'pending' ? 'accredited' : status, validUntil: provider.accreditation.validUntil });
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validateAccreditation(form);
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    const { data, error, response } = await api.PUT('/v1/providers/{providerId}/accreditation', {
      params: { path: { providerId: provider.providerId } },
      body: toAccreditationInput(form),
    });
    if (!data) {
      setBusy(false);
      setProblems(problemsFromError(error, ACCREDITATION_FIELDS, '', `The accreditation was not changed (HTTP ${response.status}).`));
      return;
    }
    await onSaved();
    setBusy(false);
  };
  return (
    <section>
      <h2 class="heading-l" id="accreditation-heading">
        Change accreditation
      </h2>
      <ErrorSummary problems={problems} order={['changeStatus', 'changeValidUntil']} />
      <form onSubmit={submit} noValidate class="form">
        <AccreditationFields
          ids={{ status: 'changeStatus', validUntil: 'changeValidUntil' }}
          value={form}
          onChange={(change) => setForm((f) => ({ ...f, ...change }))}
          errors={problems.fields}
        />
        <Button type="submit" disabled={busy}>
          Save accreditation
        </Button>
      </form>
    </section>
  );
}

/**
 * The "listed in the directory" switch: whether the public ORUK feed may publish this provider
 * (it does only while the provider is accredited). It saves as soon as it is switched.
 */
function DirectoryListingView({ provider, onSaved }: { provider: Provider; onSaved: (listed: boolean) => Promise<void> }) {
  const { api } = useServices();
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState(provider.listed);
  const [failed, setFailed] = useState<string>();
  const toggle = async (listed: boolean) => {
    setChecked(listed);
    setBusy(true);
    setFailed(undefined);
    const { data, response } = await api.PUT('/v1/providers/{providerId}/listing', { params: { path: { providerId: provider.providerId } }, body: { listed } });
    setBusy(false);
    if (!data) {
      setChecked(!listed);
      setFailed(`The directory listing was not changed (HTTP ${response.status}). Try again.`);
      return;
    }
    await onSaved(data.listed);
  };
  return (
    <section>
      <h2 class="heading-l" id="directory-heading">
        Public directory
      </h2>
      {failed && <ErrorNotice>{failed}</ErrorNotice>}
      <div class="checkboxes">
        <div class="checkboxes__item">
          <input
            class="checkboxes__input"
            id="listed"
            type="checkbox"
            role="switch"
            checked={checked}
            disabled={busy}
            aria-describedby="listed-hint"
            onChange={(event) => void toggle((event.currentTarget as HTMLInputElement).checked)}
          />
          <label class="label checkboxes__label" for="listed">
            Listed in the directory
          </label>
        </div>
      </div>
      <p class="body" id="listed-hint">
        While accredited, its activities, venues and schedules are published in the open directory feed (Open Referral UK) that
        other services and websites read. Switch it off for a provider that must not be publicly findable.
      </p>
    </section>
  );
}

function Venues({ venues, providerId, canChange, onSaved }: { venues: Venue[]; providerId: string; canChange: boolean; onSaved: (venue: Venue) => Promise<void> }) {
  const [editing, setEditing] = useState<Venue>();
  return (
    <section>
      <h2 class="heading-l" id="venues-heading">
        Venues
      </h2>
      {venues.length === 0 ? (
        <p class="body">No venues yet. Add one below before adding activities.</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Venue</th>
                <th scope="col">Postcode</th>
                <th scope="col">Town</th>
                {canChange && (
                  <th scope="col">
                    <VisuallyHidden>Change</VisuallyHidden>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {venues.map((venue) => (
                <tr key={venue.venueId}>
                  <th scope="row">{venue.name}</th>
                  <td>{venue.postcode}</td>
                  <td>{venuePlace(venue) || <span class="hint">Not recorded</span>}</td>
                  {canChange && (
                    <td>
                      <EditButton onClick={() => setEditing(venue)} what={venue.name} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <VenueEditForm
          key={editing.venueId}
          providerId={providerId}
          venue={editing}
          onCancel={() => setEditing(undefined)}
          onSaved={async (venue) => {
            setEditing(undefined);
            await onSaved(venue);
          }}
        />
      )}
    </section>
  );
}

function VenueFormView({ providerId, onSaved }: { providerId: string; onSaved: (venue: Venue) => Promise<void> }) {
  const { api } = useServices();
  const empty: VenueForm = emptyVenueForm();
  const [form, setForm] = useState<VenueForm>(empty);
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validateVenue(form);
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    const { data, error, response } = await api.POST('/v1/providers/{providerId}/venues', {
      params: { path: { providerId } },
      body: toCreateVenue(form),
    });
    if (!data) {
      setBusy(false);
      setProblems(problemsFromError(error, VENUE_FIELDS, '', `The venue was not added (HTTP ${response.status}).`));
      return;
    }
    setForm(empty);
    await onSaved(data);
    setBusy(false);
  };
  return (
    <div class="panel">
      <h3 class="heading-m" id="venue-form-heading">
        Add a venue
      </h3>
      <ErrorSummary problems={problems} order={venueFieldOrder()} />
      <form onSubmit={submit} noValidate class="form">
        <TextField id="venueName" label="Venue name" value={form.name} onValue={(name) => setForm((f) => ({ ...f, name }))} error={problems.fields.venueName} />
        <TextField
          id="venuePostcode"
          label="Postcode"
          value={form.postcode}
          onValue={(postcode) => setForm((f) => ({ ...f, postcode }))}
          error={problems.fields.venuePostcode}
          width="10"
          spellcheck={false}
        />
        <TextField
          id="venueTown"
          label="Town or city (optional)"
          hint="For its address in the public directory; without one, the scheme’s town is used"
          value={form.town}
          onValue={(town) => setForm((f) => ({ ...f, town }))}
          error={problems.fields.venueTown}
          width="20"
        />
        <TextField
          id="venueCounty"
          label="County (optional)"
          value={form.county}
          onValue={(county) => setForm((f) => ({ ...f, county }))}
          error={problems.fields.venueCounty}
          width="20"
        />
        <Button type="submit" disabled={busy}>
          Add venue
        </Button>
      </form>
    </div>
  );
}

/** "Edit", and what it edits for a screen reader: "Edit Wardown Park Pavilion". */
function EditButton({ onClick, what }: { onClick: () => void; what: string }) {
  return (
    <button type="button" class="button button--secondary button--small" onClick={onClick}>
      Edit<VisuallyHidden> {what}</VisuallyHidden>
    </button>
  );
}

function Activities(props: {
  activities: Activity[];
  venues: Venue[];
  providerId: string;
  categories: Category[];
  canChange: boolean;
  onSaved: (activity: Activity) => Promise<void>;
}) {
  const { activities, venues, canChange } = props;
  const [editing, setEditing] = useState<Activity>();
  const venueName = (id: string) => venues.find((v) => v.venueId === id)?.name ?? 'Unknown venue';
  return (
    <section>
      <h2 class="heading-l" id="activities-heading">
        Activities
      </h2>
      {activities.length === 0 ? (
        <p class="body">No activities yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Activity</th>
                <th scope="col">Venue</th>
                <th scope="col">Category</th>
                <th scope="col">When</th>
                <th scope="col">Capacity</th>
                {canChange && (
                  <th scope="col">
                    <VisuallyHidden>Change</VisuallyHidden>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {activities.map((activity) => (
                <tr key={activity.activityId}>
                  <th scope="row">{activity.name}</th>
                  <td>{venueName(activity.venueId)}</td>
                  <td>{CATEGORY_LABELS[activity.category]}</td>
                  <td>{formatSchedule(activity.schedule)}</td>
                  <td>{activity.capacity ?? '–'}</td>
                  {canChange && (
                    <td>
                      <EditButton onClick={() => setEditing(activity)} what={activity.name} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <ActivityEditForm
          key={editing.activityId}
          providerId={props.providerId}
          activity={editing}
          venues={venues}
          categories={props.categories}
          onCancel={() => setEditing(undefined)}
          onSaved={async (activity) => {
            setEditing(undefined);
            await props.onSaved(activity);
          }}
        />
      )}
    </section>
  );
}

function ActivityFormView(props: { providerId: string; venues: Venue[]; categories: Category[]; onSaved: (activity: Activity) => Promise<void> }) {
  const { api } = useServices();
  const empty = () => emptyActivityForm(props.venues, props.categories);
  const [form, setForm] = useState<ActivityForm>(empty);
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validateActivity(form);
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    const { data, error, response } = await api.POST('/v1/providers/{providerId}/activities', {
      params: { path: { providerId: props.providerId } },
      body: toCreateActivity(form),
    });
    if (!data) {
      setBusy(false);
      setProblems(problemsFromError(error, activityFields('activity', form.sessions.length), '', `The activity was not added (HTTP ${response.status}).`));
      return;
    }
    setForm(empty());
    await props.onSaved(data);
    setBusy(false);
  };
  if (props.venues.length === 0) return null;
  return (
    <div class="panel">
      <h3 class="heading-m" id="activity-form-heading">
        Add an activity
      </h3>
      <ErrorSummary problems={problems} order={activityFieldOrder('activity', form.sessions.length)} />
      <form onSubmit={submit} noValidate class="form" aria-labelledby="activity-form-heading">
        <ActivityFields
          prefix="activity"
          form={form}
          onChange={(change) => setForm((f) => ({ ...f, ...change }))}
          venues={props.venues}
          categories={props.categories}
          errors={problems.fields}
        />
        <Button type="submit" disabled={busy}>
          Add activity
        </Button>
      </form>
    </div>
  );
}
