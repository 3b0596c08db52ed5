import { awsFollowUpDueMarker } from './runtime';

const { marker } = awsFollowUpDueMarker();

/** Invoked daily by the stack's recurring schedule: every follow-up past its time but still scheduled becomes due. */
export const handler = async (): Promise<{ marked: number }> => ({ marked: await marker.sweep() });
