import { decodeJwt } from 'jose';
import type { Session } from './types';

/** The pure parts of Cognito's hosted sign-in (see cognito.ts): URLs and the session an ID token gives. */
export interface CognitoConfig {
  region: string;
  userPoolId: string;
  clientId: string;
  /** The hosted sign-in domain, e.g. `waymark-auth.auth.eu-west-2.amazoncognito.com`. */
  domain: string;
}

/**
 * What `/config.json` says about how this deployment signs people in: `{mode: 'local'}` on
 * `npm start` (the dev token issuer); in AWS the stack writes the Cognito settings there.
 */
export type AppConfig = { mode: 'local' } | { mode: 'organisation'; cognito?: CognitoConfig };

/** Anything but `{mode: 'local'}` (or no file at all) means: sign in through the organisation. */
export function parseConfig(body: unknown): AppConfig {
  if (!body || typeof body !== 'object') return { mode: 'organisation' };
  const config = body as Record<string, unknown>;
  if (config.mode === 'local') return { mode: 'local' };
  const { region, userPoolId, clientId, domain } = config;
  if (typeof region === 'string' && typeof userPoolId === 'string' && typeof clientId === 'string' && typeof domain === 'string') {
    return { mode: 'organisation', cognito: { region, userPoolId, clientId, domain } };
  }
  return { mode: 'organisation' };
}

export function authorizeUrl(config: CognitoConfig, redirectUri: string, state: string, codeChallenge: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  });
  return `https://${config.domain}/oauth2/authorize?${query}`;
}

export function logoutUrl(config: CognitoConfig, redirectUri: string): string {
  return `https://${config.domain}/logout?${new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri })}`;
}

const ROLES = ['admin', 'manager', 'navigator', 'provider'] as const;

/** A session from a Cognito ID token: its group is the role (the most powerful if several). */
export function sessionFromIdToken(idToken: string): Session {
  const claims = decodeJwt(idToken);
  const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : [];
  const role = ROLES.find((candidate) => groups.includes(candidate));
  if (!role) throw new Error('This account has no Waymark role yet: ask your administrator.');
  const providerId = typeof claims['custom:providerId'] === 'string' ? claims['custom:providerId'] : undefined;
  return {
    token: idToken,
    role,
    ...(claims.sub ? { sub: claims.sub } : {}),
    ...(providerId ? { providerId } : {}),
    label: role === 'provider' ? 'Provider device' : role[0]!.toUpperCase() + role.slice(1),
  };
}
