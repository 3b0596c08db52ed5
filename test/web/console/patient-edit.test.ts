import { describe, expect, it } from 'vitest';
import { detailsForm, toChangePatient, validateDetails, type DetailsForm } from '../../../web/console/lib/patient-edit';

const patient = {
  patientId: 'p1',
  navigator: 'n1',
  givenName: 'Joan',
  familyName: 'Baptiste',
  dateOfBirth: '1950-05-01',
  nhsNumber: '9434765919',
  email: 'joan@example.org',
  preferredContact: 'email' as const,
  createdAt: '2026-11-01T10:00:00.000Z',
};
const form = (changes: Partial<DetailsForm> = {}): DetailsForm => ({ ...detailsForm(patient), ...changes });

describe('editing a patient’s details', () => {
  it('starts from the record, absent fields empty', () => {
    expect(detailsForm(patient)).toEqual({
      givenName: 'Joan',
      familyName: 'Baptiste',
      dateOfBirth: '1950-05-01',
      nhsNumber: '9434765919',
      postcode: '',
      phone: '',
      email: 'joan@example.org',
      gpPractice: '',
      gpPracticeCode: '',
      preferredContact: 'email',
      sex: '',
      genderIdentity: '',
      ethnicity: '',
      disability: '',
      imdDecile: '',
    });
  });

  it('sends only what changed, an emptied field as null', () => {
    expect(toChangePatient(form(), patient)).toEqual({});
    expect(toChangePatient(form({ familyName: ' Baptiste-Cole ', phone: '01582 123456', email: '', preferredContact: 'letter' }), patient)).toEqual({
      familyName: 'Baptiste-Cole',
      phone: '01582 123456',
      email: null,
      preferredContact: 'letter',
    });
    expect(toChangePatient(form({ preferredContact: '' }), patient)).toEqual({ preferredContact: null });
  });

  it('checks the fields before sending', () => {
    expect(validateDetails(form(), '2026-12-02').fields).toEqual({});
    expect(validateDetails(form({ givenName: ' ', dateOfBirth: '2027-01-01', nhsNumber: '94x', email: 'joan' }), '2026-12-02').fields).toEqual({
      editGivenName: 'Enter the given name',
      editDateOfBirth: 'Date of birth must be in the past',
      editNhsNumber: 'NHS number must be 10 digits, like 943 476 5919',
      editEmail: 'Enter an email address in the correct format, like name@example.com',
    });
    expect(validateDetails(form({ preferredContact: 'text' }), '2026-12-02').fields).toEqual({
      editPreferredContact: 'Enter a phone number to be contacted by phone or text',
    });
    expect(validateDetails(form({ email: '', preferredContact: 'email' }), '2026-12-02').fields).toEqual({
      editPreferredContact: 'Enter an email address to be contacted by email',
    });
  });
});
