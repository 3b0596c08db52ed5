import { describe, expect, it } from 'vitest';
import { describeIssue, fieldForPath, problemsFromError, problemsFromIssues, summaryOf } from '../../../web/console/lib/issues';
import { REFERRAL_FIELDS, REFERRAL_FIELD_ORDER } from '../../../web/console/lib/referral';
import { ASSESSMENT_FIELDS } from '../../../web/console/lib/assessment';

const issue = (path: string, message: string) => ({ in: 'body' as const, path, code: 'custom', message });

describe('API issues on fields', () => {
  it('finds the field of a path, or of its nearest parent', () => {
    expect(fieldForPath('patient.givenName', REFERRAL_FIELDS)?.id).toBe('givenName');
    expect(fieldForPath('reasons.3', REFERRAL_FIELDS)?.id).toBe('reasons');
    expect(fieldForPath('patient', REFERRAL_FIELDS)).toBeUndefined();
    expect(fieldForPath('assessment.ons4.happy', ASSESSMENT_FIELDS, 'assessment')?.id).toBe('ons4-happy');
    expect(fieldForPath('assessment.swemwbs.6', ASSESSMENT_FIELDS, 'assessment')?.id).toBe('swemwbs-7');
    expect(fieldForPath('assessment.swemwbs', ASSESSMENT_FIELDS, 'assessment')?.id).toBe('swemwbs-1');
  });

  it('places each issue by its path, starting the message with the label', () => {
    const problems = problemsFromIssues(
      [
        issue('patient.givenName', 'must not be empty'),
        issue('patient.nhsNumber', 'must be a valid 10-digit NHS number (Modulus 11 check digit)'),
        issue('patient.email', 'must be an email address'),
        issue('patient.email', 'a second message is dropped'),
        issue('reasons', 'at least one reason'),
        issue('somethingElse', 'Unrecognized key'),
      ],
      REFERRAL_FIELDS,
    );
    expect(problems.fields).toEqual({
      givenName: 'Given name must not be empty',
      nhsNumber: 'NHS number must be a valid 10-digit NHS number (Modulus 11 check digit)',
      email: 'Email must be an email address',
      reasons: 'Reasons at least one reason',
    });
    expect(problems.general).toEqual(['somethingElse: Unrecognized key']);
  });

  it('keeps a message that is not a predicate readable', () => {
    expect(describeIssue('Weeks', 'Too big: expected number to be <=16')).toBe('Weeks: Too big: expected number to be <=16');
    expect(describeIssue('Weeks', 'must be a whole number of weeks')).toBe('Weeks must be a whole number of weeks');
  });

  it('falls back to the error message when a failure has no field issues', () => {
    const conflict = { error: { code: 'prescription_exists', message: 'This patient already has a prescription.' } };
    expect(problemsFromError(conflict, REFERRAL_FIELDS)).toEqual({ fields: {}, general: ['This patient already has a prescription.'] });
    expect(problemsFromError(undefined, REFERRAL_FIELDS, '', 'Try again.')).toEqual({ fields: {}, general: ['Try again.'] });
  });

  it('summarises problems in the order of the form', () => {
    const rows = summaryOf({ fields: { reasons: 'R', givenName: 'G', extra: 'E' }, general: ['Other'] }, REFERRAL_FIELD_ORDER);
    expect(rows).toEqual([
      { id: 'givenName', message: 'G' },
      { id: 'reasons', message: 'R' },
      { id: 'extra', message: 'E' },
      { message: 'Other' },
    ]);
  });
});
