import { beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalPersonDirectory, registerLocalPerson } from '#local/person-directory';
import { createTestApp, type TestApp } from '../../support/app';
import { makeActivities } from '../../support/fixtures';

/** The people routes over the local directory, through the real app and DynamoDB Local. */
let t: TestApp;
let directory: LocalPersonDirectory;
let providerId: string;

beforeAll(async () => {
  t = await createTestApp();
  directory = new LocalPersonDirectory(t.db, t.clock);
  ({ providerId } = await makeActivities(t, { categories: ['advice'] }));
});

const invite = (body: Record<string, unknown>) => t.call('POST', '/v1/people', { as: 'admin', body });
const person = (overrides: Record<string, unknown> = {}) => ({
  email: `person-${Math.random().toString(36).slice(2, 10)}@example.org`,
  givenName: 'Sam',
  familyName: 'Okoro',
  role: 'navigator',
  ...overrides,
});

describe('inviting people', () => {
  it('invites a navigator: a directory user in exactly one group, and a person item the app shows', async () => {
    const res = await invite(person({ email: '  Sam.Okoro@Example.org ' }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ email: 'sam.okoro@example.org', givenName: 'Sam', familyName: 'Okoro', role: 'navigator', status: 'enabled' });
    expect(res.body.personId).toMatch(/^[0-9A-Z]{26}$/);
    expect(res.body).not.toHaveProperty('version');
    const user = await directory.find(res.body.sub);
    expect(user).toMatchObject({ email: 'sam.okoro@example.org', groups: ['navigator'], enabled: true });
    expect((await t.call('GET', `/v1/people/${res.body.personId}`, { as: 'manager' })).body).toEqual(res.body);
  });

  it('invites provider staff of an existing provider, with its providerId in the directory', async () => {
    const res = await invite(person({ role: 'provider', providerId }));
    expect(res.status).toBe(201);
    expect(res.body.providerId).toBe(providerId);
    expect((await directory.find(res.body.sub))?.providerId).toBe(providerId);
  });

  it('answers 404 for provider staff of a provider that does not exist, and writes nothing', async () => {
    const body = person({ role: 'provider', providerId: '01J00000000000000000000099' });
    expect((await invite(body)).status).toBe(404);
    expect((await invite({ ...body, role: 'navigator', providerId: undefined })).status).toBe(201);
  });

  it.each([
    ['a malformed email', { email: 'not-an-email' }, 'email'],
    ['an empty given name', { givenName: '  ' }, 'givenName'],
    ['a long family name', { familyName: 'x'.repeat(61) }, 'familyName'],
    ['an unknown role', { role: 'superuser' }, 'role'],
    ['provider staff without a providerId', { role: 'provider' }, 'providerId'],
    ['a providerId for a navigator', { providerId: '01J00000000000000000000001' }, 'providerId'],
    ['a field the API does not know', { phone: '07700 900123' }, ''],
  ])('refuses %s with 400 and the field', async (_label, overrides, path) => {
    const res = await invite(person(overrides));
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(path);
  });

  it('refuses an email already registered, in any case, with 409', async () => {
    const first = await invite(person({ email: 'twice@example.org' }));
    expect(first.status).toBe(201);
    const again = await invite(person({ email: 'TWICE@example.org', role: 'manager' }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_registered');
  });

  it('refuses an email the directory has but the table does not (say, the first admin), and keeps nothing of the attempt', async () => {
    await directory.register({ sub: 'bootstrap-admin', email: 'first.admin@example.org', givenName: 'First', familyName: 'Admin', groups: ['admin'] });
    const res = await invite(person({ email: 'first.admin@example.org' }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('email_registered');
    expect(await t.services.people.byEmail('first.admin@example.org')).toBeUndefined();
  });

  it('never logs a name or an email, only ids', async () => {
    const info = vi.spyOn(t.services.logger, 'info');
    const res = await invite(person({ email: 'private.person@example.org', givenName: 'Privata', familyName: 'Personne' }));
    await t.call('PATCH', `/v1/people/${res.body.personId}`, { as: 'admin', body: { givenName: 'Renamed' } });
    const logged = JSON.stringify(info.mock.calls);
    expect(info).toHaveBeenCalled();
    expect(logged).toContain(res.body.personId);
    expect(logged).not.toMatch(/private\.person|Privata|Personne|Renamed/);
    info.mockRestore();
  });
});

describe('listing and reading', () => {
  it('lists by role, a page at a time, every item with its personId', async () => {
    const managers = [await invite(person({ role: 'manager' })), await invite(person({ role: 'manager' }))].map((r) => r.body.personId);
    const first = await t.call('GET', '/v1/people?role=manager&limit=1', { as: 'manager' });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    const second = await t.call('GET', `/v1/people?role=manager&limit=100&cursor=${first.body.nextCursor}`, { as: 'manager' });
    const all = [...first.body.items, ...second.body.items];
    expect(all.every((item: { role: string; personId: string }) => item.role === 'manager' && item.personId)).toBe(true);
    expect(all.map((item: { personId: string }) => item.personId)).toEqual(expect.arrayContaining(managers));
    const everyone = await t.call('GET', '/v1/people?limit=100', { as: 'admin' });
    expect(new Set(everyone.body.items.map((item: { role: string }) => item.role))).toEqual(new Set(['navigator', 'manager', 'provider']));
  });

  it.each(['role=boss', 'limit=101', 'limit=0', 'cursor=bad'])('refuses %s with 400', async (query) => {
    expect((await t.call('GET', `/v1/people?${query}`, { as: 'admin' })).status).toBe(400);
  });

  it('answers 404 for an unknown person and 400 for an id that is not one', async () => {
    expect((await t.call('GET', '/v1/people/01J00000000000000000000000', { as: 'admin' })).status).toBe(404);
    expect((await t.call('GET', '/v1/people/nobody', { as: 'admin' })).status).toBe(400);
    expect((await t.call('PATCH', '/v1/people/01J00000000000000000000000', { as: 'admin', body: { enabled: false } })).status).toBe(404);
  });
});

describe('changing people', () => {
  it('disables (signing the person out) and enables again', async () => {
    const { personId, sub } = (await invite(person())).body;
    const off = await t.call('PATCH', `/v1/people/${personId}`, { as: 'admin', body: { enabled: false } });
    expect(off.status).toBe(200);
    expect(off.body.status).toBe('disabled');
    expect(await directory.find(sub)).toMatchObject({ enabled: false, signedOutAt: expect.any(String) });
    const on = await t.call('PATCH', `/v1/people/${personId}`, { as: 'admin', body: { enabled: true } });
    expect(on.body.status).toBe('enabled');
    expect((await directory.find(sub))?.enabled).toBe(true);
    expect((await t.services.people.get(personId))?.pendingDirectory).toBeUndefined();
  });

  it('moves the group with a role change, and renames in the directory too', async () => {
    const { personId, sub } = (await invite(person())).body;
    const res = await t.call('PATCH', `/v1/people/${personId}`, { as: 'admin', body: { role: 'manager', familyName: 'Okoro-Smith' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'manager', familyName: 'Okoro-Smith', givenName: 'Sam' });
    expect(await directory.find(sub)).toMatchObject({ groups: ['manager'], familyName: 'Okoro-Smith' });
    const managers = await t.call('GET', '/v1/people?role=manager&limit=100', { as: 'admin' });
    expect(managers.body.items.map((item: { personId: string }) => item.personId)).toContain(personId);
  });

  it.each([
    ['no change at all', {}, 'role'],
    ['a role change to provider', { role: 'provider' }, 'role'],
    ['enabled as a string', { enabled: 'no' }, 'enabled'],
    ['an email change (not offered)', { email: 'new@example.org' }, ''],
  ])('refuses %s with 400', async (_label, body, path) => {
    const { personId } = (await invite(person())).body;
    const res = await t.call('PATCH', `/v1/people/${personId}`, { as: 'admin', body });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(path);
  });

  it('managers may read but not change; navigators may do neither', async () => {
    const { personId } = (await invite(person())).body;
    expect((await t.call('PATCH', `/v1/people/${personId}`, { as: 'manager', body: { enabled: false } })).status).toBe(403);
    expect((await t.call('GET', '/v1/people', { as: 'navigator' })).status).toBe(403);
    expect((await t.call('POST', '/v1/people', { as: 'manager', body: person() })).status).toBe(403);
  });
});

describe('admins', () => {
  it('an admin cannot disable themselves, and the last enabled admin stays one', async () => {
    // A fresh table of its own, so "the last admin" is about these two only.
    const own = await createTestApp();
    const first = await registerLocalPerson(
      own.db,
      own.clock,
      own.services.people,
      { email: 'admin.one@example.org', givenName: 'Ada', familyName: 'One', role: 'admin', sub: 'admin-one' },
      own.services.ids,
    );
    const firstToken = await tokenAsIn(own, 'admin-one');

    const self = await own.call('PATCH', `/v1/people/${first}`, { token: firstToken, body: { enabled: false } });
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('cannot_disable_self');

    // Another admin's token (not a person in the table) meets the last-admin rule, for a disable and a demotion.
    for (const body of [{ enabled: false }, { role: 'manager' }]) {
      const res = await own.call('PATCH', `/v1/people/${first}`, { as: 'admin', body });
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(res.body.error.code).toBe('last_admin');
    }
    expect((await own.call('GET', `/v1/people/${first}`, { as: 'admin' })).body).toMatchObject({ role: 'admin', status: 'enabled' });

    const second = await own.call('POST', '/v1/people', { token: firstToken, body: person({ role: 'admin' }) });
    expect(second.status).toBe(201);
    expect((await own.call('PATCH', `/v1/people/${first}`, { token: await tokenAsIn(own, second.body.sub), body: { enabled: false } })).status).toBe(200);
    // Now the second is the last one.
    const last = await own.call('PATCH', `/v1/people/${second.body.personId}`, { as: 'admin', body: { role: 'navigator' } });
    expect(last.body.error.code).toBe('last_admin');
  });
});

const tokenAsIn = async (app: TestApp, sub: string) => (await app.issuer.mint({ role: 'admin', sub }, app.clock.now())).token;

describe('navigators for other capabilities', () => {
  it('enabledNavigators lists enabled navigators only, with what the daily email needs', async () => {
    const on = (await invite(person({ givenName: 'Nia' }))).body;
    const off = (await invite(person())).body;
    await t.call('PATCH', `/v1/people/${off.personId}`, { as: 'admin', body: { enabled: false } });
    const manager = (await invite(person({ role: 'manager' }))).body;
    const navigators = await t.services.peopleService.enabledNavigators();
    expect(navigators).toContainEqual({ personId: on.personId, sub: on.sub, email: on.email, givenName: 'Nia' });
    const ids = navigators.map((navigator) => navigator.personId);
    expect(ids).not.toContain(off.personId);
    expect(ids).not.toContain(manager.personId);
    expect(await t.services.peopleService.isEnabledNavigator(on.sub)).toBe(true);
    expect(await t.services.peopleService.isEnabledNavigator(off.sub)).toBe(false);
    expect(await t.services.peopleService.isEnabledNavigator(manager.sub)).toBe(false);
    expect(await t.services.peopleService.isEnabledNavigator('no-such-sub')).toBe(false);
  });
});

describe('local sign-in as a person', () => {
  it('mints a token with the person’s sub, role and providerId; refuses a disabled or unknown one', async () => {
    const staff = (await invite(person({ role: 'provider', providerId }))).body;
    const minted = await t.call('POST', '/v1/dev/tokens', { body: { personId: staff.personId } });
    expect(minted.status).toBe(200);
    const principal = await t.services.verifyToken(minted.body.token);
    expect(principal).toEqual({ sub: staff.sub, role: 'provider', providerId });

    await t.call('PATCH', `/v1/people/${staff.personId}`, { as: 'admin', body: { enabled: false } });
    expect((await t.call('POST', '/v1/dev/tokens', { body: { personId: staff.personId } })).status).toBe(409);
    expect((await t.call('POST', '/v1/dev/tokens', { body: { personId: '01J00000000000000000000000' } })).status).toBe(404);
    expect((await t.call('POST', '/v1/dev/tokens', { body: { personId: staff.personId, role: 'admin' } })).status).toBe(400);
    expect((await t.call('POST', '/v1/dev/tokens', { body: {} })).status).toBe(400);

    const listed = await t.call('GET', '/v1/dev/people');
    const ids = listed.body.items.map((item: { personId: string }) => item.personId);
    expect(ids).not.toContain(staff.personId);
    expect(listed.body.items.length).toBeGreaterThan(0);
  });

  it('still mints a role-only token', async () => {
    const res = await t.call('POST', '/v1/dev/tokens', { body: { role: 'manager' } });
    expect(await t.services.verifyToken(res.body.token)).toEqual({ sub: 'local-manager', role: 'manager' });
  });
});


describe("a colleague's work contact", () => {
  it('answers an enabled navigator’s name and work email by user id, to staff, and nothing of the account', async () => {
    const navigator = (await invite(person({ givenName: 'Priya', familyName: 'Shah' }))).body;
    const res = await t.call('GET', `/v1/staff/${navigator.sub}`, { as: 'navigator' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: navigator.sub, givenName: 'Priya', familyName: 'Shah', email: navigator.email, role: 'navigator' });
    expect((await t.call('GET', `/v1/staff/${navigator.sub}`, { as: 'provider' })).status).toBe(403);
  });

  it('answers 404 for provider staff, a disabled account, an unknown id; 400 for a malformed one', async () => {
    const staff = (await invite(person({ role: 'provider', providerId }))).body;
    expect((await t.call('GET', `/v1/staff/${staff.sub}`, { as: 'manager' })).status).toBe(404);
    const leaver = (await invite(person())).body;
    expect((await t.call('PATCH', `/v1/people/${leaver.personId}`, { as: 'admin', body: { enabled: false } })).status).toBe(200);
    expect((await t.call('GET', `/v1/staff/${leaver.sub}`, { as: 'manager' })).status).toBe(404);
    expect((await t.call('GET', '/v1/staff/no-such-user', { as: 'manager' })).status).toBe(404);
    const bad = await t.call('GET', `/v1/staff/${encodeURIComponent('a b<c>')}`, { as: 'manager' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('sub');
  });
});
