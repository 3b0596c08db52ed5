import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { pseudonymFor } from '#shared/reports/pseudonym';
import { createTestApp, type TestApp } from '../../support/app';
import { makeActivities, referPatient } from '../../support/fixtures';

/**
 * Who the evaluator CSVs leave out: people who declined evaluation (a recorded no). Three people
 * with a prescription and one attendance each — one said yes, one said no, one was never asked —
 * and a fourth who said no, then yes. The programme report counts everyone.
 */
let t: TestApp;
const people: Record<'yes' | 'no' | 'unasked' | 'changedMind', string> = { yes: '', no: '', unasked: '', changedMind: '' };
const key = { programmeId: 'test-programme', secret: 'test-secret' };
const range = 'from=2026-03-01&to=2026-03-31';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z', pseudonymKey: key });
  const a = await makeActivities(t, { categories: ['physical'], name: 'Consent Leisure' });
  for (const [index, who] of (['yes', 'no', 'unasked', 'changedMind'] as const).entries()) {
    const patientId = await referPatient(t);
    people[who] = patientId;
    const prescription = await t.call('POST', '/v1/prescriptions', {
      as: 'navigator',
      body: { patientId, startDate: '2026-03-02', goals: ['Walk more'], activityIds: a.activityIds },
    });
    expect(prescription.status).toBe(201);
    const cardId = `CONSENT-CARD-${index}`;
    expect((await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId, patientId } })).status).toBe(201);
    const scan = await t.call('POST', '/v1/scans', {
      as: 'provider',
      providerId: a.providerId,
      body: { scanId: randomUUID(), cardId, venueId: a.venueId, activityId: a.activityIds[0], scannedAt: t.clock.now().toISOString() },
    });
    expect(scan.status).toBe(201);
  }
  const consent = (patientId: string, given: boolean) =>
    t.call('PUT', `/v1/patients/${patientId}/consents/evaluation`, { as: 'navigator', body: { given } });
  expect((await consent(people.yes, true)).status).toBe(200);
  expect((await consent(people.no, false)).status).toBe(200);
  expect((await consent(people.changedMind, false)).status).toBe(200);
  expect((await consent(people.changedMind, true)).status).toBe(200);
  // Other purposes say nothing about evaluation.
  expect((await t.call('PUT', `/v1/patients/${people.unasked}/consents/gp_summary`, { as: 'navigator', body: { given: false } })).status).toBe(200);
});

const pseudonym = (patientId: string) => pseudonymFor(key, 'patient', patientId);
const patientColumn = (csv: string) => {
  const [header, ...lines] = csv.trim().split('\n');
  const at = header!.split(',').indexOf('patient');
  return lines.map((line) => line.split(',')[at]);
};

describe('the evaluator CSVs leave out people who declined evaluation', () => {
  it.each(['attendance.csv', 'outcomes.csv'])('%s: rows for yes, never asked and a no changed to yes; none for a no', async (file) => {
    const res = await t.call('GET', `/v1/reports/${file}?${range}`, { as: 'manager' });
    expect(res.status).toBe(200);
    const rows = patientColumn(res.text);
    expect(rows.sort()).toEqual([people.yes, people.unasked, people.changedMind].map(pseudonym).sort());
    expect(rows).not.toContain(pseudonym(people.no));
  });

  it('a no recorded later takes the person out of the next export', async () => {
    const before = patientColumn((await t.call('GET', `/v1/reports/outcomes.csv?${range}`, { as: 'manager' })).text);
    expect(before).toContain(pseudonym(people.unasked));
    expect((await t.call('PUT', `/v1/patients/${people.unasked}/consents/evaluation`, { as: 'navigator', body: { given: false } })).status).toBe(200);
    const after = patientColumn((await t.call('GET', `/v1/reports/outcomes.csv?${range}`, { as: 'manager' })).text);
    expect(after).not.toContain(pseudonym(people.unasked));
    expect(after).toHaveLength(before.length - 1);
    // Put back as it was for the other tests: asked again, they agreed.
    expect((await t.call('PUT', `/v1/patients/${people.unasked}/consents/evaluation`, { as: 'navigator', body: { given: true } })).status).toBe(200);
  });

  it('the programme report still counts everyone, in aggregate counts only', async () => {
    const res = await t.call('GET', `/v1/reports/programme?${range}`, { as: 'manager' });
    expect(res.status).toBe(200);
    expect(res.body.referrals.total).toBe(4);
    expect(res.body.prescriptions.started).toBe(4);
    expect(res.body.sessions.attendedAtLeastOne.n).toBe(4);
  });
});
