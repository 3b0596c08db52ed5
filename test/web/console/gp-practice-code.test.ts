import { describe, expect, it } from 'vitest';
import { emptyReferralForm, toCreateReferral, validateReferral } from '../../../web/console/lib/referral';
import { detailsForm, toChangePatient, validateDetails } from '../../../web/console/lib/patient-edit';

const referral = { ...emptyReferralForm(), givenName: 'Ada', familyName: 'Lee', dateOfBirth: '1950-01-01', source: 'gp' as const, reasons: 'isolation' };
const patient = { patientId: '01JQ0000000000000000000001', givenName: 'Ada', familyName: 'Lee', dateOfBirth: '1950-01-01', gpPracticeCode: 'A81001', createdAt: '2026-01-01T00:00:00Z' };

describe('the GP practice ODS code in the console', () => {
  it('is checked before sending: one letter and five digits', () => {
    expect(validateReferral({ ...referral, gpPracticeCode: 'A8100' }, '2026-11-23').fields.gpPracticeCode).toMatch(/one letter and five digits/);
    expect(validateReferral({ ...referral, gpPracticeCode: 'a81 001' }, '2026-11-23').fields.gpPracticeCode).toBeUndefined();
    expect(validateDetails({ ...detailsForm(patient), gpPracticeCode: 'Bute House' }, '2026-11-23').fields.editGpPracticeCode).toMatch(/ODS code/);
  });

  it('is sent when given, and an emptied one removes it', () => {
    expect(toCreateReferral({ ...referral, gpPracticeCode: 'A81001' }).patient.gpPracticeCode).toBe('A81001');
    expect('gpPracticeCode' in toCreateReferral(referral).patient).toBe(false);
    expect(toChangePatient({ ...detailsForm(patient), gpPracticeCode: '' }, patient)).toEqual({ gpPracticeCode: null });
  });
});
