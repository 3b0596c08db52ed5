import { describe, expect, it } from 'vitest';
import {
  activityLabel,
  activityOptions,
  defaultPrescriptionForm,
  endDateOf,
  filterActivityOptions,
  noActivityFilter,
  parseGoals,
  prescriptionActions,
  toCreatePrescription,
  validatePrescription,
  venueChoices,
  shownPrescriptionStatus,
  prescriptionStatusText,
  toWithdrawBody,
  validateWithdrawal,
  withdrawalReasonLabel,
  WITHDRAWAL_REASONS,
  WITHDRAW_FIELD_ORDER,
} from '../../../web/console/lib/prescription';
import { DECLINE_REASONS } from '../../../web/console/lib/lifecycle';
import type { Activity, Provider, Venue } from '../../../web/console/lib/types';

const at = '2026-01-01T00:00:00.000Z';
const provider = (providerId: string, name: string, status: 'accredited' | 'suspended' | 'lapsed', validUntil: string): Provider => ({
  providerId,
  name,
  categories: ['physical'],
  accreditation: { status, validUntil, currentlyAccredited: status === 'accredited', updatedAt: at },
  listed: true,
  createdAt: at,
  updatedAt: at,
});
const venue = (venueId: string, providerId: string, name: string): Venue => ({ venueId, providerId, name, postcode: 'LU1 2AB', createdAt: at });
const activity = (activityId: string, providerId: string, venueId: string, name: string, category: Activity['category']): Activity => ({
  activityId,
  providerId,
  venueId,
  name,
  category,
  createdAt: at,
});

const providers = [
  provider('P1', 'Wardown Walkers', 'accredited', '2027-11-23'),
  provider('P2', 'Lea Valley Mind', 'accredited', '2026-12-31'),
  provider('P3', 'Closed Club', 'suspended', '2027-11-23'),
];
const venues = [venue('V1', 'P1', 'Wardown Park Pavilion'), venue('V2', 'P2', 'Wellbeing Centre'), venue('V3', 'P2', 'Stopsley Hall'), venue('V4', 'P3', 'Old Hall')];
const activities = [
  activity('A1', 'P1', 'V1', 'Health walk', 'physical'),
  activity('A2', 'P2', 'V2', 'Art for wellbeing', 'wellbeing'),
  activity('A3', 'P2', 'V3', 'Men’s shed', 'social'),
  activity('A4', 'P3', 'V4', 'Bingo', 'social'),
];

describe('writing a prescription', () => {
  it('starts today for 12 weeks', () => {
    expect(defaultPrescriptionForm('2026-11-23')).toEqual({ startDate: '2026-11-23', weeks: '12', goals: '', activityIds: [] });
    expect(endDateOf('2026-11-15', 12)).toBe('2027-02-06');
  });

  it('reads goals one per line', () => {
    expect(parseGoals('Walk to the shops\r\n\n - Meet people \n• Cook a meal\n   ')).toEqual(['Walk to the shops', 'Meet people', 'Cook a meal']);
  });

  it('checks weeks, goals, dates and activities', () => {
    const form = { startDate: '2026-11-23', weeks: '12', goals: 'Walk', activityIds: ['A1'] };
    expect(validatePrescription(form).fields).toEqual({});
    expect(validatePrescription({ ...form, weeks: '3' }).fields.weeks).toBe('Weeks must be a whole number from 4 to 16');
    expect(validatePrescription({ ...form, weeks: '17' }).fields.weeks).toBeDefined();
    expect(validatePrescription({ ...form, weeks: '12.5' }).fields.weeks).toBeDefined();
    expect(validatePrescription({ ...form, weeks: '16' }).fields.weeks).toBeUndefined();
    expect(validatePrescription({ ...form, goals: ' \n ' }).fields.goals).toMatch(/at least one goal/);
    expect(validatePrescription({ ...form, activityIds: [] }).fields.activities).toBe('Select at least one activity');
    expect(validatePrescription({ ...form, startDate: '2026-02-30' }).fields.startDate).toBeDefined();
  });

  it('maps the form to the API body', () => {
    expect(toCreatePrescription('PAT', { startDate: '2026-11-23', weeks: ' 8 ', goals: 'Walk\nTalk', activityIds: ['A1', 'A2', 'A1'] })).toEqual({
      patientId: 'PAT',
      startDate: '2026-11-23',
      weeks: 8,
      goals: ['Walk', 'Talk'],
      activityIds: ['A1', 'A2'],
    });
  });

  it('labels each activity with its provider and venue', () => {
    expect(activityLabel('Health walk', 'Wardown Walkers', 'Wardown Park Pavilion')).toBe('Health walk — Wardown Walkers, Wardown Park Pavilion');
    const options = activityOptions(providers, venues, activities, '2026-11-23');
    expect(options.map((o) => o.label)).toEqual([
      'Bingo — Closed Club, Old Hall',
      'Men’s shed — Lea Valley Mind, Stopsley Hall',
      'Art for wellbeing — Lea Valley Mind, Wellbeing Centre',
      'Health walk — Wardown Walkers, Wardown Park Pavilion',
    ]);
  });

  it('lets only providers accredited on the start date be chosen', () => {
    const selectable = (start: string) =>
      activityOptions(providers, venues, activities, start)
        .filter((o) => o.selectable)
        .map((o) => o.activityId)
        .sort();
    expect(selectable('2026-11-23')).toEqual(['A1', 'A2', 'A3']);
    expect(selectable('2026-12-31')).toEqual(['A1', 'A2', 'A3']);
    expect(selectable('2027-01-01')).toEqual(['A1']); // Lea Valley Mind's accreditation has ended
  });

  it('filters by category, provider and venue', () => {
    const options = activityOptions(providers, venues, activities, '2026-11-23');
    expect(filterActivityOptions(options, noActivityFilter())).toHaveLength(4);
    expect(filterActivityOptions(options, { ...noActivityFilter(), category: 'social' }).map((o) => o.activityId)).toEqual(['A4', 'A3']);
    expect(filterActivityOptions(options, { category: 'social', providerId: 'P2', venueId: '' }).map((o) => o.activityId)).toEqual(['A3']);
    expect(filterActivityOptions(options, { category: '', providerId: '', venueId: 'V2' }).map((o) => o.activityId)).toEqual(['A2']);
    expect(venueChoices(options, 'P2')).toEqual([
      { venueId: 'V3', name: 'Stopsley Hall' },
      { venueId: 'V2', name: 'Wellbeing Centre' },
    ]);
    expect(venueChoices(options, '').map((v) => v.name)).toContain('Wardown Park Pavilion (Wardown Walkers)');
  });

  it('offers pause, resume and withdraw only where the API allows them', () => {
    expect(prescriptionActions('active')).toEqual(['pause', 'withdraw']);
    expect(prescriptionActions('paused')).toEqual(['resume', 'withdraw']);
    expect(prescriptionActions('completed')).toEqual([]);
    expect(prescriptionActions('withdrawn')).toEqual([]);
  });
});

describe('the prescription status shown', () => {
  const p = { status: 'active' as const, startDate: '2026-09-07', endDate: '2026-11-29' };
  it('is Active within its dates', () => {
    expect(shownPrescriptionStatus(p, '2026-09-07')).toEqual({ label: 'Active', tone: 'green' });
    expect(shownPrescriptionStatus(p, '2026-11-29')).toEqual({ label: 'Active', tone: 'green' });
  });
  it('says it has ended once past its end date, as the door would refuse it', () => {
    expect(shownPrescriptionStatus(p, '2026-11-30')).toEqual({ label: 'Ended, follow-up due', tone: 'blue' });
  });
  it('says it has not started before its start date', () => {
    expect(shownPrescriptionStatus(p, '2026-09-06').label).toBe('Not started yet');
  });
  it('keeps the other statuses as they are', () => {
    expect(shownPrescriptionStatus({ ...p, status: 'paused' }, '2026-12-01')).toEqual({ label: 'Paused', tone: 'yellow' });
    expect(shownPrescriptionStatus({ ...p, status: 'completed' }, '2026-12-01').label).toBe('Completed');
  });
});

describe('withdrawing a prescription with a reason', () => {
  it('offers the referral’s reasons with their labels, the prescription’s own, and “Other” last', () => {
    const values = WITHDRAWAL_REASONS.map((r) => r.value);
    expect(values).toEqual(expect.arrayContaining([...DECLINE_REASONS.map((r) => r.value), 'unwell', 'activity_unsuitable', 'activity_unavailable']));
    expect(values).toHaveLength(DECLINE_REASONS.length + 3);
    expect(values.at(-1)).toBe('other');
    expect(WITHDRAWAL_REASONS.find((r) => r.value === 'moved_away')?.label).toBe(DECLINE_REASONS.find((r) => r.value === 'moved_away')?.label);
    expect(values).not.toContain('completed');
  });

  it('requires a reason from the list, linked to the select', () => {
    expect(validateWithdrawal('').fields).toEqual({ withdrawReason: 'Select why the prescription is withdrawn' });
    expect(validateWithdrawal('bored').fields).toEqual({ withdrawReason: 'Select a reason from the list' });
    expect(validateWithdrawal('completed').fields.withdrawReason).toBeDefined();
    expect(validateWithdrawal('unwell').fields).toEqual({});
    expect(WITHDRAW_FIELD_ORDER).toEqual(['withdrawReason']);
  });

  it('sends the status and the reason', () => {
    expect(toWithdrawBody('activity_unavailable')).toEqual({ status: 'withdrawn', reason: 'activity_unavailable' });
  });

  it('shows "Withdrawn: <reason>", a referral close’s reason included; plain "Withdrawn" without one', () => {
    expect(prescriptionStatusText({ status: 'withdrawn', withdrawalReason: 'unwell' })).toBe('Withdrawn: Too unwell to continue');
    expect(prescriptionStatusText({ status: 'withdrawn', withdrawalReason: 'moved_away' })).toBe('Withdrawn: Moved away');
    expect(prescriptionStatusText({ status: 'withdrawn', withdrawalReason: 'completed' })).toBe('Withdrawn: Completed');
    expect(prescriptionStatusText({ status: 'withdrawn', withdrawalReason: 'other' })).toBe('Withdrawn: Other');
    expect(prescriptionStatusText({ status: 'withdrawn' })).toBe('Withdrawn');
    expect(prescriptionStatusText({ status: 'completed' })).toBe('Completed');
    expect(withdrawalReasonLabel(undefined)).toBe('');
  });
});
