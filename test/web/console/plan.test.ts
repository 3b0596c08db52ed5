import { describe, expect, it } from 'vitest';
import { buildPlan, planPrescription } from '../../../web/console/lib/plan';
import type { Activity, Card, Prescription, Venue } from '../../../web/console/lib/types';

const prescription = (changes: Partial<Prescription> = {}): Prescription => ({
  prescriptionId: 'RX1',
  patientId: 'P1',
  status: 'active',
  startDate: '2026-09-07',
  weeks: 12,
  endDate: '2026-11-29',
  followUpDueAt: '2026-11-30T09:00:00Z',
  pausedDays: 0,
  goals: ['Walk with others twice a week', 'Meet new people'],
  activityIds: ['A1', 'A2'],
  activities: [
    { activityId: 'A1', name: 'Nordic walking', category: 'physical', providerId: 'PR1', providerName: 'Wardown Walkers', venueId: 'V1' },
    { activityId: 'A2', name: 'Men’s shed', category: 'social', providerId: 'PR2', providerName: 'Luton Shed', venueId: 'V9' },
  ],
  sessionsAttended: 3,
  weeksRemaining: 8,
  hasBaseline: true,
  createdAt: '2026-09-01T10:00:00Z',
  updatedAt: '2026-09-01T10:00:00Z',
  ...changes,
});
const activity = (activityId: string, schedule: Activity['schedule']) => ({ activityId, schedule }) as Activity;
const venue: Venue = { venueId: 'V1', providerId: 'PR1', name: 'Wardown Park Pavilion', postcode: 'LU2 7HA', createdAt: '2026-01-01T00:00:00Z' };
const card = (cardId: string, status: Card['status']) => ({ cardId, status }) as Card;
const patient = { givenName: 'Ada', familyName: 'Byron', currentPrescriptionId: 'RX1' };

describe('my plan', () => {
  it('gives the goals, each activity with its place and times, the card and the link worker', () => {
    const plan = buildPlan({
      patient,
      prescriptions: [prescription()],
      activities: [activity('A1', [{ day: 'thursday', startTime: '14:00', endTime: '15:00' }, { day: 'tuesday', startTime: '10:00', endTime: '11:30' }])],
      venues: [venue],
      cards: [card('OLD-CARD-0001', 'revoked'), card('LUTON-0042', 'active')],
      navigator: { givenName: 'Sam', familyName: 'Okoro', email: 'sam.okoro@example.org' },
    });
    expect(plan).toEqual({
      personName: 'Ada Byron',
      dates: '7 September 2026 to 29 November 2026',
      goals: ['Walk with others twice a week', 'Meet new people'],
      activities: [
        { name: 'Nordic walking', provider: 'Wardown Walkers', venue: 'Wardown Park Pavilion', postcode: 'LU2 7HA', when: 'Tuesdays 10:00–11:30, Thursdays 14:00–15:00' },
        // Its venue and times could not be read: the plan says whom to ask rather than leaving a gap.
        { name: 'Men’s shed', provider: 'Luton Shed', venue: 'Ask your link worker where this meets', when: 'Ask your link worker when this meets' },
      ],
      cardNumber: 'LUTON-0042',
      contact: { name: 'Sam Okoro', email: 'sam.okoro@example.org' },
    });
  });

  it('carries nothing clinical: no scores, notes, reasons or NHS number reach it', () => {
    const plan = buildPlan({
      patient: { ...patient, nhsNumber: '9434765919', notes: 'private', reasons: ['low mood'] } as typeof patient,
      prescriptions: [prescription()],
      activities: [],
      venues: [],
      cards: [],
    });
    expect(JSON.stringify(plan)).not.toMatch(/9434765919|private|low mood/);
    expect(plan).not.toHaveProperty('cardNumber');
    expect(plan).not.toHaveProperty('contact');
  });

  it('is for the current prescription, else the latest active or paused one, and says when there is none', () => {
    const ended = prescription({ prescriptionId: 'RX0', status: 'completed' });
    const paused = prescription({ prescriptionId: 'RX2', status: 'paused' });
    expect(planPrescription({ ...patient, currentPrescriptionId: 'RX1' }, [ended, prescription()])?.prescriptionId).toBe('RX1');
    expect(planPrescription({ givenName: 'Ada', familyName: 'Byron' }, [ended, paused])?.prescriptionId).toBe('RX2');
    const none = buildPlan({ patient: { givenName: 'Ada', familyName: 'Byron' }, prescriptions: [ended], activities: [], venues: [], cards: [] });
    expect(none.missing).toBe('There is no current prescription to print a plan for.');
  });
});
