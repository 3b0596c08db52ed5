import { followUpSweepEnvironment } from './env';
import { awsFollowUpDueMarker } from './runtime';

const { marker } = awsFollowUpDueMarker(followUpSweepEnvironment.parse(process.env));

/** Invoked daily by the stack's recurring schedule: every follow-up past its time but still scheduled becomes due. */
export const handler = async (): Promise<{ marked: number }> => ({ marked: await marker.sweep() });
