import { describe, expect, it } from 'vitest';
import { problemsFromError } from '../../../web/console/lib/issues';
import { INVITE_FIELDS, emptyInviteForm, mayToggle, roleChoices, sortPeople, statusView, toInvitePerson, validateInvite } from '../../../web/console/lib/people';

const filled = { email: ' kim@example.org ', givenName: ' Kim ', familyName: 'Lee', role: 'navigator' as const, providerId: '' };

describe('the invitation form', () => {
  it('asks for every field of an empty form, GOV.UK-style', () => {
    expect(validateInvite(emptyInviteForm()).fields).toEqual({
      personEmail: 'Enter their email address',
      personGivenName: 'Enter their first name',
      personFamilyName: 'Enter their last name',
      personRole: 'Select a role',
    });
  });

  it('checks the email’s shape, the names’ length, and a provider for provider staff', () => {
    const problems = validateInvite({ ...filled, email: 'kim@', givenName: 'x'.repeat(61), role: 'provider' }).fields;
    expect(problems.personEmail).toMatch(/correct format/);
    expect(problems.personGivenName).toBe('First name must be 60 characters or fewer');
    expect(problems.personProvider).toBe('Select the provider they work for');
    expect(validateInvite(filled).fields).toEqual({});
  });

  it('sends trimmed values, and a providerId only for provider staff', () => {
    expect(toInvitePerson({ ...filled, providerId: '01J00000000000000000000001' })).toEqual({ email: 'kim@example.org', givenName: 'Kim', familyName: 'Lee', role: 'navigator' });
    expect(toInvitePerson({ ...filled, role: 'provider', providerId: '01J00000000000000000000001' }).providerId).toBe('01J00000000000000000000001');
  });

  it('puts the API’s field issues and its 409 where people will see them', () => {
    const issues = { error: { code: 'invalid_request', message: 'x', issues: [{ in: 'body', path: 'email', code: 'invalid_format', message: 'must be an email address' }] } };
    expect(problemsFromError(issues, INVITE_FIELDS).fields).toEqual({ personEmail: 'Email address must be an email address' });
    const taken = { error: { code: 'email_registered', message: 'Someone with this email address already has an account.' } };
    expect(problemsFromError(taken, INVITE_FIELDS).general).toEqual(['Someone with this email address already has an account.']);
  });
});

describe('the list', () => {
  it('offers the other staff roles, and none to provider staff', () => {
    expect(roleChoices({ role: 'navigator' })).toEqual(['manager', 'admin']);
    expect(roleChoices({ role: 'admin' })).toEqual(['navigator', 'manager']);
    expect(roleChoices({ role: 'provider' })).toEqual([]);
  });

  it('never offers an admin the button to disable themselves, nor any for an unfinished invitation', () => {
    expect(mayToggle({ status: 'enabled', sub: 'me' }, 'me')).toBe(false);
    expect(mayToggle({ status: 'disabled', sub: 'me' }, 'me')).toBe(true);
    expect(mayToggle({ status: 'enabled', sub: 'them' }, 'me')).toBe(true);
    expect(mayToggle({ status: 'pending' }, 'me')).toBe(false);
  });

  it('shows statuses in words and sorts by family name', () => {
    expect(statusView('disabled')).toEqual({ label: 'Disabled', tone: 'grey' });
    expect(statusView('pending').label).toBe('Invitation not finished');
    const sorted = sortPeople([
      { givenName: 'Zoe', familyName: 'Adams' },
      { givenName: 'Amy', familyName: 'Brown' },
      { givenName: 'Abe', familyName: 'Adams' },
    ]);
    expect(sorted.map((p) => p.givenName)).toEqual(['Abe', 'Zoe', 'Amy']);
  });
});
