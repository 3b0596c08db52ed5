import type { FollowUpRecord } from './rules';

/**
 * The one seam to EventBridge Scheduler. In AWS it creates one-time schedules (see
 * aws-scheduler.ts); in local mode a stand-in stores them in DynamoDB Local and, driven by the
 * dev clock, invokes the same handler with the same event. Both must treat "already there" on
 * create and "already gone" on delete as done, so retries are harmless.
 */
export interface FollowUpScheduler {
  /** Make sure a reminder fires at the follow-up's dueAt for its current version. */
  schedule(followUp: Pick<FollowUpRecord, 'followUpId' | 'prescriptionId' | 'patientId' | 'version' | 'dueAt'>): Promise<void>;
  /** Make sure the reminder for that version will not fire. */
  unschedule(followUp: Pick<FollowUpRecord, 'followUpId' | 'version'>): Promise<void>;
}
