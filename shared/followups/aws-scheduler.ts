import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type DeleteScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import type { Clock } from '#shared/platform/clock';
import { LONDON } from '#shared/platform/london';
import { type FollowUpEvent, type FollowUpRecord, londonWallClock, scheduleName } from './rules';
import type { FollowUpScheduler } from './scheduler';

/**
 * The follow-up scheduler in AWS: one one-time EventBridge Scheduler schedule per follow-up
 * version, in the stack's schedule group, invoking the follow-up Lambda with a `FollowUpEvent`.
 *
 * A moved follow-up (pause, resume, a change of weeks) gets a new version and so a new schedule;
 * the caller creates that one and deletes the old version's, both through this adapter. Nothing
 * is ever updated in place, so every request here is safe to repeat:
 * - create: an existing schedule of that name (`ConflictException`) is already done;
 * - delete: a missing schedule (`ResourceNotFoundException`) is already gone — it fired and
 *   deleted itself (`ActionAfterCompletion: DELETE`), or an earlier attempt removed it.
 * Every other error propagates; the caller decides (the sweep is the backstop for a lost reminder).
 */

export interface AwsSchedulerSettings {
  /** The stack's schedule group (SCHEDULE_GROUP_NAME). */
  groupName: string;
  /** The follow-up Lambda that a schedule invokes (FOLLOWUP_FUNCTION_ARN). */
  targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke it (SCHEDULER_ROLE_ARN). */
  roleArn: string;
  /** The standard SQS queue for reminders that could not be delivered (FOLLOWUP_DLQ_ARN). */
  deadLetterArn: string;
}

export interface AwsFollowUpSchedulerOptions {
  /** Used only to keep a reminder out of the past; defaults to the system clock. */
  clock?: Clock;
}

/**
 * Delivery retries, at the documented maxima (60–86400 s, 0–185 attempts). A reminder is
 * harmless to repeat (the handler ignores a stale or repeated one: see `markDue`), and one that
 * is never delivered leaves a follow-up waiting unseen, so keep trying for the whole day the
 * service allows before handing it to the dead-letter queue. Lambda throttling or a failing
 * deploy are the failures this rides out; retries back off exponentially, so 185 attempts over
 * 24 h is not a storm.
 */
export const FOLLOW_UP_RETRY_POLICY = { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 } as const;

/**
 * How far ahead a reminder must be when it is created. Whether EventBridge Scheduler rejects an
 * `at()` in the past (a ValidationException) or accepts it and never fires it is not stated in
 * the Scheduler documentation, and reports disagree; either way a follow-up that is already due
 * (a prescription shortened or resumed past its end) would get no reminder. So a dueAt earlier
 * than this lead from now is scheduled at now + lead: the request is never in the past when it
 * reaches AWS, even after client retries or a little clock skew, and the reminder still arrives
 * (late is fine, it is already due; early would be ignored by `markDue`).
 */
export const MINIMUM_LEAD_MS = 60_000;

const MINUTE_MS = 60_000;
/** Schedule and group names: 1–64 of [0-9a-zA-Z-_.]. */
const NAME_PATTERN = /^[0-9a-zA-Z\-_.]{1,64}$/;
/** Client tokens: 1–64 of [a-zA-Z0-9-_] (no dot, unlike names). */
const TOKEN_PATTERN = /^[a-zA-Z0-9\-_]{1,64}$/;

export class AwsFollowUpScheduler implements FollowUpScheduler {
  private readonly clock: Clock;

  constructor(
    private readonly client: SchedulerClient,
    private readonly settings: AwsSchedulerSettings,
    options: AwsFollowUpSchedulerOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
  }

  async schedule(followUp: Pick<FollowUpRecord, 'followUpId' | 'prescriptionId' | 'patientId' | 'version' | 'dueAt'>): Promise<void> {
    const name = validName(followUp.followUpId, followUp.version);
    const event: FollowUpEvent = {
      followUpId: followUp.followUpId,
      prescriptionId: followUp.prescriptionId,
      patientId: followUp.patientId,
      version: followUp.version,
    };
    const fireAt = fireTime(followUp.dueAt, this.clock.now());
    const input: CreateScheduleCommandInput = {
      Name: name,
      GroupName: this.settings.groupName,
      // Ids only: a schedule's description is visible to anyone who can list schedules.
      Description: `Waymark follow-up ${followUp.followUpId} version ${followUp.version}`,
      ScheduleExpression: `at(${londonWallClock(fireAt)})`,
      ScheduleExpressionTimezone: LONDON,
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      ClientToken: clientToken(name),
      Target: {
        Arn: this.settings.targetArn,
        RoleArn: this.settings.roleArn,
        Input: JSON.stringify(event),
        RetryPolicy: { ...FOLLOW_UP_RETRY_POLICY },
        DeadLetterConfig: { Arn: this.settings.deadLetterArn },
      },
    };
    try {
      await this.client.send(new CreateScheduleCommand(input));
    } catch (error) {
      // The name is per follow-up and version, and a version's event never changes: an existing
      // schedule of that name is this one, created by an earlier attempt.
      if (isAwsError(error, 'ConflictException')) return;
      throw error;
    }
  }

  async unschedule(followUp: Pick<FollowUpRecord, 'followUpId' | 'version'>): Promise<void> {
    const name = validName(followUp.followUpId, followUp.version);
    const input: DeleteScheduleCommandInput = {
      Name: name,
      GroupName: this.settings.groupName,
      // Distinct from the create token: an idempotency token reused across operations could be
      // answered with the earlier create's result, and the delete would never happen.
      ClientToken: clientToken(`${name}-delete`),
    };
    try {
      await this.client.send(new DeleteScheduleCommand(input));
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) return;
      throw error;
    }
  }
}

/**
 * The instant a reminder is set for: dueAt, or now + MINIMUM_LEAD_MS when dueAt is earlier than
 * that; rounded up to a whole minute (the Scheduler fires with one-minute precision, and a
 * reminder must never arrive before dueAt); then moved past the repeated hour of an autumn night
 * if it falls there (see `beyondRepeatedHour`). Exported for the tests.
 */
export function fireTime(dueAt: string, now: Date): string {
  const due = Temporal.Instant.from(dueAt).epochMilliseconds;
  const earliest = now.getTime() + MINIMUM_LEAD_MS;
  const at = Math.ceil(Math.max(due, earliest) / MINUTE_MS) * MINUTE_MS;
  return new Date(beyondRepeatedHour(at)).toISOString();
}

/**
 * On the night the clocks go back, London wall-clock times from 01:00 to 01:59 happen twice, and
 * `at(…T01:30:00)` could be read as the first of them. For an instant in the second one, that
 * would fire an hour before dueAt (and the reminder would be ignored as early), so such an
 * instant moves on to the first wall-clock minute that happens once. The spring-forward gap
 * needs nothing: an instant always has a London time that exists.
 */
function beyondRepeatedHour(epochMs: number): number {
  let at = epochMs;
  for (;;) {
    const wallClock = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(LONDON).toPlainDateTime();
    const firstReading = wallClock.toZonedDateTime(LONDON, { disambiguation: 'earlier' }).epochMilliseconds;
    if (firstReading >= at) return at;
    at += MINUTE_MS;
  }
}

function validName(followUpId: string, version: number): string {
  const name = scheduleName(followUpId, version);
  if (!NAME_PATTERN.test(name)) {
    // Ids only in the message; the id is not personal data.
    throw new Error(`Follow-up ${followUpId} version ${version} has no valid schedule name (1–64 of [0-9a-zA-Z-_.])`);
  }
  return name;
}

/** A deterministic client token: the text itself when it is a valid token, else its SHA-256 (64 hex). */
function clientToken(text: string): string {
  return TOKEN_PATTERN.test(text) ? text : createHash('sha256').update(text).digest('hex');
}

function isAwsError(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

// ---- The variables a function that schedules follow-ups declares (see functions/env.ts).

const PARTITION = 'arn:aws[a-z-]*';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const ACCOUNT = '\\d{12}';

/** What this adapter needs from the function's environment; parsed with the rest of it, once, at init. */
export const schedulerVariables = {
  SCHEDULE_GROUP_NAME: z.string().regex(NAME_PATTERN, 'expected a schedule group name: 1–64 of [0-9a-zA-Z-_.]'),
  FOLLOWUP_FUNCTION_ARN: z
    .string()
    .regex(
      new RegExp(`^${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:[a-zA-Z0-9\\-_]{1,64}(?::[a-zA-Z0-9\\-_$]+)?$`),
      'expected a Lambda function ARN',
    ),
  SCHEDULER_ROLE_ARN: z
    .string()
    .regex(new RegExp(`^${PARTITION}:iam::${ACCOUNT}:role/[\\w+=,.@/-]{1,512}$`), 'expected an IAM role ARN'),
  // A standard queue: EventBridge Scheduler cannot use a FIFO queue as a dead-letter queue.
  FOLLOWUP_DLQ_ARN: z
    .string()
    .regex(new RegExp(`^${PARTITION}:sqs:${REGION}:${ACCOUNT}:[a-zA-Z0-9\\-_]{1,80}$`), 'expected a standard (not FIFO) SQS queue ARN'),
};

/** The adapter's settings from those variables, once they are checked. */
export function awsSchedulerSettings(env: { readonly [Name in keyof typeof schedulerVariables]: string }): AwsSchedulerSettings {
  return {
    groupName: env.SCHEDULE_GROUP_NAME,
    targetArn: env.FOLLOWUP_FUNCTION_ARN,
    roleArn: env.SCHEDULER_ROLE_ARN,
    deadLetterArn: env.FOLLOWUP_DLQ_ARN,
  };
}
