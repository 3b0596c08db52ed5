import { SendEmailCommand, SESv2Client, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDigestService } from '#shared/app/services';
import { digestHandler, DigestIncompleteError } from '#shared/digest/handlers';
import { MailNotSentError } from '#shared/digest/mailer';
import { SesDigestMailer } from '#shared/digest/ses-mailer';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, otherNavigatorToken, referPatient } from '../../support/fixtures';

/**
 * Amazon SES has no local engine: its requests are asserted exactly with aws-sdk-client-mock, while
 * the follow-ups and the day's send records are real items in DynamoDB Local.
 */
const ses = mockClient(SESv2Client);
const FROM = 'waymark@example.org';
const mailer = new SesDigestMailer(new SESv2Client({ region: 'eu-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }), { fromAddress: FROM });

const throttled = () => new TooManyRequestsException({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } });
const message = { to: 'sam@example.org', subject: 'Waymark: 1 follow-up due', text: 'Hello Sam,\n\n…' };

beforeEach(() => ses.reset());

describe('SesDigestMailer', () => {
  it('sends exactly one SendEmailCommand: from the configured address, to the navigator, plain text, UTF-8', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    expect(await mailer.send(message)).toEqual({ messageId: 'ses-1' });
    expect(ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input)).toEqual([
      {
        FromEmailAddress: FROM,
        Destination: { ToAddresses: ['sam@example.org'] },
        Content: {
          Simple: {
            Subject: { Data: 'Waymark: 1 follow-up due', Charset: 'UTF-8' },
            Body: { Text: { Data: 'Hello Sam,\n\n…', Charset: 'UTF-8' } },
          },
        },
      },
    ]);
  });

  it('an error SES answered (throttled) is certainly unsent: MailNotSentError', async () => {
    ses.on(SendEmailCommand).rejects(throttled());
    await expect(mailer.send(message)).rejects.toEqual(new MailNotSentError('TooManyRequestsException'));
  });

  it('a failure with no answer (a timeout) may have been sent: passed on as it is', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    await expect(mailer.send(message)).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});

describe('the digest through SES', () => {
  let t: TestApp;
  const navigators = [
    { personId: '01J0000000000000000000SAM0', sub: 'local-navigator', email: 'sam@example.org', givenName: 'Sam' },
    { personId: '01J0000000000000000000ADE0', sub: 'navigator-elsewhere', email: 'ade@example.org', givenName: 'Ade' },
    { personId: '01J0000000000000000000JO00', sub: 'navigator-third', email: 'jo@example.org', givenName: 'Jo' },
  ];
  const sentTo = () => ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input.Destination?.ToAddresses?.[0]);

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
    const { activityIds } = await makeActivities(t);
    for (const sub of navigators.map((n) => n.sub)) {
      const token = await otherNavigatorToken(t, sub);
      const patientId = await referPatient(t, { token });
      await t.call('POST', `/v1/patients/${patientId}/assessments`, { token, body: baselineBody });
      const res = await t.call('POST', '/v1/prescriptions', { token, body: { patientId, startDate: '2026-03-02', goals: ['g'], activityIds } });
      expect(res.status).toBe(201);
    }
  });

  it('one navigator failing while the others succeed fails the run; the retry sends to that one only', async () => {
    t.clock.set(new Date('2026-05-25T08:00:00Z'));
    const service = createDigestService({ db: t.db, clock: t.clock, logger: t.services.logger, mailer, navigators: { enabledNavigators: async () => navigators }, consoleUrl: 'https://d1.cloudfront.net' });
    const handler = digestHandler(service);

    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    ses.on(SendEmailCommand, { Destination: { ToAddresses: ['ade@example.org'] } }).rejects(throttled());
    await expect(handler()).rejects.toThrow(DigestIncompleteError);
    expect(sentTo().sort()).toEqual(['ade@example.org', 'jo@example.org', 'sam@example.org']);

    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'retry' });
    expect(await handler()).toMatchObject({ sent: 1, alreadySent: 2 });
    expect(ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input)).toEqual([
      {
        FromEmailAddress: FROM,
        Destination: { ToAddresses: ['ade@example.org'] },
        Content: {
          Simple: {
            Subject: { Data: 'Waymark: 1 follow-up due', Charset: 'UTF-8' },
            Body: {
              Text: {
                Data: [
                  'Hello Ade,',
                  '',
                  '1 follow-up assessment is waiting in your Waymark inbox:',
                  '- 1 due',
                  '- 0 overdue (due more than 14 days ago)',
                  '',
                  'Open your inbox: https://d1.cloudfront.net/#/followups?status=due',
                  '',
                  'This email names no one: sign in to see who is waiting.',
                ].join('\n'),
                Charset: 'UTF-8',
              },
            },
          },
        },
      },
    ]);

    ses.reset();
    expect(await handler()).toMatchObject({ sent: 0, alreadySent: 3 });
    expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
  });
});
