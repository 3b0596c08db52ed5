import type { Clock } from '#shared/platform/clock';
import type { PrescriptionFollowUps } from '#shared/prescriptions/follow-ups';
import { followUpAfterPrescriptionChange, newFollowUp } from './rules';
import type { FollowUpReminders } from './reminders';
import type { FollowUpStore } from './store';

/**
 * The follow-ups side of a prescription's life: created with it, moved with it, in its
 * transaction; the reminder is made or dropped after (see FollowUpReminders).
 */
export function prescriptionFollowUps(followUps: FollowUpStore, reminders: FollowUpReminders, clock: Clock): PrescriptionFollowUps {
  return {
    created(prescription, navigator) {
      if (!prescription.followUpId) throw new Error('a new prescription carries the id of its follow-up');
      const followUp = newFollowUp(prescription, { followUpId: prescription.followUpId, navigator, now: clock.now() });
      return { items: followUps.createItems(followUp), afterCommit: () => reminders.remind(undefined, followUp) };
    },
    async changed(before, after) {
      const followUp = before.followUpId ? await followUps.get(before.patientId, before.followUpId) : undefined;
      const moved = followUp ? followUpAfterPrescriptionChange(followUp, before, after, clock.now()) : undefined;
      if (!followUp || !moved) return { items: [], afterCommit: async () => {} };
      return { items: [followUps.replaceItem(followUp, moved)], afterCommit: () => reminders.remind(followUp, moved) };
    },
  };
}
