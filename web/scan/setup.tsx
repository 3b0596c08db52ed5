import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Api } from '../shared/api';
import type { Session } from '../shared/session';
import { activitiesAt, localDay, type ScanChoice } from './choice';
import { listActivities, listVenues, SignedOutError, type Activity, type Venue } from './client';
import { QueueLines, SignedOutNotice, SignOutButton, useFocusOnMount, type Shared } from './parts';

const NO_ACTIVITY = '';

/** Today's session: which venue this device is at, and which activity (if any) it is scanning for. */
export function SetupScreen(props: {
  api: Api;
  session: Session;
  current: ScanChoice | undefined;
  shared: Shared;
  /** The API refused this device's token. */
  signedOut: boolean;
  onChosen: (choice: ScanChoice) => void;
  onSignOut: () => void;
  onSignInAgain: () => void;
}) {
  const { api, session, current, shared } = props;
  const providerId = session.providerId ?? '';
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const [venues, setVenues] = useState<Venue[] | undefined>();
  const [activities, setActivities] = useState<Activity[]>([]);
  const [venueId, setVenueId] = useState(current?.venueId ?? '');
  const [activityId, setActivityId] = useState<string | undefined>(current ? (current.activityId ?? NO_ACTIVITY) : undefined);
  const [error, setError] = useState<string | undefined>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setError(undefined);
    Promise.all([listVenues(api, providerId), listActivities(api, providerId)])
      .then(([foundVenues, foundActivities]) => {
        if (cancelled) return;
        setVenues(foundVenues);
        setActivities(foundActivities);
        setVenueId((chosen) => (foundVenues.some((venue) => venue.venueId === chosen) ? chosen : (foundVenues[0]?.venueId ?? '')));
      })
      .catch((failure: unknown) => {
        if (cancelled) return;
        if (failure instanceof SignedOutError) shared.markSignedOut();
        else setError(navigator.onLine ? 'The venues could not be loaded.' : 'This device is offline. Connect to choose the venue.');
      });
    return () => {
      cancelled = true;
    };
  }, [api, providerId, attempt]);

  const here = useMemo(() => activitiesAt(activities, venueId), [activities, venueId]);
  // The activity shown: the one chosen if it runs at this venue, else the venue's first, else none.
  const shownActivityId =
    activityId !== undefined && (activityId === NO_ACTIVITY || here.some((activity) => activity.activityId === activityId))
      ? activityId
      : (here[0]?.activityId ?? NO_ACTIVITY);

  const start = (event: Event) => {
    event.preventDefault();
    const venue = venues?.find((candidate) => candidate.venueId === venueId);
    if (!venue) return;
    const activity = here.find((candidate) => candidate.activityId === shownActivityId);
    props.onChosen({
      day: localDay(shared.now()),
      providerId,
      venueId: venue.venueId,
      venueName: venue.name,
      ...(activity ? { activityId: activity.activityId, activityName: activity.name } : {}),
    });
  };

  return (
    <main class="screen">
      <header class="topbar">
        <p class="device-name">{session.label}</p>
        <SignOutButton shared={shared} onSignOut={props.onSignOut} device={props.session.deviceId !== undefined} />
      </header>
      <h1 ref={headingRef} tabIndex={-1}>
        Set up today’s session
      </h1>
      {props.signedOut && <SignedOutNotice onSignInAgain={props.onSignInAgain} />}
      <form class="stack" onSubmit={start}>
        <div class="field">
          <label for="venue">Venue</label>
          <select
            id="venue"
            value={venueId}
            disabled={!venues}
            onChange={(event) => {
              setVenueId(event.currentTarget.value);
              setActivityId(undefined);
            }}
          >
            {!venues && <option value="">Loading…</option>}
            {venues?.map((venue) => (
              <option key={venue.venueId} value={venue.venueId}>
                {venue.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="activity">Activity</label>
          <select id="activity" value={shownActivityId} disabled={!venues} onChange={(event) => setActivityId(event.currentTarget.value)}>
            {here.map((activity) => (
              <option key={activity.activityId} value={activity.activityId}>
                {activity.name}
              </option>
            ))}
            <option value={NO_ACTIVITY}>No particular activity</option>
          </select>
        </div>
        {venues?.length === 0 && <p>This provider has no venues yet. Ask the programme manager to add one.</p>}
        {error && (
          <div class="notice" role="alert">
            <p>{error}</p>
            <button type="button" class="button secondary" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          </div>
        )}
        <button type="submit" class="button primary" disabled={!venues || !venueId}>
          Start scanning
        </button>
      </form>
      <div role="status" aria-live="polite" class="status-lines">
        <QueueLines shared={shared} />
      </div>
    </main>
  );
}
