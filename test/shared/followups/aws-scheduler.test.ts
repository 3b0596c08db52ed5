import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AwsFollowUpScheduler,
  type AwsSchedulerSettings,
  awsSchedulerSettings,
  fireTime,
  schedulerVariables,
} from '#shared/followups/aws-scheduler';
import type { FollowUpEvent } from '#shared/followups/rules';
import { fixedClock } from '#shared/platform/clock';
import { functionEnvironment } from '#shared/platform/config';

/**
 * EventBridge Scheduler has no local engine: the adapter is tested against aws-sdk-client-mock,
 * asserting the exact requests (offline; no database).
 */
const settings: AwsSchedulerSettings = {
  groupName: 'waymark-followups',
  targetArn: 'arn:aws:lambda:eu-west-2:123456789012:function:waymark-FollowUp',
  roleArn: 'arn:aws:iam::123456789012:role/waymark-FollowUpSchedulerRole',
  deadLetterArn: 'arn:aws:sqs:eu-west-2:123456789012:waymark-FollowUpDeadLetterQueue',
};

const ids = {
  followUp: '01J00000000000000000000010',
  prescription: '01J00000000000000000000005',
  patient: '01J00000000000000000000004',
};

/** Creation time of the schedules in most tests: well before every dueAt below. */
const created = '2026-01-05T10:00:00Z';

const followUp = (dueAt: string, version = 1) => ({
  followUpId: ids.followUp,
  prescriptionId: ids.prescription,
  patientId: ids.patient,
  version,
  dueAt,
});

/** The whole CreateSchedule request for a follow-up (version 1 unless given) at a London wall-clock time. */
const expectedCreate = (wallClock: string, version = 1): CreateScheduleCommandInput => ({
  Name: `followup-${ids.followUp}-v${version}`,
  GroupName: 'waymark-followups',
  Description: `Waymark follow-up ${ids.followUp} version ${version}`,
  ScheduleExpression: `at(${wallClock})`,
  ScheduleExpressionTimezone: 'Europe/London',
  FlexibleTimeWindow: { Mode: 'OFF' },
  ActionAfterCompletion: 'DELETE',
  State: 'ENABLED',
  ClientToken: `followup-${ids.followUp}-v${version}`,
  Target: {
    Arn: 'arn:aws:lambda:eu-west-2:123456789012:function:waymark-FollowUp',
    RoleArn: 'arn:aws:iam::123456789012:role/waymark-FollowUpSchedulerRole',
    Input: JSON.stringify({ followUpId: ids.followUp, prescriptionId: ids.prescription, patientId: ids.patient, version }),
    RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
    DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-2:123456789012:waymark-FollowUpDeadLetterQueue' },
  },
});

const client = new SchedulerClient({ region: 'eu-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const mock = mockClient(SchedulerClient);

const scheduler = (now = created) => new AwsFollowUpScheduler(client, settings, { clock: fixedClock(now) });

const createInputs = () => mock.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input);
const deleteInputs = () => mock.commandCalls(DeleteScheduleCommand).map((call) => call.args[0].input);

const errorOptions = (message: string, httpStatusCode: number) => ({ message, Message: message, $metadata: { httpStatusCode } });
const awsError = {
  conflict: () => new ConflictException(errorOptions('Schedule already exists.', 409)),
  notFound: () => new ResourceNotFoundException(errorOptions('Schedule does not exist.', 404)),
  throttled: () => new ThrottlingException(errorOptions('Rate exceeded', 429)),
  invalid: () => new ValidationException(errorOptions('Invalid request', 400)),
};

beforeEach(() => {
  mock.reset();
  mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:eu-west-2:123456789012:schedule/waymark-followups/x' });
  mock.on(DeleteScheduleCommand).resolves({});
});

describe('offline: AwsFollowUpScheduler.schedule', () => {
  it.each([
    ['winter (GMT): 09:00Z is 09:00 London', '2026-02-02T09:00:00Z', '2026-02-02T09:00:00'],
    ['summer (BST): 08:00Z is 09:00 London', '2026-05-25T08:00:00Z', '2026-05-25T09:00:00'],
    ['the day before the clocks go forward (GMT)', '2026-03-28T09:00:00Z', '2026-03-28T09:00:00'],
    ['the day the clocks go forward (BST from 01:00Z)', '2026-03-29T08:00:00Z', '2026-03-29T09:00:00'],
    ['the day before the clocks go back (BST)', '2026-10-24T08:00:00Z', '2026-10-24T09:00:00'],
    ['the day the clocks go back (GMT from 01:00Z)', '2026-10-25T09:00:00Z', '2026-10-25T09:00:00'],
  ])('sends exactly one CreateSchedule at the London wall-clock time: %s', async (_case, dueAt, wallClock) => {
    await scheduler().schedule(followUp(dueAt));
    expect(createInputs()).toEqual([expectedCreate(wallClock)]);
    expect(deleteInputs()).toEqual([]);
  });

  it('names each version apart, so a moved follow-up gets a schedule of its own', async () => {
    await scheduler().schedule(followUp('2026-05-25T08:00:00Z', 1));
    await scheduler().schedule(followUp('2026-06-08T08:00:00Z', 3));
    expect(createInputs()).toEqual([expectedCreate('2026-05-25T09:00:00', 1), expectedCreate('2026-06-08T09:00:00', 3)]);
  });

  it('sends as input exactly the FollowUpEvent, whatever else the record holds', async () => {
    const record = { ...followUp('2026-05-25T08:00:00Z', 2), navigator: 'nav-1', status: 'scheduled' as const };
    await scheduler().schedule(record);
    const event: FollowUpEvent = JSON.parse(createInputs()[0]!.Target!.Input!);
    expect(event).toStrictEqual({ followUpId: ids.followUp, prescriptionId: ids.prescription, patientId: ids.patient, version: 2 });
  });

  it('uses a name and client token of 1–64 allowed characters, with nothing personal in the description', async () => {
    await scheduler().schedule(followUp('2026-05-25T08:00:00Z', 123_456_789));
    await scheduler().unschedule({ followUpId: ids.followUp, version: 123_456_789 });
    const create = createInputs()[0]!;
    const del = deleteInputs()[0]!;
    for (const value of [create.Name!, del.Name!]) expect(value).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);
    // Client tokens allow no dot.
    for (const value of [create.ClientToken!, del.ClientToken!]) expect(value).toMatch(/^[0-9a-zA-Z\-_]{1,64}$/);
    expect(create.Description).toBe(`Waymark follow-up ${ids.followUp} version 123456789`);
    expect(create.Description).not.toContain(ids.patient);
  });

  it('treats ConflictException (the schedule already exists) as done', async () => {
    mock.on(CreateScheduleCommand).rejects(awsError.conflict());
    await expect(scheduler().schedule(followUp('2026-05-25T08:00:00Z'))).resolves.toBeUndefined();
    expect(createInputs()).toEqual([expectedCreate('2026-05-25T09:00:00')]);
  });

  it.each([
    ['ThrottlingException', awsError.throttled],
    ['ValidationException', awsError.invalid],
    ['ResourceNotFoundException (e.g. a missing group)', awsError.notFound],
  ])('lets %s propagate to the caller', async (_name, error) => {
    const thrown = error();
    mock.on(CreateScheduleCommand).rejects(thrown);
    await expect(scheduler().schedule(followUp('2026-05-25T08:00:00Z'))).rejects.toBe(thrown);
  });

  it('refuses, before any request, a follow-up whose schedule name would be invalid', async () => {
    await expect(scheduler().schedule({ ...followUp('2026-05-25T08:00:00Z'), followUpId: 'x'.repeat(60) })).rejects.toThrow(
      /no valid schedule name/,
    );
    await expect(scheduler().unschedule({ followUpId: 'has space', version: 1 })).rejects.toThrow(/no valid schedule name/);
    expect(mock.calls()).toHaveLength(0);
  });
});

describe('offline: a dueAt already past (or too close) still gets its reminder', () => {
  it('is scheduled one minute from now, rounded up to the minute, never in the past', async () => {
    // The follow-up fell due a week ago (a prescription shortened after the fact).
    await scheduler('2026-05-25T10:15:20Z').schedule(followUp('2026-05-18T08:00:00Z', 4));
    // 10:15:20Z + 60 s = 10:16:20Z → 10:17:00Z = 11:17 BST.
    expect(createInputs()).toEqual([expectedCreate('2026-05-25T11:17:00', 4)]);
  });

  it('treats a dueAt less than a minute ahead the same way, so it is not past when it reaches AWS', async () => {
    await scheduler('2026-02-02T08:59:30Z').schedule(followUp('2026-02-02T09:00:00Z'));
    expect(createInputs()).toEqual([expectedCreate('2026-02-02T09:01:00')]);
  });

  it('keeps a dueAt a minute or more ahead unchanged', async () => {
    await scheduler('2026-02-02T08:59:00Z').schedule(followUp('2026-02-02T09:00:00Z'));
    expect(createInputs()).toEqual([expectedCreate('2026-02-02T09:00:00')]);
  });

  it('reads the clock at each call, not once', async () => {
    let now = new Date('2026-02-02T12:00:00Z');
    const s = new AwsFollowUpScheduler(client, settings, { clock: { now: () => now } });
    await s.schedule(followUp('2026-02-01T09:00:00Z', 1));
    now = new Date('2026-02-02T13:30:00Z');
    await s.schedule(followUp('2026-02-01T09:00:00Z', 2));
    expect(createInputs().map((input) => input.ScheduleExpression)).toEqual(['at(2026-02-02T12:01:00)', 'at(2026-02-02T13:31:00)']);
  });
});

describe('offline: fireTime (the instant behind at())', () => {
  it('never falls before dueAt: a dueAt between minutes rounds up', () => {
    expect(fireTime('2026-02-02T09:00:30Z', new Date(created))).toBe('2026-02-02T09:01:00.000Z');
    expect(fireTime('2026-02-02T09:00:00Z', new Date(created))).toBe('2026-02-02T09:00:00.000Z');
  });

  it('moves an instant in the repeated hour of the autumn night past it, so no reading of at() is early', () => {
    // 01:30 GMT on 25 October happens after 01:30 BST; at(…T01:30:00) could mean either.
    expect(fireTime('2026-10-25T01:30:00Z', new Date(created))).toBe('2026-10-25T02:00:00.000Z');
    // 01:30 BST is the first of the two: either reading is at or after it.
    expect(fireTime('2026-10-25T00:30:00Z', new Date(created))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('needs nothing for the spring-forward gap: an instant always has a London time that exists', async () => {
    // 01:30Z on 29 March is 02:30 BST (01:00–01:59 London does not exist that night).
    await scheduler().schedule(followUp('2026-03-29T01:30:00Z'));
    expect(createInputs()[0]!.ScheduleExpression).toBe('at(2026-03-29T02:30:00)');
  });

  it('sends the autumn-night instant as the unrepeated 02:00 London', async () => {
    await scheduler().schedule(followUp('2026-10-25T01:30:00Z'));
    expect(createInputs()[0]!.ScheduleExpression).toBe('at(2026-10-25T02:00:00)');
  });
});

describe('offline: AwsFollowUpScheduler.unschedule', () => {
  it('sends exactly one DeleteSchedule for that version, with its own client token', async () => {
    await scheduler().unschedule({ followUpId: ids.followUp, version: 2 });
    expect(deleteInputs()).toEqual([
      { Name: `followup-${ids.followUp}-v2`, GroupName: 'waymark-followups', ClientToken: `followup-${ids.followUp}-v2-delete` },
    ]);
    expect(createInputs()).toEqual([]);
  });

  it('treats ResourceNotFoundException (already fired and deleted, or already removed) as done', async () => {
    mock.on(DeleteScheduleCommand).rejects(awsError.notFound());
    await expect(scheduler().unschedule({ followUpId: ids.followUp, version: 1 })).resolves.toBeUndefined();
    expect(deleteInputs()).toHaveLength(1);
  });

  it.each([
    ['ThrottlingException', awsError.throttled],
    ['ValidationException', awsError.invalid],
    ['ConflictException', awsError.conflict],
  ])('lets %s propagate to the caller', async (_name, error) => {
    const thrown = error();
    mock.on(DeleteScheduleCommand).rejects(thrown);
    await expect(scheduler().unschedule({ followUpId: ids.followUp, version: 1 })).rejects.toBe(thrown);
  });

  it('keeps the delete token within 64 token characters for the longest valid name', async () => {
    const followUpId = 'a'.repeat(64 - 'followup--v1'.length);
    await scheduler().unschedule({ followUpId, version: 1 });
    await scheduler().schedule({ ...followUp('2026-05-25T08:00:00Z'), followUpId: `${followUpId.slice(1)}.` });
    const [del] = deleteInputs();
    const [create] = createInputs();
    expect(del!.Name).toHaveLength(64);
    expect(del!.ClientToken).toMatch(/^[0-9a-f]{64}$/);
    // A name with a dot is a valid name but not a valid token: hashed too.
    expect(create!.Name).toContain('.');
    expect(create!.ClientToken).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('offline: the scheduler variables and awsSchedulerSettings', () => {
  const env = {
    SCHEDULE_GROUP_NAME: 'waymark-FollowUpSchedules-1A2B3C',
    FOLLOWUP_FUNCTION_ARN: 'arn:aws:lambda:eu-west-2:123456789012:function:waymark-FollowUp1234',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/waymark-FollowUpSchedulerRole-ABC',
    FOLLOWUP_DLQ_ARN: 'arn:aws:sqs:eu-west-2:123456789012:waymark-FollowUpDeadLetterQueue-XYZ',
  };
  // The variables as a function declares them (functions/env.ts adds them to the API's): checked
  // together with the function's others, in one message.
  const scheduling = functionEnvironment('scheduling', schedulerVariables);
  const settingsFrom = (variables: Record<string, string | undefined>) => awsSchedulerSettings(scheduling.parse(variables));

  it('reads all four variables', () => {
    expect(settingsFrom({ ...env, TABLE_NAME: 't' })).toEqual({
      groupName: 'waymark-FollowUpSchedules-1A2B3C',
      targetArn: 'arn:aws:lambda:eu-west-2:123456789012:function:waymark-FollowUp1234',
      roleArn: 'arn:aws:iam::123456789012:role/waymark-FollowUpSchedulerRole-ABC',
      deadLetterArn: 'arn:aws:sqs:eu-west-2:123456789012:waymark-FollowUpDeadLetterQueue-XYZ',
    });
  });

  it('accepts other partitions, role paths and a function alias', () => {
    expect(
      settingsFrom({
        ...env,
        FOLLOWUP_FUNCTION_ARN: 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:follow-up:live',
        SCHEDULER_ROLE_ARN: 'arn:aws-us-gov:iam::123456789012:role/service-role/scheduler',
        FOLLOWUP_DLQ_ARN: 'arn:aws-us-gov:sqs:us-gov-west-1:123456789012:dlq',
      }),
    ).toMatchObject({ targetArn: 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:follow-up:live' });
  });

  it('are required, every one: none set is every one missing, empty values included', () => {
    // Local mode never reads them, and the one deployed function that declares them always schedules,
    // so "none set" is no longer a valid state of its own.
    expect(() => settingsFrom({ TABLE_NAME: 't' })).toThrow(
      'Invalid environment of the scheduling function: SCHEDULE_GROUP_NAME is missing; FOLLOWUP_FUNCTION_ARN is missing; ' +
        'SCHEDULER_ROLE_ARN is missing; FOLLOWUP_DLQ_ARN is missing',
    );
    expect(() => settingsFrom({ SCHEDULE_GROUP_NAME: '', FOLLOWUP_DLQ_ARN: '' })).toThrow(/SCHEDULE_GROUP_NAME is missing.*FOLLOWUP_DLQ_ARN is missing$/);
  });

  it('throws naming every missing variable when only some are set', () => {
    const { FOLLOWUP_FUNCTION_ARN: _fn, FOLLOWUP_DLQ_ARN: _dlq, ...partial } = env;
    expect(() => settingsFrom(partial)).toThrow(
      'Invalid environment of the scheduling function: FOLLOWUP_FUNCTION_ARN is missing; FOLLOWUP_DLQ_ARN is missing',
    );
    expect(() => settingsFrom({ ...env, SCHEDULER_ROLE_ARN: '' })).toThrow(/SCHEDULER_ROLE_ARN is missing\b/);
  });

  it.each([
    ['SCHEDULE_GROUP_NAME', 'group with spaces'],
    ['SCHEDULE_GROUP_NAME', 'g'.repeat(65)],
    ['FOLLOWUP_FUNCTION_ARN', 'arn:aws:sqs:eu-west-2:123456789012:not-a-function'],
    ['SCHEDULER_ROLE_ARN', 'arn:aws:iam::123456789012:user/someone'],
    ['FOLLOWUP_DLQ_ARN', 'arn:aws:sqs:eu-west-2:123456789012:dead-letters.fifo'],
    ['FOLLOWUP_DLQ_ARN', 'https://sqs.eu-west-2.amazonaws.com/123456789012/dead-letters'],
  ])('throws naming %s when it is malformed, without echoing the value', (variable, value) => {
    let message = '';
    try {
      settingsFrom({ ...env, [variable]: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^Invalid environment of the scheduling function: ${variable} is invalid \\(`));
    expect(message).not.toContain(value);
  });
});
