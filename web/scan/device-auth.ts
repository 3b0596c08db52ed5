import type { Session } from '../shared/types';
import {
  deviceSession,
  expired,
  refreshDue,
  revokedRecord,
  type AccessToken,
  type DeviceRecord,
  type EnrolledRecord,
  type EnrolResult,
  type TokenResult,
} from './device-logic';

/**
 * An enrolled device's tokens: it gets an access token when one is needed, refreshing it — once,
 * for all of this device's tabs — when less than two minutes are left or the API refused it. No
 * DOM here: the page gives it the store (IndexedDB), the two device routes and a device-wide lock
 * (Web Locks), and the tests give it fakes.
 *
 * A refresh token works once, and presenting a used one revokes the device. So a refresh runs only
 * under the lock, always with the refresh token read from the store at that moment (never one a
 * tab remembers), and the next refresh token is stored before the access token is used. A tab that
 * waited for the lock finds the token another tab got, and uses it instead of refreshing again.
 */

export interface DeviceStore {
  load(): Promise<DeviceRecord | undefined>;
  save(record: DeviceRecord): Promise<void>;
  clear(): Promise<void>;
}

/** POST /v1/devices/token; answers `unavailable` rather than throwing. */
export type TokenRequester = (deviceId: string, refreshToken: string) => Promise<TokenResult>;
/** POST /v1/devices/enrol; answers `unavailable` rather than throwing. */
export type Enroller = (code: string) => Promise<EnrolResult>;

/** Runs `task` alone on this device (in all its tabs), waiting for its turn. */
export type ExclusiveLock = <T>(task: () => Promise<T>) => Promise<T>;

export type EndReason = 'revoked' | 'not-enrolled';

export type TokenOutcome =
  | { kind: 'token'; token: string }
  /** This device's credentials are gone: revoked (the store keeps a note), or not there at all. */
  | { kind: 'ended'; why: EndReason }
  /** No token could be had just now (no answer from the token route): try later; keep everything. */
  | { kind: 'unavailable' };

export type EnrolOutcome =
  | { kind: 'enrolled'; session: Session }
  | { kind: 'refused' }
  | { kind: 'unavailable' }
  /** The browser stores nothing (checked before the code is used up). */
  | { kind: 'not-stored' };

export interface DeviceAuthDeps {
  store: DeviceStore;
  requestTokens: TokenRequester;
  enrol: Enroller;
  lock: ExclusiveLock;
  now?: () => number;
  /** Told each time a device's credentials are found ended; the page leaves that device's session. */
  onEnded?: (why: EndReason, deviceId: string) => void;
}

export interface DeviceAuth {
  /** An access token with more than two minutes left, refreshed first if need be. */
  token(deviceId: string): Promise<TokenOutcome>;
  /** The API refused `rejected` (a 401, not device_revoked): a new token, unless another call got one already. */
  renew(deviceId: string, rejected: string | undefined): Promise<TokenOutcome>;
  /** The API said device_revoked: forget the credentials (keeping a note), and end the session. */
  revoked(deviceId: string): Promise<void>;
  /** Redeems an enrolment code, keeps the credentials, and gets the first access token if it can. */
  enrol(code: string): Promise<EnrolOutcome>;
  /** Forgets this device altogether (signing it out): it needs a new code to scan again. */
  forget(): Promise<void>;
  /** What is kept now: the credentials, a revoked note, or nothing. */
  load(): Promise<DeviceRecord | undefined>;
  /** The access token this page holds for the device (no storage, no network). */
  held(deviceId: string): AccessToken | undefined;
}

export function createDeviceAuth(deps: DeviceAuthDeps): DeviceAuth {
  const now = deps.now ?? Date.now;
  /** The newest access token this page has, for one device. */
  let held: { deviceId: string; access: AccessToken } | undefined;
  /**
   * Credentials the store would not take (it failed mid-way): this page keeps using them rather
   * than fall back on the used refresh token still stored, which would revoke the device.
   */
  let unsaved: EnrolledRecord | undefined;
  let flight: { deviceId: string; rejected: string | undefined; outcome: Promise<TokenOutcome> } | undefined;

  const heldFor = (deviceId: string): AccessToken | undefined => (held?.deviceId === deviceId ? held.access : undefined);

  async function current(): Promise<DeviceRecord | undefined> {
    if (unsaved) {
      try {
        await deps.store.save(unsaved);
        unsaved = undefined;
      } catch {
        return unsaved;
      }
    }
    return deps.store.load();
  }

  async function keep(record: EnrolledRecord): Promise<void> {
    try {
      await deps.store.save(record);
      unsaved = undefined;
    } catch {
      unsaved = record;
    }
  }

  async function forgetRevoked(record: EnrolledRecord): Promise<void> {
    unsaved = undefined;
    if (held?.deviceId === record.deviceId) held = undefined;
    try {
      await deps.store.save(revokedRecord(record, new Date(now())));
    } catch {
      // Nothing could be written: the server refuses the credentials anyway.
    }
  }

  /** Under the lock: the stored access token if it is fresh (and not the one refused), else a trade. */
  async function refresh(deviceId: string, rejected: string | undefined): Promise<TokenOutcome> {
    const record = await current();
    if (!record || record.deviceId !== deviceId) return { kind: 'ended', why: 'not-enrolled' };
    if (record.kind === 'revoked') return { kind: 'ended', why: 'revoked' };
    if (record.access && !refreshDue(record.access, now()) && record.access.token !== rejected) {
      held = { deviceId, access: record.access };
      return { kind: 'token', token: record.access.token };
    }
    let answer: TokenResult;
    try {
      answer = await deps.requestTokens(record.deviceId, record.refreshToken);
    } catch {
      answer = { kind: 'unavailable' };
    }
    switch (answer.kind) {
      case 'tokens':
        // The next refresh token is kept first: the one just presented no longer works.
        await keep({ ...record, refreshToken: answer.refreshToken, access: answer.access });
        held = { deviceId, access: answer.access };
        return { kind: 'token', token: answer.access.token };
      case 'refused':
        await forgetRevoked(record);
        return { kind: 'ended', why: 'revoked' };
      case 'unavailable':
        // The token held still works for a while (a refresh starts two minutes early).
        if (record.access && !expired(record.access, now()) && record.access.token !== rejected) return { kind: 'token', token: record.access.token };
        return { kind: 'unavailable' };
    }
  }

  /** One refresh at a time in this page (and, with the lock, on the device): a second asker shares the first's answer. */
  function refreshOnce(deviceId: string, rejected: string | undefined): Promise<TokenOutcome> {
    if (flight && flight.deviceId === deviceId && flight.rejected === rejected) return flight.outcome;
    const outcome = deps
      .lock(() => refresh(deviceId, rejected))
      .then((result) => {
        if (result.kind === 'ended') {
          if (held?.deviceId === deviceId) held = undefined;
          deps.onEnded?.(result.why, deviceId);
        }
        return result;
      })
      .finally(() => {
        if (flight?.outcome === outcome) flight = undefined;
      });
    flight = { deviceId, rejected, outcome };
    return outcome;
  }

  return {
    async token(deviceId) {
      const access = heldFor(deviceId);
      if (access && !refreshDue(access, now())) return { kind: 'token', token: access.token };
      return refreshOnce(deviceId, undefined);
    },

    renew(deviceId, rejected) {
      return refreshOnce(deviceId, rejected);
    },

    async revoked(deviceId) {
      await deps.lock(async () => {
        const record = await current();
        if (record?.kind === 'enrolled' && record.deviceId === deviceId) await forgetRevoked(record);
      });
      if (held?.deviceId === deviceId) held = undefined;
      deps.onEnded?.('revoked', deviceId);
    },

    async enrol(code) {
      try {
        await deps.store.load(); // can anything be kept here? Asked before the code is used up.
      } catch {
        return { kind: 'not-stored' };
      }
      let answer: EnrolResult;
      try {
        answer = await deps.enrol(code);
      } catch {
        answer = { kind: 'unavailable' };
      }
      if (answer.kind !== 'enrolled') return answer;
      const record: EnrolledRecord = { kind: 'enrolled', ...answer.credentials };
      held = undefined;
      await deps.lock(() => keep(record));
      // The first access token now, if the connection allows; otherwise at the first call.
      await refreshOnce(record.deviceId, undefined);
      return { kind: 'enrolled', session: deviceSession({ ...record, access: heldFor(record.deviceId) }) };
    },

    async forget() {
      await deps.lock(async () => {
        unsaved = undefined;
        held = undefined;
        await deps.store.clear();
      });
    },

    // Under the lock, so it reads what a forget or a refresh asked for just before has written.
    load() {
      return deps.lock(() => current());
    },

    held: heldFor,
  };
}

/** A lock for one page only, where the browser has no Web Locks: tasks run one after another. */
export function pageLock(): ExclusiveLock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const run = tail.then(() => task());
    tail = run.catch(() => undefined);
    return run;
  };
}
