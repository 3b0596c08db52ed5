import { useState } from 'preact/hooks';
import { hasProblems, noProblems, problemsFromError, type FormProblems } from '../lib/issues';
import {
  INVITE_FIELDS,
  PERSON_ROLES,
  emptyInviteForm,
  fullName,
  mayToggle,
  roleChoices,
  roleLabel,
  sortPeople,
  statusView,
  toInvitePerson,
  validateInvite,
  type InviteForm,
} from '../lib/people';
import { href } from '../lib/routes';
import type { Person, PersonRole } from '../lib/types';
import { Button, ErrorNotice, ErrorSummary, Loading, SelectField, Success, Tag, TextField } from '../ui/components';
import { errorText, listAll, must, useLoad, useServices, useTitle } from '../ui/services';

const ORDER = ['personEmail', 'personGivenName', 'personFamilyName', 'personRole', 'personProvider'];

/** The team: admins invite people and change their role or access; managers see who is on it. */
export function People({ role }: { role?: string }) {
  useTitle('People');
  const { api, session } = useServices();
  const isAdmin = session.role === 'admin';
  const filter = PERSON_ROLES.some((r) => r.value === role) ? (role as PersonRole) : undefined;
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<string>();

  const people = useLoad(
    () =>
      listAll(async (cursor) =>
        must(await api.GET('/v1/people', { params: { query: { limit: 100, ...(filter ? { role: filter } : {}), ...(cursor ? { cursor } : {}) } } })),
      ),
    [filter],
  );
  const providers = useLoad(
    () => (isAdmin ? listAll(async (cursor) => must(await api.GET('/v1/providers', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }))) : Promise.resolve([])),
    [isAdmin],
  );
  const providerName = (id?: string) => (providers.state === 'ready' ? providers.data.find((p) => p.providerId === id)?.name : undefined) ?? id;

  const change = async (person: Person, body: { enabled?: boolean; role?: PersonRole }, done: string) => {
    setNotice(undefined);
    setFailure(undefined);
    try {
      must(await api.PATCH('/v1/people/{personId}', { params: { path: { personId: person.personId } }, body }));
      await people.reload();
      setNotice(done);
    } catch (caught) {
      setFailure(errorText(caught));
    }
  };

  return (
    <>
      <h1 class="heading-xl">People</h1>
      <p class="body">Everyone who signs in to Waymark, and what they may do. {isAdmin ? 'Invite people here; they get an email with a temporary password.' : 'Only admins can change this list.'}</p>
      {notice && <Success>{notice}</Success>}
      {failure && <ErrorNotice>{failure}</ErrorNotice>}
      {isAdmin && (
        <InvitePersonForm
          providers={providers.state === 'ready' ? providers.data.map((p) => ({ value: p.providerId, label: p.name })) : []}
          onInvited={async (person) => {
            await people.reload();
            setNotice(`${fullName(person)} has been invited as ${roleLabel(person.role).toLowerCase()}.`);
          }}
        />
      )}
      <h2 class="heading-m">The team</h2>
      <form
        class="filter"
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
        <SelectField
          id="roleFilter"
          label="Show"
          value={filter ?? ''}
          onValue={(value) => (location.hash = href.people(value || undefined))}
          placeholder="Everyone"
          options={PERSON_ROLES.map((r) => ({ value: r.value, label: r.label }))}
        />
      </form>
      {people.state === 'loading' && <Loading what="Loading people" />}
      {people.state === 'error' && <ErrorNotice>{people.error}</ErrorNotice>}
      {people.state === 'ready' &&
        (people.data.length === 0 ? (
          <p class="body">No one yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <caption class="table__caption">{people.data.length === 1 ? '1 person' : `${people.data.length} people`}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Account</th>
                  {isAdmin && <th scope="col">Change</th>}
                </tr>
              </thead>
              <tbody>
                {sortPeople(people.data).map((person) => (
                  <PersonRow key={person.personId} person={person} isAdmin={isAdmin} mySub={session.sub} providerName={providerName(person.providerId)} onChange={change} />
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </>
  );
}

function PersonRow(props: {
  person: Person;
  isAdmin: boolean;
  mySub: string | undefined;
  providerName: string | undefined;
  onChange: (person: Person, body: { enabled?: boolean; role?: PersonRole }, done: string) => Promise<void>;
}) {
  const { person, isAdmin } = props;
  const name = fullName(person);
  const status = statusView(person.status);
  const choices = roleChoices(person);
  const [newRole, setNewRole] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const run = async (body: { enabled?: boolean; role?: PersonRole }, done: string) => {
    setBusy(true);
    await props.onChange(person, body, done);
    setBusy(false);
  };
  const roleSelect = `role-${person.personId}`;
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{person.email}</td>
      <td>
        {roleLabel(person.role)}
        {person.role === 'provider' && props.providerName ? ` (${props.providerName})` : ''}
      </td>
      <td>
        <Tag tone={status.tone}>{status.label}</Tag>
      </td>
      {isAdmin && (
        <td>
          {mayToggle(person, props.mySub) && (
            <Button variant="secondary" disabled={busy} onClick={() => run({ enabled: person.status !== 'enabled' }, `${name} has been ${person.status === 'enabled' ? 'disabled and signed out' : 'enabled'}.`)}>
              {person.status === 'enabled' ? 'Disable' : 'Enable'}
              <span class="visually-hidden"> {name}</span>
            </Button>
          )}
          {choices.length > 0 && person.status !== 'pending' && (
            <div class="inline-change">
              <label class="label" for={roleSelect}>
                New role<span class="visually-hidden"> for {name}</span>
              </label>
              <select id={roleSelect} class="select" value={newRole} onChange={(event) => setNewRole(event.currentTarget.value)}>
                <option value="">Choose…</option>
                {choices.map((role) => (
                  <option key={role} value={role}>
                    {roleLabel(role)}
                  </option>
                ))}
              </select>{' '}
              <Button variant="secondary" disabled={busy || !newRole} onClick={() => run({ role: newRole as PersonRole }, `${name} is now ${roleLabel(newRole as PersonRole).toLowerCase()}.`)}>
                Change role<span class="visually-hidden"> of {name}</span>
              </Button>
            </div>
          )}
        </td>
      )}
    </tr>
  );
}

function InvitePersonForm(props: { providers: { value: string; label: string }[]; onInvited: (person: Person) => Promise<void> }) {
  const { api } = useServices();
  const [form, setForm] = useState<InviteForm>(emptyInviteForm);
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<InviteForm>) => setForm((f) => ({ ...f, ...change }));

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validateInvite(form);
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    const { data, error, response } = await api.POST('/v1/people', { body: toInvitePerson(form) });
    setBusy(false);
    if (!data) {
      setProblems(problemsFromError(error, INVITE_FIELDS, '', `The person was not invited (HTTP ${response.status}).`));
      return;
    }
    setForm(emptyInviteForm());
    await props.onInvited(data);
  };

  return (
    <>
      <h2 class="heading-m">Invite a person</h2>
      <ErrorSummary problems={problems} order={ORDER} />
      <form onSubmit={submit} noValidate class="form">
        <TextField id="personEmail" label="Email address" type="email" autocomplete="off" spellcheck={false} value={form.email} onValue={(email) => set({ email })} error={problems.fields.personEmail} hint="Their invitation and temporary password go here." />
        <TextField id="personGivenName" label="First name" value={form.givenName} onValue={(givenName) => set({ givenName })} error={problems.fields.personGivenName} />
        <TextField id="personFamilyName" label="Last name" value={form.familyName} onValue={(familyName) => set({ familyName })} error={problems.fields.personFamilyName} />
        <SelectField
          id="personRole"
          label="Role"
          value={form.role}
          onValue={(role) => set({ role: role as InviteForm['role'] })}
          placeholder="Choose a role"
          options={PERSON_ROLES.map((r) => ({ value: r.value, label: `${r.label}: ${r.hint}` }))}
          error={problems.fields.personRole}
        />
        {form.role === 'provider' && (
          <SelectField
            id="personProvider"
            label="Provider"
            value={form.providerId}
            onValue={(providerId) => set({ providerId })}
            placeholder="Choose the provider"
            options={props.providers}
            error={problems.fields.personProvider}
          />
        )}
        <Button type="submit" disabled={busy}>
          Send invitation
        </Button>
      </form>
    </>
  );
}
