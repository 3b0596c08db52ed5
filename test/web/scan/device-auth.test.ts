import { describe, expect, it } from 'vitest';
import { createDeviceAuth, pageLock, type DeviceStore, type EndReason, type Enroller, type ExclusiveLock, type TokenRequester } from '../../../web/scan/device-auth';
import type { DeviceRecord, TokenResult } from '../../../web/scan/device-logic';

const DEVICE = '01JD0000000000000000000001';
const PROVIDER = '01JP0000000000000000000001';
const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);
const MINUTE = 60_000;
const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

const enrolled = (refreshToken: string, access?: { token: string; expiresAt: number }): DeviceRecord => ({
  kind: 'enrolled',
  deviceId: DEVICE,
  providerId: PROVIDER,
  name: 'Village hall tablet',
  refreshToken,
  ...(access ? { access } : {}),
});

/** The device store (IndexedDB), in memory, shared by the "tabs" of a test; it can be made to fail. */
function memoryStore(initial?: DeviceRecord) {
  const state = { record: initial, failSaves: false, failAll: false, log: [] as string[] };
  const store: DeviceStore = {
    async load() {
      if (state.failAll) throw new Error('no IndexedDB');
      return state.record && structuredClone(state.record);
    },
    async save(record) {
      if (state.failAll || state.failSaves) throw new Error('quota');
      state.log.push(record.kind === 'enrolled' ? `save ${record.refreshToken}` : 'save revoked');
      state.record = structuredClone(record);
    },
    async clear() {
      state.record = undefined;
    },
  };
  return { store, state };
}

/**
 * The device routes as the API has them: a refresh token works once, and a used one coming back
 * revokes the device. `mode` makes it refuse, or trade but lose the answer on the way back.
 */
function fakeServer(clock: { now: number }, firstRefresh = 'refresh-1') {
  const state = { current: firstRefresh, used: new Set<string>(), revoked: false, presented: [] as string[], mode: 'answer' as 'answer' | 'lost' | 'down', issued: 0 };
  const requestTokens: TokenRequester = async (deviceId, refreshToken) => {
    state.presented.push(refreshToken);
    await tick();
    if (state.mode === 'down') return { kind: 'unavailable' };
    if (deviceId !== DEVICE || state.revoked) return { kind: 'refused' };
    if (state.used.has(refreshToken)) {
      state.revoked = true;
      return { kind: 'refused' };
    }
    if (refreshToken !== state.current) return { kind: 'refused' };
    state.used.add(refreshToken);
    state.issued++;
    state.current = `refresh-${state.issued + 1}`;
    const answer: TokenResult = { kind: 'tokens', refreshToken: state.current, access: { token: `access-${state.issued}`, expiresAt: clock.now + 15 * MINUTE } };
    return state.mode === 'lost' ? { kind: 'unavailable' } : answer;
  };
  const enrol: Enroller = async (code) => {
    await tick();
    if (code !== 'K7QFM-2XW9R-TBJ4C') return { kind: 'refused' };
    return { kind: 'enrolled', credentials: { deviceId: DEVICE, providerId: PROVIDER, name: 'Village hall tablet', refreshToken: state.current } };
  };
  return { state, requestTokens, enrol };
}

/** `null`: nothing stored on the device yet. */
function setUp(initial: DeviceRecord | null = enrolled('refresh-1')) {
  const clock = { now: NOW };
  const memory = memoryStore(initial ?? undefined);
  const server = fakeServer(clock);
  const lock = pageLock(); // one lock for the whole device: its "tabs" share it, as they share the Web Lock
  const ended: [EndReason, string][] = [];
  const tab = (options: { lock?: ExclusiveLock } = {}) =>
    createDeviceAuth({
      store: memory.store,
      requestTokens: server.requestTokens,
      enrol: server.enrol,
      lock: options.lock ?? lock,
      now: () => clock.now,
      onEnded: (why, deviceId) => ended.push([why, deviceId]),
    });
  return { clock, memory, server, tab, ended };
}

describe('createDeviceAuth: tokens', () => {
  it('trades the refresh token for the first access token, and keeps the next refresh token', async () => {
    const { memory, server, tab } = setUp();
    const auth = tab();
    expect(await auth.token(DEVICE)).toEqual({ kind: 'token', token: 'access-1' });
    expect(server.state.presented).toEqual(['refresh-1']);
    expect(memory.state.record).toMatchObject({ kind: 'enrolled', refreshToken: 'refresh-2', access: { token: 'access-1', expiresAt: NOW + 15 * MINUTE } });
  });

  it('stores the next refresh token before the access token is handed out', async () => {
    const { memory, tab } = setUp();
    const auth = tab();
    const token = await auth.token(DEVICE);
    memory.state.log.push(`use ${token.kind === 'token' ? token.token : ''}`);
    expect(memory.state.log).toEqual(['save refresh-2', 'use access-1']);
  });

  it('uses the token it holds while more than two minutes are left, then refreshes', async () => {
    const { clock, server, tab } = setUp();
    const auth = tab();
    await auth.token(DEVICE);
    clock.now += 12 * MINUTE;
    expect(await auth.token(DEVICE)).toEqual({ kind: 'token', token: 'access-1' });
    expect(server.state.presented).toEqual(['refresh-1']);
    clock.now += MINUTE + 1; // less than two minutes left
    expect(await auth.token(DEVICE)).toEqual({ kind: 'token', token: 'access-2' });
    expect(server.state.presented).toEqual(['refresh-1', 'refresh-2']);
  });

  it('refreshes once for many calls at the same time in one page', async () => {
    const { server, tab } = setUp();
    const auth = tab();
    const answers = await Promise.all([auth.token(DEVICE), auth.token(DEVICE), auth.token(DEVICE)]);
    expect(answers.map((answer) => answer.kind === 'token' && answer.token)).toEqual(['access-1', 'access-1', 'access-1']);
    expect(server.state.presented).toEqual(['refresh-1']);
  });

  it('refreshes once for two tabs at the same time: the second waits, and uses the token the first stored', async () => {
    const { server, tab } = setUp();
    const [first, second] = [tab(), tab()];
    const answers = await Promise.all([first.token(DEVICE), second.token(DEVICE)]);
    expect(answers).toEqual([
      { kind: 'token', token: 'access-1' },
      { kind: 'token', token: 'access-1' },
    ]);
    expect(server.state.presented).toEqual(['refresh-1']);
    expect(server.state.revoked).toBe(false);
  });

  it('never sends a refresh token twice, even when a tab remembers an old one', async () => {
    const { clock, server, tab } = setUp();
    const [first, second] = [tab(), tab()];
    await second.token(DEVICE); // tab 2 holds access-1 (and saw refresh-1)
    clock.now += 14 * MINUTE;
    await first.token(DEVICE); // tab 1 trades refresh-2
    await second.token(DEVICE); // tab 2's token is due too: it reads the store, finds tab 1's, and uses it
    expect(server.state.presented).toEqual(['refresh-1', 'refresh-2']);
    expect(new Set(server.state.presented).size).toBe(server.state.presented.length);
    expect(server.state.revoked).toBe(false);
  });

  it('keeps what it holds when the token route gives no answer, using the old token while it lasts', async () => {
    const { clock, memory, server, tab } = setUp(enrolled('refresh-1', { token: 'access-0', expiresAt: NOW + MINUTE }));
    server.state.mode = 'down';
    const auth = tab();
    expect(await auth.token(DEVICE)).toEqual({ kind: 'token', token: 'access-0' });
    clock.now += MINUTE;
    expect(await auth.token(DEVICE)).toEqual({ kind: 'unavailable' });
    expect(memory.state.record).toMatchObject({ refreshToken: 'refresh-1' });
    server.state.mode = 'answer';
    expect(await auth.token(DEVICE)).toEqual({ kind: 'token', token: 'access-1' });
  });

  it('forgets the credentials when the token route refuses them, keeping a note, and says so once', async () => {
    const { memory, server, tab, ended } = setUp();
    server.state.revoked = true; // a manager revoked it
    const auth = tab();
    expect(await auth.token(DEVICE)).toEqual({ kind: 'ended', why: 'revoked' });
    expect(memory.state.record).toMatchObject({ kind: 'revoked', deviceId: DEVICE, name: 'Village hall tablet' });
    expect(JSON.stringify(memory.state.record)).not.toContain('refresh-');
    expect(ended).toEqual([['revoked', DEVICE]]);
    // Asked again, it does not ask the server: the note says it all.
    expect(await auth.token(DEVICE)).toEqual({ kind: 'ended', why: 'revoked' });
    expect(server.state.presented).toHaveLength(1);
  });

  it('a trade whose answer was lost spends the refresh token: the API then revokes the device (its rule), and the device says so', async () => {
    const { server, tab } = setUp();
    server.state.mode = 'lost';
    const auth = tab();
    expect(await auth.token(DEVICE)).toEqual({ kind: 'unavailable' });
    server.state.mode = 'answer';
    expect(await auth.token(DEVICE)).toEqual({ kind: 'ended', why: 'revoked' });
    expect(server.state.presented).toEqual(['refresh-1', 'refresh-1']);
  });

  it('is not enrolled when nothing is stored, or another device is', async () => {
    const empty = setUp(null);
    expect(await empty.tab().token(DEVICE)).toEqual({ kind: 'ended', why: 'not-enrolled' });
    expect(empty.ended).toEqual([['not-enrolled', DEVICE]]);
    const other = setUp(enrolled('refresh-1'));
    expect(await other.tab().token('01JD0000000000000000000099')).toEqual({ kind: 'ended', why: 'not-enrolled' });
    expect(other.server.state.presented).toEqual([]);
  });

  it('keeps using new credentials the store would not take, rather than the used refresh token it still holds', async () => {
    const { clock, memory, server, tab } = setUp();
    const auth = tab();
    memory.state.failSaves = true;
    expect(await auth.token(DEVICE)).toEqual({ kind: 'token', token: 'access-1' });
    expect(memory.state.record).toMatchObject({ refreshToken: 'refresh-1' }); // not saved
    clock.now += 14 * MINUTE;
    memory.state.failSaves = false;
    expect(await auth.token(DEVICE)).toEqual({ kind: 'token', token: 'access-2' });
    expect(server.state.presented).toEqual(['refresh-1', 'refresh-2']);
    expect(server.state.revoked).toBe(false);
    expect(memory.state.record).toMatchObject({ refreshToken: 'refresh-3' });
  });
});

describe('createDeviceAuth: a refused token, and revocation', () => {
  it('renews a token the API refused, even one that looked fresh', async () => {
    const { server, tab } = setUp();
    const auth = tab();
    await auth.token(DEVICE);
    expect(await auth.renew(DEVICE, 'access-1')).toEqual({ kind: 'token', token: 'access-2' });
    expect(server.state.presented).toEqual(['refresh-1', 'refresh-2']);
  });

  it('does not renew when another tab got a new token since: it uses that one', async () => {
    const { clock, server, tab } = setUp();
    const [first, second] = [tab(), tab()];
    await first.token(DEVICE);
    clock.now += 14 * MINUTE;
    await second.token(DEVICE); // access-2, stored
    // Tab 1 sent access-1 (due), was refused, and asks to renew it: access-2 is there already.
    expect(await first.renew(DEVICE, 'access-1')).toEqual({ kind: 'token', token: 'access-2' });
    expect(server.state.presented).toEqual(['refresh-1', 'refresh-2']);
  });

  it('renews once for calls refused at the same time', async () => {
    const { server, tab } = setUp();
    const auth = tab();
    await auth.token(DEVICE);
    const answers = await Promise.all([auth.renew(DEVICE, 'access-1'), auth.renew(DEVICE, 'access-1')]);
    expect(answers).toEqual([
      { kind: 'token', token: 'access-2' },
      { kind: 'token', token: 'access-2' },
    ]);
    expect(server.state.presented).toEqual(['refresh-1', 'refresh-2']);
  });

  it('forgets the credentials when the API says device_revoked, keeping a note', async () => {
    const { memory, server, tab, ended } = setUp();
    const auth = tab();
    await auth.token(DEVICE);
    await auth.revoked(DEVICE);
    expect(memory.state.record).toMatchObject({ kind: 'revoked', deviceId: DEVICE });
    expect(auth.held(DEVICE)).toBeUndefined();
    expect(ended).toEqual([['revoked', DEVICE]]);
    expect(await auth.token(DEVICE)).toEqual({ kind: 'ended', why: 'revoked' });
    expect(server.state.presented).toEqual(['refresh-1']);
  });

  it('leaves a newer enrolment alone when an old device’s revocation arrives', async () => {
    const { memory, tab, ended } = setUp();
    await tab().revoked('01JD0000000000000000000099');
    expect(memory.state.record).toMatchObject({ kind: 'enrolled', deviceId: DEVICE, refreshToken: 'refresh-1' });
    expect(ended).toEqual([['revoked', '01JD0000000000000000000099']]);
  });
});

describe('createDeviceAuth: enrolment', () => {
  it('redeems the code, keeps the credentials and gets the first token: a session named as the device', async () => {
    const { memory, server, tab } = setUp(null);
    const outcome = await tab().enrol('K7QFM-2XW9R-TBJ4C');
    expect(outcome).toEqual({
      kind: 'enrolled',
      session: { token: 'access-1', role: 'provider', sub: DEVICE, providerId: PROVIDER, deviceId: DEVICE, label: 'Village hall tablet' },
    });
    expect(memory.state.log).toEqual(['save refresh-1', 'save refresh-2']);
    expect(server.state.presented).toEqual(['refresh-1']);
  });

  it('replaces a revoked note when enrolled again', async () => {
    const { memory, tab } = setUp({ kind: 'revoked', deviceId: DEVICE, providerId: PROVIDER, name: 'Old tablet', revokedAt: '2026-11-22T10:00:00.000Z' });
    expect(await tab().enrol('K7QFM-2XW9R-TBJ4C')).toMatchObject({ kind: 'enrolled' });
    expect(memory.state.record).toMatchObject({ kind: 'enrolled', refreshToken: 'refresh-2' });
  });

  it('is enrolled without a token when the token route gives no answer; the first call gets one', async () => {
    const { server, tab } = setUp(null);
    server.state.mode = 'down';
    const auth = tab();
    expect(await auth.enrol('K7QFM-2XW9R-TBJ4C')).toMatchObject({ kind: 'enrolled', session: { token: '', deviceId: DEVICE } });
    server.state.mode = 'answer';
    expect(await auth.token(DEVICE)).toEqual({ kind: 'token', token: 'access-1' });
  });

  it('keeps nothing when the code is refused', async () => {
    const { memory, tab } = setUp(null);
    expect(await tab().enrol('AAAAA-BBBBB-CCCCC')).toEqual({ kind: 'refused' });
    expect(memory.state.record).toBeUndefined();
  });

  it('does not use up the code when nothing can be stored here', async () => {
    const { memory, server } = setUp(null);
    memory.state.failAll = true;
    let asked = false;
    const auth = createDeviceAuth({
      store: memory.store,
      requestTokens: server.requestTokens,
      enrol: async () => {
        asked = true;
        return { kind: 'refused' };
      },
      lock: pageLock(),
    });
    expect(await auth.enrol('K7QFM-2XW9R-TBJ4C')).toEqual({ kind: 'not-stored' });
    expect(asked).toBe(false);
  });

  it('forgets the device altogether when asked', async () => {
    const { memory, tab } = setUp();
    const auth = tab();
    await auth.token(DEVICE);
    await auth.forget();
    expect(memory.state.record).toBeUndefined();
    expect(auth.held(DEVICE)).toBeUndefined();
  });

  it('reads what a forget asked for just before has written (the start screen must not sign the device back in)', async () => {
    const { tab } = setUp();
    const auth = tab();
    void auth.forget();
    expect(await auth.load()).toBeUndefined();
  });
});

describe('pageLock', () => {
  it('runs tasks one after another, even when one fails', async () => {
    const lock = pageLock();
    const order: string[] = [];
    const task = (name: string, fail = false) => async () => {
      order.push(`start ${name}`);
      await tick();
      order.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([lock(task('a')), lock(task('b', true)), lock(task('c'))]);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
