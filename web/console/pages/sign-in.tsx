import { useState } from 'preact/hooks';
import type { Api } from '../../shared/api';
import { devSignIn, type Session } from '../../shared/session';
import { ROLE_LABELS } from '../lib/format';
import { signInWithOrganisation } from '../ui/auth';
import type { AppConfig } from '../../shared/cognito';
import { Button, ErrorNotice, SelectField, Success } from '../ui/components';
import { errorText, useTitle } from '../ui/services';

type ConsoleRole = 'navigator' | 'manager' | 'admin';

const ROLES: { value: ConsoleRole; label: string }[] = [
  { value: 'navigator', label: ROLE_LABELS.navigator },
  { value: 'manager', label: ROLE_LABELS.manager },
  { value: 'admin', label: ROLE_LABELS.admin },
];

/** The demo caseload belongs to this navigator, so a local navigator sees it at once. */
const LOCAL_SUBJECTS: Partial<Record<ConsoleRole, string>> = { navigator: 'local-navigator' };

export function SignIn(props: { api: Api; config: AppConfig; notice?: string; onSignedIn: (session: Session) => void }) {
  useTitle('Sign in');
  const [role, setRole] = useState<ConsoleRole>('navigator');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const signInLocally = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const sub = LOCAL_SUBJECTS[role];
      const token = await devSignIn(props.api, sub ? { role, sub } : { role });
      props.onSignedIn({ token, role, ...(sub ? { sub } : {}), label: ROLE_LABELS[role] });
    } catch (caught) {
      setError(errorText(caught));
      setBusy(false);
    }
  };

  const signInWithAccount = async () => {
    setError(undefined);
    try {
      await signInWithOrganisation(props.config);
    } catch (caught) {
      setError(errorText(caught));
    }
  };

  return (
    <>
      <h1 class="heading-xl" tabIndex={-1}>
        Sign in to Waymark
      </h1>
      {props.notice && <Success>{props.notice}</Success>}
      {error && <ErrorNotice>{error}</ErrorNotice>}
      {props.config.mode === 'local' ? (
        <form onSubmit={signInLocally} noValidate class="narrow">
          <p class="body">
            This is Waymark running on this computer (local mode) with demo data. Choose the role you want to try.
          </p>
          <SelectField
            id="role"
            label="Role"
            hint="Navigators work with people referred to the scheme. Managers look after providers and reports. Admins can do both."
            value={role}
            onValue={(value) => setRole(value as ConsoleRole)}
            options={ROLES}
          />
          <Button type="submit" disabled={busy}>
            Sign in
          </Button>
        </form>
      ) : (
        <div class="narrow">
          <p class="body">Use the account your organisation gave you for Waymark.</p>
          <Button onClick={signInWithAccount}>Sign in with your organisation account</Button>
        </div>
      )}
    </>
  );
}
