import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PatientStore } from '#shared/patients/store';
import { keys } from '#shared/platform/keys';
import { createTestApp, type TestApp } from '../../support/app';
import { otherNavigatorToken, referPatient } from '../../support/fixtures';

/** Consent: three decisions per patient, each with when and who (PUT /v1/patients/{id}/consents/{purpose}). */
let t: TestApp;
const unknownId = '01J00000000000000000000000';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
});

const put = (patientId: string, purpose: string, body: unknown, options: { token?: string; as?: 'navigator' | 'manager' | 'admin' | 'provider' } = {}) =>
  t.call('PUT', `/v1/patients/${patientId}/consents/${purpose}`, { ...(options.token ? { token: options.token } : { as: options.as ?? 'navigator' }), body });
/** An instant the clock reads within a second of `at` (the dev clock keeps running). */
const near = (at: Date) => expect.toSatisfy((value: string) => Math.abs(Date.parse(value) - at.getTime()) < 2000);
const read = async (patientId: string) => (await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body;

describe('PUT /v1/patients/{patientId}/consents/{purpose}', () => {
  it('records each purpose with when and who; the patient view carries all three', async () => {
    const patientId = await referPatient(t);
    expect((await read(patientId)).consents).toBeUndefined();

    const first = await put(patientId, 'evaluation', { given: false });
    expect(first.status, first.text).toBe(200);
    const start = t.clock.now();
    expect(first.body.consents).toEqual({ evaluation: { given: false, recordedAt: near(start), recordedBy: 'local-navigator' } });

    t.clock.advance('PT5M');
    const later = t.clock.now();
    await put(patientId, 'gp_summary', { given: true });
    const admin = await put(patientId, 'share_attendance', { given: true }, { as: 'admin' });
    expect(admin.status).toBe(200);
    const after = await read(patientId);
    expect(after.consents).toEqual({
      evaluation: { given: false, recordedAt: first.body.consents.evaluation.recordedAt, recordedBy: 'local-navigator' },
      gpSummary: { given: true, recordedAt: near(later), recordedBy: 'local-navigator' },
      shareAttendance: { given: true, recordedAt: near(later), recordedBy: 'local-admin' },
    });
    expect(admin.body).toEqual(after);
  });

  it('the same answer again keeps its date; a different answer replaces it', async () => {
    const patientId = await referPatient(t);
    const first = await put(patientId, 'gp_summary', { given: true });
    t.clock.advance('PT1H');
    const again = await put(patientId, 'gp_summary', { given: true });
    expect(again.body.consents.gpSummary).toEqual(first.body.consents.gpSummary);
    t.clock.advance('PT1H');
    const changed = await put(patientId, 'gp_summary', { given: false });
    expect(changed.body.consents.gpSummary).toEqual({ given: false, recordedAt: near(t.clock.now()), recordedBy: 'local-navigator' });
  });

  it('two purposes set at once both land: each writes its own path', async () => {
    const patientId = await referPatient(t);
    const answers = await Promise.all([
      put(patientId, 'share_attendance', { given: true }),
      put(patientId, 'gp_summary', { given: false }),
      put(patientId, 'evaluation', { given: true }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const { consents } = await read(patientId);
    expect(Object.keys(consents).sort()).toEqual(['evaluation', 'gpSummary', 'shareAttendance']);
    expect([consents.shareAttendance.given, consents.gpSummary.given, consents.evaluation.given]).toEqual([true, false, true]);
  });

  it.each([
    ['evaluation', {}, 'given'],
    ['evaluation', { given: 'yes' }, 'given'],
    ['evaluation', { given: null }, 'given'],
    ['evaluation', { given: 1 }, 'given'],
    ['marketing', { given: true }, 'purpose'],
    ['gpSummary', { given: true }, 'purpose'],
  ])('%s with %j is a 400 at %s and records nothing', async (purpose, body, path) => {
    const patientId = await referPatient(t);
    const res = await put(patientId, purpose, body);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect((await read(patientId)).consents).toBeUndefined();
  });

  it('a body that is not JSON is a 400', async () => {
    const patientId = await referPatient(t);
    const res = await t.call('PUT', `/v1/patients/${patientId}/consents/evaluation`, { as: 'navigator', body: 'given=true' });
    expect(res.status).toBe(400);
  });

  it('an unknown patient and someone else’s are the same 404; managers and providers may not (403)', async () => {
    const other = await otherNavigatorToken(t, 'navigator-consent');
    const patientId = await referPatient(t, { token: other });
    expect((await put(unknownId, 'evaluation', { given: true })).status).toBe(404);
    const elsewhere = await put(patientId, 'evaluation', { given: true });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe((await put(unknownId, 'evaluation', { given: true })).body.error.code);
    expect((await put(patientId, 'evaluation', { given: true }, { as: 'manager' })).status).toBe(403);
    expect((await put(patientId, 'evaluation', { given: true }, { as: 'provider' })).status).toBe(403);
    expect((await put('not-an-id', 'evaluation', { given: true })).status).toBe(400);
    const own = await put(patientId, 'evaluation', { given: true }, { token: other });
    expect(own.status).toBe(200);
  });

  it('the write is conditioned on the caseload: a move between the read and the write is not overwritten', async () => {
    const patientId = await referPatient(t);
    // The patient moves to another caseload after the service read them.
    const original = PatientStore.prototype.getPatient;
    const spy = vi.spyOn(PatientStore.prototype, 'getPatient').mockImplementation(async function (this: PatientStore, id: string) {
      const found = await original.call(this, id);
      await t.db.client.send(
        new UpdateCommand({
          TableName: t.db.tableName,
          Key: keys.patient(id),
          UpdateExpression: 'SET navigator = :other',
          ExpressionAttributeValues: { ':other': 'navigator-moved' },
        }),
      );
      return found;
    });
    try {
      // The first write fails its caseload condition; read again, the patient is no longer theirs.
      const res = await put(patientId, 'evaluation', { given: false });
      expect(res.status).toBe(404);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
    const item = await t.db.client.send(new GetCommand({ TableName: t.db.tableName, Key: keys.patient(patientId), ConsistentRead: true }));
    expect(item.Item?.navigator).toBe('navigator-moved');
    expect(item.Item?.consents).toBeUndefined();
  });

  it('the audit line names the purpose and the answer, and nothing personal', async () => {
    const patientId = await referPatient(t, { patient: { givenName: 'Consuela', familyName: 'Auditworthy' } });
    const info = vi.spyOn(t.services.logger, 'info');
    try {
      await put(patientId, 'gp_summary', { given: true });
      // The audit trail is entries in the table now (decision 82).
      const entries = (await t.call('GET', `/v1/patients/${patientId}/audit`, { as: 'admin' })).body.items as { action: string }[];
      const audit = entries.find((entry) => entry.action === 'set_consent');
      expect(audit).toMatchObject({ actor: 'local-navigator', patientId, refs: expect.objectContaining({ purpose: 'gp_summary', given: 'true' }) });
      expect(JSON.stringify(entries)).not.toMatch(/Consuela|Auditworthy/);
      expect(JSON.stringify(info.mock.calls)).not.toMatch(/Consuela|Auditworthy/);
    } finally {
      info.mockRestore();
    }
  });
});
