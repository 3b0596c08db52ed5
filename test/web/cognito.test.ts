import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { authorizeUrl, logoutUrl, sessionFromIdToken, type CognitoConfig } from '../../web/shared/cognito-rules';

const config: CognitoConfig = {
  region: 'eu-west-2',
  userPoolId: 'eu-west-2_abc',
  clientId: 'client-123',
  domain: 'waymark-auth.auth.eu-west-2.amazoncognito.com',
};

const idToken = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('user-1').sign(new TextEncoder().encode('not-checked-here'));

describe('Cognito hosted sign-in for the apps', () => {
  it('asks for the code grant with PKCE (S256), the app client and the exact return URL', () => {
    const url = new URL(authorizeUrl(config, 'https://d111.cloudfront.net/scan/', 'state-1', 'challenge-1'));
    expect(`${url.origin}${url.pathname}`).toBe('https://waymark-auth.auth.eu-west-2.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-123',
      redirect_uri: 'https://d111.cloudfront.net/scan/',
      scope: 'openid email profile',
      state: 'state-1',
      code_challenge: 'challenge-1',
      code_challenge_method: 'S256',
    });
    expect(logoutUrl(config, 'https://d111.cloudfront.net/')).toBe(
      'https://waymark-auth.auth.eu-west-2.amazoncognito.com/logout?client_id=client-123&logout_uri=https%3A%2F%2Fd111.cloudfront.net%2F',
    );
  });

  it('makes the session from the ID token: group → role, the provider id for a device', async () => {
    const device = sessionFromIdToken(await idToken({ 'cognito:groups': ['provider'], 'custom:providerId': 'P1' }));
    expect(device).toMatchObject({ role: 'provider', providerId: 'P1', sub: 'user-1', label: 'Provider device' });
    const manager = sessionFromIdToken(await idToken({ 'cognito:groups': ['navigator', 'manager'] }));
    expect(manager).toMatchObject({ role: 'manager', label: 'Manager' });
    await expect(idToken({ 'cognito:groups': ['visitors'] }).then(sessionFromIdToken)).rejects.toThrow(/no Waymark role/);
  });
});
