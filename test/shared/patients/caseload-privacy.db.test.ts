import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, otherNavigatorToken, referPatient } from '../../support/fixtures';
import { londonDate } from '#shared/platform/london';

/**
 * Every patient-scoped route, asked by a navigator whose caseload the patient is not in,
 * answers exactly what it answers for a patient that does not exist — 404 — and writes nothing.
 * A new patient-scoped route belongs in this table.
 */
let t: TestApp;
let stranger: string;
let patientId: string;
let prescriptionId: string;
let referralId: string;
const cardId = 'PRIVACY-0001';
const unknownId = '01J00000000000000000000000';

beforeAll(async () => {
  t = await createTestApp();
  stranger = await otherNavigatorToken(t, 'navigator-stranger');
  const { activityIds } = await makeActivities(t);
  patientId = await referPatient(t, { patient: { givenName: 'Winifred', familyName: 'Ashdown', nhsNumber: '999 000 0018' } });
  referralId = (await t.call('GET', `/v1/patients/${patientId}/referrals`, { as: 'navigator' })).body.items[0].referralId;
  await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: { ...baselineBody, notes: 'Private remark about her son' } });
  const prescription = await t.call('POST', '/v1/prescriptions', {
    as: 'navigator',
    body: { patientId, startDate: londonDate(t.clock.now()), goals: ['g'], activityIds },
  });
  prescriptionId = prescription.body.prescriptionId;
  await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId, patientId } });
});

const ROUTES: {
  method: string;
  path: (ids: { patient: string; prescription: string; card: string; referral: string }) => string;
  body?: (patient: string) => unknown;
}[] = [
  { method: 'GET', path: (i) => `/v1/patients/${i.patient}` },
  { method: 'PATCH', path: (i) => `/v1/patients/${i.patient}`, body: () => ({ familyName: 'Changed' }) },
  { method: 'GET', path: (i) => `/v1/patients/${i.patient}/referrals` },
  { method: 'GET', path: (i) => `/v1/patients/${i.patient}/timeline` },
  { method: 'POST', path: (i) => `/v1/patients/${i.patient}/contacts`, body: () => ({ at: new Date().toISOString(), kind: 'phone', outcome: 'reached', note: 'n' }) },
  { method: 'POST', path: (i) => `/v1/referrals/${i.referral}/accept` },
  { method: 'POST', path: (i) => `/v1/referrals/${i.referral}/decline`, body: () => ({ reason: 'not_interested' }) },
  { method: 'POST', path: (i) => `/v1/referrals/${i.referral}/close`, body: () => ({ reason: 'completed' }) },
  { method: 'GET', path: (i) => `/v1/patients/${i.patient}/assessments` },
  { method: 'POST', path: (i) => `/v1/patients/${i.patient}/assessments`, body: () => baselineBody },
  { method: 'GET', path: (i) => `/v1/patients/${i.patient}/prescriptions` },
  { method: 'POST', path: () => '/v1/prescriptions', body: (patient) => ({ patientId: patient, startDate: '2026-11-23', goals: ['g'], activityIds: [unknownId] }) },
  { method: 'GET', path: (i) => `/v1/prescriptions/${i.prescription}` },
  { method: 'PATCH', path: (i) => `/v1/prescriptions/${i.prescription}`, body: () => ({ status: 'withdrawn' }) },
  { method: 'GET', path: (i) => `/v1/patients/${i.patient}/cards` },
  { method: 'POST', path: () => '/v1/cards', body: (patient) => ({ cardId: 'PRIVACY-0002', patientId: patient }) },
  { method: 'GET', path: (i) => `/v1/cards/${i.card}` },
  { method: 'POST', path: (i) => `/v1/cards/${i.card}/revoke`, body: () => ({ reason: 'lost' }) },
];

describe.each(ROUTES)('$method', (route) => {
  it(`${route.path({ patient: '{patientId}', prescription: '{prescriptionId}', card: '{cardId}', referral: '{referralId}' })}: outside the caseload is the same 404 as unknown`, async () => {
    const theirs = await t.call(route.method, route.path({ patient: patientId, prescription: prescriptionId, card: cardId, referral: referralId }), {
      token: stranger,
      ...(route.body ? { body: route.body(patientId) } : {}),
    });
    const unknown = await t.call(route.method, route.path({ patient: unknownId, prescription: unknownId, card: 'NO-SUCH-CARD', referral: unknownId }), {
      token: stranger,
      ...(route.body ? { body: route.body(unknownId) } : {}),
    });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(unknown.body);
    expect(JSON.stringify(theirs.body)).not.toMatch(/Winifred|Ashdown|9990000018/);
  });
});

describe('after all those attempts', () => {
  it('nothing changed for the patient, and no log line carried their name, NHS number or notes', async () => {
    const info = vi.spyOn(t.services.logger, 'info');
    const patient = await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' });
    expect(patient.body).toMatchObject({ activeCardId: cardId, currentPrescriptionId: prescriptionId });
    expect((await t.call('GET', `/v1/patients/${patientId}/assessments`, { as: 'navigator' })).body.items).toHaveLength(1);
    expect((await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' })).body.status).toBe('active');
    expect((await t.call('GET', `/v1/patients/${patientId}/cards`, { as: 'navigator' })).body.items).toHaveLength(1);
    expect(patient.body.familyName).toBe('Ashdown');
    const referrals = (await t.call('GET', `/v1/patients/${patientId}/referrals`, { as: 'navigator' })).body.items;
    expect(referrals.map((r: { status: string }) => r.status)).toEqual(['prescribed']);
    const timeline = (await t.call('GET', `/v1/patients/${patientId}/timeline?limit=100`, { as: 'navigator' })).body.items;
    expect(timeline.filter((entry: { type: string }) => entry.type === 'contact')).toEqual([]);
    expect(JSON.stringify(info.mock.calls)).not.toMatch(/Winifred|Ashdown|9990000018|Private remark/);
    info.mockRestore();
  });
});
