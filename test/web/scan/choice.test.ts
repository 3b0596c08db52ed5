import { describe, expect, it } from 'vitest';
import { activitiesAt, activityLabel, choiceForToday, defaultProviderId, localDay } from '../../../web/scan/choice';
import { parseConfig } from '../../../web/shared/cognito-rules';

const stored = { day: '2026-11-23', providerId: 'P1', venueId: 'V1', venueName: 'Futures House', activityId: 'A1', activityName: 'Friday lunch club' };

describe('today’s choice of venue and activity', () => {
  it('is kept for the day it was made, for the provider that made it', () => {
    expect(choiceForToday(JSON.stringify(stored), '2026-11-23', 'P1')).toEqual(stored);
    expect(choiceForToday(JSON.stringify(stored), '2026-11-24', 'P1')).toBeUndefined();
    expect(choiceForToday(JSON.stringify(stored), '2026-11-23', 'P2')).toBeUndefined();
    expect(choiceForToday(JSON.stringify(stored), '2026-11-23', undefined)).toBeUndefined();
  });

  it('ignores nothing stored, junk, and a choice without a venue', () => {
    expect(choiceForToday(null, '2026-11-23', 'P1')).toBeUndefined();
    expect(choiceForToday('{not json', '2026-11-23', 'P1')).toBeUndefined();
    expect(choiceForToday('null', '2026-11-23', 'P1')).toBeUndefined();
    expect(choiceForToday(JSON.stringify({ ...stored, venueId: undefined }), '2026-11-23', 'P1')).toBeUndefined();
  });

  it('may have no activity', () => {
    const { activityId: _a, activityName: _n, ...venueOnly } = stored;
    expect(choiceForToday(JSON.stringify(venueOnly), '2026-11-23', 'P1')).toEqual(venueOnly);
    expect(activityLabel(venueOnly)).toBe('No particular activity');
    expect(activityLabel(stored)).toBe('Friday lunch club');
  });

  it('uses the device’s local calendar day', () => {
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(localDay(new Date(2026, 11, 31, 0, 0))).toBe('2026-12-31');
  });

  it('lists the activities at the chosen venue, by name', () => {
    const activities = [
      { venueId: 'V1', name: 'Zumba' },
      { venueId: 'V2', name: 'Art' },
      { venueId: 'V1', name: 'Art for wellbeing' },
    ];
    expect(activitiesAt(activities, 'V1').map((activity) => activity.name)).toEqual(['Art for wellbeing', 'Zumba']);
    expect(activitiesAt(activities, 'V3')).toEqual([]);
  });
});

describe('parseConfig', () => {
  it('is local only when /config.json says so; otherwise the organisation’s sign-in', () => {
    expect(parseConfig({ mode: 'local' })).toEqual({ mode: 'local' });
    expect(parseConfig(undefined)).toEqual({ mode: 'organisation' });
    expect(parseConfig('local')).toEqual({ mode: 'organisation' });
    expect(parseConfig({ mode: 'cognito' })).toEqual({ mode: 'organisation' });
  });

  it('keeps the Cognito settings a deployment writes, for the organisation sign-in', () => {
    const cognito = { region: 'eu-west-2', userPoolId: 'eu-west-2_abc', clientId: 'client', domain: 'waymark-auth.auth.eu-west-2.amazoncognito.com' };
    expect(parseConfig({ mode: 'cognito', ...cognito })).toEqual({ mode: 'organisation', cognito });
  });
});

describe('the provider a local sign-in starts on', () => {
  const provider = (providerId: string, currentlyAccredited: boolean) => ({ providerId, accreditation: { currentlyAccredited } });
  it('is the first accredited one, never a suspended one listed before it', () => {
    expect(defaultProviderId([provider('SUSPENDED', false), provider('OK-1', true), provider('OK-2', true)])).toBe('OK-1');
  });
  it('is the first of all when none is accredited, and nothing when there are none', () => {
    expect(defaultProviderId([provider('A', false), provider('B', false)])).toBe('A');
    expect(defaultProviderId([])).toBe('');
  });
});
