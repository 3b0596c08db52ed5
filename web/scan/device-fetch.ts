import type { Session } from '../shared/types';
import type { DeviceAuth, TokenOutcome } from './device-auth';
import { refusalOf } from './device-logic';

/**
 * How the scanner's API client sends a request while an enrolled device is signed in: with an
 * access token that has time left (refreshed first when it has not), and, when the API refuses
 * the token all the same (401, the token ran out), after one refresh, once more. A 401
 * `device_revoked` ends the device at once: its credentials are forgotten and its session left;
 * the caller sees the 401 and keeps its scans. A person's session passes through untouched.
 *
 * Resending is safe: scans carry their scanId (a resend is answered as a duplicate), and the
 * other calls only read.
 */

/** Thrown, as a dropped connection would be, when a device has no token to send just now: the caller keeps its scan and tries later. */
export class NoTokenError extends Error {
  constructor() {
    super('This device could not get a token just now.');
    this.name = 'NoTokenError';
  }
}

export interface DeviceFetchDeps {
  /** The session at the moment of the request. */
  session(): Session | undefined;
  auth: DeviceAuth;
  /** The network (the browser's fetch). */
  send(request: Request): Promise<Response>;
}

/** The answer for a request made after the device's credentials ended: as the API would say it. */
function endedResponse(): Response {
  const body = { error: { code: 'device_revoked', message: 'This device is not enrolled any more.' } };
  return new Response(JSON.stringify(body), { status: 401, headers: { 'content-type': 'application/json' } });
}

/** A promise that gives up when `signal` does (the caller's timeout), leaving the work itself to finish. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

async function refusal(response: Response): Promise<'revoked' | 'expired' | undefined> {
  if (response.status !== 401) return undefined;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    body = undefined;
  }
  return refusalOf(response.status, body);
}

function withToken(request: Request, token: string): Request {
  request.headers.set('authorization', `Bearer ${token}`);
  return request;
}

export function deviceFetch(deps: DeviceFetchDeps): (request: Request) => Promise<Response> {
  return async (request) => {
    const deviceId = deps.session()?.deviceId;
    if (!deviceId) return deps.send(request);
    const spare = request.clone(); // for the one resend: a body can be read only once

    // The token is waited for only as long as the caller waits (its timeout); a refresh already
    // under way finishes all the same, and its answer is kept.
    let first: TokenOutcome;
    try {
      first = await untilAborted(deps.auth.token(deviceId), request.signal);
    } catch (error) {
      if (request.signal?.aborted) throw error;
      throw new NoTokenError(); // the store failed: as if offline
    }
    if (first.kind === 'ended') return endedResponse();
    if (first.kind === 'unavailable') throw new NoTokenError();

    const answer = await deps.send(withToken(request, first.token));
    const refused = await refusal(answer);
    if (!refused) return answer;
    if (refused === 'revoked') {
      await deps.auth.revoked(deviceId);
      return answer;
    }

    const renewed = await untilAborted(deps.auth.renew(deviceId, first.token), request.signal);
    if (renewed.kind !== 'token' || renewed.token === first.token) return answer;
    const second = await deps.send(withToken(spare, renewed.token));
    if ((await refusal(second)) === 'revoked') await deps.auth.revoked(deviceId);
    return second;
  };
}
