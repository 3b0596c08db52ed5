import { daysBetween, formatDate, isCalendarDate, londonDate } from './dates';
import { PRESCRIPTION_STATUS_LABELS, REVOKE_REASONS } from './format';
import type { FieldMap, FormProblems } from './issues';
import type { components } from '../../shared/openapi';

/**
 * A referral's life in the console: triage (new referrals, oldest first, with how long each has
 * waited), declining and closing with a reason, contacts and the patient's timeline.
 * Pure functions: "today" and "now" are always passed in.
 */
type Schemas = components['schemas'];
export type Referral = Schemas['Referral'];
export type DeclineReason = Schemas['DeclineReferral']['reason'];
export type CloseReason = Schemas['CloseReferral']['reason'];
export type ContactKind = Schemas['CreateContact']['kind'];
export type ContactOutcome = Schemas['CreateContact']['outcome'];
export type CreateContact = Schemas['CreateContact'];
export type TimelineEntry = Schemas['TimelineEntry'];

/** Why a referral was declined, in the API's order (`other` needs a note). */
export const DECLINE_REASONS: readonly { value: DeclineReason; label: string }[] = [
  { value: 'not_interested', label: 'Not interested' },
  { value: 'unable_to_contact', label: 'Unable to contact' },
  { value: 'did_not_attend', label: 'Did not attend' },
  { value: 'already_supported', label: 'Already supported elsewhere' },
  { value: 'mis_referred', label: 'Referred by mistake' },
  { value: 'moved_away', label: 'Moved away' },
  { value: 'consent_withdrawn', label: 'Consent withdrawn' },
  { value: 'deceased', label: 'Deceased' },
  { value: 'other', label: 'Other (give details)' },
];

/** Closing has one reason more, first: the support was given. */
export const CLOSE_REASONS: readonly { value: CloseReason; label: string }[] = [
  { value: 'completed', label: 'Completed: the support was given' },
  ...DECLINE_REASONS,
];

/** "Not interested" for a reason code, for a list or a timeline; an unknown code as it is. */
export function endReasonLabel(reason: string | undefined): string {
  if (!reason) return '';
  if (reason === 'completed') return 'Completed';
  if (reason === 'other') return 'Other';
  return DECLINE_REASONS.find((r) => r.value === reason)?.label ?? reason;
}

export const MAX_NOTE_LENGTH = 2000;

/** The decline or close form, as typed. */
export interface EndForm {
  reason: string;
  note: string;
}

export const END_FIELDS: FieldMap = {
  reason: { id: 'endReason', label: 'Reason' },
  note: { id: 'endNote', label: 'Note' },
};
export const END_FIELD_ORDER = ['endReason', 'endNote'];

/** The console's checks of a decline or close: a reason from the list, a note for "other". */
export function validateEnd(form: EndForm, action: 'decline' | 'close'): FormProblems {
  const fields: Record<string, string> = {};
  const reasons: readonly { value: string }[] = action === 'decline' ? DECLINE_REASONS : CLOSE_REASONS;
  if (!form.reason) fields.endReason = action === 'decline' ? 'Select why the referral is declined' : 'Select why the referral is closed';
  else if (!reasons.some((r) => r.value === form.reason)) fields.endReason = 'Select a reason from the list';
  if (form.reason === 'other' && !form.note.trim()) fields.endNote = 'Enter a note saying why, as the reason is other';
  else if (form.note.length > MAX_NOTE_LENGTH) fields.endNote = `Note must be ${MAX_NOTE_LENGTH} characters or fewer`;
  return { fields, general: [] };
}

/** The body of decline or close: the reason, and the note only when there is one. */
export function toEndBody<R extends string>(form: EndForm): { reason: R; note?: string } {
  const note = form.note.trim();
  return note ? { reason: form.reason as R, note } : { reason: form.reason as R };
}

/** New (received) referrals, the longest waiting first; ties by id so the order is stable. */
export function triageOrder<T extends Pick<Referral, 'status' | 'createdAt' | 'referralId'>>(referrals: readonly T[]): T[] {
  return referrals
    .filter((r) => r.status === 'received')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.referralId.localeCompare(b.referralId));
}

/** Whole London calendar days since the referral came in (0 on the day it came). */
export function daysWaiting(createdAt: string, today: string): number {
  const at = new Date(createdAt);
  if (Number.isNaN(at.getTime()) || !isCalendarDate(today)) return 0;
  return Math.max(0, daysBetween(londonDate(at), today));
}

/** "Today", "1 day", "12 days". */
export function formatDaysWaiting(days: number): string {
  if (days <= 0) return 'Today';
  return days === 1 ? '1 day' : `${days} days`;
}

/** What can be done to a referral in each status, from the console. */
export function referralActions(status: Referral['status']): ('accept' | 'decline' | 'close')[] {
  if (status === 'received') return ['accept', 'decline'];
  if (status === 'accepted') return ['decline'];
  if (status === 'prescribed') return ['close'];
  return [];
}

export const CONTACT_KINDS: readonly { value: ContactKind; label: string }[] = [
  { value: 'phone', label: 'Phone call' },
  { value: 'visit', label: 'Visit' },
  { value: 'video', label: 'Video call' },
  { value: 'text', label: 'Text message' },
  { value: 'letter', label: 'Letter' },
  { value: 'email', label: 'Email' },
];

export const CONTACT_OUTCOMES: readonly { value: ContactOutcome; label: string }[] = [
  { value: 'reached', label: 'Reached them' },
  { value: 'no_answer', label: 'No answer' },
  { value: 'left_message', label: 'Left a message' },
  { value: 'did_not_attend', label: 'Did not attend' },
];

const labelOf = (list: readonly { value: string; label: string }[], value: string | undefined) =>
  list.find((item) => item.value === value)?.label ?? value ?? '';

/** The "Log a contact" form, as typed: when (a London date and a 24-hour time), kind, outcome, note. */
export interface ContactForm {
  date: string;
  time: string;
  kind: string;
  outcome: string;
  note: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The London wall-clock time at an instant, "14:05". */
export function londonTime(instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('hour')}:${part('minute')}`;
}

export const emptyContactForm = (now: Date): ContactForm => ({ date: londonDate(now), time: londonTime(now), kind: '', outcome: '', note: '' });

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/**
 * The instant of a London date and wall-clock time (GMT or BST as that day requires); undefined
 * for a date or time that is not one. A time skipped when clocks go forward lands an hour on.
 */
export function londonInstant(date: string, time: string): Date | undefined {
  const match = TIME.exec(time.trim());
  if (!isCalendarDate(date) || !match) return undefined;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, Number(match[1]), Number(match[2]));
  // London is UTC or UTC+1: try both offsets, keep the one that reads back as the wall time.
  for (const offset of [0, 1]) {
    const at = new Date(wall - offset * 3_600_000);
    if (londonDate(at) === date && londonTime(at) === `${pad(Number(match[1]))}:${match[2]}`) return at;
  }
  return new Date(wall);
}

export const CONTACT_FIELDS: FieldMap = {
  at: { id: 'contactDate', label: 'Date' },
  kind: { id: 'contactKind', label: 'Kind of contact' },
  outcome: { id: 'contactOutcome', label: 'Outcome' },
  note: { id: 'contactNote', label: 'Note' },
};
export const CONTACT_FIELD_ORDER = ['contactDate', 'contactTime', 'contactKind', 'contactOutcome', 'contactNote'];

const FIVE_MINUTES = 5 * 60_000;
const YEAR = 365 * 86_400_000;

/** The console's checks of a contact: a real time, not in the future, at most a year back. */
export function validateContact(form: ContactForm, now: Date): FormProblems {
  const fields: Record<string, string> = {};
  if (!form.date) fields.contactDate = 'Enter the date of the contact';
  else if (!isCalendarDate(form.date)) fields.contactDate = 'Date must be a real date';
  if (!form.time.trim()) fields.contactTime = 'Enter the time of the contact';
  else if (!TIME.exec(form.time.trim())) fields.contactTime = 'Enter the time in 24-hour form, like 14:30';
  if (!fields.contactDate && !fields.contactTime) {
    const at = londonInstant(form.date, form.time)!;
    if (at.getTime() > now.getTime() + FIVE_MINUTES) fields.contactDate = 'The contact must not be in the future';
    else if (at.getTime() < now.getTime() - YEAR) fields.contactDate = 'The contact must be within the last year';
  }
  if (!CONTACT_KINDS.some((k) => k.value === form.kind)) fields.contactKind = 'Select the kind of contact';
  if (!CONTACT_OUTCOMES.some((o) => o.value === form.outcome)) fields.contactOutcome = 'Select the outcome';
  if (form.note.length > MAX_NOTE_LENGTH) fields.contactNote = `Note must be ${MAX_NOTE_LENGTH} characters or fewer`;
  return { fields, general: [] };
}

/** The body of `POST /v1/patients/{id}/contacts` (call after `validateContact` found nothing). */
export function toCreateContact(form: ContactForm): CreateContact {
  const at = londonInstant(form.date, form.time);
  if (!at) throw new Error('not a date and time');
  const body: CreateContact = { at: at.toISOString(), kind: form.kind as ContactKind, outcome: form.outcome as ContactOutcome };
  const note = form.note.trim();
  if (note) body.note = note;
  return body;
}

const capitalise = (text: string) => (text ? text[0]!.toUpperCase() + text.slice(1) : text);
const words = (code: string) => code.replace(/_/g, ' ');

/** A timeline entry in words: a title ("Referral declined") and details ("Not interested"). */
export function describeTimelineEntry(entry: TimelineEntry): { title: string; detail?: string } {
  switch (entry.type) {
    case 'referral': {
      const title = `Referral ${words(entry.action)}`;
      if (entry.action === 'declined' || entry.action === 'closed') return { title, detail: endReasonLabel(entry.reason) || undefined };
      return { title };
    }
    case 'contact':
      return {
        title: `${labelOf(CONTACT_KINDS, entry.kind) || 'Contact'}: ${labelOf(CONTACT_OUTCOMES, entry.outcome).toLowerCase() || 'recorded'}`,
      };
    case 'assessment':
      return { title: entry.kind === 'follow_up' ? 'Follow-up assessment recorded' : entry.kind === 'baseline' ? 'Baseline assessment recorded' : 'Assessment recorded' };
    case 'prescription': {
      const status = PRESCRIPTION_STATUS_LABELS[entry.action as keyof typeof PRESCRIPTION_STATUS_LABELS];
      return { title: entry.action === 'written' ? 'Prescription written' : `Prescription ${status ? status.toLowerCase() : words(entry.action)}` };
    }
    case 'card': {
      const reason = REVOKE_REASONS.find((r) => r.value === entry.reason)?.label;
      return { title: `Card ${words(entry.action)}`, detail: entry.action === 'revoked' && reason ? reason : undefined };
    }
    case 'follow_up': {
      const due = entry.dueAt ? formatDate(londonDate(new Date(entry.dueAt))) : '';
      return { title: `Follow-up ${words(entry.action)}`, detail: entry.action === 'scheduled' && due ? `Due ${due}` : undefined };
    }
    default:
      return { title: capitalise(`${words(String((entry as TimelineEntry).type))} ${words((entry as TimelineEntry).action)}`) };
  }
}

/** An episode (one referral) in a line: "Declined: Not interested", "Prescribed". */
export function episodeStatus(referral: Pick<Referral, 'status' | 'endReason'>, labels: Record<Referral['status'], string>): string {
  const label = labels[referral.status];
  return referral.endReason ? `${label}: ${endReasonLabel(referral.endReason)}` : label;
}
