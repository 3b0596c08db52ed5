import { beforeAll, describe, expect, it, vi } from 'vitest';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { PUBLIC_REFERRAL_LIMIT, PUBLIC_REFERRAL_MAX_BYTES } from '#shared/patients/public-routes';
import { createTestApp, type TestApp } from '../../support/app';
import { londonDate } from '#shared/platform/london';
import { addNavigator, freshNhsNumber, makeActivities, otherNavigatorToken, referralBody } from '../../support/fixtures';

/**
 * The public referral form (issue 14, point 5): POST /v1/public/referrals needs no token, answers
 * the same 202 whoever the person is, lands `received` in the unassigned triage queue, and managers
 * assign from it. Every bad input is a 400 that stores nothing; a filled honeypot is a 202 that
 * stores nothing; the per-address limit answers 429; nothing the form sent reaches a log.
 */
let t: TestApp;
let address = 0;
/** Every request from its own client address, so the per-address limit only bites where a test means it to. */
const fresh = () => ({ 'x-forwarded-for': `203.0.113.9, 198.51.${Math.floor(address / 250) + 100}.${(address++ % 250) + 1}` });

const ASSIGNEE = 'navigator-public-intake';

function formBody(overrides: { person?: Record<string, unknown>; referrer?: Record<string, unknown>; [key: string]: unknown } = {}) {
  const { person, referrer, ...rest } = overrides;
  return {
    person: {
      givenName: 'Rosalind',
      familyName: 'Achterberg',
      dateOfBirth: '1961-09-14',
      nhsNumber: freshNhsNumber(),
      postcode: 'LU3 1QT',
      phone: '07700 900456',
      email: 'rosalind@example.org',
      ...person,
    },
    referrer: { role: 'pharmacist', name: 'Priya Shah', organisation: 'High Town Pharmacy', email: 'priya@example.org', phone: '01582 000111', ...referrer },
    reasons: ['isolation', 'low mood'],
    consentToContact: true,
    ...rest,
  };
}

const send = (body: unknown, headers: Record<string, string> = fresh()) => t.call('POST', '/v1/public/referrals', { body, headers });
const unassigned = async () => (await t.call('GET', '/v1/referrals/unassigned?limit=100', { as: 'manager' })).body.items as any[];
const allPatients = async () => {
  const items: any[] = [];
  let cursor: string | undefined;
  do {
    const page = await t.call('GET', `/v1/patients?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { as: 'manager' });
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
};

beforeAll(async () => {
  t = await createTestApp({ now: '2026-05-06T09:00:00Z' });
  await addNavigator(t, ASSIGNEE);
});

describe('POST /v1/public/referrals', () => {
  it('needs no token, answers 202, and lands received with no navigator in the unassigned queue, oldest first', async () => {
    const first = formBody({ person: { givenName: 'Ivo', familyName: 'First' } });
    const res = await send(first);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'received', message: expect.stringContaining('received') });
    t.clock.advance('PT1M');
    expect((await send(formBody({ person: { givenName: 'Una', familyName: 'Second' } }))).status).toBe(202);

    const queue = await unassigned();
    const ivo = queue.findIndex((r) => r.patient?.familyName === 'First');
    const una = queue.findIndex((r) => r.patient?.familyName === 'Second');
    expect(ivo).toBeGreaterThanOrEqual(0);
    expect(una).toBeGreaterThan(ivo);
    const referral = queue[ivo];
    expect(referral).toMatchObject({
      status: 'received',
      source: 'pharmacist',
      channel: 'public_form',
      consentToContact: true,
      reasons: ['isolation', 'low mood'],
      referrer: { name: 'Priya Shah', organisation: 'High Town Pharmacy', email: 'priya@example.org', phone: '+441582000111' },
      snomedCode: '871731000000106',
    });
    expect(referral.navigator).toBeUndefined();

    const patient = await t.call('GET', `/v1/patients/${referral.patientId}`, { as: 'manager' });
    expect(patient.status).toBe(200);
    expect(patient.body).toMatchObject({ givenName: 'Ivo', familyName: 'First', phone: '+447700900456', postcode: 'LU3 1QT' });
    expect(patient.body.navigator).toBeUndefined();
    // No navigator sees an unassigned patient or its referral.
    expect((await t.call('GET', `/v1/patients/${referral.patientId}`, { as: 'navigator' })).status).toBe(404);
    const own = await t.call('GET', '/v1/referrals?limit=100', { as: 'navigator' });
    expect(own.body.items.some((r: any) => r.referralId === referral.referralId)).toBe(false);
  });

  it('a self-referral needs only the person, the role and the reasons', async () => {
    const res = await send({
      person: { givenName: 'Selma', familyName: 'Selfreferrer', dateOfBirth: '1990-01-31' },
      referrer: { role: 'self' },
      reasons: ['debt'],
      consentToContact: true,
    });
    expect(res.status).toBe(202);
    const mine = (await unassigned()).find((r) => r.patient?.familyName === 'Selfreferrer');
    expect(mine).toMatchObject({ source: 'self', reasons: ['debt'] });
    expect(mine.referrer).toBeUndefined();
  });

  const bad: [string, unknown, string][] = [
    ['no body fields', {}, 'person'],
    ['consent not given', formBody({ consentToContact: false }), 'consentToContact'],
    ['consent missing', { ...formBody(), consentToContact: undefined }, 'consentToContact'],
    ['an invalid NHS number', formBody({ person: { nhsNumber: '943 476 5910' } }), 'person.nhsNumber'],
    ['a date of birth that is not a date', formBody({ person: { dateOfBirth: '1961-02-30' } }), 'person.dateOfBirth'],
    ['a date of birth in the future', formBody({ person: { dateOfBirth: '2030-01-01' } }), 'person.dateOfBirth'],
    ['an empty given name', formBody({ person: { givenName: '  ' } }), 'person.givenName'],
    ['a name over 100 characters', formBody({ person: { familyName: 'x'.repeat(101) } }), 'person.familyName'],
    ['a control character in a name', formBody({ person: { givenName: 'Ro\u0007sa' } }), 'person.givenName'],
    ['a bad postcode', formBody({ person: { postcode: 'NOT A CODE' } }), 'person.postcode'],
    ['a bad phone number', formBody({ person: { phone: '12345' } }), 'person.phone'],
    ['a bad email', formBody({ person: { email: 'rosalind-at-example' } }), 'person.email'],
    ['an unknown referrer role', formBody({ referrer: { role: 'dentist' } }), 'referrer.role'],
    ['no referrer', { ...formBody(), referrer: undefined }, 'referrer'],
    ['a bad referrer email', formBody({ referrer: { email: 'nope' } }), 'referrer.email'],
    ['no reasons', formBody({ reasons: [] }), 'reasons'],
    ['eleven reasons', formBody({ reasons: Array.from({ length: 11 }, (_, i) => `r${i}`) }), 'reasons'],
    ['a reason over 40 characters', formBody({ reasons: ['x'.repeat(41)] }), 'reasons.0'],
    ['a field the form does not have', formBody({ notes: 'free text' }), ''],
    ['a field the person does not have', formBody({ person: { gpPractice: 'Somewhere' } }), 'person'],
    ['a honeypot over its limit', formBody({ website: 'x'.repeat(201) }), 'website'],
    ['reasons not a list', formBody({ reasons: 'isolation' }), 'reasons'],
  ];
  it.each(bad)('400 with field-level issues, nothing stored: %s', async (_what, body, path) => {
    const before = (await allPatients()).length;
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.issues.map((issue: any) => issue.path)).toContain(path);
    expect((await allPatients()).length).toBe(before);
  });

  it('a body that is not JSON is 400 or 415, and one over the size limit is 413, before anything is stored', async () => {
    const notJson = await t.call('POST', '/v1/public/referrals', { body: '{"person":', headers: fresh() });
    expect(notJson.status).toBe(400);
    const wrongType = await t.app.request('/v1/public/referrals', { method: 'POST', body: JSON.stringify(formBody()), headers: { 'content-type': 'text/plain', ...fresh() } });
    expect(wrongType.status).toBe(415);
    const huge = await send(formBody({ website: '', padding: 'x'.repeat(PUBLIC_REFERRAL_MAX_BYTES) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
  });

  it('a filled honeypot gets the same 202, and nothing is stored', async () => {
    const before = (await allPatients()).length;
    const queued = (await unassigned()).length;
    const res = await send(formBody({ person: { familyName: 'Robotic' }, website: 'http://spam.example' }));
    expect(res.status).toBe(202);
    expect(res.body).toEqual((await send(formBody())).body);
    expect((await allPatients()).length).toBe(before + 1); // only the second, genuine one
    expect((await unassigned()).length).toBe(queued + 1);
    expect((await unassigned()).some((r) => r.patient?.familyName === 'Robotic')).toBe(false);
  });

  it('a known NHS number with an open referral: the same 202, no second referral, the open one notes the repeat', async () => {
    const nhsNumber = freshNhsNumber();
    const staff = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: { nhsNumber, familyName: 'Known' } }) });
    expect(staff.status).toBe(201);
    const unknown = await send(formBody());
    const known = await send(formBody({ person: { nhsNumber, familyName: 'Someone-Else' } }));
    expect([known.status, known.body]).toEqual([unknown.status, unknown.body]);
    expect([...known.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());

    const episodes = await t.call('GET', `/v1/patients/${staff.body.patientId}/referrals`, { as: 'navigator' });
    expect(episodes.body.items).toHaveLength(1);
    expect(episodes.body.items[0].repeatedRequests).toEqual({ count: 1, lastAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    // The record is not changed by what the form said.
    expect((await t.call('GET', `/v1/patients/${staff.body.patientId}`, { as: 'navigator' })).body.familyName).toBe('Known');
    await send(formBody({ person: { nhsNumber } }));
    const again = await t.call('GET', `/v1/patients/${staff.body.patientId}/referrals`, { as: 'navigator' });
    expect(again.body.items[0].repeatedRequests.count).toBe(2);
  });

  it('a known person whose referral has ended: a new unassigned episode on their record, still the same 202', async () => {
    const nhsNumber = freshNhsNumber();
    const staff = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: { nhsNumber, familyName: 'Returning' } }) });
    expect((await t.call('POST', `/v1/referrals/${staff.body.referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } })).status).toBe(200);
    const res = await send(formBody({ person: { nhsNumber, familyName: 'Returning' } }));
    expect(res.status).toBe(202);
    const episodes = await t.call('GET', `/v1/patients/${staff.body.patientId}/referrals`, { as: 'navigator' });
    expect(episodes.body.items.map((r: any) => r.status)).toEqual(['received', 'declined']);
    expect(episodes.body.items[0].navigator).toBeUndefined();
    expect((await unassigned()).some((r) => r.referralId === episodes.body.items[0].referralId)).toBe(true);
    // The record stays in its navigator's caseload until someone is assigned.
    expect((await t.call('GET', `/v1/patients/${staff.body.patientId}`, { as: 'navigator' })).body.navigator).toBe('local-navigator');
  });

  it('without an NHS number, matched by name and date of birth like a staff referral: a repeat while one is open', async () => {
    const person = { givenName: 'Oona', familyName: 'Namesake', dateOfBirth: '1977-07-07', nhsNumber: undefined };
    expect((await send(formBody({ person }))).status).toBe(202);
    expect((await send(formBody({ person: { ...person, givenName: '  oona ' } }))).status).toBe(202);
    const hers = (await unassigned()).filter((r) => r.patient?.familyName === 'Namesake');
    expect(hers).toHaveLength(1);
    expect(hers[0].repeatedRequests.count).toBe(1);
  });

  it(`allows ${PUBLIC_REFERRAL_LIMIT.requests} forms per address per window, then 429 with Retry-After; another address is unaffected`, async () => {
    await t.call('POST', '/v1/dev/clock', { body: { now: '2026-05-07T10:00:00Z' } });
    const from = { 'x-forwarded-for': '192.0.2.44' };
    // Bad bodies count too (the limit is checked before the body is read), and keep this quick.
    for (let i = 0; i < PUBLIC_REFERRAL_LIMIT.requests; i++) expect((await send({}, from)).status).toBe(400);
    const refused = await send(formBody({ person: { familyName: 'Refused' } }), from);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await unassigned()).some((r) => r.patient?.familyName === 'Refused')).toBe(false);
    expect((await send(formBody(), { 'x-forwarded-for': '192.0.2.45' })).status).toBe(202);
    await t.call('POST', '/v1/dev/clock', { body: { advance: `PT${PUBLIC_REFERRAL_LIMIT.perSeconds}S` } });
    expect((await send(formBody(), from)).status).toBe(202);
  });

  it('nothing the form sends reaches a log line, whatever the answer', async () => {
    const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) => vi.spyOn(t.services.logger, level));
    const secrets = { givenName: 'Zebedee', familyName: 'Quillfeather', dateOfBirth: '1944-04-04', nhsNumber: freshNhsNumber(), postcode: 'LU4 9ZZ', phone: '07700 900987', email: 'zebedee@example.org' };
    const referrer = { role: 'gp', name: 'Dr Xanthe Marbleworth', organisation: 'Oakfield Surgery', email: 'xanthe@oakfield.example', phone: '01582 999888' };
    const reasons = ['bereavement-quillfeather'];
    await send({ person: secrets, referrer, reasons, consentToContact: true });
    await send({ person: secrets, referrer, reasons, consentToContact: true }); // a repeat
    await send({ person: secrets, referrer, reasons, consentToContact: true, website: 'spam-quillfeather' });
    await send({ person: { ...secrets, email: 'not-an-email-quillfeather' }, referrer, reasons, consentToContact: false });
    const logged = JSON.stringify(spies.flatMap((spy) => spy.mock.calls));
    spies.forEach((spy) => spy.mockRestore());
    expect(logged).toContain('receive_public_referral'); // the test can see the log lines it checks
    for (const value of [...Object.values(secrets), ...Object.values(referrer).filter((v) => v !== 'gp'), ...reasons, '900987', '9ZZ', 'spam-quillfeather']) {
      expect(logged, value).not.toContain(value);
    }
    expect(logged).not.toContain(secrets.nhsNumber.slice(0, 6));
  });
});

describe('POST /v1/referrals/{referralId}/assign', () => {
  async function queued(familyName: string) {
    expect((await send(formBody({ person: { familyName } }))).status).toBe(202);
    return (await unassigned()).find((r) => r.patient?.familyName === familyName)!;
  }

  it('a manager assigns an unassigned referral: it leaves the queue, and the patient joins the navigator’s caseload and triage list', async () => {
    const referral = await queued('Toassign');
    const res = await t.call('POST', `/v1/referrals/${referral.referralId}/assign`, { as: 'manager', body: { navigator: ASSIGNEE } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ referralId: referral.referralId, navigator: ASSIGNEE, status: 'received', assignedAt: expect.any(String) });
    expect((await unassigned()).some((r) => r.referralId === referral.referralId)).toBe(false);

    const token = await otherNavigatorToken(t, ASSIGNEE);
    const triage = await t.call('GET', '/v1/referrals?status=received&limit=100', { token });
    expect(triage.body.items.map((r: any) => r.referralId)).toContain(referral.referralId);
    const patient = await t.call('GET', `/v1/patients/${referral.patientId}`, { token });
    expect([patient.status, patient.body.navigator]).toEqual([200, ASSIGNEE]);
    const caseload = await t.call('GET', '/v1/patients?limit=100', { token });
    expect(caseload.body.items.map((p: any) => p.patientId)).toContain(referral.patientId);

    // Again to the same navigator: no change (a retry); to another: 409.
    expect((await t.call('POST', `/v1/referrals/${referral.referralId}/assign`, { as: 'admin', body: { navigator: ASSIGNEE } })).status).toBe(200);
    await addNavigator(t, 'navigator-second');
    const other = await t.call('POST', `/v1/referrals/${referral.referralId}/assign`, { as: 'manager', body: { navigator: 'navigator-second' } });
    expect([other.status, other.body.error.code]).toEqual([409, 'referral_assigned']);
  });

  it('assigning a returning person’s new episode moves their record, with its history, to the navigator', async () => {
    const nhsNumber = freshNhsNumber();
    const staff = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: { nhsNumber, familyName: 'Mover' } }) });
    await t.call('POST', `/v1/referrals/${staff.body.referralId}/decline`, { as: 'navigator', body: { reason: 'moved_away' } });
    await send(formBody({ person: { nhsNumber } }));
    const episode = (await unassigned()).find((r) => r.patientId === staff.body.patientId)!;
    expect((await t.call('POST', `/v1/referrals/${episode.referralId}/assign`, { as: 'manager', body: { navigator: ASSIGNEE } })).status).toBe(200);
    const token = await otherNavigatorToken(t, ASSIGNEE);
    const episodes = await t.call('GET', `/v1/patients/${staff.body.patientId}/referrals`, { token });
    expect(episodes.body.items.map((r: any) => [r.status, r.navigator])).toEqual([
      ['received', ASSIGNEE],
      ['declined', ASSIGNEE],
    ]);
    expect((await t.call('GET', `/v1/patients/${staff.body.patientId}`, { as: 'navigator' })).status).toBe(404);
  });

  it('404 for an unknown referral or a navigator who is not an enabled navigator; 400 for a bad body or id', async () => {
    const referral = await queued('Notfound');
    const noReferral = await t.call('POST', '/v1/referrals/01JD0000000000000000000000/assign', { as: 'manager', body: { navigator: ASSIGNEE } });
    expect(noReferral.status).toBe(404);
    const noNavigator = await t.call('POST', `/v1/referrals/${referral.referralId}/assign`, { as: 'manager', body: { navigator: 'nobody-at-all' } });
    expect(noNavigator.status).toBe(404);
    expect((await t.call('POST', `/v1/referrals/${referral.referralId}/assign`, { as: 'manager', body: {} })).body.error.issues[0].path).toBe('navigator');
    expect((await t.call('POST', `/v1/referrals/${referral.referralId}/assign`, { as: 'manager', body: { navigator: '' } })).status).toBe(400);
    expect((await t.call('POST', '/v1/referrals/not-an-id/assign', { as: 'manager', body: { navigator: ASSIGNEE } })).status).toBe(400);
    // Nothing moved.
    expect((await unassigned()).some((r) => r.referralId === referral.referralId)).toBe(true);
  });

  it('navigators and providers may not assign or read the queue; anonymous callers are 401', async () => {
    const referral = await queued('Forbidden');
    expect((await t.call('POST', `/v1/referrals/${referral.referralId}/assign`, { as: 'navigator', body: { navigator: ASSIGNEE } })).status).toBe(403);
    expect((await t.call('GET', '/v1/referrals/unassigned', { as: 'navigator' })).status).toBe(403);
    expect((await t.call('POST', `/v1/referrals/${referral.referralId}/assign`, { body: { navigator: ASSIGNEE } })).status).toBe(401);
  });

  it('a prescription for a patient still unassigned is 409 patient_unassigned (no navigator to follow it up)', async () => {
    const referral = await queued('Unassignedrx');
    const { activityIds } = await makeActivities(t);
    const res = await t.call('POST', '/v1/prescriptions', {
      as: 'admin',
      body: { patientId: referral.patientId, startDate: londonDate(t.clock.now()), goals: ['walk'], activityIds },
    });
    expect([res.status, res.body.error?.code]).toEqual([409, 'patient_unassigned']);
  });
});

describe('the audit trail of the public form (decision 82)', () => {
  const entriesOf = async (patientId: string) => {
    const res = await t.call('GET', `/v1/patients/${patientId}/audit?limit=100`, { as: 'admin' });
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };
  const formEntries = async () => {
    const res = await t.call('GET', `/v1/audit?actor=public_form&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&limit=100`, { as: 'admin' });
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };
  /** The writes a request sent: its transactions and single puts (the rate limit's counter apart). */
  async function writesOf(work: () => Promise<unknown>) {
    const spy = vi.spyOn(t.db.client, 'send');
    await work();
    const commands = spy.mock.calls.map(([command]) => command as any);
    spy.mockRestore();
    const transactions = commands.filter((command) => command instanceof TransactWriteCommand);
    const auditPuts = commands.filter((command) => command instanceof PutCommand && command.input.Item?.type === 'auditEntry');
    return { transactions, auditPuts };
  }
  const carriesEntry = (transaction: TransactWriteCommand) =>
    transaction.input.TransactItems!.some((item) => item.Put?.Item?.type === 'auditEntry' && item.Put.Item.action === 'receive_public_referral');

  const person = { givenName: 'Ottoline', familyName: 'Vandersteen', dateOfBirth: '1958-03-21', postcode: 'LU2 7QQ', phone: '07700 900321', email: 'ottoline@example.org' };
  const referrer = { role: 'gp', name: 'Dr Wilhelmina Cartwright', organisation: 'Stopsley Surgery', email: 'wilhelmina@stopsley.example', phone: '01582 777666' };
  const noPersonalData = (entries: unknown[], nhsNumber: string) => {
    const text = JSON.stringify(entries);
    for (const value of [...Object.values(person), ...Object.values(referrer).filter((v) => v !== 'gp'), nhsNumber, nhsNumber.slice(0, 6), '900321', 'Cartwright', 'Stopsley']) {
      expect(text, value).not.toContain(value);
    }
  };

  it('a new person: one entry under actor public_form, role public, in the referral’s own transaction, ids only', async () => {
    const nhsNumber = freshNhsNumber();
    const { transactions, auditPuts } = await writesOf(async () =>
      expect((await send({ person: { ...person, nhsNumber }, referrer, reasons: ['isolation'], consentToContact: true })).status).toBe(202),
    );
    expect(auditPuts).toHaveLength(0);
    expect(transactions).toHaveLength(1);
    expect(carriesEntry(transactions[0]!)).toBe(true);

    const referral = (await unassigned()).find((r) => r.patient?.familyName === 'Vandersteen')!;
    const entries = (await entriesOf(referral.patientId)).filter((e) => e.action === 'receive_public_referral');
    expect(entries).toEqual([
      {
        entryId: expect.any(String),
        at: expect.stringMatching(/^2026-05-07T/),
        actor: 'public_form',
        role: 'public',
        action: 'receive_public_referral',
        patientId: referral.patientId,
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        refs: { result: 'new_patient', referralId: referral.referralId },
        records: expect.arrayContaining(['PATIENT', `REFERRAL#${referral.referralId}`]),
      },
    ]);
    noPersonalData(entries, nhsNumber);
    const byActor = (await formEntries()).filter((e) => e.patientId === referral.patientId);
    expect(byActor.map((e) => e.entryId)).toEqual([entries[0].entryId]);
  });

  it('a known person: the repeat and the new episode are each one entry in their own write, and the 202 is the same', async () => {
    const nhsNumber = freshNhsNumber();
    const staff = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: { nhsNumber, familyName: 'Knownperson' } }) });
    expect(staff.status).toBe(201);
    const patientId = staff.body.patientId as string;

    const unknownAnswer = await send(formBody());
    let repeatAnswer: any;
    const repeat = await writesOf(async () => {
      repeatAnswer = await send({ person: { ...person, nhsNumber }, referrer, reasons: ['debt'], consentToContact: true });
    });
    expect([repeatAnswer.status, repeatAnswer.body]).toEqual([unknownAnswer.status, unknownAnswer.body]);
    expect(repeat.auditPuts).toHaveLength(0);
    expect(repeat.transactions).toHaveLength(1);
    expect(carriesEntry(repeat.transactions[0]!)).toBe(true);

    expect((await t.call('POST', `/v1/referrals/${staff.body.referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } })).status).toBe(200);
    t.clock.advance('PT1M');
    const episode = await writesOf(async () => expect((await send({ person: { ...person, nhsNumber }, referrer, reasons: ['debt'], consentToContact: true })).status).toBe(202));
    expect(episode.auditPuts).toHaveLength(0);
    expect(episode.transactions).toHaveLength(1);
    expect(carriesEntry(episode.transactions[0]!)).toBe(true);

    const entries = (await entriesOf(patientId)).filter((e) => e.actor === 'public_form');
    const newEpisode = (await t.call('GET', `/v1/patients/${patientId}/referrals`, { as: 'manager' })).body.items[0];
    expect(entries.map((e) => [e.action, e.role, e.refs])).toEqual([
      ['receive_public_referral', 'public', { result: 'new_episode', referralId: newEpisode.referralId }],
      ['receive_public_referral', 'public', { result: 'repeat', referralId: staff.body.referralId }],
    ]);
    noPersonalData(entries, nhsNumber);
    // Both are in the form's own list too, with the patient they were about.
    const byActor = (await formEntries()).filter((e) => e.patientId === patientId);
    expect(byActor.map((e) => e.refs.result)).toEqual(['new_episode', 'repeat']);
  });

  it('a filled honeypot or a bad body keeps nothing, so writes no entry', async () => {
    const before = (await formEntries()).length;
    expect((await send(formBody({ website: 'http://spam.example' }))).status).toBe(202);
    expect((await send(formBody({ consentToContact: false }))).status).toBe(400);
    expect((await formEntries()).length).toBe(before);
  });

  it('assigning writes its own entry, under the manager who assigned, in the assignment’s transaction', async () => {
    expect((await send(formBody({ person: { familyName: 'Auditassign' } }))).status).toBe(202);
    const referral = (await unassigned()).find((r) => r.patient?.familyName === 'Auditassign')!;
    const { transactions } = await writesOf(async () =>
      expect((await t.call('POST', `/v1/referrals/${referral.referralId}/assign`, { as: 'manager', body: { navigator: ASSIGNEE } })).status).toBe(200),
    );
    expect(transactions).toHaveLength(1);
    expect(transactions[0]!.input.TransactItems!.some((item: any) => item.Put?.Item?.action === 'assign_referral')).toBe(true);
    const entries = await entriesOf(referral.patientId);
    expect(entries.map((e) => [e.action, e.actor, e.role])).toEqual(
      expect.arrayContaining([
        ['assign_referral', 'local-manager', 'manager'],
        ['receive_public_referral', 'public_form', 'public'],
      ]),
    );
    expect(entries.find((e) => e.action === 'assign_referral').refs).toEqual({ referralId: referral.referralId });
  });

  it('only admins read the form’s actor list; a bad actor is a 400', async () => {
    expect((await t.call('GET', '/v1/audit?actor=public_form', { as: 'manager' })).status).toBe(403);
    const bad = await t.call('GET', '/v1/audit?actor=public%20form', { as: 'admin' });
    expect([bad.status, bad.body.error.issues[0].path]).toEqual([400, 'actor']);
  });
});
