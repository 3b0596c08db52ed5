import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createPatientBackfill } from '#shared/app/backfill';
import { PatientBackfill } from '#shared/patients/backfill';
import { SUMMARY_FIELDS } from '#shared/patients/caseload';
import { PatientStore } from '#shared/patients/store';
import { keys } from '#shared/platform/keys';
import { londonDate } from '#shared/platform/london';
import { PrescriptionStore } from '#shared/prescriptions/store';
import { parseBackfillArgs, runBackfill, UsageError } from '#local/backfill';
import { createTestApp, type TestApp } from '../../support/app';
import { diffSnapshots, isEmptyDiff, tableSnapshot } from '../../support/table-snapshot';
import { freshNhsNumber, makeActivities, referralBody } from '../../support/fixtures';

/**
 * The backfill of v1 patients (decision 92) against DynamoDB Local: patients written by today's
 * code are made v1-shaped (no identity registration, no caseload summary), the backfill restores
 * exactly what the live writes had written, re-referral matching and the caseload filters work
 * again, a second run and a dry run write nothing, and a live write racing it is not overwritten.
 */
let t: TestApp;
let activityIds: string[];

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  ({ activityIds } = await makeActivities(t));
});

const get = async (key: { PK: string; SK: string }) => (await t.db.client.send(new GetCommand({ TableName: t.db.tableName, Key: key, ConsistentRead: true }))).Item;
const summaryFields = (item: Record<string, unknown> | undefined) => Object.fromEntries(SUMMARY_FIELDS.filter((f) => item?.[f] !== undefined).map((f) => [f, item![f]]));

/** Makes a patient as v1 wrote them: no identity item, no `identityHash`, no summary. Returns what the live writes had. */
async function toV1(patientId: string) {
  const before = (await get(keys.patient(patientId)))!;
  const identityHash = before.identityHash as string;
  const identity = await get(keys.patientIdentity(identityHash));
  const others = [...((identity?.patientIds as Set<string> | undefined) ?? [])].filter((id) => id !== patientId);
  if (others.length === 0) await t.db.client.send(new DeleteCommand({ TableName: t.db.tableName, Key: keys.patientIdentity(identityHash) }));
  else
    await t.db.client.send(
      new UpdateCommand({ TableName: t.db.tableName, Key: keys.patientIdentity(identityHash), UpdateExpression: 'DELETE patientIds :p', ExpressionAttributeValues: { ':p': new Set([patientId]) } }),
    );
  await t.db.client.send(
    new UpdateCommand({
      TableName: t.db.tableName,
      Key: keys.patient(patientId),
      UpdateExpression: `REMOVE identityHash, ${SUMMARY_FIELDS.join(', ')}`,
    }),
  );
  return { identityHash, summary: summaryFields(before) };
}

async function refer(patient: Record<string, unknown>) {
  const res = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient }) });
  expect(res.status).toBe(201);
  return { patientId: res.body.patientId as string, referralId: res.body.referralId as string };
}
const contact = async (patientId: string, at: string, outcome = 'reached') =>
  expect((await t.call('POST', `/v1/patients/${patientId}/contacts`, { as: 'navigator', body: { at, kind: 'phone', outcome } })).status).toBe(201);
const prescribe = async (patientId: string) => {
  const res = await t.call('POST', '/v1/prescriptions', { as: 'navigator', body: { patientId, startDate: londonDate(t.clock.now()), goals: ['walk'], activityIds } });
  expect(res.status).toBe(201);
  return res.body.prescriptionId as string;
};
const caseload = async (query: string) => {
  const res = await t.call('GET', `/v1/patients?limit=100&${query}`, { as: 'navigator' });
  expect(res.status).toBe(200);
  return res.body.items as { patientId: string; summary: Record<string, unknown> }[];
};

// The patients of the file, made first and then turned v1.
const people: Record<string, { patientId: string; referralId: string; live: { identityHash: string; summary: Record<string, unknown> } }> = {};

describe('the backfill of v1 patients', () => {
  it('sets up: patients in every shape the summary has, then made v1-shaped', async () => {
    // Without an NHS number, a contact that reached them: accepted.
    const noNumber = await refer({ givenName: 'Wilfreda', familyName: 'Backfillson', dateOfBirth: '1951-08-08', nhsNumber: undefined });
    t.clock.advance('P1D');
    await contact(noNumber.patientId, t.clock.now().toISOString(), 'no_answer');
    t.clock.advance('PT2H');
    await contact(noNumber.patientId, t.clock.now().toISOString());
    // A prescription under way.
    const prescribed = await refer({ familyName: 'Prescribedv1', nhsNumber: freshNhsNumber() });
    await prescribe(prescribed.patientId);
    // A closed episode with a prescription, then a new episode: no current prescription.
    const nhsNumber = freshNhsNumber();
    const returning = await refer({ familyName: 'Returnerv1', nhsNumber });
    await prescribe(returning.patientId);
    expect((await t.call('POST', `/v1/referrals/${returning.referralId}/close`, { as: 'navigator', body: { reason: 'completed' } })).status).toBe(200);
    t.clock.advance('P2D');
    const again = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: { familyName: 'Returnerv1', nhsNumber } }) });
    expect([again.status, again.body.rereferral?.matchedBy]).toEqual([201, 'nhs_number']);

    for (const [name, made] of Object.entries({ noNumber, prescribed, returning })) people[name] = { ...made, live: await toV1(made.patientId) };
    expect(people.noNumber!.live.summary).toMatchObject({ referralStatus: 'accepted', lastContactAt: expect.any(String) });
    expect(people.prescribed!.live.summary).toMatchObject({ referralStatus: 'prescribed', prescriptionStatus: 'active' });
    expect(people.returning!.live.summary).toEqual({ referralStatus: 'received', referralReceivedAt: expect.any(String) });
    // v1-shaped: no identity, no summary, and the caseload cannot tell their state.
    expect(await get(keys.patientIdentity(people.noNumber!.live.identityHash))).toBeUndefined();
    expect((await caseload('stage=prescribed')).map((row) => row.patientId)).not.toContain(people.prescribed!.patientId);
  });

  it('a dry run counts what it would write and writes nothing', async () => {
    const before = await tableSnapshot(t.db);
    const lines: string[] = [];
    const counts = await runBackfill(t.db, { ...parseBackfillArgs(['--endpoint', inject('dynamoEndpoint'), '--table', t.db.tableName, '--dry-run']) }, (line) => lines.push(line));
    expect(counts).toMatchObject({ identities: 3, summaries: 3, changed: 0 });
    expect(counts.patients).toBe(counts.unchanged + 3);
    expect(lines.at(-1)).toMatch(/^Dry run \(nothing written\): \d+ patients read; 3 would be registered/);
    expect(isEmptyDiff(diffSnapshots(before, await tableSnapshot(t.db)))).toBe(true);
  });

  it('writes back exactly what the live writes had written: the identity and the summary', async () => {
    const counts = await createPatientBackfill(t.db).runAll(3, { pageSize: 7 });
    const total = counts.reduce((sum, r) => ({ identities: sum.identities + r.counts.identities, summaries: sum.summaries + r.counts.summaries }), { identities: 0, summaries: 0 });
    expect(total).toEqual({ identities: 3, summaries: 3 });
    for (const { patientId, live } of Object.values(people)) {
      const item = await get(keys.patient(patientId));
      expect(item?.identityHash).toBe(live.identityHash);
      expect(summaryFields(item)).toEqual(live.summary);
      expect([...((await get(keys.patientIdentity(live.identityHash)))?.patientIds as Set<string>)]).toContain(patientId);
    }
  });

  it('re-referral by name and date of birth finds the backfilled patient again, and the caseload filters see their state', async () => {
    const res = await t.call('POST', '/v1/referrals', {
      as: 'navigator',
      body: referralBody({ patient: { givenName: ' wilfreda', familyName: 'BACKFILLSON', dateOfBirth: '1951-08-08', nhsNumber: undefined } }),
    });
    expect([res.status, res.body.error?.code]).toEqual([409, 'patient_has_open_referral']);
    expect(res.body.error.message).toContain(people.noNumber!.referralId);

    expect((await caseload('stage=prescribed')).map((row) => row.patientId)).toContain(people.prescribed!.patientId);
    expect((await caseload('stage=accepted')).map((row) => row.patientId)).toContain(people.noNumber!.patientId);
    const received = await caseload('stage=received');
    expect(received.find((row) => row.patientId === people.returning!.patientId)?.summary).toEqual({
      referralStatus: 'received',
      referralReceivedAt: people.returning!.live.summary.referralReceivedAt,
      daysWaiting: 0,
    });
    const prescribed = (await caseload('q=Prescribedv1'))[0]!;
    expect(prescribed.summary).toMatchObject({ prescription: { status: 'active', week: 1 }, followUp: { state: 'scheduled' } });
  });

  it('a second run writes nothing (idempotent)', async () => {
    const before = await tableSnapshot(t.db);
    const [result] = await createPatientBackfill(t.db).runAll(1);
    expect(result!.counts).toMatchObject({ identities: 0, summaries: 0, changed: 0 });
    expect(result!.counts.unchanged).toBe(result!.counts.patients);
    expect(isEmptyDiff(diffSnapshots(before, await tableSnapshot(t.db)))).toBe(true);
  });

  it('an item written the v1 way (raw, old status name): registered, and its summary in today’s names', async () => {
    const patientId = '01JD0000000000000000V1PAT1';
    const referralId = '01JD0000000000000000V1REF1';
    const store = new PatientStore(t.db);
    const patient = { patientId, givenName: 'Old', familyName: 'Shapev1', dateOfBirth: '1940-01-01', navigator: 'local-navigator', openReferralId: referralId, createdAt: '2025-01-01T09:00:00.000Z' };
    const referral = { referralId, patientId, status: 'assessed', source: 'gp', reasons: ['isolation'], navigator: 'local-navigator', snomedCode: '871731000000106', createdAt: '2025-01-01T09:00:00.000Z' };
    await t.db.client.send(new PutCommand({ TableName: t.db.tableName, Item: store.patientItem(patient as never) }));
    await t.db.client.send(new PutCommand({ TableName: t.db.tableName, Item: store.referralItem(referral as never) }));
    const [result] = await createPatientBackfill(t.db).runAll(1);
    expect(result!.counts).toMatchObject({ identities: 1, summaries: 1, failed: 0 });
    expect(summaryFields(await get(keys.patient(patientId)))).toEqual({ referralStatus: 'accepted', referralReceivedAt: '2025-01-01T09:00:00.000Z' });
  });

  it('a live write between its read and its write is not overwritten: the write fails its condition and is decided again', async () => {
    const made = await refer({ familyName: 'Racingv1', nhsNumber: freshNhsNumber() });
    await toV1(made.patientId);
    const patients = new PatientStore(t.db);
    let raced = false;
    const lateContact = '2026-03-05T12:00:00.000Z';
    // Between the backfill's read of the record and its write, the navigator logs a contact (which sets lastContactAt live).
    const racing = Object.assign(Object.create(patients) as PatientStore, {
      contacts: async (patientId: string) => {
        const read = await patients.contacts(patientId);
        if (patientId === made.patientId && !raced) {
          raced = true;
          await contact(made.patientId, lateContact);
        }
        return read;
      },
    });
    const backfill = new PatientBackfill({ db: t.db, patients: racing, prescriptions: new PrescriptionStore(t.db) });
    const [result] = await backfill.runAll(1);
    expect(raced).toBe(true);
    expect(result!.counts.changed).toBe(0);
    // Decided again from the record as it then was: the contact (and the acceptance it made) are in the summary.
    expect(summaryFields(await get(keys.patient(made.patientId)))).toMatchObject({ referralStatus: 'accepted', lastContactAt: lateContact });
  });

  it('stops when told and resumes from its token; a token it did not issue is refused', async () => {
    for (const name of ['Resumeone', 'Resumetwo']) await toV1((await refer({ familyName: name, nhsNumber: freshNhsNumber() })).patientId);
    const backfill = createPatientBackfill(t.db);
    const first = await backfill.runSegment({ segment: 0, segments: 1 }, { pageSize: 1, shouldStop: () => true });
    expect(first.resume).toEqual(expect.any(String));
    expect(Buffer.from(first.resume!, 'base64url').toString()).not.toMatch(/Resume|NHSNUMBER/);
    let rest = await backfill.runSegment({ resume: first.resume! }, { pageSize: 5 });
    const written = first.counts.summaries + rest.counts.summaries;
    while (rest.resume) rest = await backfill.runSegment({ resume: rest.resume });
    expect(written).toBe(2);
    await expect(backfill.runSegment({ resume: 'bogus' })).rejects.toThrow(/resume token/);
    await expect(backfill.runSegment({ segment: 2, segments: 2 })).rejects.toThrow(/segment/);
  });
});

describe('npm run backfill: its arguments', () => {
  it('defaults to the local data folder and table; --aws needs a table', () => {
    expect(parseBackfillArgs([], {})).toEqual({ target: { kind: 'data-dir', dataDir: '.data' }, table: 'waymark', dryRun: false, segments: 1, resume: [], pageSize: 200 });
    expect(parseBackfillArgs(['--aws', '--table', 'Waymark-Table-1', '--region', 'eu-west-2', '--segments', '4', '--segment', '3'], {})).toMatchObject({
      target: { kind: 'aws', region: 'eu-west-2' },
      table: 'Waymark-Table-1',
      segments: 4,
      segment: 3,
    });
  });
  const bad: [string, string[]][] = [
    ['two targets', ['--aws', '--endpoint', 'http://localhost:8000']],
    ['--aws without a table', ['--aws']],
    ['a region without --aws', ['--region', 'eu-west-2']],
    ['a bad endpoint', ['--endpoint', 'localhost:8000']],
    ['a segment past the segments', ['--segments', '2', '--segment', '2']],
    ['zero segments', ['--segments', '0']],
    ['a resume with a segment', ['--resume', 'x', '--segment', '0']],
    ['an unknown option', ['--force']],
    ['a bad table name', ['--table', 'a b']],
  ];
  it.each(bad)('refuses %s', (_what, argv) => {
    expect(() => parseBackfillArgs(argv, {})).toThrow(UsageError);
  });
});
