import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createApi } from '../shared/api';
import { browserClock, followInBrowser } from '../shared/server-clock';
import { sessionStore, type Session } from '../shared/session';
import { CHOICE_KEY, choiceForToday, localDay, type ScanChoice } from './choice';
import { deviceTokenLock, enrolDevice, requestDeviceTokens, sendBatch, webLock } from './client';
import { createDeviceAuth, type EndReason } from './device-auth';
import { deviceFetch } from './device-fetch';
import { refreshDelay } from './device-logic';
import { idbDeviceStore } from './device-store';
import { codeFromFragment, withoutFragment } from './enrolment';
import { sentSummary } from './queue-logic';
import { idbQueue } from './queue-store';
import { recentLine, type ScanOutcome } from './result';
import type { RecentEntry, Shared } from './parts';
import { ScannerScreen } from './scanner';
import { SetupScreen } from './setup';
import { SignInScreen, type SignedInHow } from './sign-in';
import { createSyncer } from './sync';

/**
 * The scanner: enrol (or sign in) this device → choose today's venue and activity → scan. The
 * offline queue and its sending live here, above the screens, so saved scans go out whichever
 * screen is showing; so do an enrolled device's tokens (device-auth.ts), refreshed before they
 * run out, and what happens when the device is revoked: scanning stops, the queue stays.
 */

const sessions = sessionStore('scan');
/**
 * Scans are stamped, and today's session is chosen, by this clock: the server's in local mode
 * (its clock can be moved forward), the last one known when offline, the device's when deployed.
 */
const clock = browserClock();

/** A retry of the queue this often while it is not empty and the device is online. */
export const RETRY_MS = 15_000;
const RECENT_LIMIT = 10;
/** The BroadcastChannel the scanner's tabs use to say the queue changed. */
const QUEUE_CHANNEL = 'waymark-scan-queue';

function toneOf(outcome: ScanOutcome): RecentEntry['tone'] {
  if (outcome.kind === 'accepted') return 'good';
  if (outcome.kind === 'duplicate') return 'warn';
  if (outcome.kind === 'queued') return 'info';
  return 'bad';
}

const timeOf = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

/**
 * An enrolment code in the address (`#enrol=…`, from the console's QR code), taken out of it at
 * once — `replaceState`, so the code is left neither in the address bar nor in the history.
 */
function takeLinkCode(): string | undefined {
  const code = codeFromFragment(location.hash);
  if (code !== undefined) history.replaceState(history.state, '', withoutFragment(location.href));
  return code;
}

function loadChoice(session: Session | undefined): ScanChoice | undefined {
  try {
    return choiceForToday(localStorage.getItem(CHOICE_KEY), localDay(clock.now()), session?.providerId);
  } catch {
    return undefined;
  }
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => sessions.load());
  const sessionRef = useRef(session);
  sessionRef.current = session;
  /** An enrolment code from the address, being used (shown on the enrolment screen, whatever the session). */
  const [linkCode, setLinkCode] = useState<string | undefined>(takeLinkCode);
  /** This device was revoked while open: the enrolment screen says so. */
  const [revoked, setRevoked] = useState(false);

  // The device's credentials ended (revoked, or gone from its store): leave its session, keeping
  // today's choice and the queue; scanning stops, and nothing more is sent until it is enrolled again.
  const endedRef = useRef<(why: EndReason, deviceId: string) => void>(() => undefined);
  endedRef.current = (why, deviceId) => {
    if (sessionRef.current?.deviceId !== deviceId) return;
    sessions.clear();
    sessionRef.current = undefined;
    setSession(undefined);
    setSignedOut(false);
    setChanging(false);
    setRevoked(why === 'revoked');
  };
  const deviceAuth = useMemo(
    () =>
      createDeviceAuth({
        store: idbDeviceStore,
        requestTokens: requestDeviceTokens,
        enrol: enrolDevice,
        lock: deviceTokenLock,
        onEnded: (why, deviceId) => endedRef.current(why, deviceId),
      }),
    [],
  );
  // A person's token goes in the header as it is; an enrolled device's is refreshed as needed (device-fetch.ts).
  const api = useMemo(
    () =>
      createApi(
        () => (sessionRef.current?.deviceId ? undefined : sessionRef.current?.token),
        undefined,
        deviceFetch({ session: () => sessionRef.current, auth: deviceAuth, send: (request) => fetch(request) }),
      ),
    [deviceAuth],
  );
  const [choice, setChoice] = useState<ScanChoice | undefined>(() => loadChoice(session));
  const [online, setOnline] = useState(() => navigator.onLine);
  const [waiting, setWaiting] = useState(0);
  const [syncSummary, setSyncSummary] = useState<string | undefined>();
  const [recent, setRecent] = useState<RecentEntry[]>([]);
  const [signedOut, setSignedOut] = useState(false);
  /** On the setup screen by the Change button (today's choice is kept until a new one is made). */
  const [changing, setChanging] = useState(false);
  const choiceRef = useRef(choice);
  choiceRef.current = choice;

  // Follow the server's clock (local mode). When it is moved on to another day while the scanner
  // is open, today's session is set up again (filled in with the last one), as on a new day.
  useEffect(() => {
    const follower = followInBrowser(clock);
    const offJump = clock.onJump(() => {
      const current = choiceRef.current;
      if (current && current.day !== localDay(clock.now())) setChanging(true);
    });
    return () => {
      offJump();
      follower.stop();
    };
  }, []);

  const syncer = useMemo(() => createSyncer(idbQueue, (scans) => sendBatch(api, scans), webLock), [api]);

  const refreshWaiting = useCallback(async () => {
    try {
      setWaiting(await idbQueue.count());
    } catch {
      // No IndexedDB (e.g. some private windows): nothing can be queued, so nothing is waiting.
    }
  }, []);

  // Other tabs of the scanner on this device share the queue: tell them when it changes.
  const channel = useMemo(() => (typeof BroadcastChannel === 'function' ? new BroadcastChannel(QUEUE_CHANNEL) : undefined), []);
  useEffect(() => {
    if (!channel) return;
    const changed = () => void refreshWaiting();
    channel.addEventListener('message', changed);
    return () => channel.removeEventListener('message', changed);
  }, [channel, refreshWaiting]);
  const queueChanged = useCallback(async () => {
    await refreshWaiting();
    channel?.postMessage('queue-changed');
  }, [channel, refreshWaiting]);

  const addRecent = useCallback<Shared['addRecent']>((entries) => {
    const made = entries.map(
      (entry): RecentEntry => ({
        key: `${entry.scannedAt}-${Math.random().toString(36).slice(2)}`,
        time: timeOf(entry.scannedAt),
        cardId: entry.cardId,
        line: recentLine(entry.outcome),
        tone: toneOf(entry.outcome),
        sentLater: entry.sentLater ?? false,
      }),
    );
    setRecent((current) => [...made.reverse(), ...current].slice(0, RECENT_LIMIT));
  }, []);

  const sendQueue = useCallback(async () => {
    // One send at a time: a call while one runs is dropped here (the syncer also refuses a
    // second run, and the Web Lock stops other tabs), so each queued scan goes once per try.
    if (!sessionRef.current || !navigator.onLine || syncer.running) return;
    try {
      const report = await syncer.sync();
      setWaiting(report.remaining);
      if (report.answered.length > 0) channel?.postMessage('queue-changed');
      const summary = sentSummary(report.counts);
      if (summary) setSyncSummary(summary);
      if (report.answered.length > 0) {
        addRecent(report.answered.map(({ scan, outcome }) => ({ cardId: scan.cardId, scannedAt: scan.scannedAt, outcome, sentLater: true })));
      }
      if (report.stopped === 'signed-out') setSignedOut(true);
    } catch {
      await refreshWaiting(); // storage failed mid-way: the queue is as it was; try again later
    }
  }, [syncer, addRecent, refreshWaiting, channel]);

  // On start, and on each sign-in: count what is queued and send it.
  useEffect(() => {
    void refreshWaiting().then(() => sendQueue());
  }, [session, refreshWaiting, sendQueue]);

  // Back online: send at once. Back in view (a phone woken up): count and send.
  useEffect(() => {
    const wentOnline = () => {
      setOnline(true);
      void sendQueue();
    };
    const wentOffline = () => setOnline(false);
    const shown = () => {
      if (document.visibilityState === 'visible') void refreshWaiting().then(() => sendQueue());
    };
    window.addEventListener('online', wentOnline);
    window.addEventListener('offline', wentOffline);
    document.addEventListener('visibilitychange', shown);
    return () => {
      window.removeEventListener('online', wentOnline);
      window.removeEventListener('offline', wentOffline);
      document.removeEventListener('visibilitychange', shown);
    };
  }, [sendQueue, refreshWaiting]);

  // While scans wait and the device says it is online: try again every 15 s (the 'online'
  // event can come before the network really works, or the server may have been busy).
  const shouldRetry = waiting > 0 && online && session !== undefined && !signedOut;
  useEffect(() => {
    if (!shouldRetry) return;
    const timer = setInterval(() => void sendQueue(), RETRY_MS);
    return () => clearInterval(timer);
  }, [shouldRetry, sendQueue]);

  // An enrolled device's access token is refreshed two minutes before it runs out, and when the
  // device wakes or comes back online, so a scan at the door need not wait for a refresh.
  const deviceId = session?.deviceId;
  useEffect(() => {
    if (!deviceId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let run = 0;
    let stopped = false;
    const refresh = async () => {
      const mine = ++run;
      if (timer !== undefined) clearTimeout(timer);
      if (navigator.onLine) {
        try {
          await deviceAuth.token(deviceId);
        } catch {
          // The store failed: try again later.
        }
      }
      if (stopped || mine !== run) return;
      timer = setTimeout(() => void refresh(), refreshDelay(deviceAuth.held(deviceId), Date.now()));
    };
    const woke = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    const cameOnline = () => void refresh();
    void refresh();
    window.addEventListener('online', cameOnline);
    document.addEventListener('visibilitychange', woke);
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      window.removeEventListener('online', cameOnline);
      document.removeEventListener('visibilitychange', woke);
    };
  }, [deviceId, deviceAuth]);

  // The console's enrolment link opened while the scanner was already open here.
  useEffect(() => {
    const changed = () => {
      const code = takeLinkCode();
      if (code !== undefined) setLinkCode(code);
    };
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);

  const signIn = (next: Session, how: SignedInHow = 'signed-in') => {
    // An enrolled device's access token is kept with its credentials (IndexedDB), not here.
    sessions.save(next.deviceId ? { ...next, token: '' } : next);
    sessionRef.current = next;
    setSignedOut(false);
    setRevoked(false);
    setLinkCode(undefined);
    setSession(next);
    setChoice(loadChoice(next));
    // Just enrolled: the setup screen, showing the device's name (today's choice, if any, filled in).
    setChanging(how === 'enrolled');
  };

  /** Sign out: forget the session, today's choice and the recent list. Queued scans stay (see SignOutButton). */
  const signOut = () => {
    // An enrolled device is forgotten: its credentials go, and it needs a new code to scan again.
    if (session?.deviceId) void deviceAuth.forget().catch(() => undefined);
    sessions.clear();
    localStorage.removeItem(CHOICE_KEY);
    setSession(undefined);
    setChoice(undefined);
    setRecent([]);
    setSyncSummary(undefined);
    setSignedOut(false);
    setChanging(false);
  };

  /** The token ended: sign in again, keeping today's choice and the queue (an enrolled device goes straight back in). */
  const signInAgain = () => {
    sessions.clear();
    setSession(undefined);
    setSignedOut(false);
  };

  const choose = (next: ScanChoice) => {
    localStorage.setItem(CHOICE_KEY, JSON.stringify(next));
    setChoice(next);
    setChanging(false);
  };

  const shared: Shared = {
    online,
    waiting,
    syncSummary,
    recent,
    addRecent,
    queueChanged,
    sendQueue,
    markSignedOut: () => setSignedOut(true),
    now: () => clock.now(),
  };

  if (!session || linkCode !== undefined) {
    return (
      <SignInScreen
        key={linkCode ?? ''}
        shared={shared}
        auth={deviceAuth}
        linkCode={linkCode}
        revoked={revoked}
        onSignedIn={signIn}
        onCancel={session && linkCode !== undefined ? () => setLinkCode(undefined) : undefined}
      />
    );
  }
  if (!choice || changing || choice.providerId !== session.providerId) {
    return (
      <SetupScreen
        api={api}
        session={session}
        current={choice?.providerId === session.providerId ? choice : undefined}
        shared={shared}
        signedOut={signedOut}
        onChosen={choose}
        onSignOut={signOut}
        onSignInAgain={signInAgain}
      />
    );
  }
  return (
    <ScannerScreen
      api={api}
      session={session}
      choice={choice}
      shared={shared}
      signedOut={signedOut}
      onChange={() => setChanging(true)}
      onSignOut={signOut}
      onSignInAgain={signInAgain}
    />
  );
}

