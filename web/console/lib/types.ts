import type { components } from '../../shared/openapi';

/** The API's schemas, by the names the console uses. Types only: nothing here reaches the bundle. */
type Schemas = components['schemas'];

export type Provider = Schemas['Provider'];
export type Accreditation = Schemas['Accreditation'];
export type AccreditationInput = Schemas['AccreditationInput'];
export type Category = Schemas['Category'];
export type Venue = Schemas['Venue'];
export type Activity = Schemas['Activity'];
export type CreateProvider = Schemas['CreateProvider'];
export type CreateVenue = Schemas['CreateVenue'];
export type CreateActivity = Schemas['CreateActivity'];
export type Patient = Schemas['Patient'];
export type Referral = Schemas['Referral'];
export type ReferralListItem = Schemas['ReferralListItem'];
export type CreateReferral = Schemas['CreateReferral'];
export type ReferralSource = CreateReferral['source'];
export type Assessment = Schemas['Assessment'];
export type RecordedAssessment = Schemas['RecordedAssessment'];
export type AssessmentInput = Schemas['AssessmentInput'];
export type CreateAssessment = Schemas['CreateAssessment'];
export type Ons4Input = Schemas['Ons4Input'];
export type Prescription = Schemas['Prescription'];
export type PrescriptionStatus = Prescription['status'];
export type CreatePrescription = Schemas['CreatePrescription'];
export type Card = Schemas['Card'];
export type RevokeReason = Schemas['RevokeCard']['reason'];
export type FollowUp = Schemas['FollowUp'];
export type AttendanceReport = Schemas['AttendanceReport'];
export type ProgrammeReport = Schemas['ProgrammeReport'];
export type WellbeingChange = Schemas['WellbeingChange'];
export type MeasureChange = Schemas['MeasureChange'];
export type SessionStats = Schemas['SessionStats'];
export type ApiErrorBody = Schemas['Error'];
export type ApiIssue = NonNullable<ApiErrorBody['error']['issues']>[number];
export type Role = 'provider' | 'navigator' | 'manager' | 'admin';
