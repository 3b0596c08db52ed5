import type { Api } from './api';

import type { Session } from './types';

export type { Session };

/**
 * Sessions live in localStorage under one key per app, so a scanner stays signed in through a
 * reload or a dropped connection. In local mode a token comes from the dev issuer
 * (`POST /v1/dev/tokens`); nothing about a patient is ever stored here.
 */
export function sessionStore(app: 'console' | 'scan') {
  const key = `waymark.${app}.session`;
  return {
    load(): Session | undefined {
      try {
        const raw = localStorage.getItem(key);
        return raw ? (JSON.parse(raw) as Session) : undefined;
      } catch {
        return undefined;
      }
    },
    save(session: Session) {
      localStorage.setItem(key, JSON.stringify(session));
    },
    clear() {
      localStorage.removeItem(key);
    },
  };
}

/** Local mode's sign-in: a token for the role (and provider) chosen, from the dev issuer. */
export async function devSignIn(
  api: Api,
  request: { role: Session['role']; sub?: string; providerId?: string },
): Promise<string> {
  const { data, error } = await api.POST('/v1/dev/tokens', { body: request });
  if (error || !data) throw new Error('Local sign-in is only available in local mode.');
  return data.token;
}
