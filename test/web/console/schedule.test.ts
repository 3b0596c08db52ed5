import { describe, expect, it } from 'vitest';
import { problemsFromIssues } from '../../../web/console/lib/issues';
import { activityOptions } from '../../../web/console/lib/prescription';
import {
  activityFieldOrder,
  activityFields,
  activityFormOf,
  emptyActivityForm,
  toCreateActivity,
  toUpdateActivity,
  toUpdateVenue,
  validateActivity,
  validateVenue,
  venueFormOf,
} from '../../../web/console/lib/registry';
import {
  emptySession,
  formatSchedule,
  parseClockTime,
  sessionFieldOrder,
  toSchedule,
  validateSessions,
  type SessionForm,
} from '../../../web/console/lib/schedule';
import type { Activity, Provider, Venue } from '../../../web/console/lib/types';

const row = (day: SessionForm['day'], startTime: string, endTime: string): SessionForm => ({ day, startTime, endTime });

describe('when an activity runs, in words', () => {
  it('lists the week Monday first, days in the plural, two on one day joined', () => {
    expect(
      formatSchedule([
        { day: 'thursday', startTime: '14:00', endTime: '15:00' },
        { day: 'tuesday', startTime: '10:00', endTime: '11:30' },
      ]),
    ).toBe('Tuesdays 10:00–11:30, Thursdays 14:00–15:00');
    expect(
      formatSchedule([
        { day: 'tuesday', startTime: '18:00', endTime: '19:00' },
        { day: 'sunday', startTime: '09:00', endTime: '10:00' },
        { day: 'tuesday', startTime: '10:00', endTime: '11:00' },
      ]),
    ).toBe('Tuesdays 10:00–11:00 and 18:00–19:00, Sundays 09:00–10:00');
  });

  it('says so when there are no set times', () => {
    expect(formatSchedule(undefined)).toBe('No set times');
    expect(formatSchedule([], '–')).toBe('–');
  });
});

describe('times as typed', () => {
  it.each([
    ['09:30', '09:30'],
    ['9:30', '09:30'],
    ['9.30', '09:30'],
    ['0930', '09:30'],
    ['930', '09:30'],
    [' 14:05 ', '14:05'],
    ['00:00', '00:00'],
    ['23:59', '23:59'],
  ])('reads %j as %s', (typed, expected) => {
    expect(parseClockTime(typed)).toBe(expected);
  });

  it.each(['', '24:00', '12:60', '9', '10am', '10:5', '1:2:3', 'noon'])('refuses %j', (typed) => {
    expect(parseClockTime(typed)).toBeUndefined();
  });
});

describe('the weekly sessions of the activity form', () => {
  it('accepts two sessions, one starting as another ends, and sends them as the API’s HH:MM', () => {
    const sessions = [row('tuesday', '10:00', '11:30'), row('tuesday', '11:30', '12:00'), row('thursday', '2:00', '3:00')];
    expect(validateSessions(sessions, 'activity')).toEqual({});
    expect(toSchedule(sessions)).toEqual([
      { day: 'tuesday', startTime: '10:00', endTime: '11:30' },
      { day: 'tuesday', startTime: '11:30', endTime: '12:00' },
      { day: 'thursday', startTime: '02:00', endTime: '03:00' },
    ]);
  });

  it('says what is missing or wrong on each field of each row', () => {
    expect(validateSessions([emptySession(), row('monday', '25:00', '9')], 'activity')).toEqual({
      activitySession1Day: 'Select the day of session 1',
      activitySession1Start: 'Enter the start time of session 1',
      activitySession1End: 'Enter the end time of session 1',
      activitySession2Start: 'Enter the start time of session 2 as a 24-hour time, like 09:30 or 14:00',
      activitySession2End: 'Enter the end time of session 2 as a 24-hour time, like 11:00 or 15:30',
    });
    expect(validateSessions([row('monday', '11:00', '10:00')], 'edit')).toEqual({ editSession1End: 'The end time of session 1 must be after its start time' });
    expect(validateSessions([row('monday', '10:00', '10:00')], 'edit')).toEqual({ editSession1End: 'The end time of session 1 must be after its start time' });
  });

  it('refuses a session that overlaps an earlier one on the same day, naming it', () => {
    const sessions = [row('tuesday', '10:00', '11:30'), row('wednesday', '10:00', '11:30'), row('tuesday', '11:00', '12:00')];
    expect(validateSessions(sessions, 'activity')).toEqual({
      activitySession3Start: 'Session 3 must not overlap session 1 (Tuesday 10:00 to 11:30)',
    });
    expect(validateSessions([row('friday', '09:00', '17:00'), row('friday', '12:00', '13:00')], 'a')).toEqual({
      aSession2Start: 'Session 2 must not overlap session 1 (Friday 09:00 to 17:00)',
    });
  });

  it('refuses more than 14 sessions a week', () => {
    const many = Array.from({ length: 15 }, (_, i) => row('saturday', `${i + 6}:00`, `${i + 6}:30`));
    expect(validateSessions(many.slice(0, 14), 'activity')).toEqual({});
    expect(validateSessions(many, 'activity')).toEqual({ activitySessions: 'Add no more than 14 sessions a week' });
  });

  it('puts the API’s schedule issues on the session fields', () => {
    const issues = [
      { in: 'body' as const, path: 'schedule.1.startTime', code: 'custom', message: 'must not overlap the tuesday session 10:00–11:30' },
      { in: 'body' as const, path: 'schedule', code: 'too_big', message: 'must have at most 14 sessions a week' },
    ];
    expect(problemsFromIssues(issues, activityFields('activity', 2)).fields).toEqual({
      activitySession2Start: 'Start time of session 2 must not overlap the tuesday session 10:00–11:30',
      activitySessions: 'Weekly sessions must have at most 14 sessions a week',
    });
    expect(sessionFieldOrder('x', 1)).toEqual(['xSessions', 'xSession1Day', 'xSession1Start', 'xSession1End']);
    expect(activityFieldOrder('x', 0)).toEqual(['xVenue', 'xName', 'xCategory', 'xCapacity', 'xSessions']);
  });
});

const activity: Activity = {
  activityId: 'A1',
  providerId: 'P1',
  venueId: 'V1',
  name: 'Health walk',
  category: 'physical',
  capacity: 20,
  schedule: [
    { day: 'thursday', startTime: '14:00', endTime: '15:00' },
    { day: 'tuesday', startTime: '10:00', endTime: '11:30' },
  ],
  createdAt: '2026-01-01T09:00:00.000Z',
};
const venue: Venue = { venueId: 'V1', providerId: 'P1', name: 'Wardown Park Pavilion', postcode: 'LU2 7HA', createdAt: '2026-01-01T09:00:00.000Z' };

describe('adding and editing activities and venues', () => {
  it('a new activity starts with one session to fill in, and sends its schedule', () => {
    const form = emptyActivityForm([venue], ['physical']);
    expect(form).toEqual({ venueId: 'V1', name: '', category: 'physical', capacity: '', sessions: [emptySession()] });
    expect(Object.keys(validateActivity(form).fields).sort()).toEqual(['activityName', 'activitySession1Day', 'activitySession1End', 'activitySession1Start']);
    const filled = { ...form, name: 'Walk', sessions: [row('tuesday', '10:00', '11:30'), row('thursday', '14:00', '15:00')] };
    expect(validateActivity(filled).fields).toEqual({});
    expect(toCreateActivity(filled).schedule).toEqual([
      { day: 'tuesday', startTime: '10:00', endTime: '11:30' },
      { day: 'thursday', startTime: '14:00', endTime: '15:00' },
    ]);
    expect('schedule' in toCreateActivity({ ...filled, sessions: [] })).toBe(false);
  });

  it('an edit starts from the activity as it is, and sends every field (an empty capacity as null)', () => {
    const form = activityFormOf(activity);
    expect(form).toEqual({
      venueId: 'V1',
      name: 'Health walk',
      category: 'physical',
      capacity: '20',
      sessions: [row('tuesday', '10:00', '11:30'), row('thursday', '14:00', '15:00')],
    });
    expect(validateActivity(form, 'editActivity').fields).toEqual({});
    expect(toUpdateActivity({ ...form, capacity: ' ', sessions: [] })).toEqual({ venueId: 'V1', name: 'Health walk', category: 'physical', capacity: null, schedule: [] });
    expect(validateActivity({ ...form, name: '', capacity: '1001' }, 'editActivity').fields).toEqual({
      editActivityName: 'Enter the activity name',
      editActivityCapacity: 'Capacity must be a whole number from 1 to 1000',
    });
  });

  it('a venue edit checks its own fields', () => {
    expect(venueFormOf(venue)).toEqual({ name: 'Wardown Park Pavilion', postcode: 'LU2 7HA', town: '', county: '' });
    expect(validateVenue({ name: ' ', postcode: 'x', town: '', county: 'c'.repeat(61) }, 'editVenue').fields).toEqual({
      editVenueName: 'Enter the venue name',
      editVenuePostcode: 'Enter a real postcode, like LU1 2AB',
      editVenueCounty: 'County must be 60 characters or fewer',
    });
    expect(toUpdateVenue({ name: ' The Pavilion ', postcode: 'lu2 7ha', town: ' Luton ', county: '' })).toEqual({ name: 'The Pavilion', postcode: 'LU2 7HA', town: 'Luton', county: null });
  });
});

describe('the prescription’s activity picker', () => {
  it('says when each activity runs', () => {
    const provider = {
      providerId: 'P1',
      name: 'Wardown Walkers',
      categories: ['physical'],
      accreditation: { status: 'accredited', validUntil: '2027-12-31', currentlyAccredited: true, updatedAt: '' },
      createdAt: '',
      updatedAt: '',
    } as Provider;
    const options = activityOptions([provider], [venue], [activity, { ...activity, activityId: 'A2', name: 'Drop-in', schedule: undefined }], '2026-11-23');
    expect(options.map((o) => [o.name, o.when])).toEqual([
      ['Drop-in', 'No set times: ask the provider'],
      ['Health walk', 'Tuesdays 10:00–11:30, Thursdays 14:00–15:00'],
    ]);
  });
});
