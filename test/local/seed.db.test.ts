import { beforeAll, describe, expect, it } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import { londonDate } from '#shared/platform/london';
import { DEMO_DECLINED, DEMO_NAVIGATOR, DEMO_PATIENTS, DEMO_PROVIDERS, seedDemo } from '#local/seed';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
  expect(await seedDemo(t.services)).toBe('seeded');
});

describe('demo data', () => {
  it('has a team: two navigators (one the demo caseload’s), a manager, an admin and staff of two providers', async () => {
    const people = (await t.call('GET', '/v1/people?limit=100', { as: 'admin' })).body.items as { role: string; sub: string; providerId?: string; status: string }[];
    expect(people.map((p) => p.role).sort()).toEqual(['admin', 'manager', 'navigator', 'navigator', 'provider', 'provider']);
    expect(people.every((p) => p.status === 'enabled')).toBe(true);
    expect(people.find((p) => p.sub === DEMO_NAVIGATOR)?.role).toBe('navigator');
    expect(new Set(people.filter((p) => p.role === 'provider').map((p) => p.providerId)).size).toBe(2);
    // Signing in as the demo navigator person shows the demo caseload.
    const navigator = people.find((p) => p.sub === DEMO_NAVIGATOR) as unknown as { personId: string };
    const { token } = (await t.call('POST', '/v1/dev/tokens', { body: { personId: navigator.personId } })).body;
    // The thirteen, and the person whose referral was declined.
    expect((await t.call('GET', '/v1/patients?limit=100', { token })).body.items).toHaveLength(DEMO_PATIENTS.length + 1);
  });

  it('loads once: a second run changes nothing', async () => {
    expect(await seedDemo(t.services)).toBe('already-seeded');
    const providers = await t.call('GET', '/v1/providers?limit=100', { as: 'manager' });
    expect(providers.body.items).toHaveLength(DEMO_PROVIDERS.length);
  });

  it('has providers in all five areas, one suspended and one lapsed', async () => {
    const { items } = (await t.call('GET', '/v1/providers?limit=100', { as: 'manager' })).body as {
      items: { categories: string[]; accreditation: { status: string; currentlyAccredited: boolean } }[];
    };
    expect([...new Set(items.flatMap((p) => p.categories))].sort()).toEqual(['advice', 'physical', 'social', 'volunteering', 'wellbeing']);
    expect(items.map((p) => p.accreditation.status).sort()).toEqual(['accredited', 'accredited', 'accredited', 'accredited', 'accredited', 'lapsed', 'suspended']);
  });

  it('gives every venue its town and county, so the directory feed’s addresses are whole', async () => {
    const providers = (await t.call('GET', '/v1/providers?limit=100', { as: 'manager' })).body.items as { providerId: string }[];
    const venues = (await Promise.all(providers.map(async ({ providerId }) => (await t.call('GET', `/v1/providers/${providerId}/venues?limit=100`, { as: 'manager' })).body.items))).flat();
    expect(venues.length).toBeGreaterThan(0);
    for (const venue of venues) expect(venue, venue.name).toMatchObject({ town: 'Luton', county: 'Bedfordshire' });
  });

  it('gives the demo navigator thirteen patients at every stage, each with a card, and one declined before meeting', async () => {
    const patients = (await t.call('GET', '/v1/patients?limit=100', { as: 'navigator' })).body.items as {
      patientId: string;
      givenName: string;
      activeCardId?: string;
      currentPrescriptionId?: string;
    }[];
    expect(patients).toHaveLength(DEMO_PATIENTS.length + 1);
    const withCards = patients.filter((p) => p.givenName !== DEMO_DECLINED.patient.givenName);
    expect(withCards).toHaveLength(DEMO_PATIENTS.length);
    expect(withCards.every((p) => p.activeCardId?.startsWith('LUTON-DEMO-'))).toBe(true);

    // Every state of the lifecycle (Kwame has two episodes: one closed, one accepted).
    const referrals = (await t.call('GET', '/v1/referrals?limit=100', { as: 'navigator' })).body.items as { status: string }[];
    const byStatus = (status: string) => referrals.filter((r) => r.status === status).length;
    expect([byStatus('received'), byStatus('accepted'), byStatus('prescribed'), byStatus('declined'), byStatus('closed')]).toEqual([2, 2, 7, 1, 3]);

    const prescriptions = [];
    for (const patient of patients) {
      const list = await t.call('GET', `/v1/patients/${patient.patientId}/prescriptions`, { as: 'navigator' });
      prescriptions.push(...(list.body.items as { status: string; currentWeek?: number; endDate: string }[]));
    }
    const statuses = prescriptions.map((p) => p.status).sort();
    expect(statuses).toEqual(['active', 'active', 'active', 'active', 'active', 'completed', 'completed', 'completed', 'paused', 'withdrawn']);
    const weeks = prescriptions.filter((p) => p.status === 'active').map((p) => p.currentWeek ?? 'ended');
    expect(weeks.sort()).toEqual([11, 12, 2, 2, 'ended']);
  });

  it('has a past week of scans, recorded through the real scan path, visible to providers', async () => {
    const patients = (await t.call('GET', '/v1/patients?limit=100', { as: 'navigator' })).body.items as { patientId: string }[];
    let attended = 0;
    for (const patient of patients) {
      const list = await t.call('GET', `/v1/patients/${patient.patientId}/prescriptions`, { as: 'navigator' });
      for (const p of list.body.items as { status: string; sessionsAttended: number }[]) {
        if (p.status === 'paused' || p.status === 'withdrawn') expect(p.sessionsAttended).toBe(0);
        if (p.status === 'active') attended += p.sessionsAttended;
      }
    }
    expect(attended).toBeGreaterThanOrEqual(5);
    const providers = (await t.call('GET', '/v1/providers?limit=100', { as: 'manager' })).body.items as { providerId: string }[];
    let total = 0;
    for (const { providerId } of providers) {
      const res = await t.call('GET', `/v1/providers/${providerId}/attendance?from=2026-11-16&to=2026-11-22`, { as: 'manager' });
      total += res.body.total as number;
    }
    expect(total).toBe(attended);
  });

  it('gives the manager’s reports something to show: finished prescriptions with paired wellbeing, twelve weeks of their scans', async () => {
    const today = londonDate(t.clock.now());
    const yearAgo = Temporal.PlainDate.from(today).subtract({ days: 364 }).toString();
    const programme = await t.call('GET', `/v1/reports/programme?from=${yearAgo}&to=${today}`, { as: 'manager' });
    expect(programme.status).toBe(200);
    expect(programme.body.prescriptions).toMatchObject({ started: 10, active: 5, paused: 1, withdrawn: 1, completed: 3 });
    expect(programme.body.followUps.completed).toBe(3);
    // Margaret, Kwame and Helen: baseline and follow-up both recorded, every ONS4 item better.
    expect(programme.body.wellbeing.pairs).toBe(3);
    expect(programme.body.wellbeing.satisfied.meanChange).toBeCloseTo((3 + 3 + 1) / 3, 2);
    expect(programme.body.wellbeing.anxious.meanChange).toBeCloseTo((-2 - 3 - 1) / 3, 2);
    expect(programme.body.sessions.attendedAtLeastSix.n).toBeGreaterThanOrEqual(3);

    const attendance = await t.call('GET', `/v1/reports/attendance?from=${yearAgo}&to=${today}&groupBy=week`, { as: 'manager' });
    expect(attendance.body.rows.length).toBeGreaterThan(12);
    const csv = await t.call('GET', `/v1/reports/attendance.csv?from=${yearAgo}&to=${today}`, { as: 'manager' });
    expect(csv.text.trim().split('\n')).toHaveLength(attendance.body.total.attendances + 1);
  });
});

describe('the demo record is a plausible history', () => {
  it('every baseline was recorded before the prescription it is the baseline of started', async () => {
    const patients = await t.call('GET', '/v1/patients?limit=100', { as: 'admin' });
    let checked = 0;
    for (const patient of patients.body.items as { patientId: string }[]) {
      const [assessments, prescriptions] = await Promise.all([
        t.call('GET', `/v1/patients/${patient.patientId}/assessments`, { as: 'admin' }),
        t.call('GET', `/v1/patients/${patient.patientId}/prescriptions`, { as: 'admin' }),
      ]);
      const baselines = (assessments.body.items as { kind: string; recordedAt: string }[]).filter((a) => a.kind === 'baseline');
      for (const prescription of prescriptions.body.items as { startDate: string; hasBaseline: boolean }[]) {
        if (!prescription.hasBaseline) continue;
        expect(baselines.some((b) => londonDate(new Date(b.recordedAt)) <= prescription.startDate), JSON.stringify({ baselines, prescription })).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});

describe('the demo covers every state of the referral lifecycle', () => {
  type ListedReferral = { referralId: string; patientId: string; status: string; endReason?: string; declinedSnomedCode?: string; patient?: { givenName: string; familyName: string } };
  const nameOf = (r: ListedReferral) => `${r.patient?.givenName} ${r.patient?.familyName}`;
  const referralsIn = async (status: string) => (await t.call('GET', `/v1/referrals?status=${status}&limit=100`, { as: 'navigator' })).body.items as ListedReferral[];
  const patientNamed = async (givenName: string) => {
    const items = (await t.call('GET', '/v1/patients?limit=100', { as: 'navigator' })).body.items as { patientId: string; givenName: string }[];
    const found = items.find((p) => p.givenName === givenName);
    expect(found, givenName).toBeDefined();
    return found!.patientId;
  };
  const timelineOf = async (patientId: string) => {
    const res = await t.call('GET', `/v1/patients/${patientId}/timeline?limit=100`, { as: 'navigator' });
    expect(res.status).toBe(200);
    return res.body.items as { at: string; type: string; action: string; outcome?: string; reason?: string }[];
  };

  it('has a declined referral, with its reason and the SNOMED concept', async () => {
    const declined = await referralsIn('declined');
    expect(declined.map(nameOf)).toEqual(['Rose Whitfield']);
    expect(declined[0]).toMatchObject({ endReason: 'not_interested', declinedSnomedCode: '871711000000103' });
  });

  it('has referrals closed for two reasons besides the support being over', async () => {
    const closed = await referralsIn('closed');
    expect(closed.map((r) => `${nameOf(r)}: ${r.endReason}`).sort()).toEqual(['Kwame Mensah: completed', 'Margaret Doyle: completed', 'Samuel Clarke: moved_away']);
  });

  it('has a re-referred patient with two episodes: the first closed, the second accepted', async () => {
    const kwame = await patientNamed('Kwame');
    // The README's search finds him.
    expect((await t.call('GET', '/v1/patients?q=Kwame', { as: 'navigator' })).body.items.map((p: { patientId: string }) => p.patientId)).toEqual([kwame]);
    const episodes = await t.call('GET', `/v1/patients/${kwame}/referrals`, { as: 'navigator' });
    expect(episodes.status).toBe(200);
    const items = episodes.body.items as { status: string; createdAt: string; endedAt?: string; acceptedAt?: string }[];
    expect(items.map((r) => r.status)).toEqual(['accepted', 'closed']);
    const [second, first] = items as [(typeof items)[0], (typeof items)[0]];
    // The second episode began after the first ended, and was accepted after it began.
    expect(first.endedAt! < second.createdAt).toBe(true);
    expect(second.createdAt < second.acceptedAt!).toBe(true);
  });

  it('has contacts: a did-not-attend, unanswered calls and messages, and calls that reached people', async () => {
    const outcomes = async (givenName: string) =>
      (await timelineOf(await patientNamed(givenName))).filter((e) => e.type === 'contact').map((e) => e.outcome).sort();
    expect(await outcomes('Grace')).toEqual(['did_not_attend', 'reached']);
    expect(await outcomes('Ian')).toEqual(['no_answer']);
    expect(await outcomes('Rose')).toEqual(['left_message', 'no_answer', 'reached']);
  });

  it('has consent decisions for every purpose, a no among them', async () => {
    const consentsOf = async (givenName: string) => (await t.call('GET', `/v1/patients/${await patientNamed(givenName)}`, { as: 'navigator' })).body.consents;
    expect(await consentsOf('Margaret')).toMatchObject({ gpSummary: { given: true }, evaluation: { given: true } });
    expect(await consentsOf('Helen')).toMatchObject({ gpSummary: { given: true }, evaluation: { given: true } });
    expect(await consentsOf('Samuel')).toMatchObject({ evaluation: { given: false } });
    expect(await consentsOf('Grace')).toMatchObject({ shareAttendance: { given: true } });
  });

  it('has public referrals waiting in the unassigned triage queue', async () => {
    const unassigned = await t.call('GET', '/v1/referrals/unassigned?limit=100', { as: 'manager' });
    expect(unassigned.status).toBe(200);
    const items = unassigned.body.items as { channel?: string; status: string }[];
    expect(items).toHaveLength(2);
    expect(items.every((r) => r.channel === 'public_form' && r.status === 'received')).toBe(true);
  });

  it('dates each patient’s history plausibly: nothing before their first referral, nothing after now', async () => {
    const patients = (await t.call('GET', '/v1/patients?limit=100', { as: 'navigator' })).body.items as { patientId: string }[];
    const now = t.clock.now().toISOString();
    let checked = 0;
    for (const { patientId } of patients) {
      const entries = await timelineOf(patientId);
      const received = entries.filter((e) => e.type === 'referral' && e.action === 'received').map((e) => e.at).sort();
      expect(received.length).toBeGreaterThanOrEqual(1);
      // Follow-ups are scheduled into the future; everything else has happened.
      for (const entry of entries.filter((e) => e.type !== 'follow_up')) {
        expect(entry.at >= received[0]! && entry.at <= now, JSON.stringify({ entry, received: received[0] })).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});
