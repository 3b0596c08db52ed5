/** Who is signed in on this browser: a bearer token and what it was minted for. */
export interface Session {
  token: string;
  role: 'provider' | 'navigator' | 'manager' | 'admin';
  sub?: string;
  providerId?: string;
  /** An enrolled scanning device's session: its token is refreshed by the scanner, never stored here. */
  deviceId?: string;
  /** Shown in the header: the role, or the provider device's name. */
  label: string;
}
