import jsQR from 'jsqr';

/**
 * Reads a QR code from the back camera: the browser's own BarcodeDetector where it has one that
 * reads QR codes, else jsQR on frames drawn to a canvas. Frames are tried every ~120 ms until a
 * code is found, then the camera is turned off.
 */

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorInstance {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorInstance;
  getSupportedFormats(): Promise<string[]>;
}

type Decoder = (video: HTMLVideoElement) => Promise<string | undefined>;

const FRAME_INTERVAL_MS = 120;
/** Frames are scaled down to this width for jsQR: plenty for a card held to the camera, and fast. */
const MAX_DECODE_WIDTH = 720;

async function nativeDecoder(): Promise<Decoder | undefined> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return undefined;
  try {
    if (!(await Detector.getSupportedFormats()).includes('qr_code')) return undefined;
    const detector = new Detector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue;
  } catch {
    return undefined;
  }
}

function canvasDecoder(): Decoder {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    if (!context || video.videoWidth === 0) return undefined;
    const scale = Math.min(1, MAX_DECODE_WIDTH / video.videoWidth);
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const image = context.getImageData(0, 0, width, height);
    return jsQR(image.data, width, height, { inversionAttempts: 'dontInvert' })?.data || undefined;
  };
}

export interface CameraScan {
  /** Turns the camera off (safe to call more than once). */
  stop(): void;
}

/**
 * Starts the camera in `video` and calls `onCode` once, with the first QR code's text (the
 * camera is already off by then). `onError` gets the reason it could not start.
 */
export function scanQrCode(video: HTMLVideoElement, onCode: (text: string) => void, onError: (error: unknown) => void): CameraScan {
  let stopped = false;
  let stream: MediaStream | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    stream?.getTracks().forEach((track) => track.stop());
    stream = undefined;
    video.pause();
    video.srcObject = null;
  };

  (async () => {
    if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('No camera API', 'NotSupportedError');
    const opened = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    if (stopped) {
      opened.getTracks().forEach((track) => track.stop());
      return;
    }
    stream = opened;
    video.srcObject = opened;
    video.muted = true;
    video.playsInline = true;
    await video.play();
    const decode = (await nativeDecoder()) ?? canvasDecoder();
    const tick = async () => {
      if (stopped) return;
      if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
        let text: string | undefined;
        try {
          text = await decode(video);
        } catch {
          text = undefined; // a bad frame: try the next one
        }
        if (stopped) return;
        if (text) {
          stop();
          onCode(text);
          return;
        }
      }
      timer = setTimeout(tick, FRAME_INTERVAL_MS);
    };
    void tick();
  })().catch((error: unknown) => {
    if (stopped) return;
    stop();
    onError(error);
  });

  return { stop };
}

/** Why the camera could not be used, in words for the person at the door (`instead`: what to type). */
export function cameraErrorMessage(error: unknown, instead = 'the card number'): string {
  const name = (error as { name?: string } | undefined)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `The camera was not allowed. Allow the camera in the browser settings, or type ${instead}.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No camera was found on this device. Type ${instead} instead.`;
    case 'NotReadableError':
    case 'AbortError':
      return `The camera is in use by another app. Close it and try again, or type ${instead}.`;
    case 'NotSupportedError':
      return `This browser cannot use the camera here. Type ${instead} instead.`;
    default:
      return `The camera could not be started. Type ${instead} instead.`;
  }
}
