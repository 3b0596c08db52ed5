import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, referPatient } from '../../support/fixtures';

/**
 * Scans over HTTP against DynamoDB Local: every answer, every bad input, idempotency and
 * concurrency. The clock is 10:00 GMT on Wednesday 4 March 2026; prescriptions start Monday 2 March.
 */
let t: TestApp;
let provider: { providerId: string; venueId: string; activityIds: string[] };
let other: { providerId: string; venueId: string; activityIds: string[] };
let providerToken: string;
let cardSeq = 0;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-04T10:00:00Z' });
  provider = await makeActivities(t, { categories: ['physical', 'social'] });
  other = await makeActivities(t, { categories: ['advice'] });
  providerToken = (await t.issuer.mint({ role: 'provider', providerId: provider.providerId, sub: 'door-device-1' }, t.clock.now())).token;
});

/** A patient with a prescription of the provider's first activity, and a card; returns the card id. */
async function patientWithCard(options: { prescribe?: boolean; activityIds?: string[]; startDate?: string } = {}) {
  const patientId = await referPatient(t);
  await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
  let prescriptionId: string | undefined;
  if (options.prescribe !== false) {
    const res = await t.call('POST', '/v1/prescriptions', {
      as: 'navigator',
      body: { patientId, startDate: options.startDate ?? '2026-03-02', goals: ['g'], activityIds: options.activityIds ?? [provider.activityIds[0]] },
    });
    expect(res.status).toBe(201);
    prescriptionId = res.body.prescriptionId;
  }
  const cardId = `SCANTEST-${String(++cardSeq).padStart(4, '0')}`;
  // The card was handed over at the first meeting, a fortnight ago: scans of the past days are after it.
  const now = t.clock.now().toISOString();
  await t.call('POST', '/v1/dev/clock', { body: { now: '2026-02-18T10:00:00Z' } });
  const token = (await t.issuer.mint({ role: 'navigator' }, t.clock.now())).token;
  const issued = await t.call('POST', '/v1/cards', { token, body: { cardId, patientId } });
  await t.call('POST', '/v1/dev/clock', { body: { now } });
  expect(issued.status).toBe(201);
  return { patientId, prescriptionId, cardId };
}

const scanBody = (cardId: string, overrides: Record<string, unknown> = {}) => ({
  scanId: randomUUID(),
  cardId,
  venueId: provider.venueId,
  activityId: provider.activityIds[0],
  scannedAt: t.clock.now().toISOString(),
  ...overrides,
});

const scan = (body: unknown, token = providerToken) => t.call('POST', '/v1/scans', { token, body });
const sessions = async (prescriptionId: string) =>
  (await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' })).body.sessionsAttended as number;

describe('POST /v1/scans', () => {
  it('accepts: 201 with the counts the door needs and nothing about who the person is', async () => {
    const { cardId, prescriptionId, patientId } = await patientWithCard();
    const res = await scan(scanBody(cardId.toLowerCase()));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      status: 'accepted',
      scanId: expect.any(String),
      sessionsAttended: 1,
      weeksRemaining: 11,
      activityName: 'A physical activity',
      category: 'physical',
      onPrescription: true,
    });
    const text = JSON.stringify(res.body);
    for (const secret of [patientId, 'Margaret', 'Okafor', '1948-06-02', 'LU2 7HA', '7700', prescriptionId!]) expect(text).not.toContain(secret);
    expect(await sessions(prescriptionId!)).toBe(1);
  });

  it('a retry with the same scanId is a 200 duplicate with the same counts, counted once', async () => {
    const { cardId, prescriptionId } = await patientWithCard();
    const body = scanBody(cardId);
    const first = await scan(body);
    const again = await scan(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, status: 'duplicate' });
    expect(await sessions(prescriptionId!)).toBe(1);
  });

  it('a second scan of the same person at the same activity on the same London day is a duplicate; another activity counts', async () => {
    const { cardId, prescriptionId } = await patientWithCard();
    expect((await scan(scanBody(cardId))).status).toBe(201);
    const sameDay = await scan(scanBody(cardId, { scannedAt: new Date(t.clock.now().getTime() + 60_000).toISOString() }));
    expect(sameDay.status).toBe(200);
    expect(sameDay.body).toMatchObject({ status: 'duplicate', sessionsAttended: 1 });
    const elsewhere = await scan(scanBody(cardId, { activityId: provider.activityIds[1] }));
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body).toMatchObject({ sessionsAttended: 2, onPrescription: false, category: 'social' });
    const yesterday = await scan(scanBody(cardId, { scannedAt: '2026-03-03T18:00:00Z' }));
    expect(yesterday.body).toMatchObject({ status: 'accepted', sessionsAttended: 3 });
    expect(await sessions(prescriptionId!)).toBe(3);
  });

  it('20 identical requests at once record one attendance: one 201, nineteen 200, no 5xx', async () => {
    const { cardId, prescriptionId } = await patientWithCard();
    const body = scanBody(cardId);
    const results = await Promise.all(Array.from({ length: 20 }, () => scan(body)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(18).fill(200), 201].sort());
    expect(results.every((r) => r.body.sessionsAttended === 1)).toBe(true);
    expect(await sessions(prescriptionId!)).toBe(1);
  });

  it('20 different scanIds for the same person and activity at once also count once', async () => {
    const { cardId, prescriptionId } = await patientWithCard();
    const results = await Promise.all(Array.from({ length: 20 }, () => scan(scanBody(cardId))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    expect(await sessions(prescriptionId!)).toBe(1);
  });

  it('a scan without an activity counts at the venue, not on the prescription', async () => {
    const { cardId } = await patientWithCard();
    const res = await scan(scanBody(cardId, { activityId: undefined }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ onPrescription: false, sessionsAttended: 1 });
    expect(res.body).not.toHaveProperty('activityName');
  });

  describe('422 rejections, each with its reason and a message for the door, and nothing counted', () => {
    it('unknown_card', async () => {
      const res = await scan(scanBody('NEVER-ISSUED-1'));
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ status: 'rejected', reason: 'unknown_card', error: { code: 'unknown_card' } });
      expect(res.body.message).toMatch(/navigator/);
    });

    it('card_revoked, saying why', async () => {
      const { cardId, prescriptionId } = await patientWithCard();
      await t.call('POST', `/v1/cards/${cardId}/revoke`, { as: 'navigator', body: { reason: 'lost' } });
      const res = await scan(scanBody(cardId));
      expect(res.body).toMatchObject({ status: 'rejected', reason: 'card_revoked' });
      expect(res.body.message).toMatch(/reported lost/);
      expect(await sessions(prescriptionId!)).toBe(0);
    });

    it('a scan made before the card was revoked, synced later, still counts', async () => {
      const { cardId, prescriptionId } = await patientWithCard();
      const madeEarlier = scanBody(cardId, { scannedAt: new Date(t.clock.now().getTime() - 60_000).toISOString() });
      await t.call('POST', `/v1/cards/${cardId}/revoke`, { as: 'navigator', body: { reason: 'stolen' } });
      expect((await scan(madeEarlier)).status).toBe(201);
      expect(await sessions(prescriptionId!)).toBe(1);
    });

    it('no_active_prescription: none, paused, withdrawn, or the day outside its dates', async () => {
      const none = await patientWithCard({ prescribe: false });
      expect((await scan(scanBody(none.cardId))).body.reason).toBe('no_active_prescription');

      const paused = await patientWithCard();
      await t.call('PATCH', `/v1/prescriptions/${paused.prescriptionId}`, { as: 'navigator', body: { status: 'paused' } });
      const pausedAnswer = (await scan(scanBody(paused.cardId))).body;
      expect(pausedAnswer.reason).toBe('no_active_prescription');
      // The door is told it is paused, not that there is none.
      expect(pausedAnswer.message).toMatch(/prescription is paused/);

      const withdrawn = await patientWithCard();
      await t.call('PATCH', `/v1/prescriptions/${withdrawn.prescriptionId}`, { as: 'navigator', body: { status: 'withdrawn' } });
      expect((await scan(scanBody(withdrawn.cardId))).body.reason).toBe('no_active_prescription');

      const future = await patientWithCard({ startDate: '2026-03-09' });
      const futureAnswer = (await scan(scanBody(future.cardId))).body;
      expect(futureAnswer.reason).toBe('no_active_prescription');
      expect(futureAnswer.message).toMatch(/has not started yet/);
      expect(await sessions(future.prescriptionId!)).toBe(0);
    });

    it('provider_not_accredited, judged when the scan arrives', async () => {
      const { cardId } = await patientWithCard();
      await t.call('PUT', `/v1/providers/${provider.providerId}/accreditation`, { as: 'manager', body: { status: 'suspended', validUntil: '2030-12-31' } });
      try {
        expect((await scan(scanBody(cardId))).body.reason).toBe('provider_not_accredited');
      } finally {
        await t.call('PUT', `/v1/providers/${provider.providerId}/accreditation`, { as: 'manager', body: { status: 'accredited', validUntil: '2030-12-31' } });
      }
    });

    it('venue_not_yours and activity_not_at_venue', async () => {
      const { cardId } = await patientWithCard();
      expect((await scan(scanBody(cardId, { venueId: other.venueId, activityId: undefined }))).body.reason).toBe('venue_not_yours');
      expect((await scan(scanBody(cardId, { venueId: '01J00000000000000000000000' }))).body.reason).toBe('venue_not_yours');
      expect((await scan(scanBody(cardId, { activityId: other.activityIds[0] }))).body.reason).toBe('activity_not_at_venue');
    });

    it("another provider learns nothing of an attendance: its own venue with the first provider's activity is refused, never a duplicate", async () => {
      const { cardId } = await patientWithCard();
      const attended = scanBody(cardId);
      expect((await scan(attended)).status).toBe(201);
      const otherToken = (await t.issuer.mint({ role: 'provider', providerId: other.providerId, sub: 'door-device-b' }, t.clock.now())).token;
      // The same card, the other provider's own venue, the first provider's activity, the same day.
      const probe = scanBody(cardId, { venueId: other.venueId, activityId: provider.activityIds[0] });
      const answer = await scan(probe, otherToken);
      expect(answer.status).toBe(422);
      expect(answer.body).toEqual({
        status: 'rejected',
        scanId: probe.scanId,
        reason: 'activity_not_at_venue',
        message: expect.any(String),
        error: { code: 'activity_not_at_venue', message: expect.any(String) },
      });
      // ...and the same answer as for a day the person did not attend, so the answer is no oracle.
      const notAttended = await scan({ ...probe, scanId: randomUUID(), activityId: provider.activityIds[1] }, otherToken);
      expect(notAttended.body.reason).toBe(answer.body.reason);
      // A retry of the first provider's own scanId from the other provider is refused the same way.
      const replay = await scan({ ...attended, venueId: other.venueId }, otherToken);
      expect(replay.status).toBe(422);
      expect(replay.body.reason).toBe('activity_not_at_venue');
    });

    it('a card scanned moments after issue by a door clock running slow counts; one scanned well before its issue is card_not_yet_issued, not revoked', async () => {
      const patientId = await referPatient(t);
      await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
      const prescription = await t.call('POST', '/v1/prescriptions', {
        as: 'navigator',
        body: { patientId, startDate: '2026-03-02', goals: ['g'], activityIds: [provider.activityIds[0]] },
      });
      const cardId = `SCANTEST-NEW-${++cardSeq}`;
      expect((await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId, patientId } })).status).toBe(201);
      const now = t.clock.now().getTime();
      const wellBefore = await scan(scanBody(cardId, { scannedAt: new Date(now - 10 * 60_000).toISOString() }));
      expect(wellBefore.status).toBe(422);
      expect(wellBefore.body.reason).toBe('card_not_yet_issued');
      expect(wellBefore.body.message).not.toMatch(/revoked|reported|handed back/);
      const slowClock = await scan(scanBody(cardId, { scannedAt: new Date(now - 90_000).toISOString() }));
      expect(slowClock.status).toBe(201);
      expect(await sessions(prescription.body.prescriptionId)).toBe(1);
    });

    it('scanned_at_out_of_range: a fast device clock, or older than 14 days', async () => {
      const { cardId } = await patientWithCard();
      const now = t.clock.now().getTime();
      expect((await scan(scanBody(cardId, { scannedAt: new Date(now + 6 * 60_000).toISOString() }))).body.reason).toBe('scanned_at_out_of_range');
      expect((await scan(scanBody(cardId, { scannedAt: new Date(now - 15 * 86_400_000).toISOString() }))).body.reason).toBe('scanned_at_out_of_range');
    });
  });

  describe('bad input is a 400 with field issues and records nothing', () => {
    it.each([
      [{ scanId: 'not-a-uuid' }, 'scanId'],
      [{ cardId: 'SHORT' }, 'cardId'],
      [{ cardId: 'HAS SPACE-123' }, 'cardId'],
      [{ venueId: 'x' }, 'venueId'],
      [{ activityId: 'x' }, 'activityId'],
      [{ scannedAt: 'yesterday' }, 'scannedAt'],
      [{ scannedAt: undefined }, 'scannedAt'],
    ])('%j at %s', async (overrides, path) => {
      const { cardId, prescriptionId } = await patientWithCard();
      const res = await scan(scanBody(cardId, overrides));
      expect(res.status).toBe(400);
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
      expect(await sessions(prescriptionId!)).toBe(0);
    });

    it('only a provider device may scan', async () => {
      const { cardId } = await patientWithCard();
      expect((await t.call('POST', '/v1/scans', { as: 'navigator', body: scanBody(cardId) })).status).toBe(403);
      expect((await t.call('POST', '/v1/scans', { body: scanBody(cardId) })).status).toBe(401);
    });
  });
});

describe('POST /v1/scans/batch', () => {
  it('answers each scan in order exactly as the single call would, a bad item on its own', async () => {
    const a = await patientWithCard();
    const b = await patientWithCard();
    const first = scanBody(a.cardId, { scannedAt: '2026-03-03T09:00:00Z' });
    const res = await t.call('POST', '/v1/scans/batch', {
      token: providerToken,
      body: {
        scans: [
          first,
          scanBody(b.cardId),
          { ...first }, // the same scanId again inside the batch
          { cardId: 'x' }, // invalid
          scanBody('NEVER-ISSUED-2'),
          scanBody(a.cardId), // a later day: counts again
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { httpStatus: number }) => r.httpStatus)).toEqual([201, 201, 200, 400, 422, 201]);
    expect(res.body.results[2].body).toMatchObject({ status: 'duplicate', sessionsAttended: 1 });
    expect(res.body.results[3].body.error.issues.map((i: { path: string }) => i.path)).toContain('scans.3.scanId');
    expect(res.body.results[4].body.reason).toBe('unknown_card');
    expect(res.body.results[5].body.sessionsAttended).toBe(2);
    expect(await sessions(a.prescriptionId!)).toBe(2);
    expect(await sessions(b.prescriptionId!)).toBe(1);
  });

  it('sending the same batch again records nothing more', async () => {
    const a = await patientWithCard();
    const scans = [scanBody(a.cardId, { scannedAt: '2026-03-02T10:00:00Z' }), scanBody(a.cardId, { scannedAt: '2026-03-03T10:00:00Z' })];
    await t.call('POST', '/v1/scans/batch', { token: providerToken, body: { scans } });
    const again = await t.call('POST', '/v1/scans/batch', { token: providerToken, body: { scans } });
    expect(again.body.results.map((r: { body: { status: string } }) => r.body.status)).toEqual(['duplicate', 'duplicate']);
    expect(await sessions(a.prescriptionId!)).toBe(2);
  });

  it.each([
    [{ scans: [] }, 'scans'],
    [{ scans: Array.from({ length: 101 }, () => ({})) }, 'scans'],
    [{}, 'scans'],
  ])('refuses %#: %s', async (body, path) => {
    const res = await t.call('POST', '/v1/scans/batch', { token: providerToken, body });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe(path);
  });
});

describe('GET /v1/providers/{id}/attendance', () => {
  it('counts a provider’s own sessions by day and activity, with no identities', async () => {
    const fresh = await makeActivities(t, { categories: ['physical'] });
    const token = (await t.issuer.mint({ role: 'provider', providerId: fresh.providerId }, t.clock.now())).token;
    const people = [await patientWithCard({ activityIds: fresh.activityIds }), await patientWithCard({ activityIds: fresh.activityIds })];
    for (const person of people) {
      for (const scannedAt of ['2026-03-02T10:00:00Z', '2026-03-03T10:00:00Z']) {
        await scan({ scanId: randomUUID(), cardId: person.cardId, venueId: fresh.venueId, activityId: fresh.activityIds[0], scannedAt }, token);
      }
    }
    const res = await t.call('GET', `/v1/providers/${fresh.providerId}/attendance?from=2026-03-01&to=2026-03-31`, { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 4 });
    expect(res.body.rows.map((r: { day: string; attendances: number; onPrescription: number }) => [r.day, r.attendances, r.onPrescription])).toEqual([
      ['2026-03-02', 2, 2],
      ['2026-03-03', 2, 2],
    ]);
    const text = JSON.stringify(res.body);
    for (const person of people) expect(text).not.toContain(person.patientId);
    expect(text).not.toContain('SCANTEST');
    const oneDay = await t.call('GET', `/v1/providers/${fresh.providerId}/attendance?from=2026-03-03&to=2026-03-03`, { as: 'manager' });
    expect(oneDay.body.total).toBe(2);
  });

  it.each([
    ['from=2026-03-10&to=2026-03-01', 'to'],
    ['from=2025-01-01&to=2026-03-01', 'to'],
    ['from=2026-02-30&to=2026-03-01', 'from'],
    ['to=2026-03-01', 'from'],
  ])('refuses %s', async (query, path) => {
    const res = await t.call('GET', `/v1/providers/${provider.providerId}/attendance?${query}`, { token: providerToken });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  it('another provider’s attendance is 403', async () => {
    const res = await t.call('GET', `/v1/providers/${other.providerId}/attendance?from=2026-03-01&to=2026-03-31`, { token: providerToken });
    expect(res.status).toBe(403);
  });
});
