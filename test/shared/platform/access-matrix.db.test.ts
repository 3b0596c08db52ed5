import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '#shared/platform/auth';
import { randomUUID } from 'node:crypto';
import { londonDate } from '#shared/platform/london';
import { createTestApp, type TestApp } from '../../support/app';
import { referralBody } from '../../support/fixtures';

const todayInLondon = () => londonDate(new Date());

/**
 * The whole route × role matrix, from this one table. Every route in the OpenAPI
 * document must appear here (the last test checks), so a new route cannot ship
 * without someone writing down who may call it.
 */
type Allowed = readonly Role[] | 'public';
interface Row {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  allowed: Allowed;
  body?: (ids: Ids) => unknown;
  /** What an allowed caller gets when it is not a success (the domain's answer, past authorization). */
  allowedStatus?: number;
}
interface Ids {
  providerId: string;
  venueId: string;
  activityId: string;
  patientId: string;
  prescriptionId: string;
  cardId: string;
  followUpId: string;
  assessmentId: string;
  personId: string;
  deviceId: string;
  referralId: string;
  purpose: string;
  /** A user id nobody has. */
  sub: string;
  /** An ORUK feed id nobody has. */
  id: string;
  /** A GP message id nobody has. */
  messageId: string;
}

const everyone = ROLES;
const managers = ['manager', 'admin'] as const;
const caseWorkers = ['navigator', 'admin'] as const;
const caseReaders = ['navigator', 'manager', 'admin'] as const;
const ons4 = { satisfied: 5, worthwhile: 5, happy: 5, anxious: 5 };

const MATRIX: Row[] = [
  { method: 'post', path: '/v1/providers', allowed: managers, body: () => ({ name: 'M', categories: ['advice'], accreditation: { status: 'accredited', validUntil: '2030-01-01' } }) },
  { method: 'get', path: '/v1/providers', allowed: ['navigator', 'manager', 'admin'] },
  { method: 'get', path: '/v1/providers/{providerId}', allowed: everyone },
  { method: 'put', path: '/v1/providers/{providerId}/accreditation', allowed: managers, body: () => ({ status: 'accredited', validUntil: '2030-01-01' }) },
  { method: 'post', path: '/v1/providers/{providerId}/venues', allowed: managers, body: () => ({ name: 'V', postcode: 'LU1 2AB' }) },
  { method: 'get', path: '/v1/providers/{providerId}/venues', allowed: everyone },
  { method: 'get', path: '/v1/providers/{providerId}/venues/{venueId}', allowed: everyone },
  { method: 'patch', path: '/v1/providers/{providerId}/venues/{venueId}', allowed: managers, body: () => ({ name: 'V' }) },
  { method: 'post', path: '/v1/providers/{providerId}/activities', allowed: managers, body: (ids) => ({ venueId: ids.venueId, name: 'A', category: 'advice' }) },
  { method: 'get', path: '/v1/providers/{providerId}/activities', allowed: everyone },
  { method: 'get', path: '/v1/providers/{providerId}/activities/{activityId}', allowed: everyone },
  { method: 'patch', path: '/v1/providers/{providerId}/activities/{activityId}', allowed: managers, body: () => ({ name: 'A', schedule: [{ day: 'monday', startTime: '10:00', endTime: '11:00' }] }) },
  // ORUK import: a one-service feed with fresh ids (a new pending provider each call); URL imports are off in local mode → 409.
  { method: 'post', path: '/v1/registry/imports', allowed: managers, body: () => ({ id: randomUUID(), name: 'Matrix service', status: 'active', organization: { id: randomUUID(), name: 'Matrix org' } }) },
  { method: 'post', path: '/v1/registry/imports/from-url', allowed: managers, allowedStatus: 409, body: () => ({ url: 'https://directory.example.org/services' }) },
  { method: 'post', path: '/v1/referrals', allowed: caseWorkers, body: () => referralBody() },
  { method: 'get', path: '/v1/referrals', allowed: caseReaders },
  { method: 'get', path: '/v1/patients', allowed: caseReaders },
  { method: 'get', path: '/v1/caseload/counts', allowed: caseReaders },
  { method: 'get', path: '/v1/patients/{patientId}', allowed: caseReaders },
  { method: 'patch', path: '/v1/patients/{patientId}', allowed: caseWorkers, body: () => ({ phone: '07700 900456' }) },
  { method: 'get', path: '/v1/patients/{patientId}/referrals', allowed: caseReaders },
  { method: 'put', path: '/v1/patients/{patientId}/consents/{purpose}', allowed: caseWorkers, body: () => ({ given: true }) },
  { method: 'post', path: '/v1/patients/{patientId}/contacts', allowed: caseWorkers, body: () => ({ at: new Date().toISOString(), kind: 'phone', outcome: 'no_answer' }) },
  { method: 'get', path: '/v1/patients/{patientId}/timeline', allowed: caseReaders },
  { method: 'get', path: '/v1/patients/{patientId}/audit', allowed: managers },
  { method: 'get', path: '/v1/audit?actor=local-navigator', allowed: ['admin'] },
  // The matrix referral was declined up front: allowed callers get past authorization to the domain's 409.
  { method: 'post', path: '/v1/referrals/{referralId}/accept', allowed: caseWorkers, allowedStatus: 409 },
  { method: 'post', path: '/v1/referrals/{referralId}/decline', allowed: caseWorkers, allowedStatus: 409, body: () => ({ reason: 'not_interested' }) },
  { method: 'post', path: '/v1/referrals/{referralId}/close', allowed: caseWorkers, allowedStatus: 409, body: () => ({ reason: 'completed' }) },
  // The public referral form needs no token; managers work the unassigned queue (the matrix's referral is assigned already: 409).
  {
    method: 'post',
    path: '/v1/public/referrals',
    allowed: 'public',
    allowedStatus: 202,
    body: () => ({ person: { ...referralBody().patient, gpPractice: undefined }, referrer: { role: 'self' }, reasons: ['isolation'], consentToContact: true }),
  },
  { method: 'get', path: '/v1/referrals/unassigned', allowed: managers },
  { method: 'post', path: '/v1/referrals/{referralId}/assign', allowed: managers, allowedStatus: 409, body: (ids) => ({ navigator: ids.sub }) },
  // nobody-2 is not a navigator: an allowed caller gets past authorization to the 404.
  { method: 'post', path: '/v1/caseloads/reassign', allowed: managers, allowedStatus: 404, body: () => ({ from: 'nobody-1', to: 'nobody-2' }) },
  { method: 'post', path: '/v1/patients/{patientId}/assessments', allowed: caseWorkers, body: () => ({ kind: 'follow_up', ons4 }) },
  { method: 'get', path: '/v1/patients/{patientId}/assessments', allowed: caseReaders },
  {
    method: 'post',
    path: '/v1/patients/{patientId}/assessments/{assessmentId}/amendments',
    allowed: caseWorkers,
    body: () => ({ reason: 'typed wrongly', ons4 }),
  },
  // The matrix patient already has a prescription: an allowed caller gets past authorization to the 409.
  { method: 'post', path: '/v1/prescriptions', allowed: caseWorkers, allowedStatus: 409, body: (ids) => ({ patientId: ids.patientId, startDate: todayInLondon(), goals: ['g'], activityIds: [ids.activityId] }) },
  { method: 'get', path: '/v1/prescriptions/{prescriptionId}', allowed: caseReaders },
  { method: 'patch', path: '/v1/prescriptions/{prescriptionId}', allowed: caseWorkers, body: () => ({ weeks: 12 }) },
  { method: 'get', path: '/v1/patients/{patientId}/prescriptions', allowed: caseReaders },
  // The matrix card was revoked as lost: allowed callers get past authorization to the domain's 409.
  { method: 'post', path: '/v1/cards', allowed: caseWorkers, allowedStatus: 409, body: (ids) => ({ cardId: ids.cardId, patientId: ids.patientId }) },
  { method: 'post', path: '/v1/cards/{cardId}/revoke', allowed: caseWorkers, allowedStatus: 409, body: () => ({ reason: 'lost' }) },
  { method: 'get', path: '/v1/cards/{cardId}', allowed: caseReaders },
  { method: 'get', path: '/v1/patients/{patientId}/cards', allowed: caseReaders },
  // Scans need a provider device token; the matrix provider's own venue with an unknown card → 422.
  { method: 'post', path: '/v1/scans', allowed: ['provider'], allowedStatus: 422, body: (ids) => ({ scanId: randomUUID(), cardId: 'NO-SUCH-CARD', venueId: ids.venueId, scannedAt: new Date().toISOString() }) },
  { method: 'post', path: '/v1/scans/batch', allowed: ['provider'], body: (ids) => ({ scans: [{ scanId: randomUUID(), cardId: 'NO-SUCH-CARD', venueId: ids.venueId, scannedAt: new Date().toISOString() }] }) },
  { method: 'get', path: '/v1/providers/{providerId}/attendance?from=2026-01-01&to=2026-01-31', allowed: ['provider', 'manager', 'admin'] },
  { method: 'get', path: '/v1/followups', allowed: caseReaders },
  // The matrix prescription's follow-up, completed early by the first allowed caller; later callers get 409.
  { method: 'post', path: '/v1/followups/{followUpId}/complete', allowed: caseWorkers, allowedStatus: 409, body: () => ({ assessment: { ons4 } }) },
  // Reports: counts for every role, scoped (provider: its own; navigator: caseload); outcomes for case workers and managers; exports for managers.
  { method: 'get', path: '/v1/reports/attendance?from=2026-01-01&to=2026-01-31', allowed: ['provider', 'navigator', 'manager', 'admin'] },
  { method: 'get', path: '/v1/reports/programme?from=2026-01-01&to=2026-01-31', allowed: ['navigator', 'manager', 'admin'] },
  { method: 'get', path: '/v1/reports/attendance.csv?from=2026-01-01&to=2026-01-31', allowed: ['manager', 'admin'] },
  { method: 'get', path: '/v1/reports/outcomes.csv', allowed: ['manager', 'admin'] },
  // The GP outbox: staff who may see patients; no message has that id, so allowed callers meet the 404.
  { method: 'get', path: '/v1/gp-messages', allowed: caseReaders },
  { method: 'get', path: '/v1/gp-messages/{messageId}', allowed: caseReaders, allowedStatus: 404 },
  { method: 'post', path: '/v1/gp-messages/{messageId}/sent', allowed: caseReaders, allowedStatus: 404, body: () => ({ via: 'post' }) },
  { method: 'get', path: '/v1/reports/gp-codes.csv?from=2026-01-01&to=2026-01-31', allowed: ['manager', 'admin'] },
  // People: admins change the team, managers see it.
  { method: 'post', path: '/v1/people', allowed: ['admin'], body: () => ({ email: `matrix-${randomUUID()}@example.org`, givenName: 'M', familyName: 'P', role: 'navigator' }) },
  { method: 'get', path: '/v1/people', allowed: managers },
  { method: 'get', path: '/v1/people/{personId}', allowed: managers },
  // Nobody called matrix-nobody exists: allowed callers get past authorization to the 404.
  { method: 'get', path: '/v1/staff/{sub}', allowed: caseReaders, allowedStatus: 404 },
  { method: 'patch', path: '/v1/people/{personId}', allowed: ['admin'], body: () => ({ givenName: 'Renamed' }) },
  // Devices: managers enrol and revoke; provider staff see their own provider's list; a device's own routes need no token.
  { method: 'post', path: '/v1/providers/{providerId}/devices', allowed: managers, body: () => ({ name: 'Matrix tablet' }) },
  { method: 'get', path: '/v1/providers/{providerId}/devices', allowed: ['provider', 'manager', 'admin'] },
  { method: 'post', path: '/v1/devices/{deviceId}/revoke', allowed: managers },
  // The same 401 for every caller, with or without a token: a token is neither needed nor looked at.
  { method: 'post', path: '/v1/devices/enrol', allowed: 'public', allowedStatus: 401, body: () => ({ code: 'ZZZZZ-ZZZZZ-ZZZZZ' }) },
  { method: 'post', path: '/v1/devices/token', allowed: 'public', allowedStatus: 401, body: (ids) => ({ deviceId: ids.deviceId, refreshToken: 'not-a-token' }) },
  { method: 'get', path: '/v1/devices/jwks.json', allowed: 'public' },
  // The public ORUK directory feed (no token; by id, an id nobody has: the same 404 for every caller).
  { method: 'put', path: '/v1/providers/{providerId}/listing', allowed: managers, body: () => ({ listed: true }) },
  { method: 'get', path: '/oruk/', allowed: 'public' },
  { method: 'get', path: '/oruk/services', allowed: 'public' },
  { method: 'get', path: '/oruk/services/{id}', allowed: 'public', allowedStatus: 404 },
  { method: 'get', path: '/oruk/service_at_locations', allowed: 'public' },
  { method: 'get', path: '/oruk/service_at_locations/{id}', allowed: 'public', allowedStatus: 404 },
  { method: 'get', path: '/oruk/taxonomies', allowed: 'public' },
  { method: 'get', path: '/oruk/taxonomies/{id}', allowed: 'public', allowedStatus: 404 },
  { method: 'get', path: '/oruk/taxonomy_terms', allowed: 'public' },
  { method: 'get', path: '/oruk/taxonomy_terms/{id}', allowed: 'public', allowedStatus: 404 },
  // Local mode only (mounted by the local runtime, never in the Lambda).
  { method: 'post', path: '/v1/dev/tokens', allowed: 'public', body: () => ({ role: 'navigator' }) },
  { method: 'get', path: '/v1/dev/clock', allowed: 'public' },
  { method: 'get', path: '/v1/dev/people', allowed: 'public' },
  { method: 'post', path: '/v1/dev/clock', allowed: 'public', body: () => ({ advance: 'PT1S' }) },
  { method: 'get', path: '/v1/dev/outbox', allowed: 'public' },
];

let t: TestApp;
let ids: Ids;

beforeAll(async () => {
  t = await createTestApp();
  const provider = await t.call('POST', '/v1/providers', {
    as: 'admin',
    body: { name: 'Matrix', categories: ['advice'], accreditation: { status: 'accredited', validUntil: '2030-01-01' } },
  });
  const venue = await t.call('POST', `/v1/providers/${provider.body.providerId}/venues`, { as: 'admin', body: { name: 'V', postcode: 'LU1 2AB' } });
  const activity = await t.call('POST', `/v1/providers/${provider.body.providerId}/activities`, {
    as: 'admin',
    body: { venueId: venue.body.venueId, name: 'A', category: 'advice' },
  });
  // The patient is in the caseload of the navigator the matrix acts as (local-navigator).
  const referral = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody() });
  const patientId = referral.body.patientId as string;
  const prescription = await t.call('POST', '/v1/prescriptions', {
    as: 'navigator',
    body: { patientId, startDate: todayInLondon(), goals: ['g'], activityIds: [activity.body.activityId] },
  });
  const cardId = 'MATRIX-CARD-1';
  await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId, patientId } });
  await t.call('POST', `/v1/cards/${cardId}/revoke`, { as: 'navigator', body: { reason: 'lost' } });
  // A second patient's follow-up, completed up front, so every allowed caller meets the same 409.
  const other = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody() });
  const otherPrescription = await t.call('POST', '/v1/prescriptions', {
    as: 'navigator',
    body: { patientId: other.body.patientId, startDate: todayInLondon(), goals: ['g'], activityIds: [activity.body.activityId] },
  });
  await t.call('POST', `/v1/followups/${otherPrescription.body.followUpId}/complete`, { as: 'navigator', body: { assessment: { ons4 } } });
  const baseline = await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: { kind: 'baseline', ons4 } });
  const person = await t.call('POST', '/v1/people', { as: 'admin', body: { email: 'matrix-person@example.org', givenName: 'M', familyName: 'P', role: 'manager' } });
  const device = await t.call('POST', `/v1/providers/${provider.body.providerId}/devices`, { as: 'admin', body: { name: 'Matrix device' } });
  const declined = await t.call('POST', '/v1/referrals', { as: 'navigator', body: referralBody() });
  await t.call('POST', `/v1/referrals/${declined.body.referralId}/decline`, { as: 'navigator', body: { reason: 'moved_away' } });
  ids = {
    referralId: declined.body.referralId,
    deviceId: device.body.deviceId,
    personId: person.body.personId,
    assessmentId: baseline.body.assessmentId,
    followUpId: otherPrescription.body.followUpId,
    cardId,
    providerId: provider.body.providerId,
    venueId: venue.body.venueId,
    activityId: activity.body.activityId,
    patientId,
    prescriptionId: prescription.body.prescriptionId,
    purpose: 'evaluation',
    sub: 'matrix-nobody',
    id: '00000000-0000-0000-0000-000000000000',
    messageId: '01J00000000000000000000000',
  };
});

const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: keyof Ids) => ids[name]);

describe.each(MATRIX)('$method $path', (row) => {
  const callers: (Role | 'anonymous')[] = ['anonymous', ...ROLES];

  it.each(callers)('as %s', async (caller) => {
    const res = await t.call(row.method.toUpperCase(), fill(row.path), {
      ...(caller === 'anonymous' ? {} : { as: caller, providerId: ids.providerId }),
      ...(row.body ? { body: row.body(ids) } : {}),
    });
    if (row.allowed === 'public') {
      if (row.allowedStatus) expect(res.status, JSON.stringify(res.body)).toBe(row.allowedStatus);
      else expect(res.status).toBeLessThan(400);
    } else if (caller === 'anonymous') {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    } else if (row.allowed.includes(caller)) {
      if (row.allowedStatus) expect(res.status, JSON.stringify(res.body)).toBe(row.allowedStatus);
      else expect(res.status, JSON.stringify(res.body)).toBeLessThan(400);
    } else {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });
});

describe('the matrix is complete', () => {
  it('lists exactly the operations in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`))
      .sort();
    expect(MATRIX.map((row) => `${row.method} ${row.path.split('?')[0]}`).sort()).toEqual(documented);
  });
});

describe('tokens at the door', () => {
  it.each([
    ['a malformed Authorization header', { authorization: 'Token abc' }],
    ['a garbage bearer token', { authorization: 'Bearer abc.def.ghi' }],
  ])('%s is 401', async (_label, headers) => {
    const res = await t.app.request('/v1/providers', { headers });
    expect(res.status).toBe(401);
  });

  it('an expired token is 401 with a message saying so', async () => {
    const { token } = await t.issuer.mint({ role: 'manager' }, new Date(t.clock.now().getTime() - 24 * 3600_000));
    const res = await t.call('GET', '/v1/providers', { token });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/expired/);
  });

  it('is checked before the body: an anonymous invalid body is 401, not 400', async () => {
    const res = await t.call('POST', '/v1/providers', { body: { nonsense: true } });
    expect(res.status).toBe(401);
  });
});
