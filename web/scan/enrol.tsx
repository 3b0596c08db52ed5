import { useEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../shared/session';
import { cameraErrorMessage, scanQrCode } from './camera';
import type { EnrolOutcome } from './device-auth';
import { enrolProblemText } from './device-logic';
import { enrolmentCodeFrom, TYPED_CODE_EXAMPLE } from './enrolment';

type Method = 'none' | 'camera' | 'typed';
/** Where the code came from: the problem's words, and where focus goes back to, depend on it. */
type Source = 'link' | 'camera' | 'typed';

/**
 * Enrol this device with a code from the console: scan its QR code, or type the short code. A
 * code in the address it was opened at (`linkCode`) is used at once. The rules are in
 * enrolment.ts and device-logic.ts; this only shows them.
 */
export function EnrolDevice(props: { enrol: (code: string) => Promise<EnrolOutcome>; linkCode?: string | undefined; onEnrolled: (session: Session) => void }) {
  const [method, setMethod] = useState<Method>('none');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ text: string; source: Source } | undefined>();
  const videoRef = useRef<HTMLVideoElement>(null);
  const scanButtonRef = useRef<HTMLButtonElement>(null);
  const stopButtonRef = useRef<HTMLButtonElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const submit = async (text: string, source: Source) => {
    const read = enrolmentCodeFrom(text);
    if (read.kind === 'not-a-code') {
      setProblem({ text: enrolProblemText(source === 'camera' ? 'not-a-qr-code' : source === 'link' ? 'bad-link' : 'not-a-code', navigator.onLine), source });
      return;
    }
    setBusy(true);
    setProblem(undefined);
    let outcome: EnrolOutcome;
    try {
      outcome = await props.enrol(read.code);
    } catch {
      outcome = { kind: 'unavailable' };
    }
    if (!mounted.current) return;
    if (outcome.kind === 'enrolled') {
      props.onEnrolled(outcome.session);
      return;
    }
    setBusy(false);
    setProblem({ text: enrolProblemText(outcome.kind, navigator.onLine), source });
  };

  // A code in the address: enrol with it at once.
  useEffect(() => {
    if (props.linkCode !== undefined) void submit(props.linkCode, 'link');
  }, []);

  // The camera runs while it is the method chosen; the first QR code read is used, and it stops.
  useEffect(() => {
    const video = videoRef.current;
    if (method !== 'camera' || !video) return;
    const camera = scanQrCode(
      video,
      (text) => {
        setMethod('none');
        void submit(text, 'camera');
      },
      (error) => {
        setMethod('none');
        setProblem({ text: cameraErrorMessage(error, 'the code'), source: 'camera' });
      },
    );
    return () => camera.stop();
  }, [method]);

  // Focus follows the thumb: the Stop button while the camera runs, the field once it is shown,
  // and back on "Scan the QR code" when the camera stops with something to say.
  const previous = useRef<Method>('none');
  useEffect(() => {
    if (method === 'camera') stopButtonRef.current?.focus({ preventScroll: true });
    else if (method === 'typed' && previous.current !== 'typed') inputRef.current?.focus();
    else if (method === 'none' && previous.current === 'camera') scanButtonRef.current?.focus();
    previous.current = method;
  }, [method]);

  const submitTyped = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    void submit(inputRef.current?.value ?? typed, 'typed');
  };

  const typedProblem = problem?.source === 'typed';

  return (
    <div class="stack">
      <p>Your manager enrols this device in the console. It shows a QR code to scan, and a code to type.</p>
      {problem && (
        <div class="notice" role="alert">
          <p id="enrolment-problem">{problem.text}</p>
        </div>
      )}
      <div role="status" aria-live="polite">
        {busy && <p class="hint">Enrolling this device…</p>}
        {method === 'camera' && <p class="hint">Point the camera at the QR code in the console.</p>}
      </div>

      <div class="readers">
        <div class="camera" hidden={method !== 'camera'}>
          <video ref={videoRef} muted playsInline aria-label="Camera view" />
        </div>
        {method === 'camera' ? (
          <button ref={stopButtonRef} type="button" class="button danger" onClick={() => setMethod('none')}>
            Stop camera
          </button>
        ) : (
          <button
            ref={scanButtonRef}
            type="button"
            class="button"
            disabled={busy}
            onClick={() => {
              setProblem(undefined);
              setMethod('camera');
            }}
          >
            Scan the QR code
          </button>
        )}
        {method !== 'typed' && (
          <button type="button" class="button" disabled={busy} onClick={() => setMethod('typed')}>
            Type the code
          </button>
        )}
      </div>

      {method === 'typed' && (
        <form class="stack" onSubmit={submitTyped}>
          <div class="field">
            <label for="enrolment-code">Enrolment code</label>
            <p id="enrolment-code-hint" class="muted">
              15 letters and numbers, as the console shows them, like {TYPED_CODE_EXAMPLE}.
            </p>
            <input
              id="enrolment-code"
              ref={inputRef}
              class="code-input"
              value={typed}
              onInput={(event) => setTyped(event.currentTarget.value)}
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              enterkeyhint="go"
              aria-describedby={typedProblem ? 'enrolment-code-hint enrolment-problem' : 'enrolment-code-hint'}
              aria-invalid={typedProblem ? 'true' : undefined}
            />
          </div>
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Enrolling…' : 'Enrol'}
          </button>
        </form>
      )}
    </div>
  );
}
