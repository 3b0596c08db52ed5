import { useEffect, useRef, useState } from 'preact/hooks';
import { revokedText } from './device-logic';
import { waitingText } from './queue-logic';
import { plural, type ScanOutcome } from './result';

/** What the scanner's screens share, and the small pieces more than one of them shows. */

export interface RecentEntry {
  key: string;
  /** When it was scanned, HH:MM on this device. */
  time: string;
  /** The number on the card (not personal data); kept in memory only, for today's session. */
  cardId: string;
  line: string;
  tone: 'good' | 'warn' | 'bad' | 'info';
  sentLater: boolean;
}

/** What the screens share: the connection, the queue's state and the list of recent results. */
export interface Shared {
  online: boolean;
  waiting: number;
  syncSummary: string | undefined;
  recent: RecentEntry[];
  /** Adds results to the list of recent ones (newest first, the last ten kept). */
  addRecent(entries: { cardId: string; scannedAt: string; outcome: ScanOutcome; sentLater?: boolean }[]): void;
  /** The queue changed here: re-read how many scans wait, and tell this device's other tabs. */
  queueChanged(): Promise<void>;
  /** Sends the queue now, if online and not already sending. */
  sendQueue(): Promise<void>;
  /** The token was refused: keep everything, and offer to sign in again. */
  markSignedOut(): void;
  /** Now, by the server's clock in local mode (which can be moved), else this device's (see web/shared/clock.ts). */
  now(): Date;
}

/** The waiting count and the last send's summary: part of each screen's status region. */
export function QueueLines({ shared }: { shared: Shared }) {
  const waitingLine = waitingText(shared.waiting);
  return (
    <>
      {waitingLine && <p class="waiting">{waitingLine}</p>}
      {shared.syncSummary && <p class="sync-summary">{shared.syncSummary}</p>}
    </>
  );
}

/**
 * Sign out. With scans still waiting it asks first: they stay on this device and are sent after
 * the next sign-in (never deleted unsent). An enrolled device is not signed out but forgotten —
 * it needs a new code from a manager to scan again — so it always asks.
 */
export function SignOutButton({ shared, onSignOut, device = false }: { shared: Shared; onSignOut: () => void; device?: boolean }) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const signOutRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    // Focus follows the question: onto "Sign out anyway" when it opens, back to "Sign out" when it closes.
    if (asking) confirmRef.current?.focus();
    else if (asked.current) signOutRef.current?.focus();
    asked.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button
        ref={signOutRef}
        type="button"
        class="button secondary"
        onClick={() => (device || shared.waiting > 0 ? setAsking(true) : onSignOut())}
      >
        {device ? 'Forget this device' : 'Sign out'}
      </button>
    );
  }
  if (device) {
    return (
      <div class="confirm" role="group" aria-labelledby="sign-out-question">
        <p id="sign-out-question">
          This device will need a new enrolment code from your manager before it can scan again.
          {shared.waiting > 0 &&
            ` ${plural(shared.waiting, 'scan has', 'scans have')} not been sent yet. They stay on this device and are sent once it is enrolled again.`}
        </p>
        <div class="row">
          <button ref={confirmRef} type="button" class="button danger" onClick={onSignOut}>
            Forget this device
          </button>
          <button type="button" class="button secondary" onClick={() => setAsking(false)}>
            Keep it enrolled
          </button>
        </div>
      </div>
    );
  }
  return (
    <div class="confirm" role="group" aria-labelledby="sign-out-question">
      <p id="sign-out-question">
        {plural(shared.waiting, 'scan has', 'scans have')} not been sent yet. They stay on this device and are sent after the next
        sign-in.
      </p>
      <div class="row">
        <button ref={confirmRef} type="button" class="button danger" onClick={onSignOut}>
          Sign out anyway
        </button>
        <button type="button" class="button secondary" onClick={() => setAsking(false)}>
          Stay signed in
        </button>
      </div>
    </div>
  );
}

/** Shown when this device was revoked: scanning has stopped; what it holds is kept, and sent once it is enrolled again. */
export function RevokedNotice({ shared }: { shared: Shared }) {
  return (
    <div class="notice" role="alert">
      <p>{revokedText(shared.waiting)}</p>
    </div>
  );
}

/** Shown when the API refused this device's token: nothing is lost, and signing in again sends it. */
export function SignedOutNotice({ onSignInAgain }: { onSignInAgain: () => void }) {
  return (
    <div class="notice" role="alert">
      <p>This device’s sign-in has ended. Scans are kept on this device and sent once it signs in again.</p>
      <button type="button" class="button" onClick={onSignInAgain}>
        Sign in again
      </button>
    </div>
  );
}

/** Moves focus to an element when a screen first shows (so a screen reader starts there). */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
