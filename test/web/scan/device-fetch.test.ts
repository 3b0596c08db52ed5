import { describe, expect, it } from 'vitest';
import type { Session } from '../../../web/shared/types';
import { createDeviceAuth, pageLock, type EndReason, type TokenRequester } from '../../../web/scan/device-auth';
import { NoTokenError, deviceFetch, untilAborted } from '../../../web/scan/device-fetch';
import type { DeviceRecord } from '../../../web/scan/device-logic';

const DEVICE = '01JD0000000000000000000001';
const PROVIDER = '01JP0000000000000000000001';
const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);
const MINUTE = 60_000;

const deviceSession: Session = { token: '', role: 'provider', providerId: PROVIDER, deviceId: DEVICE, sub: DEVICE, label: 'Village hall tablet' };
const personSession: Session = { token: 'person-token', role: 'provider', providerId: PROVIDER, label: 'Provider device' };

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const scanRequest = (init: RequestInit = {}) =>
  new Request('http://waymark.test/v1/scans', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scanId: 's-1', cardId: 'LUTON-0042-7731' }), ...init });

/** A device with a token store and a token route (refresh tokens single-use), and an API that answers as `answer` says. */
function setUp(options: { session?: Session; tokenRoute?: 'answer' | 'down' | 'refuse'; access?: { token: string; expiresAt: number } } = {}) {
  let record: DeviceRecord | undefined = {
    kind: 'enrolled',
    deviceId: DEVICE,
    providerId: PROVIDER,
    name: 'Village hall tablet',
    refreshToken: 'refresh-1',
    ...(options.access ? { access: options.access } : {}),
  };
  let issued = 0;
  const presented: string[] = [];
  const requestTokens: TokenRequester = async (_deviceId, refreshToken) => {
    presented.push(refreshToken);
    if (options.tokenRoute === 'down') return { kind: 'unavailable' };
    if (options.tokenRoute === 'refuse') return { kind: 'refused' };
    issued++;
    return { kind: 'tokens', refreshToken: `refresh-${issued + 1}`, access: { token: `access-${issued}`, expiresAt: NOW + 15 * MINUTE } };
  };
  const ended: EndReason[] = [];
  const auth = createDeviceAuth({
    store: {
      load: async () => record,
      save: async (next) => {
        record = next;
      },
      clear: async () => {
        record = undefined;
      },
    },
    requestTokens,
    enrol: async () => ({ kind: 'refused' }),
    lock: pageLock(),
    now: () => NOW,
    onEnded: (why) => ended.push(why),
  });
  /** What reached the API: the authorization header and the body of each request. */
  const sent: { authorization: string | null; body: string }[] = [];
  let answers: ((request: Request) => Response)[] = [];
  const send = async (request: Request) => {
    sent.push({ authorization: request.headers.get('authorization'), body: await request.text() });
    const answer = answers.shift();
    return answer ? answer(request) : json(201, { status: 'accepted' });
  };
  const session = options.session ?? deviceSession;
  const fetcher = deviceFetch({ session: () => session, auth, send });
  return {
    fetcher,
    sent,
    presented,
    ended,
    record: () => record,
    answer: (...next: ((request: Request) => Response)[]) => {
      answers = next;
    },
  };
}

const expiredToken = () => json(401, { error: { code: 'unauthenticated', message: 'The token is not valid.' } });
const revokedDevice = () => json(401, { error: { code: 'device_revoked', message: 'This device has been revoked.' } });

describe('deviceFetch', () => {
  it('leaves a person’s request as it is (their token is set by the client)', async () => {
    const { fetcher, sent, presented } = setUp({ session: personSession });
    const response = await fetcher(scanRequest());
    expect(response.status).toBe(201);
    expect(sent).toEqual([{ authorization: null, body: expect.stringContaining('s-1') }]);
    expect(presented).toEqual([]);
  });

  it('sends a device’s request with a fresh access token', async () => {
    const { fetcher, sent, presented } = setUp();
    expect((await fetcher(scanRequest())).status).toBe(201);
    expect(sent.map((request) => request.authorization)).toEqual(['Bearer access-1']);
    expect(presented).toEqual(['refresh-1']);
  });

  it('uses the token it has while it is fresh: no refresh before each call', async () => {
    const { fetcher, sent, presented } = setUp({ access: { token: 'access-0', expiresAt: NOW + 10 * MINUTE } });
    await fetcher(scanRequest());
    await fetcher(scanRequest());
    expect(sent.map((request) => request.authorization)).toEqual(['Bearer access-0', 'Bearer access-0']);
    expect(presented).toEqual([]);
  });

  it('after a refused (expired) token, refreshes once and sends the same request again, body and all', async () => {
    const harness = setUp({ access: { token: 'access-0', expiresAt: NOW + 10 * MINUTE } });
    harness.answer(expiredToken);
    const response = await harness.fetcher(scanRequest());
    expect(response.status).toBe(201);
    expect(harness.sent.map((request) => request.authorization)).toEqual(['Bearer access-0', 'Bearer access-1']);
    expect(harness.sent[0]!.body).toBe(harness.sent[1]!.body);
    expect(harness.presented).toEqual(['refresh-1']);
    expect(harness.ended).toEqual([]);
  });

  it('gives up after that one try: a second refusal is the caller’s', async () => {
    const harness = setUp({ access: { token: 'access-0', expiresAt: NOW + 10 * MINUTE } });
    harness.answer(expiredToken, expiredToken);
    const response = await harness.fetcher(scanRequest());
    expect(response.status).toBe(401);
    expect(harness.sent).toHaveLength(2);
    expect(harness.presented).toEqual(['refresh-1']);
  });

  it('on device_revoked, tries nothing more: the credentials are forgotten and the session ends', async () => {
    const harness = setUp({ access: { token: 'access-0', expiresAt: NOW + 10 * MINUTE } });
    harness.answer(revokedDevice);
    const response = await harness.fetcher(scanRequest());
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'device_revoked' } });
    expect(harness.sent).toHaveLength(1);
    expect(harness.presented).toEqual([]);
    expect(harness.record()).toMatchObject({ kind: 'revoked' });
    expect(harness.ended).toEqual(['revoked']);
  });

  it('when the refresh itself is refused, the device is revoked and nothing is resent', async () => {
    const harness = setUp({ tokenRoute: 'refuse', access: { token: 'access-0', expiresAt: NOW + 10 * MINUTE } });
    harness.answer(expiredToken);
    const response = await harness.fetcher(scanRequest());
    expect(response.status).toBe(401);
    expect(harness.sent).toHaveLength(1);
    expect(harness.record()).toMatchObject({ kind: 'revoked' });
    expect(harness.ended).toEqual(['revoked']);
  });

  it('answers as the API would, sending nothing, once the device is known to be revoked', async () => {
    const harness = setUp({ tokenRoute: 'refuse' });
    const response = await harness.fetcher(scanRequest());
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'device_revoked' } });
    expect(harness.sent).toEqual([]);
  });

  it('fails like a dropped connection when no token can be had (the caller keeps its scan)', async () => {
    const harness = setUp({ tokenRoute: 'down' });
    await expect(harness.fetcher(scanRequest())).rejects.toBeInstanceOf(NoTokenError);
    expect(harness.sent).toEqual([]);
    expect(harness.record()).toMatchObject({ kind: 'enrolled', refreshToken: 'refresh-1' });
  });

  it('gives up waiting for a token when the caller’s timeout passes', async () => {
    const controller = new AbortController();
    const never = new Promise<string>(() => undefined);
    const waiting = untilAborted(never, controller.signal);
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    await expect(waiting).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(untilAborted(Promise.resolve('yes'), new AbortController().signal)).resolves.toBe('yes');
  });
});
