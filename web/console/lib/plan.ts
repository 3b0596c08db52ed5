import { formatDate } from './dates';
import { formatSchedule } from './schedule';
import type { Activity, Card, Patient, Prescription, Venue } from './types';

/**
 * "My plan": the one page a person takes home — their goals, where and when each activity runs,
 * their card number and who to contact. Plain words, nothing clinical: no scores, no notes, no
 * referral reasons, no NHS number.
 */
export interface PlanView {
  personName: string;
  dates: string;
  goals: string[];
  activities: { name: string; provider: string; venue: string; postcode?: string; when: string }[];
  cardNumber?: string;
  contact?: { name: string; email: string };
  /** Why there is nothing to print yet, when there is no current prescription. */
  missing?: string;
}

export interface PlanInputs {
  patient: Pick<Patient, 'givenName' | 'familyName' | 'currentPrescriptionId'>;
  prescriptions: readonly Prescription[];
  activities: readonly Activity[];
  venues: readonly Venue[];
  cards: readonly Card[];
  navigator?: { givenName: string; familyName: string; email: string };
}

/** The prescription a plan is for: the current one, or else the latest active or paused one. */
export function planPrescription(patient: PlanInputs['patient'], prescriptions: readonly Prescription[]): Prescription | undefined {
  return (
    prescriptions.find((p) => p.prescriptionId === patient.currentPrescriptionId) ??
    [...prescriptions].reverse().find((p) => p.status === 'active' || p.status === 'paused')
  );
}

export function buildPlan(inputs: PlanInputs): PlanView {
  const personName = `${inputs.patient.givenName} ${inputs.patient.familyName}`;
  const contact = inputs.navigator
    ? { name: `${inputs.navigator.givenName} ${inputs.navigator.familyName}`, email: inputs.navigator.email }
    : undefined;
  const prescription = planPrescription(inputs.patient, inputs.prescriptions);
  if (!prescription) {
    return { personName, dates: '', goals: [], activities: [], ...(contact ? { contact } : {}), missing: 'There is no current prescription to print a plan for.' };
  }
  const card = inputs.cards.find((c) => c.status === 'active');
  const activities = prescription.activities.map((prescribed) => {
    const activity = inputs.activities.find((a) => a.activityId === prescribed.activityId);
    const venue = inputs.venues.find((v) => v.venueId === prescribed.venueId);
    return {
      name: prescribed.name,
      provider: prescribed.providerName,
      venue: venue?.name ?? 'Ask your link worker where this meets',
      ...(venue?.postcode ? { postcode: venue.postcode } : {}),
      when: formatSchedule(activity?.schedule, 'Ask your link worker when this meets'),
    };
  });
  return {
    personName,
    dates: `${formatDate(prescription.startDate)} to ${formatDate(prescription.endDate)}`,
    goals: prescription.goals,
    activities,
    ...(card ? { cardNumber: card.cardId } : {}),
    ...(contact ? { contact } : {}),
  };
}
