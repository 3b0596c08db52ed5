import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createApi } from '../shared/api';
import { sessionStore, type Session } from '../shared/session';
import { CHOICE_KEY, choiceForToday, localDay, type ScanChoice } from './choice';
import { sendBatch, webLock } from './client';
import { sentSummary } from './queue-logic';
import { idbQueue } from './queue-store';
import { recentLine, type ScanOutcome } from './result';
import type { RecentEntry, Shared } from './parts';
import { ScannerScreen } from './scanner';
import { SetupScreen } from './setup';
import { SignInScreen } from './sign-in';
import { createSyncer } from './sync';

/**
 * The scanner: sign in this device → choose today's venue and activity → scan. The offline
 * queue and its sending live here, above the screens, so saved scans go out whichever screen
 * is showing.
 */

const sessions = sessionStore('scan');

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

function loadChoice(session: Session | undefined): ScanChoice | undefined {
  try {
    return choiceForToday(localStorage.getItem(CHOICE_KEY), localDay(new Date()), session?.providerId);
  } catch {
    return undefined;
  }
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => sessions.load());
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const api = useMemo(() => createApi(() => sessionRef.current?.token), []);
  const [choice, setChoice] = useState<ScanChoice | undefined>(() => loadChoice(session));
  const [online, setOnline] = useState(() => navigator.onLine);
  const [waiting, setWaiting] = useState(0);
  const [syncSummary, setSyncSummary] = useState<string | undefined>();
  const [recent, setRecent] = useState<RecentEntry[]>([]);
  const [signedOut, setSignedOut] = useState(false);
  /** On the setup screen by the Change button (today's choice is kept until a new one is made). */
  const [changing, setChanging] = useState(false);

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

  const signIn = (next: Session) => {
    sessions.save(next);
    setSignedOut(false);
    setSession(next);
    setChoice(loadChoice(next));
  };

  /** Sign out: forget the session, today's choice and the recent list. Queued scans stay (see SignOutButton). */
  const signOut = () => {
    sessions.clear();
    localStorage.removeItem(CHOICE_KEY);
    setSession(undefined);
    setChoice(undefined);
    setRecent([]);
    setSyncSummary(undefined);
    setSignedOut(false);
    setChanging(false);
  };

  /** The token ended: sign in again, keeping today's choice and the queue. */
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
  };

  if (!session) return <SignInScreen shared={shared} onSignedIn={signIn} />;
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

