import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../shared/api';
import type { Session } from '../shared/session';
import { cameraErrorMessage, scanQrCode } from './camera';
import { CARD_ID_HINT, cardIdFromCode, isCardId, normaliseTyped } from './card';
import { activityLabel, type ScanChoice } from './choice';
import { sendScan } from './client';
import { hasNfc, readCardByNfc } from './nfc';
import { QueueLines, SignedOutNotice, SignOutButton, type Shared } from './parts';
import { uuidV4FromBytes, type ScanInput } from './queue-logic';
import { enqueue } from './queue-store';
import { isEcho, type LastSubmission } from './repeat';
import { display, type ScanOutcome } from './result';

/** Where focus goes back to after a reader has read a card. */
type Reader = 'camera' | 'nfc';

/** A new scan's id, made on the device: the server is idempotent by it, so a resend is never counted twice. */
function newScanId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : uuidV4FromBytes(crypto.getRandomValues(new Uint8Array(16)));
}

/** What the result area shows: nothing yet, a scan being checked, or what the last scan came to. */
type Shown = { seq: number; outcome: ScanOutcome | 'checking' } | undefined;

/**
 * The scanning screen: the venue and activity at the top, the result of the last scan in big
 * words and colour, and three ways to scan — type the number, the camera (QR code), or NFC.
 */
export function ScannerScreen(props: {
  api: Api;
  session: Session;
  choice: ScanChoice;
  shared: Shared;
  signedOut: boolean;
  onChange: () => void;
  onSignOut: () => void;
  onSignInAgain: () => void;
}) {
  const { api, choice, shared } = props;
  const inputRef = useRef<HTMLInputElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const cameraButtonRef = useRef<HTMLButtonElement>(null);
  const stopCameraRef = useRef<HTMLButtonElement>(null);
  const nfcButtonRef = useRef<HTMLButtonElement>(null);
  const stopNfcRef = useRef<HTMLButtonElement>(null);
  const readersRef = useRef<HTMLDivElement>(null);
  const [cardNumber, setCardNumber] = useState('');
  const [shown, setShown] = useState<Shown>();
  const [cameraOn, setCameraOn] = useState(false);
  const [nfcOn, setNfcOn] = useState(false);
  const [nfcAvailable] = useState(hasNfc);
  const latest = useRef(0);
  const lastSubmission = useRef<LastSubmission | undefined>(undefined);
  const focusAfter = useRef<Reader | undefined>(undefined);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  /** Records one scan: made here (its scanId and scannedAt are the moment of scanning), then sent or queued. */
  const record = async (rawCardId: string) => {
    const seq = ++latest.current;
    const show = (outcome: ScanOutcome | 'checking') => {
      if (seq === latest.current) setShown({ seq, outcome });
    };
    const cardId = normaliseTyped(rawCardId);
    if (!cardId) {
      show({ kind: 'invalid', message: 'Type the number printed on the card, then press Record.' });
      return;
    }
    const scan: ScanInput = {
      scanId: newScanId(),
      cardId,
      venueId: choice.venueId,
      ...(choice.activityId ? { activityId: choice.activityId } : {}),
      scannedAt: shared.now().toISOString(),
    };
    if (!isCardId(cardId)) {
      const outcome: ScanOutcome = { kind: 'invalid', message: CARD_ID_HINT };
      show(outcome);
      shared.addRecent([{ cardId, scannedAt: scan.scannedAt, outcome }]);
      return;
    }
    const submission: LastSubmission = { cardId, at: Date.now(), answered: false };
    lastSubmission.current = submission;
    show('checking');
    const answer = navigator.onLine ? await sendScan(api, scan) : undefined;
    let outcome: ScanOutcome;
    if (answer?.kind === 'final') {
      outcome = answer.outcome;
      void shared.sendQueue(); // evidently online: anything saved earlier can go too
    } else {
      // Offline, no answer, busy (503), signed out or a server error: keep it to send later.
      if (answer?.kind === 'signed-out') shared.markSignedOut();
      try {
        await enqueue(scan);
        outcome = { kind: 'queued' };
      } catch {
        outcome = {
          kind: 'problem',
          headline: 'Not saved',
          message: 'This scan could not be sent or saved on this device. Scan the card again.',
        };
      }
      void shared.queueChanged();
    }
    submission.answered = true;
    show(outcome);
    shared.addRecent([{ cardId, scannedAt: scan.scannedAt, outcome }]);
  };

  const submitTyped = (event: Event) => {
    event.preventDefault();
    // Read the field itself: a keyboard-wedge scanner types and presses Enter faster than a render.
    const typed = normaliseTyped(inputRef.current?.value ?? cardNumber);
    inputRef.current?.focus();
    // A double tap or a second Enter is not a new scan: the first answer stays on screen.
    if (isEcho(lastSubmission.current, typed, Date.now())) return;
    // A number that will be sent is cleared at once, ready for the next card; one that is not a
    // card number stays, so it can be corrected.
    if (isCardId(typed)) {
      setCardNumber('');
      if (inputRef.current) inputRef.current.value = '';
    }
    void record(typed);
  };

  // The camera runs while `cameraOn`; the first QR code found is recorded and the camera stops.
  useEffect(() => {
    const video = videoRef.current;
    if (!cameraOn || !video) return;
    const camera = scanQrCode(
      video,
      (text) => {
        focusAfter.current = 'camera';
        setCameraOn(false);
        void record(cardIdFromCode(text));
      },
      (error) => {
        focusAfter.current = 'camera';
        setCameraOn(false);
        const seq = ++latest.current;
        setShown({ seq, outcome: { kind: 'problem', headline: 'Camera not available', message: cameraErrorMessage(error) } });
      },
    );
    return () => camera.stop();
    // Only `cameraOn` starts and stops it: `record` is the same for the life of this screen.
  }, [cameraOn]);

  // NFC reads while `nfcOn`; the first card read is recorded.
  useEffect(() => {
    if (!nfcOn) return;
    const reading = readCardByNfc(
      (cardId) => {
        focusAfter.current = 'nfc';
        setNfcOn(false);
        void record(cardId);
      },
      (message) => {
        focusAfter.current = 'nfc';
        setNfcOn(false);
        const seq = ++latest.current;
        setShown({ seq, outcome: { kind: 'problem', headline: 'Card not read', message } });
      },
    );
    return () => reading.stop();
  }, [nfcOn]);

  // Keep focus where the thumb is: on the stop button while a reader runs, back on its start button after.
  useEffect(() => {
    if (cameraOn) {
      // Show the camera view and its Stop button together (focus alone would scroll to the button only).
      stopCameraRef.current?.focus({ preventScroll: true });
      readersRef.current?.scrollIntoView({ block: 'end' });
    }
    else if (focusAfter.current === 'camera') cameraButtonRef.current?.focus();
  }, [cameraOn]);
  useEffect(() => {
    if (nfcOn) stopNfcRef.current?.focus();
    else if (focusAfter.current === 'nfc') nfcButtonRef.current?.focus();
  }, [nfcOn]);

  const hint = cameraOn
    ? 'Point the camera at the QR code on the card.'
    : nfcOn
      ? 'Hold the card flat against the back of the phone.'
      : undefined;

  return (
    <main class="screen scanner">
      <header class="topbar">
        <div class="where">
          <p class="kicker">Scanning at</p>
          <h1>{choice.venueName}</h1>
          <p class="activity-line">{activityLabel(choice)}</p>
        </div>
        <div class="row">
          <button type="button" class="button secondary" onClick={props.onChange}>
            Change
          </button>
          <SignOutButton shared={shared} onSignOut={props.onSignOut} device={props.session.deviceId !== undefined} />
        </div>
      </header>

      {props.signedOut && <SignedOutNotice onSignInAgain={props.onSignInAgain} />}
      {!shared.online && <p class="offline">Offline: scans are kept on this device and sent when the connection returns.</p>}

      <section class="status" role="status" aria-live="polite">
        <ResultPanel shown={shown} />
        {hint && <p class="hint">{hint}</p>}
        <QueueLines shared={shared} />
      </section>

      <form class="scan-form" onSubmit={submitTyped}>
        <label for="card-number">Card number</label>
        <div class="row">
          <input
            id="card-number"
            ref={inputRef}
            value={cardNumber}
            onInput={(event) => setCardNumber(event.currentTarget.value)}
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            enterkeyhint="send"
            aria-describedby="card-number-hint"
          />
          <button type="submit" class="button primary">
            Record
          </button>
        </div>
        <p id="card-number-hint" class="muted">
          As printed on the card. Press Enter to record.
        </p>
      </form>

      <div class="readers" ref={readersRef}>
        <div class="camera" hidden={!cameraOn}>
          <video ref={videoRef} muted playsInline aria-label="Camera view" />
        </div>
        {cameraOn ? (
          <button ref={stopCameraRef} type="button" class="button danger" onClick={() => setCameraOn(false)}>
            Stop camera
          </button>
        ) : (
          <button
            ref={cameraButtonRef}
            type="button"
            class="button"
            onClick={() => {
              setNfcOn(false);
              setCameraOn(true);
            }}
          >
            Scan with camera
          </button>
        )}
        {nfcAvailable &&
          (nfcOn ? (
            <button ref={stopNfcRef} type="button" class="button danger" onClick={() => setNfcOn(false)}>
              Stop reading card
            </button>
          ) : (
            <button
              ref={nfcButtonRef}
              type="button"
              class="button"
              onClick={() => {
                setCameraOn(false);
                setNfcOn(true);
              }}
            >
              Tap card (NFC)
            </button>
          ))}
      </div>

      {shared.recent.length > 0 && (
        <section class="recent" aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent scans</h2>
          <ol>
            {shared.recent.map((entry) => (
              <li key={entry.key} class={`tone-${entry.tone}`}>
                {`${entry.time} · ${entry.cardId} · ${entry.line}${entry.sentLater ? ' (sent later)' : ''}`}
              </li>
            ))}
          </ol>
        </section>
      )}
    </main>
  );
}

/** A shape beside the words, so the result is not told by colour alone. */
const ICONS = { good: '✓', warn: '=', bad: '✕', info: '↻' } as const;

function ResultPanel({ shown }: { shown: Shown }) {
  if (!shown) {
    return (
      <div class="result tone-idle">
        <p class="headline">Ready</p>
        <p class="detail">Scan a card, or type its number.</p>
      </div>
    );
  }
  if (shown.outcome === 'checking') {
    return (
      <div key={shown.seq} class="result tone-info">
        <p class="headline">Checking…</p>
      </div>
    );
  }
  const { tone, headline, details } = display(shown.outcome);
  return (
    <div key={shown.seq} class={`result tone-${tone}`}>
      <span class="icon" aria-hidden="true">
        {ICONS[tone]}
      </span>
      <p class="headline">{headline}</p>
      {details.map((detail) => (
        <p class="detail" key={detail}>
          {detail}
        </p>
      ))}
    </div>
  );
}
