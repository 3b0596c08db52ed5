import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { newCardIssue, revokeCard } from '#shared/cards/rules';
import { CardStore } from '#shared/cards/store';
import { createDocumentClient } from '#shared/platform/dynamo';
import { createTestApp, type TestApp } from '../../support/app';
import { freshNhsNumber } from '../../support/fixtures';

let t: TestApp;
/** A navigator who is not the one whose caseload the test patients are in. */
let otherNavigator: string;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
  otherNavigator = (await t.issuer.mint({ role: 'navigator', sub: 'someone-else' }, t.clock.now())).token;
});

let cardCounter = 0;
/** A card number no other test uses, lower case so normalisation shows. */
const newCardId = () => `card-${String(++cardCounter).padStart(4, '0')}-x`;

/** A patient in the default test navigator's caseload (`as: 'navigator'`), through the referral route. */
async function makePatient(): Promise<string> {
  const res = await t.call('POST', '/v1/referrals', {
    as: 'navigator',
    body: {
      // A number of their own: without one, the same name and date of birth would be the same person.
      patient: { givenName: 'Ada', familyName: 'Card', dateOfBirth: '1950-01-01', nhsNumber: freshNhsNumber() },
      source: 'gp',
      reasons: ['isolation'],
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.patientId as string;
}

const issue = (cardId: string, patientId: string, as: 'navigator' | 'admin' = 'navigator') =>
  t.call('POST', '/v1/cards', { as, body: { cardId, patientId } });

const revoke = (cardId: string, reason: string, as: 'navigator' | 'admin' = 'navigator') =>
  t.call('POST', `/v1/cards/${encodeURIComponent(cardId)}/revoke`, { as, body: { reason } });

async function activeCardOf(patientId: string): Promise<string | undefined> {
  const res = await t.call('GET', `/v1/patients/${patientId}`, { as: 'admin' });
  expect(res.status).toBe(200);
  return res.body.activeCardId;
}

async function historyOf(patientId: string) {
  const res = await t.call('GET', `/v1/patients/${patientId}/cards`, { as: 'navigator' });
  expect(res.status).toBe(200);
  return res.body.items as { cardId: string; issueId: string; status: string; revokeReason?: string }[];
}

function expectConflict(res: { status: number; body: any }, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(409);
  expect(res.body.error.code).toBe(code);
}

describe('issuing a card', () => {
  it('answers 201 with the card id upper case, and binds it to the patient', async () => {
    const patientId = await makePatient();
    const cardId = newCardId();
    const res = await issue(`  ${cardId} `, patientId);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ cardId: cardId.toUpperCase(), patientId, status: 'active', issuedBy: 'local-navigator' });
    expect(Math.abs(Date.parse(res.body.issuedAt) - t.clock.now().getTime())).toBeLessThan(60_000);
    expect(await activeCardOf(patientId)).toBe(cardId.toUpperCase());

    // Read back by the number however it is typed.
    const read = await t.call('GET', `/v1/cards/${cardId}`, { as: 'navigator' });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
    expect(await historyOf(patientId)).toEqual([res.body]);
  });

  it('refuses a card active for someone else with card_active, and writes nothing', async () => {
    const [first, second] = [await makePatient(), await makePatient()];
    const cardId = newCardId();
    expect((await issue(cardId, first)).status).toBe(201);
    const res = await issue(cardId.toUpperCase(), second);
    expectConflict(res, 'card_active');
    expect(res.body.error.message).not.toContain(cardId.toUpperCase());
    expect(await activeCardOf(second)).toBeUndefined();
    expect(await historyOf(second)).toEqual([]);
    expect((await t.call('GET', `/v1/cards/${cardId}`, { as: 'admin' })).body.patientId).toBe(first);
  });

  it('refuses the same card again for the same patient with card_active', async () => {
    const patientId = await makePatient();
    const cardId = newCardId();
    expect((await issue(cardId, patientId)).status).toBe(201);
    expectConflict(await issue(cardId, patientId), 'card_active');
    expect(await historyOf(patientId)).toHaveLength(1);
  });

  it('refuses a second card for a patient with patient_has_card, and leaves the new card unbound', async () => {
    const patientId = await makePatient();
    const [kept, refused] = [newCardId(), newCardId()];
    expect((await issue(kept, patientId)).status).toBe(201);
    expectConflict(await issue(refused, patientId), 'patient_has_card');
    expect(await activeCardOf(patientId)).toBe(kept.toUpperCase());
    expect((await t.call('GET', `/v1/cards/${refused}`, { as: 'admin' })).status).toBe(404);
    expect((await historyOf(patientId)).map((card) => card.cardId)).toEqual([kept.toUpperCase()]);
  });

  it('answers 404 for a patient that does not exist, and writes nothing', async () => {
    const cardId = newCardId();
    const res = await issue(cardId, '01J00000000000000000000000', 'admin');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await t.call('GET', `/v1/cards/${cardId}`, { as: 'admin' })).status).toBe(404);
  });

  it('lets an admin issue and revoke for a patient in anyone’s caseload', async () => {
    const patientId = await makePatient();
    const cardId = newCardId();
    expect((await issue(cardId, patientId, 'admin')).body).toMatchObject({ status: 'active', issuedBy: 'local-admin' });
    expect((await revoke(cardId, 'withdrawn', 'admin')).body).toMatchObject({ status: 'revoked', revokedBy: 'local-admin' });
  });
});

describe('revoking, retiring and replacing', () => {
  it('revokes with 200 and the reason, and frees the patient for another card', async () => {
    const patientId = await makePatient();
    const cardId = newCardId();
    await issue(cardId, patientId);
    const res = await revoke(cardId.toUpperCase(), 'lost');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      cardId: cardId.toUpperCase(),
      patientId,
      status: 'revoked',
      revokeReason: 'lost',
      revokedBy: 'local-navigator',
    });
    expect(res.body.revokedAt).toEqual(expect.any(String));
    expect(await activeCardOf(patientId)).toBeUndefined();
    expect(await historyOf(patientId)).toEqual([res.body]);
  });

  it.each(['lost', 'stolen', 'damaged'])('a card revoked as %s is retired: never issued again, to anyone', async (reason) => {
    const [owner, other] = [await makePatient(), await makePatient()];
    const cardId = newCardId();
    await issue(cardId, owner);
    expect((await revoke(cardId, reason)).status).toBe(200);
    expectConflict(await issue(cardId, owner), 'card_retired');
    expectConflict(await issue(cardId, other, 'admin'), 'card_retired');
    expect(await activeCardOf(owner)).toBeUndefined();
    expect(await activeCardOf(other)).toBeUndefined();
    expect(await historyOf(other)).toEqual([]);
  });

  it('a card handed back (withdrawn) can be issued to someone else', async () => {
    const [first, second] = [await makePatient(), await makePatient()];
    const cardId = newCardId();
    const original = (await issue(cardId, first)).body;
    expect((await revoke(cardId, 'withdrawn')).status).toBe(200);
    const reissued = await issue(cardId, second);
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(201);
    expect(reissued.body.issueId).not.toBe(original.issueId);
    expect(await activeCardOf(second)).toBe(cardId.toUpperCase());
    expect((await t.call('GET', `/v1/cards/${cardId}`, { as: 'navigator' })).body).toEqual(reissued.body);
    // The first patient's history keeps their issuance, revoked.
    expect(await historyOf(first)).toEqual([expect.objectContaining({ issueId: original.issueId, status: 'revoked', revokeReason: 'withdrawn' })]);
  });

  it('a replacement (revoke + issue a new card) shows both in the history, newest first', async () => {
    const patientId = await makePatient();
    const [oldCard, newCard] = [newCardId(), newCardId()];
    await issue(oldCard, patientId);
    expect((await revoke(oldCard, 'damaged')).status).toBe(200);
    const replacement = await issue(newCard, patientId);
    expect(replacement.status).toBe(201);
    expect(await activeCardOf(patientId)).toBe(newCard.toUpperCase());
    const history = await historyOf(patientId);
    expect(history.map((card) => [card.cardId, card.status])).toEqual([
      [newCard.toUpperCase(), 'active'],
      [oldCard.toUpperCase(), 'revoked'],
    ]);
    expect(history[0]).toEqual(replacement.body);
  });

  it('revoking twice is a 409 card_revoked, and changes nothing', async () => {
    const patientId = await makePatient();
    const cardId = newCardId();
    await issue(cardId, patientId);
    const first = await revoke(cardId, 'withdrawn');
    expectConflict(await revoke(cardId, 'lost'), 'card_revoked');
    expect((await t.call('GET', `/v1/cards/${cardId}`, { as: 'navigator' })).body).toEqual(first.body);
  });

  it('an unknown card is a 404 to read or revoke', async () => {
    for (const res of [await revoke('NEVER-ISSUED-1', 'lost'), await t.call('GET', '/v1/cards/NEVER-ISSUED-1', { as: 'admin' })]) {
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'not_found', message: 'Card was not found.' });
    }
  });

  it('a reason outside lost|stolen|damaged|withdrawn is a 400 on reason', async () => {
    const patientId = await makePatient();
    const cardId = newCardId();
    await issue(cardId, patientId);
    const res = await revoke(cardId, 'forgotten');
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([expect.objectContaining({ in: 'body', path: 'reason' })]);
    expect(await activeCardOf(patientId)).toBe(cardId.toUpperCase());
  });
});

describe('card id validation', () => {
  const bad = [
    ['7 characters', 'ABC1234'],
    ['33 characters', 'A'.repeat(33)],
    ['an underscore', 'ABC_1234'],
    ['a space inside', 'ABCD 1234'],
    ['only spaces', '         '],
  ];

  it.each(bad)('a body cardId with %s is a 400 on cardId, and writes nothing', async (_label, cardId) => {
    const patientId = await makePatient();
    const res = await issue(cardId!, patientId);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.issues).toEqual([expect.objectContaining({ in: 'body', path: 'cardId' })]);
    expect(await activeCardOf(patientId)).toBeUndefined();
  });

  it.each(bad)('a path cardId with %s is a 400 in the path', async (_label, cardId) => {
    const path = `/v1/cards/${encodeURIComponent(cardId!)}`;
    for (const res of [await t.call('GET', path, { as: 'navigator' }), await revoke(cardId!, 'lost')]) {
      expect(res.status).toBe(400);
      expect(res.body.error.issues).toEqual([expect.objectContaining({ in: 'path', path: 'cardId' })]);
    }
  });

  it('a patientId that is not a ULID is a 400 on patientId', async () => {
    const res = await issue(newCardId(), 'not-a-patient');
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([expect.objectContaining({ in: 'body', path: 'patientId' })]);
    const history = await t.call('GET', '/v1/patients/not-a-patient/cards', { as: 'navigator' });
    expect(history.status).toBe(400);
    expect(history.body.error.issues[0]).toMatchObject({ in: 'path', path: 'patientId' });
  });
});

describe('who may see and change cards', () => {
  it('another navigator gets the same 404 as for nothing at all, for a patient outside their caseload', async () => {
    const patientId = await makePatient();
    const [cardId, refused] = [newCardId(), newCardId()];
    await issue(cardId, patientId);

    const attempts = [
      await t.call('POST', '/v1/cards', { token: otherNavigator, body: { cardId: refused, patientId } }),
      await t.call('POST', `/v1/cards/${cardId}/revoke`, { token: otherNavigator, body: { reason: 'stolen' } }),
      await t.call('GET', `/v1/cards/${cardId}`, { token: otherNavigator }),
      await t.call('GET', `/v1/patients/${patientId}/cards`, { token: otherNavigator }),
    ];
    expect(attempts.map((res) => res.status)).toEqual([404, 404, 404, 404]);
    // The card answers exactly as an unknown card does, so it does not confirm the card is in use.
    const unknown = await t.call('GET', '/v1/cards/NEVER-ISSUED-2', { token: otherNavigator });
    expect(attempts[2]!.body).toEqual(unknown.body);
    expect(attempts[1]!.body).toEqual(unknown.body);

    // Nothing changed.
    expect(await activeCardOf(patientId)).toBe(cardId.toUpperCase());
    expect((await t.call('GET', `/v1/cards/${cardId}`, { as: 'admin' })).body.status).toBe('active');
    expect((await t.call('GET', `/v1/cards/${refused}`, { as: 'admin' })).status).toBe(404);
  });

  it('a manager reads cards and histories but may not issue or revoke', async () => {
    const patientId = await makePatient();
    const cardId = newCardId();
    await issue(cardId, patientId);
    expect((await t.call('GET', `/v1/cards/${cardId}`, { as: 'manager' })).status).toBe(200);
    expect((await t.call('GET', `/v1/patients/${patientId}/cards`, { as: 'manager' })).body.items).toHaveLength(1);
    const issued = await t.call('POST', '/v1/cards', { as: 'manager', body: { cardId: newCardId(), patientId } });
    const revoked = await t.call('POST', `/v1/cards/${cardId}/revoke`, { as: 'manager', body: { reason: 'lost' } });
    for (const res of [issued, revoked]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect(await activeCardOf(patientId)).toBe(cardId.toUpperCase());
  });

  it('a provider gets 403 everywhere', async () => {
    const patientId = await makePatient();
    const cardId = newCardId();
    await issue(cardId, patientId);
    const as = { as: 'provider' as const, providerId: '01J00000000000000000000000' };
    const attempts = [
      await t.call('POST', '/v1/cards', { ...as, body: { cardId: newCardId(), patientId } }),
      await t.call('POST', `/v1/cards/${cardId}/revoke`, { ...as, body: { reason: 'lost' } }),
      await t.call('GET', `/v1/cards/${cardId}`, as),
      await t.call('GET', `/v1/patients/${patientId}/cards`, as),
    ];
    expect(attempts.map((res) => [res.status, res.body.error.code])).toEqual(Array(4).fill([403, 'forbidden']));
  });

  it('writes an audit entry with ids only for each card action', async () => {
    const patientId = await makePatient();
    const cardId = newCardId();
    await issue(cardId, patientId);
    await t.call('GET', `/v1/cards/${cardId}`, { as: 'navigator' });
    await revoke(cardId, 'lost');
    await t.call('GET', `/v1/patients/${patientId}/cards`, { as: 'navigator' });
    const entries = (await t.call('GET', `/v1/patients/${patientId}/audit`, { as: 'admin' })).body.items as Record<string, unknown>[];
    const cardEntries = entries.filter((entry) => String(entry.action).includes('card')).reverse();
    expect(cardEntries.map(({ actor, role, action, patientId }) => ({ actor, role, action, patientId }))).toEqual(
      ['issue_card', 'read_cards', 'revoke_card', 'read_cards'].map((action) => ({ actor: 'local-navigator', role: 'navigator', action, patientId })),
    );
  });
});

describe('the caseload is checked again when the write lands', () => {
  it('an issue whose patient left the navigator’s caseload mid-request is a 404 and writes nothing', async () => {
    const patientId = await makePatient();
    // As if the handler's caseload check had passed for "someone-else" and the patient was then moved.
    const card = newCardIssue({ cardId: newCardId(), patientId }, { sub: 'someone-else', role: 'navigator' }, t.services);
    await expect(t.services.cards.issue(card, { caseload: 'someone-else' })).resolves.toEqual({ kind: 'not_found', what: 'Patient' });
    expect(await t.services.cards.getCard(card.cardId)).toBeUndefined();
    expect(await activeCardOf(patientId)).toBeUndefined();
    expect(await historyOf(patientId)).toEqual([]);
  });

  it('a revoke whose patient left the navigator’s caseload mid-request is a 404 and changes nothing', async () => {
    const patientId = await makePatient();
    const cardId = newCardId();
    const issued = (await issue(cardId, patientId)).body;
    const revoked = { ...issued, status: 'revoked' as const, revokedAt: t.clock.now().toISOString(), revokedBy: 'someone-else', revokeReason: 'lost' as const };
    await expect(t.services.cards.revoke(revoked, { caseload: 'someone-else' })).resolves.toEqual({ kind: 'not_found', what: 'Card' });
    expect(await t.services.cards.getCard(issued.cardId)).toEqual(issued);
    expect(await activeCardOf(patientId)).toBe(issued.cardId);
  });
});

/** The revoked card the rule makes of an active one. */
function revokeOf(card: Parameters<typeof revokeCard>[0], principal: Parameters<typeof revokeCard>[2]) {
  const decision = revokeCard(card, 'stolen', principal, t.clock.now());
  if (!decision.ok) throw new Error('expected an active card');
  return decision.card;
}

describe('a revoke of an issuance that has been replaced meanwhile', () => {
  it('never revokes the new holder’s card: 409 card_changed, nothing changed', async () => {
    const [first, second] = [await makePatient(), await makePatient()];
    const cardId = newCardId();
    const stale = (await issue(cardId, first)).body;
    // Between this request's read and its write, the card was handed back and issued to someone else.
    await revoke(cardId, 'withdrawn');
    const current = (await issue(cardId, second)).body;
    const principal = { sub: 'local-navigator', role: 'navigator' as const };
    await expect(
      t.services.cards.revoke(revokeOf(stale, principal), { caseload: 'local-navigator' }),
    ).resolves.toMatchObject({ kind: 'conflict', conflict: { code: 'card_changed' } });
    expect(await t.services.cards.getCard(current.cardId)).toEqual(current);
    expect(await activeCardOf(second)).toBe(current.cardId);
  });
});

describe('concurrency', () => {
  it('20 concurrent issues of one card to 20 patients: exactly one 201, nineteen 409s, one patient with the card', async () => {
    const patientIds: string[] = [];
    for (let i = 0; i < 20; i++) patientIds.push(await makePatient());
    const cardId = newCardId();

    const results = await Promise.all(patientIds.map((patientId) => issue(cardId, patientId)));

    const statuses = results.map((res) => res.status);
    expect(statuses.filter((status) => status === 201), JSON.stringify(results.map((r) => r.body))).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    expect(new Set(results.filter((res) => res.status === 409).map((res) => res.body.error.code))).toEqual(new Set(['card_active']));

    const holders: string[] = [];
    for (const patientId of patientIds) {
      const patient = await t.services.patients.getPatient(patientId);
      if (patient?.activeCardId !== undefined) holders.push(patientId);
    }
    const winner = results.find((res) => res.status === 201)!.body.patientId;
    expect(holders).toEqual([winner]);
    expect((await t.services.cards.getCard(cardId.toUpperCase()))?.patientId).toBe(winner);
    const issueRecords = await Promise.all(patientIds.map((patientId) => t.services.cards.history(patientId)));
    expect(issueRecords.flat()).toHaveLength(1);
  });

  it('20 concurrent issues of different cards to one patient: exactly one 201, the rest patient_has_card', async () => {
    const patientId = await makePatient();
    const cardIds = Array.from({ length: 20 }, newCardId);

    const results = await Promise.all(cardIds.map((cardId) => issue(cardId, patientId)));

    expect(results.filter((res) => res.status === 201)).toHaveLength(1);
    const refused = results.filter((res) => res.status === 409);
    expect(refused).toHaveLength(19);
    expect(new Set(refused.map((res) => res.body.error.code))).toEqual(new Set(['patient_has_card']));
    const winner = results.find((res) => res.status === 201)!.body.cardId;
    expect(await activeCardOf(patientId)).toBe(winner);
    expect((await historyOf(patientId)).map((card) => card.cardId)).toEqual([winner]);
    const bound = await Promise.all(cardIds.map((cardId) => t.services.cards.getCard(cardId.toUpperCase())));
    expect(bound.filter(Boolean)).toHaveLength(1);
  });
});

describe('transactions cancelled by a concurrent transaction (TransactionConflict)', () => {
  // DynamoDB Local serialises transactions; DynamoDB cancels one of two that touch the same item at once.
  const conflictError = () =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }],
    });
  const card = () =>
    newCardIssue({ cardId: 'RETRY-0001', patientId: '01J00000000000000000000000' }, { sub: 'nav', role: 'navigator' }, t.services);

  it('are tried again, the same request, until they commit', async () => {
    const client = createDocumentClient();
    const mock = mockClient(client);
    mock.on(TransactWriteCommand).rejectsOnce(conflictError()).rejectsOnce(conflictError()).resolves({});
    const issued = card();
    await new CardStore({ client, tableName: 'cards' }).issue(issued);
    const calls = mock.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(3);
    expect(calls[2]!.args[0].input).toEqual(calls[0]!.args[0].input);
    client.destroy();
  });

  it('give up after a few attempts rather than loop', async () => {
    const client = createDocumentClient();
    const mock = mockClient(client);
    mock.on(TransactWriteCommand).rejects(conflictError());
    await expect(new CardStore({ client, tableName: 'cards' }).issue(card())).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(mock.commandCalls(TransactWriteCommand).length).toBeGreaterThan(1);
    expect(mock.commandCalls(TransactWriteCommand).length).toBeLessThanOrEqual(10);
    client.destroy();
  });
});
