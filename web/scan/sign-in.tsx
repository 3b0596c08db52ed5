import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../shared/session';
import { QueueLines, useFocusOnMount, type Shared } from './parts';
import { listProvidersForSignIn, signInAsProvider, type Provider } from './client';
import { completeCognitoSignIn, loadConfig, startCognitoSignIn, type AppConfig } from '../shared/cognito';

/**
 * Sign in this device. Local mode lists the providers and mints a provider token for the one
 * chosen; a deployed system signs in through the organisation's account (Cognito's hosted sign-in).
 */
export function SignInScreen({ shared, onSignedIn }: { shared: Shared; onSignedIn: (session: Session) => void }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const [config, setConfig] = useState<AppConfig | undefined>();
  const [problem, setProblem] = useState<string | undefined>();

  useEffect(() => {
    void loadConfig().then(async (loaded) => {
      setConfig(loaded);
      if (loaded.mode !== 'organisation') return;
      try {
        const session = await returnFromOrganisation(loaded);
        if (session) onSignedIn(session);
      } catch (error) {
        setProblem(error instanceof Error ? error.message : String(error));
      }
    });
  }, []);

  return (
    <main class="screen">
      <h1 ref={headingRef} tabIndex={-1}>
        Sign in this device
      </h1>
      {!config ? (
        <p class="muted">Loading…</p>
      ) : config.mode === 'local' ? (
        <LocalSignIn shared={shared} onSignedIn={onSignedIn} />
      ) : (
        <OrganisationSignIn config={config} />
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
        setProviderId((current) => current || found[0]?.providerId || '');
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

function OrganisationSignIn({ config }: { config: Extract<AppConfig, { mode: 'organisation' }> }) {
  const [problem, setProblem] = useState<string | undefined>();
  return (
    <div class="stack">
      <p>This device must be signed in through your organisation’s sign-in.</p>
      <a
        class="button primary"
        href="#organisation-sign-in"
        onClick={(event) => {
          event.preventDefault();
          setProblem(undefined);
          signInWithOrganisation(config).catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
        }}
      >
        Sign in with your organisation account
      </a>
      {problem && (
        <p class="notice" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
