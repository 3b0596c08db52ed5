import type { Role } from '#shared/platform/auth';
import type { Db } from '#shared/platform/dynamo';
import { createServices } from '#shared/app/services';
import { DevClock } from '#local/dev-clock';
import { loadDevIssuer } from '#local/dev-issuer';
import { createLocalApp, localDependencies } from '#local/wiring';
import { createTestDb } from './db';
import type { PseudonymKey } from '#shared/reports/pseudonym';
import type { DeprivationLookup } from '#shared/patients/ports';

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export interface CallOptions {
  /** Act as this role with a freshly minted token (a provider needs providerId). */
  as?: Role;
  providerId?: string;
  /** An object is sent as JSON; a string is sent as it is (for malformed bodies). */
  body?: unknown;
  /** Use this exact Authorization token instead. */
  token?: string;
  headers?: Record<string, string>;
}

/**
 * The real app on a private DynamoDB Local table, with the local issuer and a
 * controllable clock (as local mode wires it), driven through `app.request()`.
 */
export async function createTestApp(options: { db?: Db; now?: string; pseudonymKey?: PseudonymKey; deprivation?: DeprivationLookup } = {}) {
  const db = options.db ?? (await createTestDb());
  const clock = new DevClock();
  if (options.now) clock.set(new Date(options.now));
  const issuer = await loadDevIssuer();
  const deps = {
    ...localDependencies(db, clock, issuer, 'SILENT', options.pseudonymKey ?? { programmeId: 'test-programme', secret: 'test-secret' }),
    ...(options.deprivation ? { deprivation: options.deprivation } : {}),
  };
  const app = createLocalApp(deps, clock, issuer);

  const tokenFor = async (role: Role, providerId?: string) =>
    (await issuer.mint({ role, ...(providerId ? { providerId } : {}) }, clock.now())).token;

  /** A JSON request as `role` (or with no token when role is undefined). */
  const call = async (
    method: string,
    path: string,
    options: CallOptions = {},
  ) => {
    const { as, providerId, body, token, headers = {} } = options;
    const auth = token ?? (as ? await tokenFor(as, providerId) : undefined);
    const response = await app.request(path, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${auth}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, body: json, text, headers: response.headers };
  };

  const services = createServices(deps);
  return { app, db, clock, issuer, services, scheduler: deps.scheduler, tokenFor, call };
}
