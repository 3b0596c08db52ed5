import type { FieldMap, FormProblems } from './issues';
import type { InvitePerson, Person, PersonRole } from './types';

/** The admin's people page: the invitation form, and how people are shown and changed. */
export const PERSON_ROLES: readonly { value: PersonRole; label: string; hint: string }[] = [
  { value: 'navigator', label: 'Navigator', hint: 'Works with people referred to the scheme' },
  { value: 'manager', label: 'Manager', hint: 'Providers, reports and exports' },
  { value: 'admin', label: 'Admin', hint: 'Everything, including people' },
  { value: 'provider', label: 'Provider staff', hint: 'Scans cards at one provider’s venues' },
];

export const roleLabel = (role: PersonRole) => PERSON_ROLES.find((r) => r.value === role)?.label ?? role;

export interface InviteForm {
  email: string;
  givenName: string;
  familyName: string;
  role: PersonRole | '';
  providerId: string;
}

export const emptyInviteForm = (): InviteForm => ({ email: '', givenName: '', familyName: '', role: '', providerId: '' });

export const INVITE_FIELDS: FieldMap = {
  email: { id: 'personEmail', label: 'Email address' },
  givenName: { id: 'personGivenName', label: 'First name' },
  familyName: { id: 'personFamilyName', label: 'Last name' },
  role: { id: 'personRole', label: 'Role' },
  providerId: { id: 'personProvider', label: 'Provider' },
};

/** The same email rule people meet everywhere: something, an @, a domain with a dot. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateInvite(form: InviteForm): FormProblems {
  const fields: Record<string, string> = {};
  const email = form.email.trim();
  if (!email) fields.personEmail = 'Enter their email address';
  else if (!EMAIL.test(email) || email.length > 254) fields.personEmail = 'Enter an email address in the correct format, like name@example.org';
  for (const [key, id, what] of [
    ['givenName', 'personGivenName', 'first name'],
    ['familyName', 'personFamilyName', 'last name'],
  ] as const) {
    const value = form[key].trim();
    if (!value) fields[id] = `Enter their ${what}`;
    else if (value.length > 60) fields[id] = `${what[0]!.toUpperCase()}${what.slice(1)} must be 60 characters or fewer`;
  }
  if (!form.role) fields.personRole = 'Select a role';
  if (form.role === 'provider' && !form.providerId) fields.personProvider = 'Select the provider they work for';
  return { fields, general: [] };
}

export function toInvitePerson(form: InviteForm): InvitePerson {
  return {
    email: form.email.trim(),
    givenName: form.givenName.trim(),
    familyName: form.familyName.trim(),
    role: form.role as PersonRole,
    ...(form.role === 'provider' ? { providerId: form.providerId } : {}),
  };
}

export const fullName = (person: Pick<Person, 'givenName' | 'familyName'>) => `${person.givenName} ${person.familyName}`;

/** The roles a person can be moved to: provider staff stay provider staff, and no one else becomes one. */
export function roleChoices(person: Pick<Person, 'role'>): PersonRole[] {
  if (person.role === 'provider') return [];
  return PERSON_ROLES.map((r) => r.value).filter((role) => role !== 'provider' && role !== person.role);
}

export function statusView(status: Person['status']): { label: string; tone: 'green' | 'grey' | 'yellow' } {
  if (status === 'enabled') return { label: 'Active', tone: 'green' };
  if (status === 'disabled') return { label: 'Disabled', tone: 'grey' };
  return { label: 'Invitation not finished', tone: 'yellow' };
}

/** What an admin may do to a person from the list: never disable themselves. */
export function mayToggle(person: Pick<Person, 'status' | 'sub'>, mySub: string | undefined): boolean {
  if (person.status === 'pending') return false;
  return !(person.status === 'enabled' && person.sub !== undefined && person.sub === mySub);
}

/** People sorted for the list: by family name, then given name. */
export function sortPeople<T extends Pick<Person, 'givenName' | 'familyName'>>(people: readonly T[]): T[] {
  return [...people].sort((a, b) => a.familyName.localeCompare(b.familyName, 'en-GB') || a.givenName.localeCompare(b.givenName, 'en-GB'));
}
