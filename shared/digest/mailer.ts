import type { DigestMessage } from './rules';

/**
 * The one seam to email. In AWS it is Amazon SES v2 (ses-mailer.ts); in local mode an outbox in
 * DynamoDB Local that `GET /v1/dev/outbox` reads (local/outbox.ts).
 */
export interface DigestMailer {
  /** Sends one message; resolves with the provider's message id once it accepted it. */
  send(message: DigestMessage): Promise<{ messageId: string }>;
}

/**
 * Thrown by a mailer when the message was certainly not accepted (the service answered with an
 * error): sending again cannot duplicate it. Any other failure (a timeout, a dropped connection)
 * may have been accepted all the same, and is not retried.
 */
export class MailNotSentError extends Error {
  override readonly name = 'MailNotSentError';
  constructor(readonly reason: string) {
    super(`The email was not accepted (${reason})`);
  }
}
