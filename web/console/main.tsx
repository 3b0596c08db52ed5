import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createApi } from '../shared/api';
import type { ClockFollower } from '../shared/clock';
import { browserClock, followInBrowser } from '../shared/server-clock';
import { sessionStore, type Session } from '../shared/session';
import { londonDate } from './lib/dates';
import { canOpen, homeRoute, parseRoute, type Route } from './lib/routes';
import { Caseload } from './pages/caseload';
import { Devices } from './pages/devices';
import { FollowUps } from './pages/followups';
import { GpMessages } from './pages/gp-messages';
import { NewProvider } from './pages/new-provider';
import { ImportProviders } from './pages/import-providers';
import { NewReferral } from './pages/new-referral';
import { confirmLeave, watchUnsavedForms } from './ui/unsaved';
import { PlanPage } from './pages/plan';
import { PatientPage } from './pages/patient';
import { People } from './pages/people';
import { ProviderPage } from './pages/provider';
import { Providers } from './pages/providers';
import { Referrals } from './pages/referrals';
import { Reports } from './pages/reports';
import { SignIn } from './pages/sign-in';
import { returnFromOrganisation } from './ui/auth';
import { loadConfig, type AppConfig } from '../shared/cognito';
import { Loading, NotAllowed } from './ui/components';
import { ServicesContext, type Services } from './ui/services';
import { Shell } from './ui/shell';

/**
 * The navigator and manager console: sign-in, then pages chosen by the URL hash. Sessions live
 * in localStorage (`sessionStore('console')`); a 401 from the API signs the person out.
 */
const store = sessionStore('console');
/**
 * "Today" (date defaults, report ranges, what has expired) by this clock: the server's in local
 * mode, whose clock can be moved forward, so it matches the API; the browser's when deployed.
 */
const clock = browserClock();

watchUnsavedForms();

function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  const shownUrl = useRef(location.href);
  useEffect(() => {
    const update = () => {
      // The address has already changed: if the person stays with their changes, put it back.
      if (!confirmLeave()) {
        history.replaceState(history.state, '', shownUrl.current);
        return;
      }
      shownUrl.current = location.href;
      setRoute(parseRoute(location.hash));
    };
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

function App() {
  const [session, setSession] = useState<Session | undefined>(() => store.load());
  const [notice, setNotice] = useState<string>();
  const [config, setConfig] = useState<AppConfig>();
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const follower = useRef<ClockFollower | undefined>(undefined);
  const route = useHashRoute();

  const signOut = (message?: string) => {
    store.clear();
    sessionRef.current = undefined;
    setSession(undefined);
    setNotice(message);
  };
  const signOutRef = useRef(signOut);
  signOutRef.current = signOut;

  const api = useMemo(() => {
    const client = createApi(() => sessionRef.current?.token);
    client.use({
      onResponse({ response }) {
        if (response.status === 401 && sessionRef.current) signOutRef.current('Your session has ended. Sign in again.');
        return undefined;
      },
    });
    return client;
  }, []);

  useEffect(() => {
    const following = followInBrowser(clock);
    follower.current = following;
    loadConfig().then(async (loaded) => {
      // In local mode the first reading of the server's clock comes first, so the first page's "today" is the server's.
      if (loaded.mode === 'local') await following.started;
      setConfig(loaded);
      if (loaded.mode !== 'organisation') return;
      try {
        const returned = await returnFromOrganisation(loaded);
        if (returned) {
          store.save(returned);
          setSession(returned);
        }
      } catch (error) {
        setNotice(error instanceof Error ? error.message : 'Sign-in failed. Please try again.');
      }
    });
    return () => following.stop();
  }, []);

  // Each new page reads the local clock again too (it may have been moved on since the last one).
  useEffect(() => {
    void follower.current?.nudge();
  }, [route]);

  // A new page: its heading takes focus, so a screen reader starts there.
  const routeKey = JSON.stringify(route);
  useEffect(() => {
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: false });
    }
    window.scrollTo(0, 0);
  }, [routeKey, session?.token]);

  const services = useMemo<Services | undefined>(() => {
    if (!session) return undefined;
    return { api, session, signOut, now: () => clock.now(), today: () => londonDate(clock.now()) };
  }, [session]);

  if (!config) {
    return (
      <Shell>
        <Loading />
      </Shell>
    );
  }

  if (!session || !services) {
    return (
      <Shell>
        <SignIn
          api={api}
          config={config}
          notice={notice}
          onSignedIn={(next) => {
            store.save(next);
            setNotice(undefined);
            setSession(next);
            // Back to where they were (after an expired session), unless this role cannot see it.
            if (!canOpen(next.role, parseRoute(location.hash).name)) location.hash = '#/';
            void follower.current?.nudge();
          }}
        />
      </Shell>
    );
  }

  const shown = route.name === 'home' ? homeRoute(session.role) : route;
  return (
    <ServicesContext.Provider value={services}>
      <Shell
        session={session}
        route={shown}
        onSignOut={() => {
          signOut('You have signed out.');
          location.hash = '#/';
        }}
      >
        {canOpen(session.role, shown.name) ? <Page route={shown} /> : <NotAllowed />}
      </Shell>
    </ServicesContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'home':
    case 'caseload':
      return <Caseload />;
    case 'referrals':
      return <Referrals status={route.status} />;
    case 'newReferral':
      return <NewReferral />;
    case 'patient':
      return <PatientPage key={route.patientId} patientId={route.patientId} />;
    case 'plan':
      return <PlanPage key={route.patientId} patientId={route.patientId} />;
    case 'followups':
      return <FollowUps status={route.status} />;
    case 'providers':
      return <Providers />;
    case 'newProvider':
      return <NewProvider />;
    case 'importProviders':
      return <ImportProviders />;
    case 'provider':
      return <ProviderPage key={route.providerId} providerId={route.providerId} />;
    case 'devices':
      return <Devices key={route.providerId} providerId={route.providerId} />;
    case 'reports':
      return <Reports query={route.query} />;
    case 'people':
      return <People role={route.role} />;
    case 'gpMessages':
      return <GpMessages status={route.status} message={route.message} />;
    case 'notFound':
      return (
        <>
          <h1 class="heading-l">Page not found</h1>
          <p class="body">
            If you typed the web address, check it is correct. Or go to the <a href="#/">start page</a>.
          </p>
        </>
      );
  }
}

render(<App />, document.getElementById('root')!);
