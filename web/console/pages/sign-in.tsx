import { useEffect, useState } from 'preact/hooks';
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

interface LocalPerson {
  personId: string;
  sub: string;
  givenName: string;
  familyName: string;
  role: ConsoleRole;
}

const isConsoleRole = (role: string): role is ConsoleRole => ROLES.some((r) => r.value === role);

/** The demo caseload belongs to this navigator, so a local navigator sees it at once. */
const LOCAL_SUBJECTS: Partial<Record<ConsoleRole, string>> = { navigator: 'local-navigator' };

export function SignIn(props: { api: Api; config: AppConfig; notice?: string; onSignedIn: (session: Session) => void }) {
  useTitle('Sign in');
  const [role, setRole] = useState<ConsoleRole>('navigator');
  const [personId, setPersonId] = useState('');
  const [people, setPeople] = useState<LocalPerson[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  // The local team (demo data), so a person can try the console as someone in particular.
  useEffect(() => {
    if (props.config.mode !== 'local') return;
    props.api.GET('/v1/dev/people').then(
      ({ data }) => setPeople((data?.items ?? []).filter((p): p is LocalPerson => isConsoleRole(p.role))),
      () => undefined,
    );
  }, [props.config.mode]);

  const signInLocally = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const person = people.find((p) => p.personId === personId);
      if (person) {
        const { data } = await props.api.POST('/v1/dev/tokens', { body: { personId: person.personId } });
        if (!data) throw new Error('That person cannot sign in now. Choose another, or sign in by role.');
        props.onSignedIn({ token: data.token, role: person.role, sub: person.sub, label: `${person.givenName} ${person.familyName}` });
        return;
      }
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
          {people.length > 0 && (
            <SelectField
              id="person"
              label="Sign in as"
              hint="One of the local team; or leave this and choose a role below."
              value={personId}
              onValue={setPersonId}
              placeholder="Anyone in the role below"
              options={people.map((p) => ({ value: p.personId, label: `${p.givenName} ${p.familyName} (${ROLE_LABELS[p.role]})` }))}
            />
          )}
          {!personId && (
            <SelectField
              id="role"
              label="Role"
              hint="Navigators work with people referred to the scheme. Managers look after providers and reports. Admins can do both."
              value={role}
              onValue={(value) => setRole(value as ConsoleRole)}
              options={ROLES}
            />
          )}
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
