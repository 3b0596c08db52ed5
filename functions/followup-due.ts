import { followUpReminderHandler } from '#shared/followups/handlers';
import { awsFollowUpDueMarker } from './runtime';

const { marker, logger } = awsFollowUpDueMarker();

/** Invoked by EventBridge Scheduler at a follow-up's due time with `{followUpId, prescriptionId, patientId, version}`. */
export const handler = followUpReminderHandler(marker, (message) => logger.warn(message));
