import { SendEmailCommand, SESv2ServiceException, type SESv2Client } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import { MailNotSentError, type DigestMailer } from './mailer';
import type { DigestMessage } from './rules';

/** What the digest function is told about sending (see functions/env.ts); the stack sets both. */
export const digestMailVariables = {
  /** The verified SES identity the digest is sent from, e.g. waymark@example.org. */
  DIGEST_FROM_ADDRESS: z.email({ error: 'expected an email address' }),
  /** The console's base URL, for the link to the inbox (in AWS: the stack's web URL). */
  CONSOLE_URL: z.url({ error: 'expected the console URL' }),
};

/**
 * The digest's email through Amazon SES v2. The SES client should make one attempt only
 * (`maxAttempts: 1`, see functions/runtime.ts): an SDK retry after a timeout could deliver a
 * message twice, while a failure SES answered is certainly unsent and goes back to the digest,
 * whose own retry is guarded by the day's send record.
 */
export class SesDigestMailer implements DigestMailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly settings: { fromAddress: string },
  ) {}

  async send(message: DigestMessage): Promise<{ messageId: string }> {
    try {
      const result = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.settings.fromAddress,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
            },
          },
        }),
      );
      return { messageId: result.MessageId ?? 'unknown' };
    } catch (error) {
      // SES answered: it did not take the message. Anything else (no answer) stays as it is.
      if (error instanceof SESv2ServiceException && error.$metadata.httpStatusCode !== undefined) throw new MailNotSentError(error.name);
      throw error;
    }
  }
}
