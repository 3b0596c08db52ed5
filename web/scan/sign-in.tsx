import { useEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../shared/session';
import { QueueLines, RevokedNotice, useFocusOnMount, type Shared } from './parts';
import { defaultProviderId } from './choice';
import { listProvidersForSignIn, signInAsProvider, type Provider } from './client';
import { completeCognitoSignIn, loadConfig, startCognitoSignIn, type AppConfig } from '../shared/cognito';
import type { DeviceAuth } from './device-auth';
import { deviceSession } from './device-logic';
import { EnrolDevice } from './enrol';

/** How the session began: enrolled here and now, or signed in (a person, or a device already enrolled). */
export type SignedInHow = 'enrolled' | 'signed-in';

/**
 * Sign in this device. A device enrolled already goes straight on (its credentials are kept on
 * it). In a deployed system a device is enrolled with a code from the console (scanned or typed);
 * provider staff with an organisation account may sign in with it instead (Cognito's hosted
 * sign-in). Local mode lists the providers and mints a provider token for the one chosen, and
 * offers enrolment too. A code in the address (`linkCode`, from `#enrol=…`) is used at once.
 */
export function SignInScreen(props: {
  shared: Shared;
  auth: DeviceAuth;
  linkCode?: string | undefined;
  /** This device was revoked just now (the store keeps a note too, for the next start). */
  revoked: boolean;
  onSignedIn: (session: Session, how: SignedInHow) => void;
  /** Back to the session this device had, when a link started enrolment while it was signed in. */
  onCancel?: (() => void) | undefined;
}) {
  const { shared, auth, linkCode, onSignedIn } = props;
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const [config, setConfig] = useState<AppConfig | undefined>();
  /** Whether the store has been read (an enrolled device goes straight on), and if it holds a revoked note. */
  const [checked, setChecked] = useState(false);
  const [revokedNote, setRevokedNote] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  // Local mode starts on its provider list, unless there is a code to use or this device was revoked.
  const [view, setView] = useState<'enrol' | 'local'>(linkCode !== undefined || props.revoked ? 'enrol' : 'local');

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      if (linkCode === undefined) {
        try {
          const record = await auth.load();
          if (cancelled) return;
          if (record?.kind === 'enrolled') {
            onSignedIn(deviceSession(record), 'signed-in');
            return;
          }
          if (record?.kind === 'revoked') {
            setRevokedNote(true);
            setView('enrol');
          }
        } catch {
          // No IndexedDB here (some private windows): nothing was enrolled on this device.
        }
      }
      if (cancelled) return;
      setChecked(true);
      const loaded = await loadConfig();
      if (cancelled) return;
      setConfig(loaded);
      if (loaded.mode !== 'organisation' || linkCode !== undefined) return;
      try {
        const session = await returnFromOrganisation(loaded);
        if (session && !cancelled) onSignedIn(session, 'signed-in');
      } catch (error) {
        if (!cancelled) setProblem(error instanceof Error ? error.message : String(error));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  const enrolling = config?.mode === 'organisation' || view === 'enrol';
  // A new heading when local mode switches between its two ways: focus goes to it, as on a new screen.
  const switched = useRef(false);
  useEffect(() => {
    if (switched.current) headingRef.current?.focus();
    switched.current = true;
  }, [enrolling]);

  const enrol = (
    <EnrolDevice enrol={(code) => auth.enrol(code)} linkCode={linkCode} onEnrolled={(session) => onSignedIn(session, 'enrolled')} />
  );

  return (
    <main class="screen">
      <h1 ref={headingRef} tabIndex={-1}>
        {enrolling ? 'Enrol this device' : 'Sign in this device'}
      </h1>
      {(props.revoked || revokedNote) && <RevokedNotice shared={shared} />}
      {!config || !checked ? (
        <p class="muted">Loading…</p>
      ) : config.mode === 'organisation' ? (
        <>
          {enrol}
          <OrganisationSignIn config={config} />
        </>
      ) : view === 'enrol' ? (
        <>
          {enrol}
          <button type="button" class="button secondary" onClick={() => setView('local')}>
            Choose a provider instead
          </button>
        </>
      ) : (
        <>
          <LocalSignIn shared={shared} onSignedIn={(session) => onSignedIn(session, 'signed-in')} />
          <button type="button" class="button secondary" onClick={() => setView('enrol')}>
            Enrol with a code from the console
          </button>
        </>
      )}
      {props.onCancel && (
        <button type="button" class="button secondary" onClick={props.onCancel}>
          Back to scanning
        </button>
      )}
      {problem && (
        <p class="notice" role="alert">
          {problem}
        </p>
      )}
      <div role="status" aria-live="polite" class="status-lines">
        <QueueLines shared={shared} />
      </div>
    </main>
  );
}

function LocalSignIn({ shared, onSignedIn }: { shared: Shared; onSignedIn: (session: Session) => void }) {
  const [providers, setProviders] = useState<Provider[] | undefined>();
  const [providerId, setProviderId] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setError(undefined);
    listProvidersForSignIn()
      .then((found) => {
        if (cancelled) return;
        setProviders(found);
        setProviderId((current) => current || defaultProviderId(found));
      })
      .catch(() => {
        if (!cancelled) setError(navigator.onLine ? 'The providers could not be loaded.' : 'This device is offline. Connect to sign in.');
      });
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  const useThisDevice = async (event: Event) => {
    event.preventDefault();
    const provider = providers?.find((candidate) => candidate.providerId === providerId);
    if (!provider) return;
    setBusy(true);
    setError(undefined);
    try {
      const token = await signInAsProvider(provider.providerId);
      onSignedIn({ token, role: 'provider', providerId: provider.providerId, label: provider.name });
    } catch {
      setError(navigator.onLine ? 'This device could not be signed in. Try again.' : 'This device is offline. Connect to sign in.');
      setBusy(false);
    }
  };

  return (
    <form class="stack" onSubmit={useThisDevice}>
      <p>Local mode: choose the provider this device scans for.</p>
      <div class="field">
        <label for="provider">Provider</label>
        <select id="provider" value={providerId} disabled={!providers} onChange={(event) => setProviderId(event.currentTarget.value)}>
          {!providers && <option value="">Loading…</option>}
          {providers?.map((provider) => (
            <option key={provider.providerId} value={provider.providerId}>
              {provider.name}
              {provider.accreditation.currentlyAccredited ? '' : ' (not accredited)'}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <div class="notice" role="alert">
          <p>{error}</p>
          {!providers && (
            <button type="button" class="button secondary" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          )}
        </div>
      )}
      {providers?.length === 0 && <p>There are no providers yet. A programme manager adds them in the console.</p>}
      <button type="submit" class="button primary" disabled={!providerId || busy}>
        {busy ? 'Signing in…' : 'Use this device'}
      </button>
      {shared.waiting > 0 && <p class="muted">Saved scans are sent as soon as this device is signed in.</p>}
    </form>
  );
}

/**
 * Signs this device in with the organisation's account: Cognito's hosted sign-in (authorisation
 * code with PKCE, using `config.cognito`); the device's account is a provider user.
 */
export async function signInWithOrganisation(config: Extract<AppConfig, { mode: 'organisation' }>): Promise<void> {
  if (!config.cognito) throw new Error('Signing in with an organisation account is not set up for this scanner yet. Ask your programme manager.');
  await startCognitoSignIn(config.cognito, `${location.origin}/scan/`);
}

/** Back from the hosted sign-in (`?code=…`): the device's session, if this load is that return. */
async function returnFromOrganisation(config: Extract<AppConfig, { mode: 'organisation' }>): Promise<Session | undefined> {
  if (!config.cognito) return undefined;
  const session = await completeCognitoSignIn(config.cognito);
  if (session && session.role !== 'provider') throw new Error('This account is not a provider device. Sign in with the device’s account.');
  return session;
}

/** The secondary way in, for provider staff who have an organisation account. */
function OrganisationSignIn({ config }: { config: Extract<AppConfig, { mode: 'organisation' }> }) {
  const [problem, setProblem] = useState<string | undefined>();
  return (
    <section class="stack" aria-labelledby="staff-sign-in">
      <h2 id="staff-sign-in">Provider staff with an account</h2>
      <p>
        You can sign in with your own account instead:{' '}
        <a
          href="#organisation-sign-in"
          onClick={(event) => {
            event.preventDefault();
            setProblem(undefined);
            signInWithOrganisation(config).catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
          }}
        >
          Sign in with your organisation account
        </a>
        .
      </p>
      {problem && (
        <p class="notice" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
