import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Data } from './data';
import { Section } from './section';
import type { WaymarkFunction } from './waymark-function';

/** When the API's server errors are worth waking someone: more than 1% of requests over five minutes. */
export const SERVER_ERROR_PERCENT = 1;

export interface AlertsProps {
  readonly httpApi: HttpApi;
  /** The functions whose throttling means people are being turned away (the API, the exports, device tokens). */
  readonly functions: readonly WaymarkFunction[];
  readonly data: Data;
  /** The follow-up reminders' and schedules' dead-letter queue: a message there is a reminder not delivered. */
  readonly deadLetterQueue: Queue;
  /** Who is told: an email address subscribed to the alerts topic, if given. */
  readonly email?: string | undefined;
}

/**
 * What an operator is told about: the API answering 5xx, anything throttled (API Gateway,
 * Lambda, DynamoDB), and a follow-up reminder landing in the dead-letter queue (the daily sweep
 * still catches it, but something is wrong). Every alarm notifies one SNS topic.
 */
export class Alerts extends Section {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);

    this.topic = new Topic(this, 'AlertsTopic', {
      displayName: 'Waymark alerts',
      enforceSSL: true,
      // Alarm notifications name resources and counts only; the AWS managed key is enough.
      masterKey: Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));

    const fiveMinutes = Duration.minutes(5);
    const requests = props.httpApi.metricCount({ period: fiveMinutes, statistic: 'Sum' });
    const serverErrors = props.httpApi.metricServerError({ period: fiveMinutes, statistic: 'Sum' });
    this.alarm('ApiServerErrorRate', `The API answered more than ${SERVER_ERROR_PERCENT}% of requests with a 5xx in five minutes`, new MathExpression({
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: { errors: serverErrors, requests },
      label: 'API 5xx, % of requests',
      period: fiveMinutes,
    }), SERVER_ERROR_PERCENT);

    // API Gateway's own throttling answers 429, counted among the 4xx: a share of them well above
    // what clients' mistakes make means the route limits are being hit.
    const clientErrors = props.httpApi.metricClientError({ period: fiveMinutes, statistic: 'Sum' });
    this.alarm('ApiClientErrorRate', 'More than 10% of API requests were refused with a 4xx (API Gateway throttling answers 429) in five minutes', new MathExpression({
      expression: '100 * refused / MAX([requests, 1])',
      usingMetrics: { refused: clientErrors, requests },
      label: 'API 4xx, % of requests',
      period: fiveMinutes,
    }), 10);

    const throttles: Record<string, IMetric> = {};
    props.functions.forEach((fn, index) => (throttles[`fn${index}`] = fn.function.metricThrottles({ period: fiveMinutes, statistic: 'Sum' })));
    this.alarm('LambdaThrottles', 'A Waymark function was throttled (its concurrency was used up) in five minutes', new MathExpression({
      expression: Object.keys(throttles).join(' + '),
      usingMetrics: throttles,
      label: 'Lambda throttles',
      period: fiveMinutes,
    }), 0);

    const table = props.data.table;
    this.alarm('TableThrottles', 'DynamoDB throttled reads or writes of the table in five minutes', new MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: table.metric('ReadThrottleEvents', { period: fiveMinutes, statistic: 'Sum' }),
        writes: table.metric('WriteThrottleEvents', { period: fiveMinutes, statistic: 'Sum' }),
      },
      label: 'DynamoDB throttle events',
      period: fiveMinutes,
    }), 0);

    this.alarm(
      'FollowUpDeadLetters',
      'A follow-up reminder or a daily schedule could not be delivered and is in the dead-letter queue',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
      0,
    );
  }

  /** Alarms when the metric is above `threshold` for one period; no data is not a breach. */
  private alarm(id: string, description: string, metric: IMetric, threshold: number): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
