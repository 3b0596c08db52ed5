import { describe, expect, it } from 'vitest';
import { REFERRAL_STATUS_LABELS } from '../../../web/console/lib/format';
import {
  CLOSE_REASONS,
  DECLINE_REASONS,
  daysWaiting,
  describeTimelineEntry,
  emptyContactForm,
  endReasonLabel,
  episodeStatus,
  formatDaysWaiting,
  londonInstant,
  londonTime,
  referralActions,
  toCreateContact,
  toEndBody,
  triageOrder,
  validateContact,
  validateEnd,
  type ContactForm,
  type TimelineEntry,
} from '../../../web/console/lib/lifecycle';

describe('triage', () => {
  it('lists only received referrals, the longest waiting first', () => {
    const referrals = [
      { referralId: 'b', status: 'received', createdAt: '2026-11-20T10:00:00.000Z' },
      { referralId: 'c', status: 'accepted', createdAt: '2026-11-01T10:00:00.000Z' },
      { referralId: 'a', status: 'received', createdAt: '2026-11-02T10:00:00.000Z' },
      { referralId: 'd', status: 'received', createdAt: '2026-11-20T10:00:00.000Z' },
    ] as const;
    expect(triageOrder(referrals).map((r) => r.referralId)).toEqual(['a', 'b', 'd']);
  });

  it('counts London calendar days waiting', () => {
    expect(daysWaiting('2026-12-01T10:00:00.000Z', '2026-12-01')).toBe(0);
    expect(daysWaiting('2026-11-28T23:30:00.000Z', '2026-12-01')).toBe(3);
    // 23:30 UTC in summer is already the next day in London
    expect(daysWaiting('2026-06-01T23:30:00.000Z', '2026-06-03')).toBe(1);
    expect(daysWaiting('not a time', '2026-06-03')).toBe(0);
    expect([0, 1, 12].map(formatDaysWaiting)).toEqual(['Today', '1 day', '12 days']);
  });

  it('offers what each status allows', () => {
    expect(referralActions('received')).toEqual(['accept', 'decline']);
    expect(referralActions('accepted')).toEqual(['decline']);
    expect(referralActions('prescribed')).toEqual(['close']);
    expect(referralActions('declined')).toEqual([]);
    expect(referralActions('closed')).toEqual([]);
  });
});

describe('declining and closing', () => {
  it('offers the API’s fixed reasons, closing with completed first', () => {
    expect(DECLINE_REASONS.map((r) => r.value)).toEqual([
      'not_interested',
      'unable_to_contact',
      'did_not_attend',
      'already_supported',
      'mis_referred',
      'moved_away',
      'consent_withdrawn',
      'deceased',
      'other',
    ]);
    expect(CLOSE_REASONS.map((r) => r.value)).toEqual(['completed', ...DECLINE_REASONS.map((r) => r.value)]);
    expect(endReasonLabel('not_interested')).toBe('Not interested');
    expect(endReasonLabel('completed')).toBe('Completed');
    expect(endReasonLabel('other')).toBe('Other');
    expect(endReasonLabel(undefined)).toBe('');
  });

  it('needs a reason, and a note for other', () => {
    expect(validateEnd({ reason: '', note: '' }, 'decline').fields).toEqual({ endReason: 'Select why the referral is declined' });
    expect(validateEnd({ reason: '', note: '' }, 'close').fields).toEqual({ endReason: 'Select why the referral is closed' });
    expect(validateEnd({ reason: 'completed', note: '' }, 'decline').fields).toEqual({ endReason: 'Select a reason from the list' });
    expect(validateEnd({ reason: 'completed', note: '' }, 'close').fields).toEqual({});
    expect(validateEnd({ reason: 'other', note: '  ' }, 'decline').fields).toEqual({ endNote: 'Enter a note saying why, as the reason is other' });
    expect(validateEnd({ reason: 'other', note: 'Moved in with family' }, 'decline').fields).toEqual({});
    expect(validateEnd({ reason: 'deceased', note: 'x'.repeat(2001) }, 'close').fields.endNote).toMatch(/2000 characters/);
  });

  it('sends the note only when there is one', () => {
    expect(toEndBody({ reason: 'not_interested', note: '  ' })).toEqual({ reason: 'not_interested' });
    expect(toEndBody({ reason: 'other', note: ' Went private ' })).toEqual({ reason: 'other', note: 'Went private' });
  });

  it('writes an episode’s status with its reason', () => {
    expect(episodeStatus({ status: 'declined', endReason: 'moved_away' }, REFERRAL_STATUS_LABELS)).toBe('Declined: Moved away');
    expect(episodeStatus({ status: 'prescribed' }, REFERRAL_STATUS_LABELS)).toBe('Prescribed');
  });
});

describe('logging a contact', () => {
  const now = new Date('2026-12-02T10:15:00.000Z');
  const form = (changes: Partial<ContactForm> = {}): ContactForm => ({ ...emptyContactForm(now), kind: 'phone', outcome: 'reached', ...changes });

  it('starts at now, London time', () => {
    expect(emptyContactForm(now)).toEqual({ date: '2026-12-02', time: '10:15', kind: '', outcome: '', note: '' });
    expect(londonTime(new Date('2026-07-01T10:15:00.000Z'))).toBe('11:15');
  });

  it('reads a London date and time as the instant it was, in GMT and in BST', () => {
    expect(londonInstant('2026-12-02', '10:15')?.toISOString()).toBe('2026-12-02T10:15:00.000Z');
    expect(londonInstant('2026-07-01', '9:05')?.toISOString()).toBe('2026-07-01T08:05:00.000Z');
    // 01:30 does not happen on the day the clocks go forward: it lands an hour on
    expect(londonInstant('2026-03-29', '01:30')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(londonInstant('2026-02-30', '10:00')).toBeUndefined();
    expect(londonInstant('2026-12-02', '25:00')).toBeUndefined();
  });

  it('checks each field', () => {
    expect(validateContact(form(), now).fields).toEqual({});
    expect(validateContact(form({ date: '', time: '', kind: '', outcome: '' }), now).fields).toEqual({
      contactDate: 'Enter the date of the contact',
      contactTime: 'Enter the time of the contact',
      contactKind: 'Select the kind of contact',
      contactOutcome: 'Select the outcome',
    });
    expect(validateContact(form({ time: '2pm' }), now).fields).toEqual({ contactTime: 'Enter the time in 24-hour form, like 14:30' });
    expect(validateContact(form({ time: '10:25' }), now).fields).toEqual({ contactDate: 'The contact must not be in the future' });
    expect(validateContact(form({ time: '10:19' }), now).fields).toEqual({});
    expect(validateContact(form({ date: '2025-12-01' }), now).fields).toEqual({ contactDate: 'The contact must be within the last year' });
    expect(validateContact(form({ note: 'x'.repeat(2001) }), now).fields.contactNote).toMatch(/2000 characters/);
  });

  it('sends the instant, kind, outcome and a note only when there is one', () => {
    expect(toCreateContact(form())).toEqual({ at: '2026-12-02T10:15:00.000Z', kind: 'phone', outcome: 'reached' });
    expect(toCreateContact(form({ outcome: 'no_answer', note: ' Try after 5 ' }))).toEqual({
      at: '2026-12-02T10:15:00.000Z',
      kind: 'phone',
      outcome: 'no_answer',
      note: 'Try after 5',
    });
  });
});

describe('the timeline in words', () => {
  const entry = (changes: Partial<TimelineEntry>): TimelineEntry => ({ eventId: 'e', at: '2026-12-02T10:00:00.000Z', type: 'referral', action: 'received', ...changes });

  it('describes each kind of entry', () => {
    expect(describeTimelineEntry(entry({}))).toEqual({ title: 'Referral received' });
    expect(describeTimelineEntry(entry({ action: 'declined', reason: 'not_interested' }))).toEqual({ title: 'Referral declined', detail: 'Not interested' });
    expect(describeTimelineEntry(entry({ action: 'closed', reason: 'completed' }))).toEqual({ title: 'Referral closed', detail: 'Completed' });
    expect(describeTimelineEntry(entry({ type: 'contact', action: 'contact', kind: 'phone', outcome: 'no_answer' }))).toEqual({ title: 'Phone call: no answer' });
    expect(describeTimelineEntry(entry({ type: 'assessment', action: 'recorded', kind: 'baseline' }))).toEqual({ title: 'Baseline assessment recorded' });
    expect(describeTimelineEntry(entry({ type: 'assessment', action: 'recorded', kind: 'follow_up' }))).toEqual({ title: 'Follow-up assessment recorded' });
    expect(describeTimelineEntry(entry({ type: 'prescription', action: 'written' }))).toEqual({ title: 'Prescription written' });
    expect(describeTimelineEntry(entry({ type: 'prescription', action: 'withdrawn' }))).toEqual({ title: 'Prescription withdrawn' });
    expect(describeTimelineEntry(entry({ type: 'card', action: 'revoked', reason: 'lost' }))).toEqual({ title: 'Card revoked', detail: 'Lost' });
    expect(describeTimelineEntry(entry({ type: 'card', action: 'issued' }))).toEqual({ title: 'Card issued', detail: undefined });
    expect(describeTimelineEntry(entry({ type: 'follow_up', action: 'scheduled', dueAt: '2027-02-24T09:00:00.000Z' }))).toEqual({
      title: 'Follow-up scheduled',
      detail: 'Due 24 February 2027',
    });
    expect(describeTimelineEntry(entry({ type: 'follow_up', action: 'completed' }))).toEqual({ title: 'Follow-up completed', detail: undefined });
  });
});
