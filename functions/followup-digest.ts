import { digestHandler } from '#shared/digest/handlers';
import { followUpDigestEnvironment } from './env';
import { awsDigestService } from './runtime';

const { service } = awsDigestService(followUpDigestEnvironment.parse(process.env));

/**
 * Invoked daily at 09:00 London by the stack's recurring schedule: one email per navigator with
 * follow-ups waiting. Throws when some failed, so Scheduler retries; a retry sends only the missing ones.
 */
export const handler = digestHandler(service);
