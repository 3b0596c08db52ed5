import { createApi, type Api, type paths } from '../shared/api';
import { devSignIn } from '../shared/session';
import { pageLock, type ExclusiveLock } from './device-auth';
import { enrolAnswer, tokenAnswer, type EnrolResult, type TokenResult } from './device-logic';
import type { ScanInput } from './queue-logic';
import { answerOf, type Answer } from './result';
import type { BatchAnswer, DeviceLock } from './sync';

/** The scanner's calls to the API, all through the typed client (no hand-written fetch to /v1). */

type Json<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

export type Provider = Json<'/v1/providers', 'get'>['items'][number];
export type Venue = Json<'/v1/providers/{providerId}/venues', 'get'>['items'][number];
export type Activity = Json<'/v1/providers/{providerId}/activities', 'get'>['items'][number];

/** A scan that gets no answer in this long is treated as not sent: it is queued (and a retry is safe). */
const SCAN_TIMEOUT_MS = 10_000;
const BATCH_TIMEOUT_MS = 30_000;
/**
 * The device routes get longer: an answer lost on the way is costly there (a refresh token whose
 * answer never came is spent, and sending it again revokes the device).
 */
const DEVICE_TIMEOUT_MS = 30_000;
/** Lists are read a page at a time; this many pages at most (100 each). */
const MAX_PAGES = 10;

/** Thrown when the API refused the token (401): the device must sign in again. */
export class SignedOutError extends Error {
  constructor() {
    super('This device needs to sign in again.');
  }
}

/** Thrown when the API gave no useful answer (offline, a network error, a server error). */
export class UnavailableError extends Error {}

/**
 * How this deployment signs devices in: `/config.json` (a static file, not the API) says
 * `{mode: 'local'}` in local mode; anything else, or no file, means the organisation's sign-in.
 */
/**
 * Local mode's provider list: a short-lived manager token, minted only to read the list and then
 * dropped (it is never stored, and nothing else is done with it).
 */
export async function listProvidersForSignIn(): Promise<Provider[]> {
  const anonymous = createApi(() => undefined);
  const managerToken = await devSignIn(anonymous, { role: 'manager' });
  const asManager = createApi(() => managerToken);
  const providers: Provider[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data } = await asManager.GET('/v1/providers', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } });
    if (!data) throw new UnavailableError('Could not list the providers.');
    providers.push(...data.items);
    cursor = data.nextCursor;
    if (!cursor) break;
  }
  return providers.sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

/** Local mode's device sign-in: a provider token for the provider chosen. */
export async function signInAsProvider(providerId: string): Promise<string> {
  return devSignIn(createApi(() => undefined), { role: 'provider', providerId });
}

export async function listVenues(api: Api, providerId: string): Promise<Venue[]> {
  const venues: Venue[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data, response } = await api.GET('/v1/providers/{providerId}/venues', {
      params: { path: { providerId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
    });
    if (response.status === 401) throw new SignedOutError();
    if (!data) throw new UnavailableError('Could not load the venues.');
    venues.push(...data.items);
    cursor = data.nextCursor;
    if (!cursor) break;
  }
  return venues.sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

export async function listActivities(api: Api, providerId: string): Promise<Activity[]> {
  const activities: Activity[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data, response } = await api.GET('/v1/providers/{providerId}/activities', {
      params: { path: { providerId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
    });
    if (response.status === 401) throw new SignedOutError();
    if (!data) throw new UnavailableError('Could not load the activities.');
    activities.push(...data.items);
    cursor = data.nextCursor;
    if (!cursor) break;
  }
  return activities;
}

/**
 * Sends one scan. A network failure or a timeout is `undefined`: the caller queues the scan
 * (the server may have recorded it after all; sending it again is answered as a duplicate).
 */
export async function sendScan(api: Api, scan: ScanInput): Promise<Answer | undefined> {
  try {
    const { data, error, response } = await api.POST('/v1/scans', { body: scan, signal: AbortSignal.timeout(SCAN_TIMEOUT_MS) });
    return answerOf(response.status, data ?? error);
  } catch {
    return undefined;
  }
}

/** Sends queued scans with POST /v1/scans/batch; throws (and the syncer keeps them) on a network failure. */
export async function sendBatch(api: Api, scans: ScanInput[]): Promise<BatchAnswer> {
  const { data, response } = await api.POST('/v1/scans/batch', { body: { scans }, signal: AbortSignal.timeout(BATCH_TIMEOUT_MS) });
  if (response.status === 200 && data) return { kind: 'answered', results: data.results };
  if (response.status === 401) return { kind: 'signed-out' };
  return { kind: 'unavailable' };
}

/**
 * One sender of the queue across all of this device's tabs: the Web Locks API, where the
 * browser has it (a tab that finds the lock taken skips this round; the holder is sending).
 */
export const webLock: DeviceLock = async (task) => {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return task();
  return locks.request('waymark-scan-send-queue', { ifAvailable: true }, (lock) => (lock ? task() : undefined));
};

/** Redeems an enrolment code (POST /v1/devices/enrol, no token). */
export async function enrolDevice(code: string): Promise<EnrolResult> {
  try {
    const { data, error, response } = await createApi(() => undefined).POST('/v1/devices/enrol', {
      body: { code },
      signal: AbortSignal.timeout(DEVICE_TIMEOUT_MS),
    });
    return enrolAnswer(response.status, data ?? error);
  } catch {
    return { kind: 'unavailable' };
  }
}

/** Trades the refresh token for an access token and the next refresh token (POST /v1/devices/token, no token). */
export async function requestDeviceTokens(deviceId: string, refreshToken: string): Promise<TokenResult> {
  const sentAt = Date.now();
  try {
    const { data, error, response } = await createApi(() => undefined).POST('/v1/devices/token', {
      body: { deviceId, refreshToken },
      signal: AbortSignal.timeout(DEVICE_TIMEOUT_MS),
    });
    return tokenAnswer(response.status, data ?? error, sentAt);
  } catch {
    return { kind: 'unavailable' };
  }
}

const thisPageOnly = pageLock();

/**
 * One token refresh at a time across all of this device's tabs: the Web Locks API, waiting for
 * the turn (the tab that waited then finds the new token stored). Without Web Locks (a page not
 * served over https), one at a time in this page only.
 */
export const deviceTokenLock: ExclusiveLock = <T>(task: () => Promise<T>): Promise<T> => {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return thisPageOnly(task);
  return locks.request('waymark-scan-device-token', () => task()) as Promise<T>;
};
