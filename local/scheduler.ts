import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/platform/dynamo';
import { keys } from '#shared/platform/keys';
import type { Logger } from '#shared/platform/logger';
import { scheduleName, type FollowUpEvent } from '#shared/followups/rules';
import type { FollowUpScheduler } from '#shared/followups/scheduler';
import { digestOwed } from '#shared/digest/rules';
import type { DevClock } from './dev-clock';

/**
 * Runs a tick every second and at once whenever the dev clock moves. A tick that rejects (DynamoDB
 * Local briefly unavailable, say) is logged and the next one tries again: a timer's rejected
 * promise would otherwise be an unhandled rejection, which ends the whole local server.
 */
class ClockTicker {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly clock: DevClock,
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  start(tick: () => Promise<unknown>): void {
    this.stop();
    this.timer = setInterval(() => this.run(tick), 1000);
    this.timer.unref();
    this.unsubscribe = this.clock.onChange(() => this.run(tick));
  }

  /** One tick now, its failure logged (never thrown). */
  run(tick: () => Promise<unknown>): void {
    tick().catch((error: unknown) => {
      this.logger.error(`${this.what} failed; the next tick tries again`, { error: error instanceof Error ? error.name : 'unknown' });
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}

/**
 * Local mode's EventBridge Scheduler: schedules are items in DynamoDB Local (so they survive a
 * restart), and when the dev clock reaches one it invokes the same handler, with the same event,
 * that the follow-up Lambda gets in AWS — then deletes it, as ActionAfterCompletion DELETE does.
 * A handler that throws leaves the schedule to be tried again on the next tick (AWS retries too).
 */
export class LocalFollowUpScheduler implements FollowUpScheduler {
  private handler: ((event: FollowUpEvent) => Promise<unknown>) | undefined;
  private readonly ticker: ClockTicker;
  private running: Promise<number> | undefined;
  private again: Promise<number> | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: DevClock,
    private readonly logger: Logger,
  ) {
    this.ticker = new ClockTicker(clock, logger, 'local follow-up schedule check');
  }

  async schedule(followUp: { followUpId: string; prescriptionId: string; patientId: string; version: number; dueAt: string }): Promise<void> {
    const event: FollowUpEvent = {
      followUpId: followUp.followUpId,
      prescriptionId: followUp.prescriptionId,
      patientId: followUp.patientId,
      version: followUp.version,
    };
    await this.db.client.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: { ...keys.localSchedule(scheduleName(followUp.followUpId, followUp.version)), type: 'localSchedule', fireAt: followUp.dueAt, event },
      }),
    );
    // A schedule already due fires at once, as an `at()` in the past would be delivered promptly.
    this.ticker.run(() => this.tick());
  }

  async unschedule(followUp: { followUpId: string; version: number }): Promise<void> {
    await this.db.client.send(
      new DeleteCommand({ TableName: this.db.tableName, Key: keys.localSchedule(scheduleName(followUp.followUpId, followUp.version)) }),
    );
  }

  /** Starts firing: every second, and at once whenever the dev clock jumps. */
  start(handler: (event: FollowUpEvent) => Promise<unknown>): void {
    this.handler = handler;
    this.ticker.start(() => this.tick());
  }

  async stop(): Promise<void> {
    this.ticker.stop();
    this.handler = undefined;
    await this.again?.catch(() => undefined);
    await this.running?.catch(() => undefined);
  }

  /**
   * Fires every schedule whose time has come; returns how many fired. One tick runs at a time;
   * a tick asked for while one runs (the clock just jumped) runs again after it, so the jump is
   * never judged by a tick that read the clock before it.
   */
  tick(): Promise<number> {
    if (this.running) {
      this.again ??= this.running.then(() => {
        this.again = undefined;
        return this.tick();
      });
      return this.again;
    }
    this.running = this.fireDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async fireDue(): Promise<number> {
    const handler = this.handler;
    if (!handler) return 0;
    const now = this.clock.now().getTime();
    const result = await this.db.client.send(
      new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'LOCALSCHEDULES' } }),
    );
    let fired = 0;
    for (const item of result.Items ?? []) {
      if (Date.parse(String(item.fireAt)) > now) continue;
      try {
        await handler(item.event as FollowUpEvent);
        await this.db.client.send(new DeleteCommand({ TableName: this.db.tableName, Key: { PK: item.PK, SK: item.SK } }));
        fired++;
      } catch (error) {
        this.logger.error('local schedule failed; will retry', { schedule: String(item.SK), error: error instanceof Error ? error.name : 'unknown' });
      }
    }
    return fired;
  }
}

/**
 * Local mode's stand-in for the daily digest schedule (`cron(0 9 * * ? *)`, Europe/London): runs
 * the digest handler when the dev clock passes 09:00 London — checked every second and at once
 * when the clock jumps, as the reminders are. A jump over several days runs it once, for the day
 * it lands on (as EventBridge Scheduler, which never replays missed runs, and as the email is a
 * snapshot of what is waiting now). A run that throws is tried again on the next tick, as
 * Scheduler's retry policy would; the day's send records keep a retry from sending twice.
 */
export class LocalDigestSchedule {
  private handler: (() => Promise<unknown>) | undefined;
  private readonly ticker: ClockTicker;
  private running: Promise<string | undefined> | undefined;
  /** The clock reading the last check covered: a 09:00 after it is still owed. */
  private checkedUpTo: Date;

  constructor(
    private readonly clock: DevClock,
    private readonly logger: Logger,
  ) {
    this.checkedUpTo = clock.now();
    this.ticker = new ClockTicker(clock, logger, 'local digest schedule check');
  }

  /** Starts checking; a 09:00 passed before this (while stopped) is not owed. */
  start(handler: () => Promise<unknown>): void {
    this.handler = handler;
    this.checkedUpTo = this.clock.now();
    this.ticker.start(() => this.tick());
  }

  async stop(): Promise<void> {
    this.ticker.stop();
    this.handler = undefined;
    await this.running;
  }

  /** Runs the digest if a 09:00 London has passed since the last check; resolves with the day it ran for. */
  async tick(): Promise<string | undefined> {
    // One run at a time; a tick meanwhile waits for it, then checks again with the clock it reads.
    while (this.running) await this.running;
    // Never a rejection: a timer tick's rejected promise would end the process.
    this.running = this.runIfOwed()
      .catch(() => undefined)
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async runIfOwed(): Promise<string | undefined> {
    const handler = this.handler;
    const now = this.clock.now();
    const day = digestOwed(this.checkedUpTo, now);
    if (!handler) return undefined;
    if (!day) {
      this.checkedUpTo = now;
      return undefined;
    }
    try {
      await handler();
      this.checkedUpTo = now;
      return day;
    } catch (error) {
      // Left owed: the next tick runs it again.
      this.logger.error('local digest run failed; will retry', { day, error: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    }
  }
}
