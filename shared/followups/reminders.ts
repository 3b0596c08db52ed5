import type { Clock } from '#shared/platform/clock';
import type { Logger } from '#shared/platform/logger';
import { markDue, type FollowUpEvent, type FollowUpRecord } from './rules';
import type { FollowUpScheduler } from './scheduler';
import type { FollowUpStore } from './store';

/**
 * Keeps the reminders in step with the follow-ups. The database is the truth; a reminder is
 * only a nudge:
 *  - the follow-up is written first, in the prescription's transaction; its reminder after.
 *    If creating the reminder fails, the request still succeeds and the daily sweep makes the
 *    follow-up due (at most a day late, never skipped);
 *  - a reminder carries the version it was made for, so a stale one changes nothing.
 */
export class FollowUpReminders {
  constructor(
    private readonly scheduler: FollowUpScheduler,
    private readonly logger: Logger,
  ) {}

  /** After a follow-up was created or changed: schedule its new version, drop the old one's reminder. */
  async remind(before: FollowUpRecord | undefined, after: FollowUpRecord | undefined): Promise<void> {
    const target = after ?? before;
    if (!target) return;
    if (after && after.status === 'scheduled' && (!before || before.version !== after.version || before.status !== 'scheduled')) {
      await this.attempt('schedule', after, () => this.scheduler.schedule(after));
    }
    if (before && after && before.version !== after.version && (before.status === 'scheduled' || before.status === 'held')) {
      await this.attempt('unschedule', before, () => this.scheduler.unschedule(before));
    }
  }

  private async attempt(action: string, followUp: FollowUpRecord, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      // Logged with ids only. A missing reminder is caught by the sweep; a stale one is ignored.
      this.logger.error('follow-up reminder could not be changed; the daily sweep covers it', {
        action,
        followUpId: followUp.followUpId,
        version: followUp.version,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
}

/**
 * Turns a reminder, or the daily sweep, into a due follow-up. Needs only the table and a clock:
 * the follow-up functions run it without the API's token or scheduler settings.
 */
export class FollowUpDueMarker {
  constructor(
    private readonly followUps: FollowUpStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** What the follow-up function does with a reminder: mark it due if it still is what the reminder was for. */
  async onReminder(event: FollowUpEvent): Promise<'due' | 'ignored'> {
    const followUp = await this.followUps.get(event.patientId, event.followUpId);
    const due = followUp ? markDue(followUp, event.version, this.clock.now()) : undefined;
    if (!followUp || !due || !(await this.followUps.replace(followUp, due))) {
      // Redelivered, stale (the prescription moved), early, or already handled: nothing to do.
      this.logger.info('follow-up reminder ignored', { followUpId: event.followUpId, version: event.version, status: followUp?.status ?? 'missing' });
      return 'ignored';
    }
    this.logger.info('follow-up due', { followUpId: event.followUpId, version: event.version });
    return 'due';
  }

  /** The safety net: every follow-up still scheduled whose time has passed becomes due. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    let marked = 0;
    for (const followUp of await this.followUps.scheduledDueBy(now)) {
      const due = markDue(followUp, followUp.version, now);
      if (due && (await this.followUps.replace(followUp, due))) marked++;
    }
    this.logger.info('follow-up sweep', { marked });
    return marked;
  }
}
