import { followUpReminderHandler } from '#shared/followups/handlers';
import { followUpDueEnvironment } from './env';
import { awsFollowUpDueMarker } from './runtime';

const { marker, logger } = awsFollowUpDueMarker(followUpDueEnvironment.parse(process.env));

/** Invoked by EventBridge Scheduler at a follow-up's due time with `{followUpId, prescriptionId, patientId, version}`. */
export const handler = followUpReminderHandler(marker, (message) => logger.warn(message));
