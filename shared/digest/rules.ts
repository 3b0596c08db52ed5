import { Temporal } from 'temporal-polyfill';
import { LONDON, londonDate } from '#shared/platform/london';
import { isOverdue, OVERDUE_AFTER_DAYS } from '#shared/followups/rules';

/**
 * The navigators' daily follow-up email: who gets one on a day, and what it says. Pure; the clock
 * is passed in. The email carries counts and a link only, never anything about a patient: the
 * inbox behind the sign-in is where names are.
 */

/** The digest goes out at this London wall-clock time (GMT in winter, BST in summer). */
export const DIGEST_HOUR = 9;

/** A navigator as the people directory describes them. */
export interface Navigator {
  personId: string;
  /** Their token subject: the `navigator` field of their follow-ups. */
  sub: string;
  email: string;
  givenName: string;
}

/** What a follow-up contributes to a count: its id, status and due time. */
export interface OpenFollowUp {
  followUpId: string;
  status: 'scheduled' | 'held' | 'due' | 'completed' | 'cancelled';
  dueAt: string;
}

export interface DigestCounts {
  /** Due and not yet overdue. */
  due: number;
  /** Due for longer than the inbox's overdue threshold. */
  overdue: number;
}

export interface DigestMessage {
  to: string;
  subject: string;
  text: string;
}

/** The London day a digest run at `now` belongs to: one send per navigator per such day. */
export function digestDay(now: Date): string {
  return londonDate(now);
}

/** 09:00 London on a London calendar date, as an instant. */
export function digestTimeOn(day: string): Date {
  const instant = Temporal.PlainDate.from(day).toZonedDateTime({ timeZone: LONDON, plainTime: { hour: DIGEST_HOUR } }).toInstant();
  return new Date(instant.epochMilliseconds);
}

/**
 * The day whose digest is owed when a clock that last read `before` now reads `now`: the current
 * London day, if its 09:00 lies in (before, now]. A jump over several days owes only today's (the
 * email is a snapshot of what is waiting now; yesterday's would say the same, later). Nothing is
 * owed when the jump lands before today's 09:00.
 */
export function digestOwed(before: Date, now: Date): string | undefined {
  const day = digestDay(now);
  const at = digestTimeOn(day).getTime();
  return before.getTime() < at && at <= now.getTime() ? day : undefined;
}

/**
 * A navigator's counts. A follow-up still `scheduled` whose due time has passed counts as due: the
 * digest and the follow-up reminders both fire at 09:00, and the digest must not miss one whose
 * reminder arrives a minute after it. Held, completed and cancelled ones never count. One seen
 * twice (read as scheduled, then as due once its reminder moved it) counts once.
 */
export function countFollowUps(followUps: readonly OpenFollowUp[], now: Date): DigestCounts {
  const counts: DigestCounts = { due: 0, overdue: 0 };
  const seen = new Set<string>();
  for (const followUp of followUps) {
    if (seen.has(followUp.followUpId)) continue;
    seen.add(followUp.followUpId);
    const due = followUp.status === 'due' || (followUp.status === 'scheduled' && Date.parse(followUp.dueAt) <= now.getTime());
    if (!due) continue;
    if (isOverdue({ status: 'due', dueAt: followUp.dueAt }, now)) counts.overdue++;
    else counts.due++;
  }
  return counts;
}

/** Nobody with nothing waiting gets an email. */
export function wantsDigest(counts: DigestCounts): boolean {
  return counts.due + counts.overdue > 0;
}

/** Where the email sends the navigator: the console's follow-up inbox, due ones. */
export function inboxUrl(consoleUrl: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/#/followups?status=due`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The email: counts and the inbox link, addressed to the navigator by given name. No patient data. */
export function digestMessage(navigator: Pick<Navigator, 'email' | 'givenName'>, counts: DigestCounts, consoleUrl: string): DigestMessage {
  const waiting = counts.due + counts.overdue;
  const lines = [
    `Hello ${navigator.givenName},`,
    '',
    `${plural(waiting, 'follow-up assessment is', 'follow-up assessments are')} waiting in your Waymark inbox:`,
    `- ${counts.due} due`,
    `- ${counts.overdue} overdue (due more than ${OVERDUE_AFTER_DAYS} days ago)`,
    '',
    `Open your inbox: ${inboxUrl(consoleUrl)}`,
    '',
    'This email names no one: sign in to see who is waiting.',
  ];
  return {
    to: navigator.email,
    subject: counts.overdue > 0 ? `Waymark: ${plural(waiting, 'follow-up', 'follow-ups')} waiting, ${counts.overdue} overdue` : `Waymark: ${plural(waiting, 'follow-up', 'follow-ups')} due`,
    text: lines.join('\n'),
  };
}
