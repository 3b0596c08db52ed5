import { decodeJwt } from 'jose';
import type { Session } from './types';

/** The pure parts of Cognito's hosted sign-in (see cognito.ts): URLs and the session an ID token gives. */
export interface CognitoConfig {
  mode: 'cognito';
  region: string;
  userPoolId: string;
  clientId: string;
  /** The hosted sign-in domain, e.g. `waymark-auth.auth.eu-west-2.amazoncognito.com`. */
  domain: string;
}

export type AppConfig = { mode: 'local' } | CognitoConfig;

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
