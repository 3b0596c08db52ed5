import { cardIdFromNfc } from './card';

/**
 * Reads a card by NFC with Web NFC (Chrome on Android): the card id from the tag's first text
 * record, or else its serial number. Only offered when the browser has `NDEFReader`.
 */

interface NdefRecord {
  recordType: string;
  encoding?: string;
  data?: DataView;
}
interface NdefReadingEvent extends Event {
  serialNumber: string;
  message: { records: NdefRecord[] };
}
interface NdefReaderInstance extends EventTarget {
  scan(options?: { signal?: AbortSignal }): Promise<void>;
}
type NdefReaderClass = new () => NdefReaderInstance;

export function hasNfc(): boolean {
  return typeof window !== 'undefined' && 'NDEFReader' in window;
}

export interface NfcRead {
  stop(): void;
}

/** Waits for one tag; calls `onCard` with its card id (reading stops first), or `onError`. */
export function readCardByNfc(onCard: (cardId: string) => void, onError: (message: string) => void): NfcRead {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const Reader = (window as unknown as { NDEFReader: NdefReaderClass }).NDEFReader;
  const reader = new Reader();

  reader.addEventListener(
    'reading',
    (event) => {
      const { message, serialNumber } = event as NdefReadingEvent;
      const textRecord = message.records.find((record) => record.recordType === 'text');
      const text = textRecord?.data ? new TextDecoder(textRecord.encoding || 'utf-8').decode(textRecord.data) : undefined;
      const cardId = cardIdFromNfc(text, serialNumber);
      stop();
      if (cardId) onCard(cardId);
      else onError('That card could not be read. Try again, or type the card number.');
    },
    { signal: controller.signal },
  );
  reader.addEventListener('readingerror', () => onError('That card could not be read. Hold it still against the phone and try again.'), {
    signal: controller.signal,
  });
  reader.scan({ signal: controller.signal }).catch((error: unknown) => {
    if (controller.signal.aborted) return;
    stop();
    const name = (error as { name?: string } | undefined)?.name;
    onError(
      name === 'NotAllowedError'
        ? 'NFC was not allowed. Allow NFC for this site in the browser settings, or type the card number.'
        : 'NFC is not available. Turn NFC on in the phone’s settings, or type the card number.',
    );
  });
  return { stop };
}
