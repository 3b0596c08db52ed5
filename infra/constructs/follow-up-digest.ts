import { Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import { followUpDigestEnvironment } from '../../functions/env';
import type { Data } from './data';
import type { FollowUps } from './follow-ups';
import { logicalIdOf, Section } from './section';
import { DeclaredEnvironment, WaymarkFunction } from './waymark-function';

export interface FollowUpDigestProps {
  readonly data: Data;
  /** Its dead-letter queue is the digest schedule's too. */
  readonly followUps: FollowUps;
  /** The console's URL (the stack's web URL), for the inbox link in the email. */
  readonly consoleUrl: string;
  /** The verified SES identity the email is sent from. */
  readonly fromAddress: string;
}

/**
 * The navigators' daily follow-up email: the digest function, allowed to send through SES as one
 * identity only, and its recurring schedule at 09:00 London — in a group and with a target role
 * of its own, as the sweep has (see {@link FollowUps}).
 */
export class FollowUpDigest extends Section {
  readonly digest: WaymarkFunction;
  readonly schedules: ScheduleGroup;
  readonly schedulerRole: Role;
  readonly schedule: Schedule;
  /** The ARN of the SES identity the digest may send as. */
  readonly identityArn: string;

  constructor(scope: Construct, id: string, props: FollowUpDigestProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.digest = new WaymarkFunction(this, 'FollowUpDigest', {
      entry: 'functions/followup-digest.ts',
      description: "Waymark daily follow-up digest: emails each navigator their inbox's counts",
      // Sequential-ish work per navigator (two Queries, a Put, a send, an Update): a scheme's
      // navigators fit in well under a minute.
      timeout: Duration.seconds(120),
      environment: DeclaredEnvironment.of(followUpDigestEnvironment, {
        ...props.data.tableVariables,
        DIGEST_FROM_ADDRESS: props.fromAddress,
        CONSOLE_URL: props.consoleUrl,
      }),
    });
    props.data.grantTableData(this.digest);

    this.identityArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.fromAddress });
    this.digest.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'SendDigestEmail',
        actions: ['ses:SendEmail'],
        resources: [this.identityArn],
        // And only with that sender, whichever identity SES authorises it against.
        conditions: { StringEquals: { 'ses:FromAddress': props.fromAddress } },
      }),
    );

    this.schedules = new ScheduleGroup(this, 'DigestSchedules', {
      // It holds only this stack-defined schedule, which a redeploy re-creates.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.schedulerRole = new Role(this, 'DigestSchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to run the daily Waymark follow-up digest',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          // Confused-deputy protection: only schedules of this account's digest group.
          StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': this.schedules.scheduleGroupArn },
        },
      }),
    });

    this.schedule = new Schedule(this, 'FollowUpDigestSchedule', {
      description: 'Daily at 09:00 London: emails each navigator with follow-ups waiting',
      scheduleGroup: this.schedules,
      // 09:00 London all year (GMT and BST); the clocks change in the small hours, so no run is
      // skipped or doubled.
      schedule: ScheduleExpression.cron({ hour: '9', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
      target: new LambdaInvoke(this.digest.function, {
        role: this.schedulerRole,
        // As the sweep: retried with back-off for up to three hours, still the morning. The
        // function fails when some navigator's email failed, and a retry sends only those (the
        // day's send records); after that the event goes to the follow-ups' dead-letter queue.
        retryAttempts: 10,
        maxEventAge: Duration.hours(3),
        deadLetterQueue: props.followUps.deadLetterQueue,
      }),
    });
    // The schedule names its group by name, so CloudFormation would not otherwise wait for it.
    this.schedule.node.addDependency(this.schedules);
    Validations.of(this.schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(this.digest.function)}.Arn>:*]`,
      reason:
        'The LambdaInvoke schedule target grants invoke through Function.grantInvoke, which adds the ' +
        "digest function's versions and aliases (<arn>:*) beside its ARN; the wildcard is confined to " +
        'that one function, and the role can be assumed only by schedules of the digest group.',
    });
  }
}
