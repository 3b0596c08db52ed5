import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { hasProblems, noProblems, problemsFromError, type FormProblems } from '../lib/issues';
import {
  activityFieldOrder,
  activityFields,
  activityFormOf,
  toUpdateActivity,
  toUpdateVenue,
  validateActivity,
  validateVenue,
  venueFields,
  venueFieldOrder,
  venueFormOf,
  venueIds,
  type ActivityForm,
  type VenueForm,
} from '../lib/registry';
import type { Activity, Category, Venue } from '../lib/types';
import { ActivityFields } from '../ui/activity-fields';
import { Button, ErrorSummary, TextField } from '../ui/components';
import { useServices } from '../ui/services';

/**
 * Editing one of a provider's venues or activities, in a panel under its table. The heading
 * takes focus when the panel opens, so a keyboard or screen reader user lands in it.
 */
function EditPanel(props: { headingId: string; heading: string; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [props.headingId]);
  return (
    <div class="panel">
      <h3 class="heading-m" id={props.headingId} tabIndex={-1} ref={heading}>
        {props.heading}
      </h3>
      {props.children}
    </div>
  );
}

const VENUE_PREFIX = 'editVenue';

export function VenueEditForm(props: { providerId: string; venue: Venue; onCancel: () => void; onSaved: (venue: Venue) => Promise<void> }) {
  const { api } = useServices();
  const [form, setForm] = useState<VenueForm>(() => venueFormOf(props.venue));
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);
  const ids = venueIds(VENUE_PREFIX);
  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validateVenue(form, VENUE_PREFIX);
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    const { data, error, response } = await api.PATCH('/v1/providers/{providerId}/venues/{venueId}', {
      params: { path: { providerId: props.providerId, venueId: props.venue.venueId } },
      body: toUpdateVenue(form),
    });
    if (!data) {
      setBusy(false);
      setProblems(problemsFromError(error, venueFields(VENUE_PREFIX), '', `The venue was not changed (HTTP ${response.status}).`));
      return;
    }
    await props.onSaved(data);
  };
  return (
    <EditPanel headingId="edit-venue-heading" heading={`Edit venue: ${props.venue.name}`}>
      <ErrorSummary problems={problems} order={venueFieldOrder(VENUE_PREFIX)} />
      <form onSubmit={submit} noValidate class="form" aria-labelledby="edit-venue-heading">
        <TextField id={ids.name} label="Venue name" value={form.name} onValue={(name) => setForm((f) => ({ ...f, name }))} error={problems.fields[ids.name]} />
        <TextField
          id={ids.postcode}
          label="Postcode"
          value={form.postcode}
          onValue={(postcode) => setForm((f) => ({ ...f, postcode }))}
          error={problems.fields[ids.postcode]}
          width="10"
          spellcheck={false}
        />
        <TextField
          id={ids.town}
          label="Town or city (optional)"
          hint="For its address in the public directory; without one, the scheme’s town is used"
          value={form.town}
          onValue={(town) => setForm((f) => ({ ...f, town }))}
          error={problems.fields[ids.town]}
          width="20"
        />
        <TextField
          id={ids.county}
          label="County (optional)"
          value={form.county}
          onValue={(county) => setForm((f) => ({ ...f, county }))}
          error={problems.fields[ids.county]}
          width="20"
        />
        <div class="button-group">
          <Button type="submit" disabled={busy}>
            Save venue
          </Button>
          <Button variant="secondary" onClick={props.onCancel}>
            Cancel
          </Button>
        </div>
      </form>
    </EditPanel>
  );
}

const ACTIVITY_PREFIX = 'editActivity';

export function ActivityEditForm(props: {
  providerId: string;
  activity: Activity;
  venues: readonly Venue[];
  categories: readonly Category[];
  onCancel: () => void;
  onSaved: (activity: Activity) => Promise<void>;
}) {
  const { api } = useServices();
  const [form, setForm] = useState<ActivityForm>(() => activityFormOf(props.activity));
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validateActivity(form, ACTIVITY_PREFIX);
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    const { data, error, response } = await api.PATCH('/v1/providers/{providerId}/activities/{activityId}', {
      params: { path: { providerId: props.providerId, activityId: props.activity.activityId } },
      body: toUpdateActivity(form),
    });
    if (!data) {
      setBusy(false);
      setProblems(problemsFromError(error, activityFields(ACTIVITY_PREFIX, form.sessions.length), '', `The activity was not changed (HTTP ${response.status}).`));
      return;
    }
    await props.onSaved(data);
  };
  return (
    <EditPanel headingId="edit-activity-heading" heading={`Edit activity: ${props.activity.name}`}>
      <ErrorSummary problems={problems} order={activityFieldOrder(ACTIVITY_PREFIX, form.sessions.length)} />
      <form onSubmit={submit} noValidate class="form" aria-labelledby="edit-activity-heading">
        <ActivityFields
          prefix={ACTIVITY_PREFIX}
          form={form}
          onChange={(change) => setForm((f) => ({ ...f, ...change }))}
          venues={props.venues}
          categories={props.categories}
          errors={problems.fields}
        />
        <div class="button-group">
          <Button type="submit" disabled={busy}>
            Save activity
          </Button>
          <Button variant="secondary" onClick={props.onCancel}>
            Cancel
          </Button>
        </div>
      </form>
    </EditPanel>
  );
}
