import type { components } from '../shared/openapi';

/**
 * What a scan came to, and how the screen shows it. Pure: no DOM, no storage — the scanner's
 * page and the unit tests both use it. Nothing here identifies the person: the API sends no
 * identity, and none is added.
 */

type AcceptedScan = components['schemas']['AcceptedScan'];
type DuplicateScan = components['schemas']['DuplicateScan'];
type RejectedScan = components['schemas']['RejectedScan'];

export interface DoorCounts {
  sessionsAttended: number;
  weeksRemaining: number;
  /** False when the activity is not on the person's prescription (still counted, but flagged). */
  onPrescription: boolean;
}

export type ScanOutcome =
  | ({ kind: 'accepted' } & DoorCounts)
  | ({ kind: 'duplicate' } & DoorCounts)
  | { kind: 'rejected'; reason: string; message: string }
  /** The server (or the device, before sending) found the input wrong: a 400. */
  | { kind: 'invalid'; message: string }
  /** Kept on this device, to be sent later. */
  | { kind: 'queued' }
  /** Something the person at the door cannot fix by re-scanning (e.g. no camera). */
  | { kind: 'problem'; headline: string; message: string };

/**
 * How to treat an answer to one scan (from POST /v1/scans, or one result of the batch):
 * `final` — the server has answered it for good (it never needs sending again);
 * `retry` — the server could not take it now (503): keep it and send it again later;
 * `signed-out` — the token was refused (401): keep it, and sign in again;
 * `unexpected` — anything else (403, 5xx…): keep it too; nothing is ever dropped unanswered.
 */
export type Answer =
  | { kind: 'final'; outcome: Exclude<ScanOutcome, { kind: 'queued' } | { kind: 'problem' }> }
  | { kind: 'retry' }
  | { kind: 'signed-out' }
  | { kind: 'unexpected'; status: number };

export function answerOf(status: number, body: unknown): Answer {
  switch (status) {
    case 201:
      return { kind: 'final', outcome: { kind: 'accepted', ...countsOf(body as Partial<AcceptedScan>) } };
    case 200:
      return { kind: 'final', outcome: { kind: 'duplicate', ...countsOf(body as Partial<DuplicateScan>) } };
    case 422: {
      const rejected = (body ?? {}) as Partial<RejectedScan>;
      return {
        kind: 'final',
        outcome: {
          kind: 'rejected',
          reason: rejected.reason ?? rejected.error?.code ?? 'rejected',
          message: rejected.message ?? rejected.error?.message ?? 'The card could not be accepted. Ask the person to contact their navigator.',
        },
      };
    }
    case 400:
      return { kind: 'final', outcome: { kind: 'invalid', message: issueMessage(body) } };
    case 401:
      return { kind: 'signed-out' };
    case 429: // over this device's rate limit: nothing was recorded
    case 503:
      return { kind: 'retry' };
    default:
      return { kind: 'unexpected', status };
  }
}

function countsOf(body: Partial<AcceptedScan | DuplicateScan> | undefined): DoorCounts {
  return {
    sessionsAttended: typeof body?.sessionsAttended === 'number' ? body.sessionsAttended : 0,
    weeksRemaining: typeof body?.weeksRemaining === 'number' ? body.weeksRemaining : 0,
    onPrescription: body?.onPrescription !== false,
  };
}

const FIELD_NAMES: Record<string, string> = {
  cardId: 'The card number',
  venueId: 'The venue',
  activityId: 'The activity',
  scannedAt: 'The scan time',
  scanId: 'The scan id',
};

/** The plain-English reason of a 400, from its field-level issues (or its message). */
export function issueMessage(body: unknown): string {
  const error = (body as components['schemas']['Error'] | undefined)?.error;
  const issues = error?.issues ?? [];
  if (issues.length > 0) {
    return issues
      .map((issue) => {
        const field = FIELD_NAMES[issue.path.split('.').pop() ?? ''];
        return field ? `${field} ${issue.message}.` : `${issue.path}: ${issue.message}.`;
      })
      .join(' ');
  }
  return error?.message ?? 'The card number is not valid. Check it and try again.';
}

export const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export const sessionsText = (count: number) => plural(count, 'session attended', 'sessions attended');
export const weeksLeftText = (count: number) => plural(count, 'week left', 'weeks left');

export type Tone = 'good' | 'warn' | 'bad' | 'info';

/** What the result area shows: a few big words in a colour, and a line or two under them. */
export interface Display {
  tone: Tone;
  headline: string;
  details: string[];
}

export const QUEUED_TEXT = 'Saved — it will be sent when you are back online';

export function display(outcome: ScanOutcome): Display {
  switch (outcome.kind) {
    case 'accepted':
    case 'duplicate': {
      const details = [sessionsText(outcome.sessionsAttended), weeksLeftText(outcome.weeksRemaining)];
      if (!outcome.onPrescription) details.push('Counted, but this activity is not on their prescription.');
      return outcome.kind === 'accepted'
        ? { tone: 'good', headline: 'Accepted', details }
        : { tone: 'warn', headline: 'Already recorded today', details };
    }
    case 'rejected':
      return { tone: 'bad', headline: 'Not accepted', details: [outcome.message] };
    case 'invalid':
      return { tone: 'bad', headline: 'Check the card number', details: [outcome.message] };
    case 'queued':
      return { tone: 'info', headline: QUEUED_TEXT, details: [] };
    case 'problem':
      return { tone: 'bad', headline: outcome.headline, details: [outcome.message] };
  }
}

/**
 * One line for the list of recent results: the status word, then the counts or the reason. Worded
 * apart from the big result ("5 attended", not "5 sessions attended") so the two never read as one.
 */
export function recentLine(outcome: ScanOutcome): string {
  switch (outcome.kind) {
    case 'accepted':
      return `Accepted: ${outcome.sessionsAttended} attended, ${plural(outcome.weeksRemaining, 'week', 'weeks')} to go`;
    case 'duplicate':
      return `Already recorded: ${outcome.sessionsAttended} attended, ${plural(outcome.weeksRemaining, 'week', 'weeks')} to go`;
    case 'rejected':
      return `Not accepted: ${outcome.message}`;
    case 'invalid':
      return `Card number not valid: ${outcome.message}`;
    case 'queued':
      return 'Saved on this device, to send later';
    case 'problem':
      return `${outcome.headline}: ${outcome.message}`;
  }
}
