import { ScanCommand, TransactWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, referralBody, referPatient } from '../../support/fixtures';

/**
 * The audit trail (decision 82): every read or change of a patient's record writes an entry in the
 * table — in the change's own transaction when there is one — and managers and admins read it back
 * by patient, admins by actor and time.
 */
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-01T10:00:00Z' });
});

afterEach(() => vi.restoreAllMocks());

type Entry = { entryId: string; at: string; actor: string; role: string; action: string; patientId?: string; requestId: string; refs?: Record<string, unknown>; records?: string[] };

async function trail(patientId: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | undefined;
  do {
    const res = await t.call('GET', `/v1/patients/${patientId}/audit?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { as: 'admin' });
    expect(res.status).toBe(200);
    entries.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  // The reads of the trail itself are entries too; leave them out of what the tests compare.
  return entries.filter((entry) => entry.action !== 'read_audit');
}

describe('entries of reads and changes', () => {
  it('records who, role, action, patient, when and the request id, newest first', async () => {
    const referral = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody() });
    expect(referral.status).toBe(201);
    const patientId = referral.body.patientId as string;
    const read = await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' });
    expect(read.status).toBe(200);

    const entries = await trail(patientId);
    expect(entries.map((entry) => entry.action)).toEqual(['read_patient', 'create_referral']);
    const [readEntry, created] = entries;
    expect(readEntry).toMatchObject({ actor: 'local-navigator', role: 'navigator', patientId, requestId: read.headers.get('x-request-id') });
    expect(created).toMatchObject({
      actor: 'local-navigator',
      role: 'navigator',
      patientId,
      requestId: referral.headers.get('x-request-id'),
      records: expect.arrayContaining(['PATIENT', `REFERRAL#${referral.body.referralId}`]),
    });
    expect(created!.at).toMatch(/^2026-04-01T10:00/);
    expect(readEntry!.requestId).not.toBe(created!.requestId);
  });

  it('writes the entry of a change inside its transaction: one TransactWriteItems, no write of its own', async () => {
    const patientId = await referPatient(t);
    const send = vi.spyOn(t.db.client, 'send');
    const res = await t.call('PATCH', `/v1/patients/${patientId}`, { as: 'navigator', body: { postcode: 'LU1 1AA' } });
    expect(res.status).toBe(200);
    const writes = send.mock.calls.map(([command]) => command).filter((command) => command instanceof TransactWriteCommand || command instanceof PutCommand);
    expect(writes).toHaveLength(1);
    const items = (writes[0] as TransactWriteCommand).input.TransactItems!;
    expect(items.at(-1)!.Put!.Item).toMatchObject({ type: 'auditEntry', action: 'change_patient', patientId, refs: { fields: 'postcode' } });
    expect((await trail(patientId))[0]).toMatchObject({ action: 'change_patient', records: ['PATIENT'] });
  });

  it('a rejected change writes no entry; an accepted one exactly one', async () => {
    const patientId = await referPatient(t);
    const other = await referPatient(t);
    expect((await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'AUDITCARD01', patientId } })).status).toBe(201);
    // The same card again, for someone else: 409, and the transaction that would have carried the entry never committed.
    expect((await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'AUDITCARD01', patientId: other } })).status).toBe(409);
    expect((await trail(patientId)).filter((entry) => entry.action === 'issue_card')).toHaveLength(1);
    expect((await trail(other)).filter((entry) => entry.action === 'issue_card')).toHaveLength(0);
    // A patient outside the caseload: 404, and nothing written for the change.
    const elsewhere = (await t.issuer.mint({ role: 'navigator', sub: 'navigator-elsewhere' }, t.clock.now())).token;
    expect((await t.call('PATCH', `/v1/patients/${other}`, { token: elsewhere, body: { postcode: 'LU1 1AA' } })).status).toBe(404);
    expect((await trail(other)).filter((entry) => entry.action === 'change_patient')).toHaveLength(0);
  });

  it('an amendment names the assessment and the revision it replaced; the replaced answers stay retrievable', async () => {
    const patientId = await referPatient(t);
    const recorded = await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
    const assessmentId = recorded.body.assessmentId as string;
    const amended = await t.call('POST', `/v1/patients/${patientId}/assessments/${assessmentId}/amendments`, {
      as: 'navigator',
      body: { reason: 'Typed the wrong way round', ons4: { satisfied: 4, worthwhile: 5, happy: 7, anxious: 3 } },
    });
    expect(amended.status).toBe(200);
    const entry = (await trail(patientId)).find((e) => e.action === 'amend_assessment');
    expect(entry).toMatchObject({ refs: { assessmentId, replacedRevision: 0, revision: 1 }, records: [`ASSESSMENT#${assessmentId}`] });
    expect(JSON.stringify(entry)).not.toContain('wrong way round');
    const listed = await t.call('GET', `/v1/patients/${patientId}/assessments`, { as: 'manager' });
    expect(listed.body.items[0].amendments[0].previous.ons4).toEqual(baselineBody.ons4);
    // A stale amendment (a conflict) writes no entry.
    expect((await trail(patientId)).filter((e) => e.action === 'amend_assessment')).toHaveLength(1);
  });

  it('changes found by another id (a card, a referral) find their patient from the transaction', async () => {
    const patientId = await referPatient(t);
    expect((await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'AUDITCARD02', patientId } })).status).toBe(201);
    expect((await t.call('POST', '/v1/cards/AUDITCARD02/revoke', { as: 'navigator', body: { reason: 'lost' } })).status).toBe(200);
    expect((await t.call('GET', '/v1/cards/AUDITCARD02', { as: 'navigator' })).status).toBe(200);
    const actions = (await trail(patientId)).map((entry) => entry.action);
    expect(actions.slice(0, 3)).toEqual(['read_cards', 'revoke_card', 'issue_card']);
    expect((await trail(patientId)).find((e) => e.action === 'revoke_card')!.refs).toEqual({ cardId: 'AUDITCARD02', reason: 'lost' });
  });
});

describe('GET /v1/patients/{patientId}/audit', () => {
  it('pages newest first with the project cursor; a forged cursor is a 400', async () => {
    const patientId = await referPatient(t);
    for (let i = 0; i < 4; i++) expect((await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).status).toBe(200);
    const seen: Entry[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await t.call('GET', `/v1/patients/${patientId}/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: 'manager' });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    // 1 referral + 4 reads, plus the earlier pages' own read_audit entries (written after each page).
    const ids = seen.map((entry) => entry.entryId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort().reverse()).toEqual(ids);
    expect(seen.filter((entry) => entry.action === 'read_patient')).toHaveLength(4);
    expect(seen.at(-1)!.action).toBe('create_referral');

    const forged = await t.call('GET', `/v1/patients/${patientId}/audit?cursor=bm90LWEtdWxpZA`, { as: 'manager' });
    expect(forged.status).toBe(400);
    expect(forged.body.error.issues[0]).toMatchObject({ path: 'cursor', code: 'invalid_cursor' });
  });

  it('is 404 for an unknown patient, 400 for a bad id or limit, 403 for navigators and providers', async () => {
    expect((await t.call('GET', '/v1/patients/01JD0000000000000000000000/audit', { as: 'admin' })).status).toBe(404);
    expect((await t.call('GET', '/v1/patients/not-an-id/audit', { as: 'admin' })).status).toBe(400);
    const patientId = await referPatient(t);
    expect((await t.call('GET', `/v1/patients/${patientId}/audit?limit=0`, { as: 'admin' })).status).toBe(400);
    expect((await t.call('GET', `/v1/patients/${patientId}/audit?limit=101`, { as: 'admin' })).status).toBe(400);
    expect((await t.call('GET', `/v1/patients/${patientId}/audit`, { as: 'navigator' })).status).toBe(403);
    expect((await t.call('GET', `/v1/patients/${patientId}/audit`, { as: 'provider', providerId: '01JD0000000000000000000001' })).status).toBe(403);
    expect((await t.call('GET', `/v1/patients/${patientId}/audit`)).status).toBe(401);
  });
});

describe('GET /v1/audit?actor=&from=&to=', () => {
  it("lists one actor's entries in a time range, newest first, listings included (with their count, without a patient)", async () => {
    const actor = async () => (await t.issuer.mint({ role: 'navigator', sub: 'audit-actor' }, t.clock.now())).token;
    const patientId = await referPatient(t, { token: await actor() });
    t.clock.set(new Date('2026-04-02T10:00:00Z'));
    expect((await t.call('GET', '/v1/patients?limit=10', { token: await actor() })).status).toBe(200);
    t.clock.set(new Date('2026-04-03T10:00:00Z'));
    expect((await t.call('GET', `/v1/patients/${patientId}`, { token: await actor() })).status).toBe(200);

    const all = await t.call('GET', '/v1/audit?actor=audit-actor&from=2026-04-01T00:00:00Z&to=2026-04-04T00:00:00Z', { as: 'admin' });
    expect(all.status).toBe(200);
    expect(all.body.items.map((e: Entry) => e.action)).toEqual(['read_patient', 'list_patients', 'create_referral']);
    const listing = all.body.items[1];
    expect(listing.patientId).toBeUndefined();
    expect(listing.refs).toEqual({ count: expect.any(Number) });

    const middle = await t.call('GET', '/v1/audit?actor=audit-actor&from=2026-04-02T00:00:00Z&to=2026-04-03T10:00:00Z', { as: 'admin' });
    expect(middle.body.items.map((e: Entry) => e.action)).toEqual(['list_patients']); // `to` is exclusive

    const first = await t.call('GET', '/v1/audit?actor=audit-actor&from=2026-04-01T00:00:00Z&to=2026-04-04T00:00:00Z&limit=1', { as: 'admin' });
    expect(first.body.items.map((e: Entry) => e.action)).toEqual(['read_patient']);
    const second = await t.call('GET', `/v1/audit?actor=audit-actor&from=2026-04-01T00:00:00Z&to=2026-04-04T00:00:00Z&limit=1&cursor=${first.body.nextCursor}`, { as: 'admin' });
    expect(second.body.items.map((e: Entry) => e.action)).toEqual(['list_patients']);
    const third = await t.call('GET', `/v1/audit?actor=audit-actor&from=2026-04-01T00:00:00Z&to=2026-04-04T00:00:00Z&limit=1&cursor=${second.body.nextCursor}`, { as: 'admin' });
    expect(third.body.items.map((e: Entry) => e.action)).toEqual(['create_referral']);

    // The default range is the 30 days up to now.
    const recent = await t.call('GET', '/v1/audit?actor=audit-actor', { as: 'admin' });
    expect(recent.body.items).toHaveLength(3);
    // A cursor from another range would start outside this one: 400, not a DynamoDB error.
    const outside = await t.call('GET', `/v1/audit?actor=audit-actor&from=2026-04-03T00:00:00Z&to=2026-04-04T00:00:00Z&cursor=${second.body.nextCursor}`, { as: 'admin' });
    expect(outside.status).toBe(400);
    t.clock.set(new Date('2026-04-01T10:00:00Z'));
  });

  it('rejects bad ranges and queries with field-level issues; admins only', async () => {
    const bad = async (query: string) => {
      const res = await t.call('GET', `/v1/audit?${query}`, { as: 'admin' });
      expect(res.status, query).toBe(400);
      return res.body.error.issues.map((issue: { path: string; code: string }) => issue.path);
    };
    expect(await bad('from=2026-04-01T00:00:00Z')).toEqual(['actor']);
    expect(await bad('actor=x&from=yesterday')).toEqual(['from']);
    expect(await bad('actor=x&to=2026-13-01T00:00:00Z')).toEqual(['to']);
    expect(await bad('actor=x&from=2026-04-02T00:00:00Z&to=2026-04-01T00:00:00Z')).toEqual(['from']);
    expect(await bad('actor=x&from=2026-04-02T00:00:00Z&to=2026-04-02T00:00:00Z')).toEqual(['from']);
    expect(await bad('actor=x&from=1969-01-01T00:00:00Z')).toEqual(['from']);
    expect(await bad('actor=a%20b')).toEqual(['actor']);
    expect(await bad('actor=x&cursor=%23%23')).toEqual(['cursor']);
    expect((await t.call('GET', '/v1/audit?actor=x', { as: 'manager' })).status).toBe(403);
    expect((await t.call('GET', '/v1/audit?actor=x', { as: 'navigator' })).status).toBe(403);
  });
});

describe('privacy', () => {
  it('no entry holds a name, NHS number, contact detail or note (every item written is read back)', async () => {
    const body = referralBody({ patient: { givenName: 'Zebedee', familyName: 'Quartermaine', phone: '07700 900777', email: 'zq@example.org', postcode: 'LU3 3ZZ' }, notes: 'Very private note' });
    const referral = await t.call('POST', '/v1/referrals', { as: 'navigator', body });
    const patientId = referral.body.patientId as string;
    expect(referral.status).toBe(201);
    expect((await t.call('PATCH', `/v1/patients/${patientId}`, { as: 'navigator', body: { familyName: 'Quartermaine-Smith', phone: '07700 900778' } })).status).toBe(200);
    const contact = await t.call('POST', `/v1/patients/${patientId}/contacts`, { as: 'navigator', body: { at: t.clock.now().toISOString(), kind: 'phone', outcome: 'reached', note: 'Talked about her grief' } });
    expect(contact.status, contact.text).toBe(201);
    expect((await t.call('GET', `/v1/patients/${patientId}/timeline`, { as: 'navigator' })).status).toBe(200);
    // A test may Scan (no request path does): every audit entry in the table.
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await t.db.client.send(new ScanCommand({ TableName: t.db.tableName, FilterExpression: '#type = :audit', ExpressionAttributeNames: { '#type': 'type' }, ExpressionAttributeValues: { ':audit': 'auditEntry' }, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const mine = items.filter((item) => item.patientId === patientId);
    expect(mine.map((item) => item.action).sort()).toEqual(['change_patient', 'create_referral', 'read_timeline', 'record_contact']);
    const text = JSON.stringify(items);
    for (const secret of ['Zebedee', 'Quartermaine', '900777', '900778', 'zq@example.org', 'LU3 3ZZ', 'LU3', 'private note', 'grief', body.patient.nhsNumber, 'Margaret', 'Okafor']) {
      expect(text, secret).not.toContain(secret);
    }
    // Retention: ten years after the entry, by the table's TTL attribute.
    const created = mine.find((item) => item.action === 'create_referral')!;
    const at = String(created.at);
    expect(created.ttl).toBe(Math.floor(Date.parse(`${Number(at.slice(0, 4)) + 10}${at.slice(4)}`) / 1000));
  });
});
