import type { Clock } from '#shared/platform/clock';
import type { Logger } from '#shared/platform/logger';
import { inParallel } from '#shared/platform/parallel';
import type { FollowUpStore } from '#shared/followups/store';
import { MailNotSentError, type DigestMailer } from './mailer';
import { countFollowUps, digestDay, digestMessage, wantsDigest, type DigestCounts, type Navigator, type OpenFollowUp } from './rules';
import type { DigestStore } from './store';

/**
 * Who the navigators are: the people capability implements this (the composition root passes it
 * in); the digest only needs the enabled navigators with an address to write to.
 */
export interface NavigatorDirectory {
  enabledNavigators(): Promise<{ personId: string; sub: string; email: string; givenName: string }[]>;
}

/** What happened to one navigator's digest in a run. */
export type NavigatorDigest =
  | { kind: 'sent'; personId: string; counts: DigestCounts }
  | { kind: 'already_sent'; personId: string }
  | { kind: 'nothing_due'; personId: string }
  /** Certainly not sent; the claim was given back, so a retry sends it. */
  | { kind: 'failed'; personId: string; error: string }
  /** Handed over without an answer: it may have gone, so it is never sent again today. */
  | { kind: 'uncertain'; personId: string; error: string };

/** A run: `incomplete` when some navigator's digest failed and a retry of the run would send it. */
export type DigestRunOutcome = { kind: 'done' | 'incomplete'; day: string; results: NavigatorDigest[] };

/** Navigators handled at once: overlaps their round trips without a burst at SES or the table. */
const CONCURRENCY = 4;
const PAGE = 100;

/** The navigators' daily follow-up email. */
export class DigestService {
  constructor(
    private readonly deps: {
      navigators: NavigatorDirectory;
      followUps: Pick<FollowUpStore, 'list'>;
      digests: DigestStore;
      mailer: DigestMailer;
      clock: Clock;
      logger: Logger;
      /** The console's base URL, for the inbox link. */
      consoleUrl: string;
    },
  ) {}

  /**
   * Sends today's digest to every enabled navigator with something waiting, once each per London
   * day. One navigator's failure does not stop the others; the outcome says whether a retry is owed.
   */
  async sendDigests(): Promise<DigestRunOutcome> {
    const now = this.deps.clock.now();
    const day = digestDay(now);
    const navigators = await this.deps.navigators.enabledNavigators();
    const results: NavigatorDigest[] = [];
    await inParallel(navigators, CONCURRENCY, async (navigator) => {
      results.push(await this.sendOne(navigator, day, now));
    });
    const tally = Object.fromEntries(['sent', 'already_sent', 'nothing_due', 'failed', 'uncertain'].map((kind) => [kind, results.filter((r) => r.kind === kind).length]));
    const kind = results.some((result) => result.kind === 'failed') ? 'incomplete' : 'done';
    // Counts only: addresses and names never reach the logs.
    (kind === 'done' ? this.deps.logger.info : this.deps.logger.error).call(this.deps.logger, 'follow-up digest run', { day, navigators: navigators.length, ...tally });
    return { kind, day, results };
  }

  private async sendOne(navigator: Navigator, day: string, now: Date): Promise<NavigatorDigest> {
    const { digests, mailer, logger } = this.deps;
    const { personId } = navigator;
    let claimed = false;
    try {
      const counts = countFollowUps(await this.waitingFor(navigator.sub, now), now);
      if (!wantsDigest(counts)) return { kind: 'nothing_due', personId };
      // The claim comes first: a retry, or a second run the same day, finds it and sends nothing.
      const claim = await digests.claim({ day, navigator: navigator.sub, personId, status: 'sending', ...counts, claimedAt: now.toISOString() });
      if (claim === 'taken') return { kind: 'already_sent', personId };
      claimed = true;
      const { messageId } = await mailer.send(digestMessage(navigator, counts, this.deps.consoleUrl));
      claimed = false;
      try {
        await digests.markSent(day, navigator.sub, { sentAt: this.deps.clock.now().toISOString(), messageId });
      } catch (error) {
        // It went; the claim still stands as `sending`, which a retry treats as done.
        logger.warn('follow-up digest sent but not recorded as sent', { personId, error: errorName(error) });
      }
      logger.info('follow-up digest sent', { personId, ...counts });
      return { kind: 'sent', personId, counts };
    } catch (error) {
      if (claimed && !(error instanceof MailNotSentError)) {
        // No answer from the mailer: it may have sent. At most once a day, so keep the claim.
        await digests.markUncertain(day, navigator.sub).catch(() => undefined);
        logger.error('follow-up digest may not have been sent; not retried today', { personId, error: errorName(error) });
        return { kind: 'uncertain', personId, error: errorName(error) };
      }
      if (claimed) await this.giveBack(day, navigator, error);
      logger.error('follow-up digest failed; a retry sends it', { personId, error: errorName(error) });
      return { kind: 'failed', personId, error: errorName(error) };
    }
  }

  /** After a send that certainly failed; if even that fails, the claim stays and today's email is lost (at most once). */
  private async giveBack(day: string, navigator: Navigator, cause: unknown): Promise<void> {
    try {
      await this.deps.digests.release(day, navigator.sub);
    } catch (error) {
      this.deps.logger.error('follow-up digest claim not released', { personId: navigator.personId, error: errorName(error), cause: errorName(cause) });
    }
  }

  /**
   * The navigator's follow-ups still scheduled whose time has come (GSI1
   * `NAVIGATOR#<sub>#FOLLOWUPS#scheduled`, read up to now: it is ordered by due time), then their
   * due ones (`…#due`). In that order: a reminder moving one from scheduled to due meanwhile makes
   * it seen twice (counted once), never missed.
   */
  private async waitingFor(navigator: string, now: Date): Promise<OpenFollowUp[]> {
    const found: OpenFollowUp[] = [];
    for (const status of ['scheduled', 'due'] as const) {
      let cursor: string | undefined;
      do {
        const page = await this.deps.followUps.list({ navigator, status }, { limit: PAGE, cursor });
        const inTime = status === 'due' ? page.items : page.items.filter((item) => Date.parse(item.dueAt) <= now.getTime());
        found.push(...inTime);
        cursor = inTime.length === page.items.length ? page.nextCursor : undefined;
      } while (cursor);
    }
    return found;
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
