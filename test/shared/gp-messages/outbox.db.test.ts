import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, otherNavigatorToken, referralBody } from '../../support/fixtures';
import { fhirSchemaErrors, pdfText } from './support';

/**
 * The GP outbox against DynamoDB Local: summaries prepared in the transaction of a decline, a
 * close or a completed follow-up — only with consent and an ODS code — read as JSON, FHIR and PDF,
 * marked sent once; and the coded-event export.
 */
let t: TestApp;
let activityIds: string[];
const unknownId = '01J00000000000000000000000';
const ons4 = { satisfied: 7, worthwhile: 8, happy: 6, anxious: 3 };

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  ({ activityIds } = await makeActivities(t, { name: 'Wardown Walkers' }));
});

async function refer(patient: Record<string, unknown> = {}, options: { consent?: boolean; token?: string } = {}) {
  const who = options.token ? { token: options.token } : { as: 'navigator' as const };
  const res = await t.call('POST', '/v1/referrals', { ...who, body: referralBody({ patient: { gpPracticeCode: 'e81046', ...patient } }) });
  expect(res.status, res.text).toBe(201);
  const { patientId, referralId } = res.body as { patientId: string; referralId: string };
  if (options.consent !== false) {
    const consent = await t.call('PUT', `/v1/patients/${patientId}/consents/gp_summary`, { ...who, body: { given: true } });
    expect(consent.status).toBe(200);
  }
  return { patientId, referralId, nhsNumber: res.body.patient.nhsNumber as string };
}

async function prescribe(patientId: string, token?: string) {
  const who = token ? { token } : { as: 'navigator' as const };
  await t.call('POST', `/v1/patients/${patientId}/assessments`, { ...who, body: baselineBody });
  const res = await t.call('POST', '/v1/prescriptions', { ...who, body: { patientId, startDate: '2026-03-02', goals: ['Walk twice a week'], activityIds } });
  expect(res.status, res.text).toBe(201);
  return { prescriptionId: res.body.prescriptionId as string, followUpId: res.body.followUpId as string };
}

const outbox = async (status: 'ready' | 'sent', as: 'navigator' | 'manager' = 'manager') =>
  (await t.call('GET', `/v1/gp-messages?status=${status}&limit=100`, { as })).body.items as { messageId: string; patientId: string; trigger: string; status: string }[];
const messagesOf = async (patientId: string, status: 'ready' | 'sent' = 'ready') => (await outbox(status)).filter((m) => m.patientId === patientId);

describe('the GP practice code on the record', () => {
  it('is an ODS code: one letter and five digits; lower case and spaces are accepted and stored upper case', async () => {
    const { patientId } = await refer({ gpPracticeCode: ' a81 001' }, { consent: false });
    expect((await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body.gpPracticeCode).toBe('A81001');
    const changed = await t.call('PATCH', `/v1/patients/${patientId}`, { as: 'navigator', body: { gpPracticeCode: 'Y02002' } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.gpPracticeCode).toBe('Y02002');
    const removed = await t.call('PATCH', `/v1/patients/${patientId}`, { as: 'navigator', body: { gpPracticeCode: null } });
    expect(removed.body.gpPracticeCode).toBeUndefined();
  });

  it.each(['A8100', 'A810011', '881001', 'AB1001', 'Bute House'])('%s is a 400 naming the field', async (code) => {
    const res = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody({ patient: { gpPracticeCode: code } }) });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([expect.objectContaining({ in: 'body', path: 'patient.gpPracticeCode' })]);
    const patch = await t.call('PATCH', `/v1/patients/${unknownId}`, { as: 'navigator', body: { gpPracticeCode: code } });
    expect(patch.status).toBe(400);
  });
});

describe('a prescription ending with its follow-up', () => {
  it('prepares a ready message whose FHIR bundle validates and whose PDF reads correctly; sent once, frozen', async () => {
    const { patientId, nhsNumber } = await refer({ givenName: 'Edna', familyName: 'Follow' });
    const { followUpId } = await prescribe(patientId);
    expect(await messagesOf(patientId)).toEqual([]);
    const done = await t.call('POST', `/v1/followups/${followUpId}/complete`, { as: 'navigator', body: { assessment: { ons4, swemwbs: [4, 4, 4, 4, 4, 4, 4] } } });
    expect(done.status, done.text).toBe(200);

    const [message] = await messagesOf(patientId);
    expect(message).toMatchObject({ trigger: 'follow_up_completed', status: 'ready', practiceCode: 'E81046', patient: { givenName: 'Edna', familyName: 'Follow' } });
    expect((await outbox('ready', 'navigator')).map((m) => m.messageId)).toContain(message!.messageId);

    const json = await t.call('GET', `/v1/gp-messages/${message!.messageId}`, { as: 'navigator' });
    expect(json.status, json.text).toBe(200);
    expect(json.body.content).toMatchObject({
      patient: { nhsNumber, givenName: 'Edna' },
      support: { weeks: 12, sessionsAttended: 0, activities: [{ name: 'A physical activity', provider: 'Wardown Walkers', category: 'physical' }] },
      outcomes: { baseline: { ons4: baselineBody.ons4 }, followUp: { ons4, swemwbsMetric: expect.any(Number) } },
    });
    expect(json.body.letterHtml).toContain('Social prescribing completed: follow-up held');

    const fhir = await t.call('GET', `/v1/gp-messages/${message!.messageId}?format=fhir`, { as: 'manager' });
    expect(fhir.status).toBe(200);
    expect(fhir.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(fhir.body.resourceType).toBe('Bundle');
    expect(fhirSchemaErrors(fhir.body)).toEqual([]);
    expect(JSON.stringify(fhir.body)).toContain(`"system":"https://fhir.nhs.uk/Id/nhs-number","value":"${nhsNumber}"`);

    const pdf = await t.app.request(`/v1/gp-messages/${message!.messageId}?format=pdf`, { headers: { authorization: `Bearer ${await t.tokenFor('navigator')}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(text).toContain('Name: Edna Follow');
    expect(text).toContain('Activity: A physical activity, Wardown Walkers (physical).');
    expect(text).toContain('Life satisfaction (ONS4, 0–10): baseline 4, follow-up 7.');

    const sent = await t.call('POST', `/v1/gp-messages/${message!.messageId}/sent`, { as: 'navigator', body: { via: 'nhs_mail', reference: 'NHSMAIL-42' } });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body).toMatchObject({ status: 'sent', sentVia: 'nhs_mail', sentReference: 'NHSMAIL-42', sentBy: 'local-navigator' });
    const again = await t.call('POST', `/v1/gp-messages/${message!.messageId}/sent`, { as: 'navigator', body: { via: 'post' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('gp_message_sent');
    expect(await messagesOf(patientId)).toEqual([]);
    expect(await messagesOf(patientId, 'sent')).toHaveLength(1);

    // What was sent stays what was sent, whatever the record says later.
    await t.call('PATCH', `/v1/patients/${patientId}`, { as: 'navigator', body: { givenName: 'Edwina' } });
    const after = await t.call('GET', `/v1/gp-messages/${message!.messageId}`, { as: 'navigator' });
    expect(after.body.content.patient.givenName).toBe('Edna');
  });

  it('then closing the referral as completed adds no second message; its summary already went', async () => {
    const { patientId, referralId } = await refer();
    const { followUpId } = await prescribe(patientId);
    await t.call('POST', `/v1/followups/${followUpId}/complete`, { as: 'navigator', body: { assessment: { ons4 } } });
    const closed = await t.call('POST', `/v1/referrals/${referralId}/close`, { as: 'navigator', body: { reason: 'completed' } });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body.gpSummary).toEqual({ prepared: false, why: 'repeats_follow_up' });
    expect((await messagesOf(patientId)).map((m) => m.trigger)).toEqual(['follow_up_completed']);
  });
});

describe('a referral declined or closed', () => {
  it('a decline prepares a message with the decline code', async () => {
    const { patientId, referralId } = await refer();
    const res = await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } });
    expect(res.status, res.text).toBe(200);
    const [message] = await messagesOf(patientId);
    expect(message).toMatchObject({ trigger: 'referral_declined', referralId });
    // The answer names the message it prepared; the person's own list holds it.
    expect(res.body.gpSummary).toEqual({ prepared: true, messageId: message!.messageId });
    const theirs = await t.call('GET', `/v1/gp-messages?patientId=${patientId}`, { as: 'navigator' });
    expect(theirs.status, theirs.text).toBe(200);
    expect(theirs.body.items).toEqual([expect.objectContaining({ messageId: message!.messageId, referralId, status: 'ready', patient: expect.objectContaining({ givenName: expect.any(String) }) })]);
    expect((await t.call('GET', `/v1/gp-messages?patientId=${patientId}&status=sent`, { as: 'navigator' })).body.items).toEqual([]);
    const fhir = await t.call('GET', `/v1/gp-messages/${message!.messageId}?format=fhir`, { as: 'navigator' });
    expect(JSON.stringify(fhir.body)).toContain('871711000000103');
    expect(fhirSchemaErrors(fhir.body)).toEqual([]);
  });

  it('closing with a current prescription prepares one, in the same transaction that withdraws it', async () => {
    const { patientId, referralId } = await refer();
    const { prescriptionId } = await prescribe(patientId);
    const res = await t.call('POST', `/v1/referrals/${referralId}/close`, { as: 'navigator', body: { reason: 'moved_away' } });
    expect(res.status, res.text).toBe(200);
    const [message] = await messagesOf(patientId);
    expect(message).toMatchObject({ trigger: 'referral_closed', prescriptionId });
    const json = await t.call('GET', `/v1/gp-messages/${message!.messageId}`, { as: 'navigator' });
    expect(json.body.content.support).toMatchObject({ prescriptionId, status: 'withdrawn' });
    expect(json.body.letterHtml).toContain('Closed on');
  });

  it('without consent, or without an ODS code, nothing is prepared; the patient and the decline say why', async () => {
    const blockedOf = async (patientId: string) => (await t.call('GET', `/v1/patients/${patientId}`, { as: 'navigator' })).body.gpSummaryBlocked;
    const decline = async (referralId: string) => {
      const res = await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } });
      expect(res.status, res.text).toBe(200);
      return res.body.gpSummary;
    };
    const noConsent = await refer({}, { consent: false });
    expect(await blockedOf(noConsent.patientId)).toBe('no_consent');
    expect(await decline(noConsent.referralId)).toEqual({ prepared: false, why: 'no_consent' });
    const refused = await refer({}, { consent: false });
    await t.call('PUT', `/v1/patients/${refused.patientId}/consents/gp_summary`, { as: 'navigator', body: { given: false } });
    expect(await blockedOf(refused.patientId)).toBe('no_consent');
    expect(await decline(refused.referralId)).toEqual({ prepared: false, why: 'no_consent' });
    const noCode = await refer({ gpPracticeCode: undefined });
    expect(await blockedOf(noCode.patientId)).toBe('no_practice_code');
    expect(await decline(noCode.referralId)).toEqual({ prepared: false, why: 'no_practice_code' });
    for (const { patientId } of [noConsent, refused, noCode]) {
      expect(await messagesOf(patientId)).toEqual([]);
      expect((await t.call('GET', `/v1/gp-messages?patientId=${patientId}`, { as: 'navigator' })).body.items).toEqual([]);
    }
    // With both, nothing blocks it: the field is absent.
    const both = await refer();
    expect(await blockedOf(both.patientId)).toBeUndefined();
  });
});

describe('who sees the outbox', () => {
  it('another navigator sees none of this caseload’s messages, and gets 404 for one; a provider is refused', async () => {
    const { patientId, referralId } = await refer();
    await t.call('POST', `/v1/referrals/${referralId}/decline`, { as: 'navigator', body: { reason: 'moved_away' } });
    const [message] = await messagesOf(patientId);
    const other = await otherNavigatorToken(t);
    const theirs = await t.call('GET', '/v1/gp-messages?status=ready&limit=100', { token: other });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.map((m: { messageId: string }) => m.messageId)).not.toContain(message!.messageId);
    expect((await t.call('GET', `/v1/gp-messages/${message!.messageId}`, { token: other })).status).toBe(404);
    expect((await t.call('POST', `/v1/gp-messages/${message!.messageId}/sent`, { token: other, body: { via: 'post' } })).status).toBe(404);
    expect((await t.call('GET', `/v1/gp-messages?patientId=${patientId}`, { token: other })).status).toBe(404);
    expect((await t.call('GET', '/v1/gp-messages', { as: 'provider', providerId: 'p' })).status).toBe(403);
  });

  it('bad input is a 400, an unknown message a 404', async () => {
    expect((await t.call('GET', `/v1/gp-messages/${unknownId}`, { as: 'manager' })).status).toBe(404);
    expect((await t.call('POST', `/v1/gp-messages/${unknownId}/sent`, { as: 'manager', body: { via: 'post' } })).status).toBe(404);
    const badId = await t.call('GET', '/v1/gp-messages/not-an-id', { as: 'manager' });
    expect(badId.status).toBe(400);
    const badFormat = await t.call('GET', `/v1/gp-messages/${unknownId}?format=docx`, { as: 'manager' });
    expect(badFormat.status).toBe(400);
    expect(badFormat.body.error.issues[0]).toMatchObject({ in: 'query', path: 'format' });
    expect((await t.call('GET', '/v1/gp-messages?status=pending', { as: 'manager' })).status).toBe(400);
    const badPatient = await t.call('GET', '/v1/gp-messages?patientId=nobody', { as: 'manager' });
    expect(badPatient.status).toBe(400);
    expect(badPatient.body.error.issues[0]).toMatchObject({ in: 'query', path: 'patientId' });
    expect((await t.call('GET', `/v1/gp-messages?patientId=${unknownId}`, { as: 'manager' })).status).toBe(404);
    for (const body of [{}, { via: 'pigeon' }, { via: 'post', reference: '' }, { via: 'post', reference: 'x'.repeat(101) }]) {
      const res = await t.call('POST', `/v1/gp-messages/${unknownId}/sent`, { as: 'manager', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.call('POST', `/v1/gp-messages/${unknownId}/sent`, { as: 'manager' })).status).toBe(400);
  });
});

describe('GET /v1/reports/gp-codes.csv', () => {
  it('one row per coded event for consenting patients with an NHS number and a practice code, by practice', async () => {
    await t.call('POST', '/v1/dev/clock', { body: { now: '2026-06-01T10:00:00Z' } });
    const a = await refer({ gpPracticeCode: 'A81001' });
    const b = await refer({ gpPracticeCode: 'B82002' });
    const hidden = await refer({ gpPracticeCode: 'A81001' }, { consent: false });
    await t.call('POST', `/v1/referrals/${a.referralId}/decline`, { as: 'navigator', body: { reason: 'not_interested' } });
    const res = await t.call('GET', '/v1/reports/gp-codes.csv?from=2026-06-01&to=2026-06-30', { as: 'manager' });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['nhs_number', 'date', 'snomed_code', 'description', 'practice_code']);
    expect(rows.filter((r) => r.nhs_number === a.nhsNumber)).toEqual([
      { nhs_number: a.nhsNumber, date: '2026-06-01', snomed_code: '871731000000106', description: 'Referral to social prescribing service', practice_code: 'A81001' },
      { nhs_number: a.nhsNumber, date: '2026-06-01', snomed_code: '871711000000103', description: 'Social prescribing declined', practice_code: 'A81001' },
    ]);
    expect(rows.some((r) => r.nhs_number === b.nhsNumber)).toBe(true);
    expect(rows.some((r) => r.nhs_number === hidden.nhsNumber)).toBe(false);

    const one = parse((await t.call('GET', '/v1/reports/gp-codes.csv?from=2026-06-01&to=2026-06-30&practice=a81001', { as: 'manager' })).text, { columns: true }) as Record<string, string>[];
    expect(new Set(one.map((r) => r.practice_code))).toEqual(new Set(['A81001']));
    expect(one.some((r) => r.nhs_number === b.nhsNumber)).toBe(false);
  });

  it('managers and admins only; bad ranges and practice codes are 400s', async () => {
    expect((await t.call('GET', '/v1/reports/gp-codes.csv?from=2026-06-01&to=2026-06-30', { as: 'navigator' })).status).toBe(403);
    expect((await t.call('GET', '/v1/reports/gp-codes.csv?from=2026-06-01&to=2026-06-30', { as: 'admin' })).status).toBe(200);
    expect((await t.call('GET', '/v1/reports/gp-codes.csv?from=2026-06-01&to=2026-06-30')).status).toBe(401);
    for (const query of ['from=2026-06-30&to=2026-06-01', 'from=2026-06-01', 'from=2026-06-01&to=2026-06-30&practice=XX', 'from=2025-01-01&to=2026-06-30', 'from=junk&to=2026-06-30']) {
      expect((await t.call('GET', `/v1/reports/gp-codes.csv?${query}`, { as: 'manager' })).status, query).toBe(400);
    }
  });
});
