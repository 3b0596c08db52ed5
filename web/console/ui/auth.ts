import { completeCognitoSignIn, startCognitoSignIn, type AppConfig } from '../../shared/cognito';
import type { Session } from '../../shared/types';

/** Sign-in with the organisation's account: Cognito's hosted sign-in (authorisation code with PKCE). */
export async function signInWithOrganisation(config: AppConfig): Promise<void> {
  const cognito = config.mode === 'organisation' ? config.cognito : undefined;
  if (!cognito) throw new Error('Signing in with an organisation account is not set up for this deployment yet. Ask your administrator.');
  await startCognitoSignIn(cognito, `${location.origin}/`);
}

/** Back from the hosted sign-in (`?code=…`): the session, if this page load is that return. */
export async function returnFromOrganisation(config: AppConfig): Promise<Session | undefined> {
  const cognito = config.mode === 'organisation' ? config.cognito : undefined;
  return cognito ? completeCognitoSignIn(cognito) : undefined;
}
