import { completeCognitoSignIn, startCognitoSignIn, type CognitoConfig } from '../../shared/cognito';
import type { Session } from '../../shared/types';

/**
 * How this deployment signs people in, from `/config.json`: `{ "mode": "local" }` on `npm start`
 * (the dev token issuer), anything else means the organisation's identity provider (Cognito).
 */
export interface ConsoleConfig {
  mode: 'local' | 'organisation';
  /** Whatever else the deployment says (e.g. the Cognito domain and client id), for the sign-in flow. */
  settings: Record<string, unknown>;
}

export async function loadConfig(probeLocal: () => Promise<boolean>): Promise<ConsoleConfig> {
  try {
    const response = await fetch('/config.json', { cache: 'no-store', headers: { accept: 'application/json' } });
    if (response.ok) {
      const settings = (await response.json()) as Record<string, unknown>;
      return { mode: settings.mode === 'local' ? 'local' : 'organisation', settings };
    }
  } catch {
    // No config: fall through to the probe.
  }
  // No /config.json: local mode is the one whose dev routes answer without a token.
  try {
    return { mode: (await probeLocal()) ? 'local' : 'organisation', settings: {} };
  } catch {
    return { mode: 'organisation', settings: {} };
  }
}

/** The Cognito settings the stack writes into `/config.json`, when they are all there. */
function cognitoSettings(config: ConsoleConfig): CognitoConfig | undefined {
  const { mode, region, userPoolId, clientId, domain } = config.settings;
  if (mode !== 'cognito') return undefined;
  if ([region, userPoolId, clientId, domain].some((value) => typeof value !== 'string')) return undefined;
  return { mode, region, userPoolId, clientId, domain } as CognitoConfig;
}

/** Sign-in with the organisation's account: Cognito's hosted sign-in (authorisation code with PKCE). */
export async function signInWithOrganisation(config: ConsoleConfig): Promise<void> {
  const cognito = cognitoSettings(config);
  if (!cognito) throw new Error('Signing in with an organisation account is not set up for this deployment yet. Ask your administrator.');
  await startCognitoSignIn(cognito, `${location.origin}/`);
}

/** Back from the hosted sign-in (`?code=…`): the session, if this page load is that return. */
export async function returnFromOrganisation(config: ConsoleConfig): Promise<Session | undefined> {
  const cognito = cognitoSettings(config);
  return cognito ? completeCognitoSignIn(cognito) : undefined;
}
