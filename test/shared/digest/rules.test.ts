import { describe, expect, it } from 'vitest';
import { countFollowUps, digestDay, digestMessage, digestOwed, digestTimeOn, inboxUrl, wantsDigest, type OpenFollowUp } from '#shared/digest/rules';

const now = new Date('2026-06-15T08:00:00Z'); // 09:00 BST, Monday 15 June 2026
let nextId = 0;
const followUp = (status: OpenFollowUp['status'], dueAt: string, followUpId = `f${++nextId}`): OpenFollowUp => ({ followUpId, status, dueAt });

describe('09:00 London', () => {
  it('is 08:00Z in summer (BST) and 09:00Z in winter (GMT)', () => {
    expect(digestTimeOn('2026-06-15').toISOString()).toBe('2026-06-15T08:00:00.000Z');
    expect(digestTimeOn('2026-12-15').toISOString()).toBe('2026-12-15T09:00:00.000Z');
  });

  it('on the days the clocks change (29 March and 25 October 2026)', () => {
    expect(digestTimeOn('2026-03-29').toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(digestTimeOn('2026-10-25').toISOString()).toBe('2026-10-25T09:00:00.000Z');
  });

  it("the digest's day is the London date (23:30Z on a summer evening is already tomorrow)", () => {
    expect(digestDay(new Date('2026-06-15T23:30:00Z'))).toBe('2026-06-16');
    expect(digestDay(new Date('2026-12-15T23:30:00Z'))).toBe('2026-12-15');
  });
});

describe('digestOwed: the day whose 09:00 the clock just passed', () => {
  it.each([
    ['2026-06-15T07:59:59Z', '2026-06-15T08:00:00Z', '2026-06-15'],
    ['2026-06-15T07:00:00Z', '2026-06-15T07:59:59Z', undefined],
    ['2026-06-15T08:00:00Z', '2026-06-15T10:00:00Z', undefined], // already covered
    ['2026-12-15T08:30:00Z', '2026-12-15T09:00:00Z', '2026-12-15'], // GMT: 08:30Z is 08:30 London
    ['2026-12-15T07:59:00Z', '2026-12-15T08:30:00Z', undefined], // 08:00Z is not 09:00 in winter
  ])('from %s to %s: %s', (before, after, owed) => {
    expect(digestOwed(new Date(before), new Date(after))).toBe(owed);
  });

  it('a jump over several days owes only the day it lands on', () => {
    expect(digestOwed(new Date('2026-06-01T10:00:00Z'), new Date('2026-06-15T12:00:00Z'))).toBe('2026-06-15');
    // Landing before that day's 09:00 owes nothing yet (its 09:00 is still to come).
    expect(digestOwed(new Date('2026-06-01T10:00:00Z'), new Date('2026-06-15T07:00:00Z'))).toBeUndefined();
  });
});

describe('countFollowUps', () => {
  it('counts due ones, and overdue ones (due more than 14 days) apart', () => {
    const counts = countFollowUps(
      [
        followUp('due', '2026-06-15T08:00:00Z'),
        followUp('due', '2026-06-01T08:00:00Z'), // exactly 14 days: not yet overdue
        followUp('due', '2026-06-01T07:59:59Z'), // a second more: overdue
        followUp('due', '2026-03-01T09:00:00Z'),
      ],
      now,
    );
    expect(counts).toEqual({ due: 2, overdue: 2 });
  });

  it('counts a scheduled one whose time has come (its reminder is a minute behind), not one still ahead', () => {
    expect(countFollowUps([followUp('scheduled', '2026-06-15T08:00:00Z'), followUp('scheduled', '2026-06-15T08:00:01Z')], now)).toEqual({ due: 1, overdue: 0 });
  });

  it('counts one seen both as scheduled and as due (its reminder moved it mid-read) once', () => {
    expect(countFollowUps([followUp('scheduled', '2026-06-15T08:00:00Z', 'same'), followUp('due', '2026-06-15T08:00:00Z', 'same')], now)).toEqual({ due: 1, overdue: 0 });
  });

  it('never counts held, completed or cancelled ones', () => {
    const past = '2026-01-01T09:00:00Z';
    expect(countFollowUps([followUp('held', past), followUp('completed', past), followUp('cancelled', past)], now)).toEqual({ due: 0, overdue: 0 });
  });

  it('only a navigator with something waiting gets mail', () => {
    expect(wantsDigest({ due: 0, overdue: 0 })).toBe(false);
    expect(wantsDigest({ due: 1, overdue: 0 })).toBe(true);
    expect(wantsDigest({ due: 0, overdue: 1 })).toBe(true);
  });
});

describe('digestMessage', () => {
  const sam = { email: 'sam@example.org', givenName: 'Sam' };

  it('is the counts and the inbox link, to the navigator', () => {
    expect(digestMessage(sam, { due: 2, overdue: 1 }, 'https://d123.cloudfront.net')).toEqual({
      to: 'sam@example.org',
      subject: 'Waymark: 3 follow-ups waiting, 1 overdue',
      text: [
        'Hello Sam,',
        '',
        '3 follow-up assessments are waiting in your Waymark inbox:',
        '- 2 due',
        '- 1 overdue (due more than 14 days ago)',
        '',
        'Open your inbox: https://d123.cloudfront.net/#/followups?status=due',
        '',
        'This email names no one: sign in to see who is waiting.',
      ].join('\n'),
    });
  });

  it('says one in the singular, and has no overdue in the subject when none is', () => {
    const message = digestMessage(sam, { due: 1, overdue: 0 }, 'http://localhost:3000/');
    expect(message.subject).toBe('Waymark: 1 follow-up due');
    expect(message.text).toContain('1 follow-up assessment is waiting');
    expect(message.text).toContain('http://localhost:3000/#/followups?status=due');
  });

  it('builds the inbox link from a console URL with or without a trailing slash', () => {
    expect(inboxUrl('https://example.org/')).toBe('https://example.org/#/followups?status=due');
    expect(inboxUrl('https://example.org')).toBe('https://example.org/#/followups?status=due');
  });
});
