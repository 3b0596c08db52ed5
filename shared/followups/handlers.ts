import { z } from 'zod';
import type { FollowUpEvent } from './rules';
import type { FollowUpDueMarker } from './reminders';

const EventSchema = z.object({
  followUpId: z.string().min(1),
  prescriptionId: z.string().min(1),
  patientId: z.string().min(1),
  version: z.number().int().min(1),
});

/**
 * The follow-up reminder handler: what EventBridge Scheduler invokes in AWS and the local
 * scheduler invokes in local mode, with the same event. A malformed event is logged and dropped
 * (retrying it could never succeed).
 */
export function followUpReminderHandler(service: FollowUpDueMarker, log: (message: string) => void = () => {}) {
  return async (event: unknown): Promise<'due' | 'ignored' | 'malformed'> => {
    const parsed = EventSchema.safeParse(event);
    if (!parsed.success) {
      log('malformed follow-up reminder');
      return 'malformed';
    }
    return service.onReminder(parsed.data satisfies FollowUpEvent);
  };
}
