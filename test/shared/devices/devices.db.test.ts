import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, referPatient } from '../../support/fixtures';

/**
 * Scanning devices over HTTP against DynamoDB Local: enrolment codes, token trades with reuse
 * detection, revocation refusing the next scan, last seen, and every bad input. The clock is
 * 10:00 GMT on Wednesday 4 March 2026.
 */
let t: TestApp;
let provider: { providerId: string; venueId: string; activityIds: string[] };
let other: { providerId: string; venueId: string; activityIds: string[] };
let cardSeq = 0;
const START = '2026-03-04T10:00:00.000Z';
/** The dev clock runs on from where it is set, so times are checked to within a minute. */
const near = (iso: unknown, expected: string) => Math.abs(Date.parse(String(iso)) - Date.parse(expected)) < 60_000;

beforeAll(async () => {
  t = await createTestApp({ now: START });
  provider = await makeActivities(t, { name: 'Devices provider' });
  other = await makeActivities(t, { name: 'Other provider' });
});

const setClock = (now: string) => t.call('POST', '/v1/dev/clock', { body: { now } });

async function createDevice(name = 'Village hall tablet', providerId = provider.providerId) {
  const res = await t.call('POST', `/v1/providers/${providerId}/devices`, { as: 'manager', body: { name } });
  expect(res.status).toBe(201);
  return res.body as { deviceId: string; enrolmentCode: string; enrolmentUrl: string; expiresAt: string; createdAt: string; status: string };
}

const longCode = (enrolmentUrl: string) => enrolmentUrl.split('#enrol=')[1]!;
/** Each call from an address of its own: the per-address rate limits are tested in rate-limit.db.test.ts. */
let addressSeq = 0;
const from = () => ({ 'x-forwarded-for': `198.51.${Math.floor(++addressSeq / 250)}.${addressSeq % 250}` });
const enrol = (code: string) => t.call('POST', '/v1/devices/enrol', { body: { code }, headers: from() });
const trade = (deviceId: string, refreshToken: string) => t.call('POST', '/v1/devices/token', { body: { deviceId, refreshToken }, headers: from() });

async function enrolledDevice(providerId = provider.providerId) {
  const created = await createDevice('Door phone', providerId);
  const enrolled = await enrol(longCode(created.enrolmentUrl));
  expect(enrolled.status).toBe(200);
  const tokens = await trade(created.deviceId, enrolled.body.refreshToken);
  expect(tokens.status).toBe(200);
  return { deviceId: created.deviceId, accessToken: tokens.body.accessToken as string, refreshToken: tokens.body.refreshToken as string };
}

async function deviceOf(deviceId: string, providerId = provider.providerId) {
  const list = await t.call('GET', `/v1/providers/${providerId}/devices?limit=100`, { as: 'manager' });
  return (list.body.items as { deviceId: string }[]).find((item) => item.deviceId === deviceId) as Record<string, unknown> | undefined;
}

/** A patient with a prescription of the provider's activity and a card issued a fortnight ago. */
async function cardHolder() {
  const patientId = await referPatient(t);
  await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
  const now = t.clock.now().toISOString();
  const prescribed = await t.call('POST', '/v1/prescriptions', {
    as: 'navigator',
    body: { patientId, startDate: '2026-03-02', goals: ['g'], activityIds: [provider.activityIds[0]] },
  });
  expect(prescribed.status).toBe(201);
  const cardId = `DEVICETEST-${String(++cardSeq).padStart(4, '0')}`;
  await setClock('2026-02-18T10:00:00Z');
  const issued = await t.call('POST', '/v1/cards', { as: 'navigator', body: { cardId, patientId } });
  await setClock(now);
  expect(issued.status).toBe(201);
  return { cardId, prescriptionId: prescribed.body.prescriptionId as string };
}

const scanBody = (cardId: string) => ({
  scanId: randomUUID(),
  cardId,
  venueId: provider.venueId,
  activityId: provider.activityIds[0],
  scannedAt: t.clock.now().toISOString(),
});

describe('creating a device', () => {
  it('gives a one-time code for 24 hours: a typed form and a URL form with at least 128 bits', async () => {
    const created = await createDevice();
    expect(created.status).toBe('pending');
    expect(Date.parse(created.expiresAt) - Date.parse(created.createdAt)).toBe(24 * 60 * 60 * 1000);
    expect(created.enrolmentCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(created.enrolmentUrl).toMatch(/^http:\/\/localhost\/scan\/#enrol=[0-9A-HJKMNP-TV-Z]{5}\.[A-Za-z0-9_-]{43}$/);
    // 43 base64url characters carry 258 bits; 32 random bytes of them.
    expect(Buffer.from(longCode(created.enrolmentUrl).split('.')[1]!, 'base64url')).toHaveLength(32);
    const listed = await deviceOf(created.deviceId);
    expect(listed).toMatchObject({ name: 'Village hall tablet', status: 'pending', enrolmentExpiresAt: created.expiresAt });
    expect(JSON.stringify(listed)).not.toContain(created.enrolmentCode);
  });

  it('refuses a bad name (400), an unknown provider (404), and anyone but a manager or admin (403)', async () => {
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(61) }, { name: 'ok', extra: 1 }, { name: 'nul\u0000' }]) {
      const res = await t.call('POST', `/v1/providers/${provider.providerId}/devices`, { as: 'manager', body });
      expect(res.status).toBe(400);
      expect(res.body.error.issues.length).toBeGreaterThan(0);
    }
    expect((await t.call('POST', '/v1/providers/01JD0000000000000000000000/devices', { as: 'admin', body: { name: 'x' } })).status).toBe(404);
    for (const as of ['navigator', 'provider'] as const) {
      const res = await t.call('POST', `/v1/providers/${provider.providerId}/devices`, { as, providerId: provider.providerId, body: { name: 'x' } });
      expect(res.status).toBe(403);
    }
  });
});

describe('enrolling', () => {
  it('redeems the URL code once; the second time is the same 401 as any wrong code', async () => {
    const created = await createDevice();
    const first = await enrol(longCode(created.enrolmentUrl));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ deviceId: created.deviceId, providerId: provider.providerId, name: 'Village hall tablet', refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(first.headers.get('cache-control')).toBe('no-store');
    const again = await enrol(longCode(created.enrolmentUrl));
    const wrong = await enrol('ZZZZZ-ZZZZZ-ZZZZZ');
    const garbage = await enrol('not a code at all');
    for (const res of [again, wrong, garbage]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual(again.body);
    }
    expect(again.body.error.code).toBe('invalid_enrolment_code');
    const listed = await deviceOf(created.deviceId);
    expect(listed?.status).toBe('active');
    expect(near(listed?.enrolledAt, START)).toBe(true);
  });

  it('takes the typed form in lower case, without hyphens, with O for 0 and I or L for 1', async () => {
    const created = await createDevice();
    const typed = created.enrolmentCode.replace(/-/g, ' ').toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
    expect((await enrol(typed)).status).toBe(200);
  });

  it('two redemptions at once: exactly one succeeds', async () => {
    for (let round = 0; round < 3; round++) {
      const created = await createDevice();
      const answers = await Promise.all([enrol(longCode(created.enrolmentUrl)), enrol(created.enrolmentCode), enrol(longCode(created.enrolmentUrl))]);
      expect(answers.map((res) => res.status).sort()).toEqual([200, 401, 401]);
    }
  });

  it('five wrong tries void the enrolment: the right code then fails too', async () => {
    const created = await createDevice();
    const lookup = created.enrolmentCode.slice(0, 5);
    for (let i = 0; i < 5; i++) expect((await enrol(`${lookup}-00000-0000${i}`)).status).toBe(401);
    expect((await enrol(longCode(created.enrolmentUrl))).status).toBe(401);
    expect(await deviceOf(created.deviceId)).toMatchObject({ status: 'void', endReason: 'enrolment_attempts_exceeded' });
  });

  it('a burst of wrong tries at once still gets no more than five comparisons', async () => {
    const created = await createDevice();
    const lookup = created.enrolmentCode.slice(0, 5);
    const guesses = Array.from({ length: 12 }, (_, i) => enrol(`${lookup}-00000-000${String(i).padStart(2, '0')}`));
    expect((await Promise.all(guesses)).every((res) => res.status === 401)).toBe(true);
    expect((await enrol(created.enrolmentCode)).status).toBe(401);
    expect((await deviceOf(created.deviceId))?.status).toBe('void');
  });

  it('a code past its 24 hours does not work, and the device shows as expired', async () => {
    const created = await createDevice();
    await setClock('2026-03-05T11:00:00Z');
    try {
      expect((await enrol(longCode(created.enrolmentUrl))).status).toBe(401);
      expect((await deviceOf(created.deviceId))?.status).toBe('expired');
    } finally {
      await setClock(START);
    }
  });

  it('a bad body is a 400, not a 401', async () => {
    for (const body of [{}, { code: '' }, { code: 5 }, { code: 'x', more: 1 }]) expect((await t.call('POST', '/v1/devices/enrol', { body, headers: from() })).status).toBe(400);
  });
});

describe('tokens', () => {
  it('trades a refresh token for a 15-minute ES256 provider token for the device, and a new refresh token', async () => {
    const created = await createDevice();
    const enrolled = await enrol(longCode(created.enrolmentUrl));
    const res = await trade(created.deviceId, enrolled.body.refreshToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(res.body.refreshToken).not.toBe(enrolled.body.refreshToken);
    const claims = decodeJwt(res.body.accessToken);
    expect(decodeProtectedHeader(res.body.accessToken).alg).toBe('ES256');
    expect(claims).toMatchObject({ sub: created.deviceId, role: 'provider', providerId: provider.providerId, deviceId: created.deviceId });
    expect(claims.exp! - claims.iat!).toBe(900);
    // The token works as the provider's: it can read the provider's own devices, not another's.
    expect((await t.call('GET', `/v1/providers/${provider.providerId}/devices`, { token: res.body.accessToken })).status).toBe(200);
    expect((await t.call('GET', `/v1/providers/${other.providerId}/devices`, { token: res.body.accessToken })).status).toBe(403);
    // And only what a provider may: no patients, no devices made.
    expect((await t.call('GET', '/v1/patients', { token: res.body.accessToken })).status).toBe(403);
    expect((await t.call('POST', `/v1/providers/${provider.providerId}/devices`, { token: res.body.accessToken, body: { name: 'x' } })).status).toBe(403);
  });

  it('an already-used refresh token revokes the device: neither it nor the newer one works again', async () => {
    const { deviceId, accessToken } = await enrolledDevice();
    const created = await createDevice();
    const first = await enrol(longCode(created.enrolmentUrl));
    const second = await trade(created.deviceId, first.body.refreshToken);
    expect(second.status).toBe(200);
    const reused = await trade(created.deviceId, first.body.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('invalid_refresh_token');
    expect((await trade(created.deviceId, second.body.refreshToken)).status).toBe(401);
    expect(await deviceOf(created.deviceId)).toMatchObject({ status: 'revoked', endReason: 'refresh_token_reused' });
    // Another device of the same provider is untouched.
    expect((await deviceOf(deviceId))?.status).toBe('active');
    expect(accessToken).toBeTruthy();
  });

  it('a run of trades keeps working, each refresh token once', async () => {
    let { deviceId, refreshToken } = await enrolledDevice();
    for (let i = 0; i < 5; i++) {
      const res = await trade(deviceId, refreshToken);
      expect(res.status).toBe(200);
      refreshToken = res.body.refreshToken;
    }
    expect((await deviceOf(deviceId))?.status).toBe('active');
  });

  it('an unknown device, a wrong token or a revoked device: the same 401, and nothing changes', async () => {
    const { deviceId, refreshToken } = await enrolledDevice();
    const unknown = await trade('01JD0000000000000000000000', refreshToken);
    const wrong = await trade(deviceId, 'x'.repeat(43));
    expect(unknown.body).toEqual(wrong.body);
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    // A wrong token is not a reuse: the device still trades its own.
    expect((await trade(deviceId, refreshToken)).status).toBe(200);
    expect((await t.call('POST', '/v1/devices/token', { body: { deviceId: 'nope', refreshToken }, headers: from() })).status).toBe(400);
  });

  it('serves the public key as a JWKS, and the key set verifies device tokens only', async () => {
    const jwks = await t.call('GET', '/v1/devices/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.body.keys[0].d).toBeUndefined();
  });
});

describe('revocation and scans', () => {
  it('a device scans as its provider; once revoked its next scan is refused at once (401 device_revoked), nothing recorded', async () => {
    const { cardId, prescriptionId } = await cardHolder();
    const { deviceId, accessToken, refreshToken } = await enrolledDevice();
    const accepted = await t.call('POST', '/v1/scans', { token: accessToken, body: scanBody(cardId) });
    expect(accepted.status).toBe(201);

    const revoked = await t.call('POST', `/v1/devices/${deviceId}/revoke`, { as: 'manager' });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', endReason: 'revoked_by_staff' });
    expect(near(revoked.body.endedAt, START)).toBe(true);

    // A minute later, the access token still unexpired: refused all the same.
    await setClock('2026-03-04T10:01:00Z');
    try {
      const refused = await t.call('POST', '/v1/scans', { token: accessToken, body: scanBody(cardId) });
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('device_revoked');
      const batch = await t.call('POST', '/v1/scans/batch', { token: accessToken, body: { scans: [scanBody(cardId)] } });
      expect(batch.status).toBe(401);
      expect(batch.body.error.code).toBe('device_revoked');
      const prescription = await t.call('GET', `/v1/prescriptions/${prescriptionId}`, { as: 'navigator' });
      expect(prescription.body.sessionsAttended).toBe(1);
      expect((await trade(deviceId, refreshToken)).status).toBe(401);
    } finally {
      await setClock(START);
    }
    // Revoking again changes nothing; an unknown device is a 404; only managers and admins revoke.
    expect((await t.call('POST', `/v1/devices/${deviceId}/revoke`, { as: 'admin' })).body.endedAt).toBe(revoked.body.endedAt);
    expect((await t.call('POST', '/v1/devices/01JD0000000000000000000000/revoke', { as: 'admin' })).status).toBe(404);
    expect((await t.call('POST', `/v1/devices/${deviceId}/revoke`, { as: 'provider', providerId: provider.providerId })).status).toBe(403);
  });

  it('revoking a pending device voids its code', async () => {
    const created = await createDevice();
    expect((await t.call('POST', `/v1/devices/${created.deviceId}/revoke`, { as: 'manager' })).body.status).toBe('revoked');
    expect((await enrol(longCode(created.enrolmentUrl))).status).toBe(401);
  });

  it("a device's token gets no further at another provider's venue than staff would", async () => {
    const { cardId } = await cardHolder();
    const { accessToken } = await enrolledDevice(other.providerId);
    const res = await t.call('POST', '/v1/scans', { token: accessToken, body: scanBody(cardId) });
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('venue_not_yours');
  });

  it('last seen moves at most once an hour, however many scans', async () => {
    const { cardId } = await cardHolder();
    let { deviceId, accessToken, refreshToken } = await enrolledDevice();
    const enrolledAt = (await deviceOf(deviceId))?.lastSeenAt;
    expect(near(enrolledAt, START)).toBe(true);
    const refresh = async () => {
      const res = await trade(deviceId, refreshToken);
      expect(res.status).toBe(200);
      ({ accessToken, refreshToken } = res.body);
    };
    try {
      // Trades and scans within the hour: no new last seen.
      for (const at of ['2026-03-04T10:14:00Z', '2026-03-04T10:28:00Z', '2026-03-04T10:59:00Z']) {
        await setClock(at);
        await refresh();
        for (let i = 0; i < 3; i++) await t.call('POST', '/v1/scans', { token: accessToken, body: scanBody(cardId) });
        expect((await deviceOf(deviceId))?.lastSeenAt).toBe(enrolledAt);
      }
      // Past the hour, the next scan (on the 10:59 token) moves it, once.
      await setClock('2026-03-04T11:05:00Z');
      await t.call('POST', '/v1/scans', { token: accessToken, body: scanBody(cardId) });
      const moved = (await deviceOf(deviceId))?.lastSeenAt;
      expect(near(moved, '2026-03-04T11:05:00Z')).toBe(true);
      await t.call('POST', '/v1/scans', { token: accessToken, body: scanBody(cardId) });
      expect((await deviceOf(deviceId))?.lastSeenAt).toBe(moved);
    } finally {
      await setClock(START);
    }
  });
});

describe('round trips', () => {
  it("a device's scan costs what a person's does (the device rides in the same BatchGetItem); a revoked one's costs one", async () => {
    const { cardId } = await cardHolder();
    const { deviceId, accessToken } = await enrolledDevice();
    const staffToken = (await t.issuer.mint({ role: 'provider', providerId: provider.providerId, sub: 'staff-1' }, t.clock.now())).token;
    const send = vi.spyOn(t.db.client, 'send');
    const callsFor = async (token: string, body: unknown) => {
      send.mockClear();
      await t.call('POST', '/v1/scans', { token, body });
      return send.mock.calls.map(([command]) => command.constructor.name);
    };
    try {
      const other = await cardHolder();
      const byStaff = await callsFor(staffToken, scanBody(other.cardId));
      const byDevice = await callsFor(accessToken, scanBody(cardId));
      expect(byDevice).toEqual(byStaff);
      // The per-device rate limit's count comes first (decision 70), then the scan's own reads.
      expect(byDevice.slice(0, 2)).toEqual(['UpdateCommand', 'BatchGetCommand']);
      await t.call('POST', `/v1/devices/${deviceId}/revoke`, { as: 'manager' });
      expect(await callsFor(accessToken, scanBody(cardId))).toEqual(['UpdateCommand', 'BatchGetCommand']);
    } finally {
      send.mockRestore();
    }
  });
});

describe('secrets', () => {
  it('only hashes of codes and refresh tokens are stored, and no log line carries one', async () => {
    const spies = (['info', 'warn', 'error'] as const).map((level) => vi.spyOn(t.services.logger, level));
    const created = await createDevice();
    const shortSecret = created.enrolmentCode.slice(6).replace('-', '');
    const longSecret = longCode(created.enrolmentUrl).split('.')[1]!;
    await enrol(`${created.enrolmentCode.slice(0, 5)}-00000-00000`);
    const enrolled = await enrol(longCode(created.enrolmentUrl));
    const tokens = await trade(created.deviceId, enrolled.body.refreshToken);
    const items = JSON.stringify((await t.db.client.send(new ScanCommand({ TableName: t.db.tableName }))).Items);
    for (const secret of [shortSecret, longSecret, enrolled.body.refreshToken, tokens.body.refreshToken, tokens.body.accessToken]) {
      expect(items).not.toContain(secret);
    }
    const logged = JSON.stringify(spies.map((spy) => spy.mock.calls));
    for (const secret of [shortSecret, longSecret, created.enrolmentCode, enrolled.body.refreshToken, tokens.body.refreshToken]) expect(logged).not.toContain(secret);
    spies.forEach((spy) => spy.mockRestore());
  });
});
