import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/platform/clock';
import {
  activityChangeChecks,
  activityChangeProblems,
  changedActivity,
  orderedSchedule,
  scheduleClashes,
  venueChanges,
  type ActivityRecord,
  type WeeklySessionRecord,
} from '#shared/registry/rules';
import { UpdateActivityBody, UpdateVenueBody, WeeklySchedule } from '#shared/registry/schema';

const clock = fixedClock('2026-06-01T12:00:00Z');
const session = (day: WeeklySessionRecord['day'], startTime: string, endTime: string): WeeklySessionRecord => ({ day, startTime, endTime });

describe('weekly schedules', () => {
  it('finds each session that overlaps an earlier one on the same day, once, with the first it overlaps', () => {
    const schedule = [
      session('tuesday', '10:00', '11:30'),
      session('tuesday', '11:30', '12:00'), // touches: fine
      session('wednesday', '10:00', '11:30'), // another day: fine
      session('tuesday', '09:00', '10:30'), // overlaps the first
      session('tuesday', '10:00', '12:00'), // overlaps the first and the second
    ];
    expect(scheduleClashes(schedule)).toEqual([
      { index: 3, with: schedule[0] },
      { index: 4, with: schedule[0] },
    ]);
    expect(scheduleClashes([])).toEqual([]);
  });

  it('keeps a schedule in week order: Monday first, then by start time', () => {
    const schedule = [session('sunday', '10:00', '11:00'), session('tuesday', '14:00', '15:00'), session('monday', '18:00', '19:00'), session('tuesday', '09:30', '10:00')];
    expect(orderedSchedule(schedule).map((s) => `${s.day} ${s.startTime}`)).toEqual(['monday 18:00', 'tuesday 09:30', 'tuesday 14:00', 'sunday 10:00']);
    expect(schedule[0]!.day).toBe('sunday'); // the input is left as it was
  });

  it('is validated as a whole: at most 14 sessions, and no overlap on one day', () => {
    expect(WeeklySchedule.safeParse([session('monday', '10:00', '11:00'), session('monday', '11:00', '12:00')]).success).toBe(true);
    const overlap = WeeklySchedule.safeParse([session('monday', '10:00', '11:00'), session('monday', '10:59', '12:00')]);
    expect(overlap.error?.issues).toEqual([expect.objectContaining({ path: [1, 'startTime'], message: 'must not overlap the monday session 10:00–11:00' })]);
    const many = Array.from({ length: 15 }, (_, i) => session('saturday', `${String(i + 7).padStart(2, '0')}:00`, `${String(i + 7).padStart(2, '0')}:45`));
    expect(WeeklySchedule.safeParse(many.slice(0, 14)).success).toBe(true);
    expect(WeeklySchedule.safeParse(many).error?.issues[0]?.message).toBe('must have at most 14 sessions a week');
  });
});

describe('changes to venues and activities', () => {
  const activity: ActivityRecord = {
    activityId: 'A1',
    providerId: 'P1',
    venueId: 'V1',
    name: 'Health walk',
    category: 'physical',
    capacity: 20,
    schedule: [session('tuesday', '10:00', '11:00')],
    createdAt: '2026-01-01T09:00:00.000Z',
  };
  const provider = { providerId: 'P1', categories: ['physical' as const, 'social' as const] };

  it('a change body needs at least one known field', () => {
    expect(UpdateVenueBody.safeParse({}).success).toBe(false);
    expect(UpdateVenueBody.safeParse({ name: 'Hall', extra: 1 }).success).toBe(false);
    expect(UpdateVenueBody.safeParse({ postcode: 'lu1 2ab' }).success).toBe(true);
    expect(UpdateActivityBody.safeParse({}).success).toBe(false);
    expect(UpdateActivityBody.safeParse({ capacity: null }).success).toBe(true);
    expect(UpdateActivityBody.safeParse({ schedule: [] }).success).toBe(true);
  });

  it('a venue change writes what was given, the postcode normalised, with the time', () => {
    expect(venueChanges({ postcode: ' lu12ab ' }, clock)).toEqual({ postcode: 'LU1 2AB', updatedAt: '2026-06-01T12:00:00.000Z' });
    expect(venueChanges({ name: 'Hall' }, clock)).toEqual({ name: 'Hall', updatedAt: '2026-06-01T12:00:00.000Z' });
  });

  it('checks only what moves: a new venue must be the provider’s, a new category accredited', () => {
    // The provider has since lost 'physical': renaming is still fine, and so is "changing" to the same category.
    const lost = { providerId: 'P1', categories: ['social' as const] };
    expect(activityChangeProblems(activity, lost, undefined, { name: 'Walk' })).toEqual([]);
    expect(activityChangeProblems(activity, lost, undefined, { category: 'physical', venueId: 'V1' })).toEqual([]);
    expect(activityChangeChecks(activity, { category: 'physical', venueId: 'V1' })).toEqual({});
    const problems = activityChangeProblems(activity, provider, { providerId: 'P2' }, { venueId: 'V9', category: 'advice' });
    expect(problems.map((p) => p.code)).toEqual(['venue_not_at_provider', 'category_not_accredited']);
    expect(activityChangeProblems(activity, provider, undefined, { venueId: 'V9' }).map((p) => p.code)).toEqual(['venue_not_at_provider']);
    expect(activityChangeChecks(activity, { venueId: 'V2', category: 'social' })).toEqual({ venueId: 'V2', category: 'social' });
  });

  it('applies a change: null removes the capacity, a schedule replaces the week (ordered), an empty one removes it', () => {
    const next = changedActivity(activity, { capacity: null, schedule: [session('thursday', '14:00', '15:00'), session('monday', '09:00', '10:00')] }, clock);
    expect(next).toEqual({
      ...activity,
      capacity: undefined,
      schedule: [session('monday', '09:00', '10:00'), session('thursday', '14:00', '15:00')],
      updatedAt: '2026-06-01T12:00:00.000Z',
    });
    expect('capacity' in next).toBe(false);
    const cleared = changedActivity(activity, { schedule: [] }, clock);
    expect('schedule' in cleared).toBe(false);
    expect(cleared.capacity).toBe(20);
    expect(changedActivity(activity, { name: 'Nordic walk' }, clock)).toMatchObject({ name: 'Nordic walk', schedule: activity.schedule, capacity: 20 });
  });
});
