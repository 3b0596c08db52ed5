import { describe, expect, it } from 'vitest';
import {
  decodeBackfillPosition,
  encodeBackfillPosition,
  latestReferralOf,
  planPatientBackfill,
  summaryFromRecords,
  summaryNeedsBackfill,
  type PrescriptionFacts,
} from '#shared/patients/backfill-rules';
import { PRESCRIPTION_SUMMARY_FIELDS } from '#shared/patients/caseload';
import { identityHashOf, type ReferralRecord } from '#shared/patients/rules';

/** The backfill's planning (decision 92): pure, hand-checked. */
const P = '01JD000000000000000000PAT1';
const R1 = '01JD0000000000000000000RF1';
const R2 = '01JD0000000000000000000RF2';
const referral = (referralId: string, createdAt: string, status: ReferralRecord['status']): ReferralRecord =>
  ({ referralId, patientId: P, status, source: 'gp', reasons: ['isolation'], createdAt }) as ReferralRecord;
const prescription: PrescriptionFacts = {
  prescriptionId: '01JD00000000000000000PRSC1',
  status: 'active',
  startDate: '2026-03-02',
  endDate: '2026-05-25',
  weeks: 12,
  pausedDays: 0,
  followUpDueAt: '2026-05-25T08:00:00.000Z',
  createdAt: '2026-03-01T10:00:00.000Z',
};
const patient = { patientId: P, givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1950-12-10', openReferralId: R2 };

describe('summaryFromRecords', () => {
  it('the latest referral, its episode’s prescription and the latest contact, as the live writes set them', () => {
    const change = summaryFromRecords(
      {
        referrals: [referral(R1, '2025-01-01T09:00:00.000Z', 'closed'), referral(R2, '2026-02-20T09:00:00.000Z', 'prescribed')],
        latestPrescription: prescription,
        contacts: [{ at: '2026-02-25T10:00:00.000Z' }, { at: '2026-03-04T10:00:00.000Z' }, { at: '2026-01-10T10:00:00.000Z' }],
      },
      R2,
    );
    expect(change).toEqual({
      set: {
        referralStatus: 'prescribed',
        referralReceivedAt: '2026-02-20T09:00:00.000Z',
        prescriptionId: prescription.prescriptionId,
        prescriptionStatus: 'active',
        prescriptionStartDate: '2026-03-02',
        prescriptionEndDate: '2026-05-25',
        prescriptionWeeks: 12,
        prescriptionPausedDays: 0,
        followUpDueAt: '2026-05-25T08:00:00.000Z',
        // The latest, not the last recorded: a contact may be dated back.
        lastContactAt: '2026-03-04T10:00:00.000Z',
      },
    });
  });

  it('an earlier episode’s prescription is not current: its fields are removed, as a new episode removes them', () => {
    const change = summaryFromRecords(
      { referrals: [referral(R1, '2025-01-01T09:00:00.000Z', 'closed'), referral(R2, '2026-04-01T09:00:00.000Z', 'received')], latestPrescription: prescription, contacts: [] },
      R2,
    );
    expect(change).toEqual({ set: { referralStatus: 'received', referralReceivedAt: '2026-04-01T09:00:00.000Z' }, remove: PRESCRIPTION_SUMMARY_FIELDS });
  });

  it('no referral: nothing to summarise', () => {
    expect(summaryFromRecords({ referrals: [], contacts: [{ at: '2026-01-01T00:00:00Z' }] }, R1)).toBeUndefined();
  });

  it('the latest referral is the one openReferralId names, else the newest', () => {
    const older = referral(R1, '2025-01-01T09:00:00.000Z', 'declined');
    const newer = referral(R2, '2026-01-01T09:00:00.000Z', 'received');
    expect(latestReferralOf([newer, older], R1)).toBe(older);
    expect(latestReferralOf([older, newer], undefined)).toBe(newer);
    expect(latestReferralOf([older, newer], 'someone-else')).toBe(newer);
  });
});

describe('planPatientBackfill', () => {
  const records = { referrals: [referral(R2, '2026-02-20T09:00:00.000Z', 'received')], contacts: [] };

  it('a v1 patient: both the identity (the same hash a live write makes) and the summary', () => {
    expect(planPatientBackfill(patient, {}, records)).toEqual({
      patientId: P,
      identityHash: identityHashOf({ givenName: ' ada ', familyName: 'LOVELACE', dateOfBirth: '1950-12-10' }),
      summary: { set: { referralStatus: 'received', referralReceivedAt: '2026-02-20T09:00:00.000Z' }, remove: PRESCRIPTION_SUMMARY_FIELDS },
    });
  });

  it('a patient with both is left alone (a second run plans nothing), and one with only one gets the other', () => {
    const done = { ...patient, identityHash: 'abc' };
    expect(planPatientBackfill(done, { referralStatus: 'received' }, records)).toBeUndefined();
    expect(planPatientBackfill(done, {}, records)).toMatchObject({ summary: expect.any(Object) });
    expect(planPatientBackfill(done, {}, records)?.identityHash).toBeUndefined();
    expect(planPatientBackfill(patient, { referralStatus: 'accepted' }, undefined)).toEqual({ patientId: P, identityHash: expect.any(String) });
  });

  it('a summary that only a live contact or prescription change has touched is still a v1 summary (no referral status)', () => {
    expect(summaryNeedsBackfill({ lastContactAt: '2026-01-01T00:00:00Z' })).toBe(true);
    expect(summaryNeedsBackfill({ referralStatus: 'closed' })).toBe(false);
  });
});

describe('resume tokens', () => {
  it('round-trip a position, and refuse anything else', () => {
    const position = { segment: 2, segments: 4, startKey: { PK: `PATIENT#${P}`, SK: 'PATIENT' } };
    expect(decodeBackfillPosition(encodeBackfillPosition(position))).toEqual(position);
    const bad = [
      'not-base64-json',
      encodeBackfillPosition({ ...position, segment: 4 }),
      encodeBackfillPosition({ ...position, segments: 0 }),
      encodeBackfillPosition({ ...position, startKey: { PK: 'NHSNUMBER#9434765919', SK: 'NHSNUMBER' } }),
      Buffer.from(JSON.stringify({ segment: 0, segments: 1 })).toString('base64url'),
    ];
    for (const token of bad) expect(decodeBackfillPosition(token), token).toBeUndefined();
  });
});
