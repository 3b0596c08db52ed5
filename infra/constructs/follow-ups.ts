import { Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { schedulerVariables } from '#shared/followups/aws-scheduler';
import type { VariableValues } from '#shared/platform/config';
import { followUpDueEnvironment, followUpSweepEnvironment } from '../../functions/env';
import type { Data } from './data';
import { logicalIdOf, resourceNameOutsideSections, Section } from './section';
import { DeclaredEnvironment, WaymarkFunction } from './waymark-function';

export interface FollowUpsProps {
  readonly data: Data;
}

/**
 * The 12-week follow-up reminders, all of them: the schedule group the API creates one-time
 * reminders in, the role EventBridge Scheduler delivers them with, their dead-letter queue, the
 * function they invoke, and the daily sweep (its function, group, role and schedule) that catches
 * any reminder that went missing. The API gets what it needs to schedule from
 * {@link FollowUps.schedulerVariables} and {@link FollowUps.allowScheduling}.
 */
export class FollowUps extends Section {
  /** Holds the runtime schedules, one per follow-up and version. */
  readonly schedules: ScheduleGroup;
  readonly deadLetterQueue: Queue;
  /** Assumed by EventBridge Scheduler to deliver a reminder. */
  readonly schedulerRole: Role;
  /** The target of every one-time reminder. */
  readonly due: WaymarkFunction;
  readonly sweep: WaymarkFunction;
  readonly sweepSchedules: ScheduleGroup;
  readonly sweepSchedulerRole: Role;
  readonly sweepSchedule: Schedule;

  constructor(scope: Construct, id: string, props: FollowUpsProps) {
    super(scope, id);
    const { account } = Stack.of(this);

    // Schedules are created at runtime by the API, one per prescription.
    this.schedules = new ScheduleGroup(this, 'FollowUpSchedules', {
      // The name CDK generated for it before the stack had sections: a group cannot be renamed
      // without replacing it, and the old one would keep every pending reminder.
      scheduleGroupName: resourceNameOutsideSections(this, 'FollowUpSchedules', { maxLength: 64, separator: '-' }),
      // Deleting the group would delete every pending reminder with it.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.deadLetterQueue = new Queue(this, 'FollowUpDeadLetterQueue', {
      // SQS-managed keys: the scheduler cannot use the AWS managed aws/sqs KMS key (its key
      // policy cannot grant scheduler.amazonaws.com), and the messages hold only ids.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the EventBridge Scheduler follow-up, sweep and digest schedules; ' +
        'a dead-letter queue for a dead-letter queue would only move the same messages again.',
    });

    this.schedulerRole = new Role(this, 'FollowUpSchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to deliver Waymark follow-up reminders',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          // Confused-deputy protection: only schedules of this account's follow-up group.
          StringEquals: {
            'aws:SourceAccount': account,
            'aws:SourceArn': this.schedules.scheduleGroupArn,
          },
        },
      }),
    });
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'FollowUpDeadLetters',
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );

    // The target of every one-time follow-up schedule. It gets the FollowUpEvent
    // (shared/followups/rules.ts) and marks the follow-up due only if it is still `scheduled` at
    // the event's version, so a stale or repeated reminder changes nothing.
    this.due = new WaymarkFunction(this, 'FollowUpDue', {
      entry: 'functions/followup-due.ts',
      description: 'Waymark follow-up reminder: marks one follow-up due (EventBridge Scheduler target)',
      timeout: Duration.seconds(10),
      environment: DeclaredEnvironment.of(followUpDueEnvironment, { ...props.data.tableVariables }),
    });
    props.data.grantTableData(this.due);

    // The schedules the API creates invoke the unqualified function ARN (FOLLOWUP_FUNCTION_ARN),
    // so the target role may invoke exactly that ARN: no versions, no aliases, no other function.
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'InvokeFollowUpDue',
        actions: ['lambda:InvokeFunction'],
        resources: [this.due.function.functionArn],
      }),
    );

    // The safety net: a daily sweep. A one-time schedule can fail to mark a follow-up due (its
    // delivery retries run out, or the function fails), and a follow-up must never be skipped.
    // The sweep Queries the "due by time" index (no Scan) and marks every follow-up whose dueAt
    // has passed but which is still `scheduled` as due. It only marks due: it neither creates nor
    // deletes schedules, so it gets the table and nothing of the scheduler.
    this.sweep = new WaymarkFunction(this, 'FollowUpSweep', {
      entry: 'functions/followup-sweep.ts',
      description: 'Waymark daily follow-up sweep: marks overdue, still scheduled follow-ups due',
      timeout: Duration.seconds(60),
      environment: DeclaredEnvironment.of(followUpSweepEnvironment, { ...props.data.tableVariables }),
    });
    props.data.grantTableData(this.sweep);

    // Not in the follow-up group: that group holds only the runtime schedules, one per follow-up,
    // which the API creates and deletes by name and which the follow-up target role is confined
    // to. The sweep is one fixed schedule owned by this stack, so it gets a group of its own (not
    // the account's shared `default` group), and its target role trusts only that group.
    this.sweepSchedules = new ScheduleGroup(this, 'SweepSchedules', {
      // As for the follow-up group: the name it has always had.
      scheduleGroupName: resourceNameOutsideSections(this, 'SweepSchedules', { maxLength: 64, separator: '-' }),
      // It holds only the stack-defined sweep schedule, which a redeploy re-creates.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.sweepSchedulerRole = new Role(this, 'SweepSchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to run the daily Waymark follow-up sweep',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          // Confused-deputy protection: only schedules of this account's sweep group.
          StringEquals: {
            'aws:SourceAccount': account,
            'aws:SourceArn': this.sweepSchedules.scheduleGroupArn,
          },
        },
      }),
    });

    this.sweepSchedule = new Schedule(this, 'FollowUpSweepSchedule', {
      description: 'Daily safety net: marks follow-ups due whose one-time reminder did not',
      scheduleGroup: this.sweepSchedules,
      // Every day at 09:15 London time. Follow-ups fall due at 09:00 London (the day after the
      // prescription ends), so anything a one-time schedule missed today is due within 15
      // minutes, and older misses are caught too. 09:15 exists every day (UK clocks change in
      // the small hours), so no run is skipped for daylight saving.
      schedule: ScheduleExpression.cron({ hour: '9', minute: '15', timeZone: TimeZone.EUROPE_LONDON }),
      target: new LambdaInvoke(this.sweep.function, {
        role: this.sweepSchedulerRole,
        // Delivery failures (throttling, a Lambda outage) are retried with back-off for up to
        // three hours, still the same working day; then the event goes to the dead-letter queue
        // the follow-up reminders use, and tomorrow's run catches up regardless (it is idempotent).
        retryAttempts: 10,
        maxEventAge: Duration.hours(3),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    // The schedule names its group by name (a plain string, not a Ref), so CloudFormation would
    // not otherwise wait for the group before creating the schedule.
    this.sweepSchedule.node.addDependency(this.sweepSchedules);
    // LambdaInvoke grants lambda:InvokeFunction through Function.grantInvoke, which adds
    // "<function ARN>:*" (its versions and aliases) beside the function ARN.
    Validations.of(this.sweepSchedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(this.sweep.function)}.Arn>:*]`,
      reason:
        'The LambdaInvoke schedule target grants invoke through Function.grantInvoke, which adds the ' +
        "sweep function's versions and aliases (<arn>:*) beside its ARN; the wildcard is confined to " +
        'that one function, and the role can be assumed only by schedules of the sweep group.',
    });
  }

  /** What a function that schedules reminders is told about them (see functions/env.ts). */
  get schedulerVariables(): VariableValues<typeof schedulerVariables> {
    return {
      SCHEDULE_GROUP_NAME: this.schedules.scheduleGroupName,
      // The target of the one-time schedules the API creates.
      FOLLOWUP_FUNCTION_ARN: this.due.function.functionArn,
      SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
      FOLLOWUP_DLQ_ARN: this.deadLetterQueue.queueArn,
    };
  }

  /**
   * Lets a function create and delete reminders in the follow-up group, and hand EventBridge
   * Scheduler the target role to deliver them with: nothing else of the scheduler.
   */
  allowScheduling(fn: WaymarkFunction): void {
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'FollowUpSchedules',
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
        resources: [this.scheduleArn('*')],
      }),
    );
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'PassSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${Stack.of(this).resolve(this.schedules.scheduleGroupName)}/*]`,
      reason:
        'Follow-up schedules are created at runtime, one per prescription, with names not known at ' +
        'deploy time; the wildcard is confined to schedules in the follow-up schedule group.',
    });
  }

  /** ARN of a schedule in the follow-up group (`*` for all of them). */
  scheduleArn(scheduleName: string): string {
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.schedules.scheduleGroupName}/${scheduleName}`,
    });
  }
}
