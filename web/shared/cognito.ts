import type { Session } from './types';
import { authorizeUrl, parseConfig, sessionFromIdToken, type AppConfig, type CognitoConfig } from './cognito-rules';

export { logoutUrl, type AppConfig, type CognitoConfig } from './cognito-rules';

/**
 * Sign-in in AWS: Cognito's hosted sign-in with the authorization-code grant and PKCE, for the
 * app client the API checks ID tokens against. `/config.json` (written by the stack) says where.
 * The pure parts (URLs, claims → session) are in cognito-rules.ts, for testing.
 */

/** Reads `/config.json` (both apps): how this deployment signs people in. */
export async function loadConfig(): Promise<AppConfig> {
  return (await readConfig()) ?? parseConfig(undefined);
}

/**
 * `/config.json` as `loadConfig` reads it, but undefined when it could not be read at all (no
 * connection, a server error): then the mode is not known yet, rather than taken to be a deployed one.
 */
export async function readConfig(): Promise<AppConfig | undefined> {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (response.status >= 500) return undefined;
    return parseConfig(response.ok ? await response.json() : undefined);
  } catch {
    return undefined;
  }
}

const PENDING = 'waymark.signin';

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Sends the browser to the hosted sign-in, remembering the PKCE verifier and state for the return. */
export async function startCognitoSignIn(config: CognitoConfig, redirectUri: string): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, redirectUri }));
  location.assign(authorizeUrl(config, redirectUri, state, challenge));
}

/**
 * On the way back (`?code=…&state=…`): exchanges the code for tokens and returns the session, or
 * undefined when this page load is not a return from sign-in.
 */
export async function completeCognitoSignIn(config: CognitoConfig): Promise<Session | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const raw = sessionStorage.getItem(PENDING);
  if (!code || !raw) return undefined;
  sessionStorage.removeItem(PENDING);
  const pending = JSON.parse(raw) as { verifier: string; state: string; redirectUri: string };
  if (params.get('state') !== pending.state) throw new Error('The sign-in could not be checked. Please sign in again.');
  const response = await fetch(`https://${config.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: pending.redirectUri,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error('Sign-in failed. Please try again.');
  const tokens = (await response.json()) as { id_token?: string };
  if (!tokens.id_token) throw new Error('Sign-in failed. Please try again.');
  history.replaceState(null, '', pending.redirectUri);
  return sessionFromIdToken(tokens.id_token);
}
