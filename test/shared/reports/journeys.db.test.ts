import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { makeActivities, referPatient } from '../../support/fixtures';

/**
 * The programme report's referral outcomes, waiting times and take-up, and the outcomes CSV's
 * referral columns, through HTTP on DynamoDB Local (London on GMT throughout):
 *   P1 referred Mon 2 Mar; reached by phone Tue 3 Mar (1 day); prescription written then, starting
 *      Mon 9 Mar (7 days); first scanned Tue 10 Mar (8 days), again Tue 17 Mar.
 *   P2 referred Mon 2 Mar; declined (moved away).
 */
let t: TestApp;
let p1 = '';
let p1Referral = '';
const range = 'from=2026-03-01&to=2026-03-31';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  const a = await makeActivities(t, { categories: ['physical'], name: 'Journey Leisure' });
  p1 = await referPatient(t);
  const p2 = await referPatient(t);
  p1Referral = (await t.call('GET', `/v1/patients/${p1}/referrals`, { as: 'navigator' })).body.items[0].referralId;
  const p2Referral = (await t.call('GET', `/v1/patients/${p2}/referrals`, { as: 'navigator' })).body.items[0].referralId;
  expect((await t.call('POST', `/v1/referrals/${p2Referral}/decline`, { as: 'navigator', body: { reason: 'moved_away' } })).status).toBe(200);

  t.clock.set(new Date('2026-03-03T11:00:00Z'));
  const contact = await t.call('POST', `/v1/patients/${p1}/contacts`, { as: 'navigator', body: { at: t.clock.now().toISOString(), kind: 'phone', outcome: 'reached' } });
  expect(contact.body.referralAccepted).toBe(true);
  const prescription = await t.call('POST', '/v1/prescriptions', { as: 'navigator', body: { patientId: p1, startDate: '2026-03-09', goals: ['Swim'], activityIds: a.activityIds } });
  expect(prescription.status).toBe(201);
  expect((await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'JOURNEY-CARD-1', patientId: p1 } })).status).toBe(201);
  for (const day of ['2026-03-10T10:00:00Z', '2026-03-17T10:00:00Z']) {
    t.clock.set(new Date(day));
    const scan = await t.call('POST', '/v1/scans', {
      as: 'provider',
      providerId: a.providerId,
      body: { scanId: randomUUID(), cardId: 'JOURNEY-CARD-1', venueId: a.venueId, activityId: a.activityIds[0], scannedAt: t.clock.now().toISOString() },
    });
    expect(scan.status, scan.text).toBe(201);
  }
});

describe('GET /v1/reports/programme: referral journeys', () => {
  it('referral outcomes, waiting times in London days and take-up', async () => {
    const res = await t.call('GET', `/v1/reports/programme?${range}`, { as: 'manager' });
    expect(res.status).toBe(200);
    const { referralOutcomes, waitingTimes, takeUp, followUpCompletion, cohorts } = res.body;
    expect(referralOutcomes.byStatus).toEqual({ received: 0, accepted: 0, prescribed: 1, declined: 1, closed: 0 });
    expect(referralOutcomes.declinedByReason.moved_away).toBe(1);
    // 2 → 3 Mar: 1 day; 2 → 9 Mar: 7; 2 → 10 Mar (the first scan, not the second on the 17th): 8.
    expect(waitingTimes).toEqual({
      toFirstContact: { n: 1, medianDays: 1, p90Days: 1 },
      toPrescriptionStart: { n: 1, medianDays: 7, p90Days: 7 },
      toFirstAttendance: { n: 1, medianDays: 8, p90Days: 8 },
    });
    expect(takeUp).toEqual({ referralsWithPrescription: { n: 1, of: 2, share: 0.5 }, prescriptionsWithAttendance: { n: 1, of: 1, share: 1 } });
    expect(followUpCompletion).toEqual({ fallenDue: 0, completed: { n: 0, of: 0, share: null }, completedOnTime: { n: 0, of: 0, share: null } });
    expect(cohorts.waitingTimes).toMatch(/Referrals received in the period/);
  });

  it('a navigator’s report counts their caseload only', async () => {
    const other = (await t.issuer.mint({ role: 'navigator', sub: 'navigator-nobody' }, t.clock.now())).token;
    const res = await t.call('GET', `/v1/reports/programme?${range}`, { token: other });
    expect(res.status).toBe(200);
    expect(res.body.referralOutcomes.byStatus).toEqual({ received: 0, accepted: 0, prescribed: 0, declined: 0, closed: 0 });
    expect(res.body.waitingTimes.toFirstContact).toEqual({ n: 0, medianDays: null, p90Days: null });
  });
});

describe('GET /v1/reports/outcomes.csv: the referral’s outcome and reason', () => {
  const outcomeOf = async () => {
    const res = await t.call('GET', `/v1/reports/outcomes.csv?${range}`, { as: 'manager' });
    expect(res.status).toBe(200);
    const [header, ...lines] = res.text.trim().split('\n').map((line) => line.split(','));
    expect(lines).toHaveLength(1);
    const row = Object.fromEntries(header!.map((name, i) => [name, lines[0]![i]]));
    return [row.referral_outcome, row.referral_reason];
  };

  it('names the status of the prescription’s referral, then the coded reason it closed', async () => {
    expect(await outcomeOf()).toEqual(['prescribed', '']);
    const close = await t.call('POST', `/v1/referrals/${p1Referral}/close`, { as: 'navigator', body: { reason: 'other', note: 'NOTE-never exported' } });
    expect(close.status).toBe(200);
    expect(await outcomeOf()).toEqual(['closed', 'other']);
    const csv = (await t.call('GET', `/v1/reports/outcomes.csv?${range}`, { as: 'manager' })).text;
    expect(csv).not.toContain('NOTE-never exported');
  });
});
