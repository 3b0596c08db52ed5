import { describe, expect, it } from 'vitest';
import { accreditationState, isAccreditedOn } from '../../../web/console/lib/accreditation';

const today = '2026-11-23';
const state = (status: 'accredited' | 'suspended' | 'lapsed', validUntil: string) => accreditationState({ status, validUntil }, today);

describe('the accreditation warning', () => {
  it('says "Expires soon" within 30 days of the last valid day, and not before', () => {
    expect(state('accredited', '2026-12-24').label).toBe('Accredited'); // 31 days
    // The sentence beside the tag never repeats it ("Accredited Accredited.").
    expect(state('accredited', '2026-12-24').description).not.toMatch(/accredited/i);
    expect(state('accredited', '2026-12-23').label).toBe('Expires soon'); // 30 days
    expect(state('accredited', '2026-11-24').description).toMatch(/tomorrow/);
    expect(state('accredited', today)).toMatchObject({ state: 'expires_soon', daysLeft: 0 });
  });

  it('says "Expired" once the last valid day has passed', () => {
    expect(state('accredited', '2026-11-22')).toMatchObject({ state: 'expired', label: 'Expired', daysLeft: -1, tone: 'red' });
  });

  it('shows suspended and lapsed whatever the date', () => {
    expect(state('suspended', '2027-11-23').label).toBe('Suspended');
    expect(state('suspended', '2026-12-01').label).toBe('Suspended');
    expect(state('lapsed', '2026-01-01').label).toBe('Lapsed');
  });

  it('decides whether activities can be prescribed from a date', () => {
    expect(isAccreditedOn({ status: 'accredited', validUntil: '2026-11-23' }, '2026-11-23')).toBe(true);
    expect(isAccreditedOn({ status: 'accredited', validUntil: '2026-11-23' }, '2026-11-24')).toBe(false);
    expect(isAccreditedOn({ status: 'suspended', validUntil: '2027-11-23' }, '2026-11-23')).toBe(false);
  });
});
