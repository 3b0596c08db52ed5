import { beforeAll, describe, expect, it } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import { londonDate } from '#shared/platform/london';
import { DEMO_NAVIGATOR, DEMO_PATIENTS, DEMO_PROVIDERS, seedDemo } from '#local/seed';
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
    expect((await t.call('GET', '/v1/patients?limit=100', { token })).body.items).toHaveLength(DEMO_PATIENTS.length);
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

  it('gives the demo navigator thirteen patients at every stage, each with a card', async () => {
    const patients = (await t.call('GET', '/v1/patients?limit=100', { as: 'navigator' })).body.items as {
      patientId: string;
      activeCardId?: string;
      currentPrescriptionId?: string;
    }[];
    expect(patients).toHaveLength(DEMO_PATIENTS.length);
    expect(patients.every((p) => p.activeCardId?.startsWith('LUTON-DEMO-'))).toBe(true);

    const referrals = (await t.call('GET', '/v1/referrals?limit=100', { as: 'navigator' })).body.items as { status: string }[];
    const byStatus = (status: string) => referrals.filter((r) => r.status === status).length;
    expect([byStatus('received'), byStatus('accepted'), byStatus('prescribed')]).toEqual([2, 1, 10]);

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
