import { addDays, isCalendarDate } from './dates';
import type { FieldMap, FormProblems } from './issues';
import type { AccreditationInput, Category, CreateActivity, CreateProvider, CreateVenue } from './types';

/** Forms for the provider registry: providers, their accreditation, venues and activities. */
export const ACCREDITATION_STATUSES: readonly { value: AccreditationInput['status']; label: string }[] = [
  { value: 'accredited', label: 'Accredited' },
  { value: 'suspended', label: 'Suspended' },
  { value: 'lapsed', label: 'Lapsed' },
];

export interface AccreditationForm {
  status: AccreditationInput['status'];
  validUntil: string;
}

export interface ProviderForm extends AccreditationForm {
  name: string;
  categories: Category[];
}

/** A new provider: accredited for a year from today unless the manager says otherwise. */
export const emptyProviderForm = (today: string): ProviderForm => ({
  name: '',
  categories: [],
  status: 'accredited',
  validUntil: addDays(today, 365),
});

export const PROVIDER_FIELDS: FieldMap = {
  name: { id: 'providerName', label: 'Name' },
  categories: { id: 'categories', label: 'Categories' },
  'accreditation.status': { id: 'accreditationStatus', label: 'Accreditation status' },
  'accreditation.validUntil': { id: 'validUntil', label: 'Valid until' },
  accreditation: { id: 'accreditationStatus', label: 'Accreditation' },
};

export const ACCREDITATION_FIELDS: FieldMap = {
  status: { id: 'changeStatus', label: 'Accreditation status' },
  validUntil: { id: 'changeValidUntil', label: 'Valid until' },
};

function checkAccreditation(form: AccreditationForm, ids: { status: string; validUntil: string }, fields: Record<string, string>) {
  if (!ACCREDITATION_STATUSES.some((s) => s.value === form.status)) fields[ids.status] = 'Select an accreditation status';
  if (!form.validUntil) fields[ids.validUntil] = 'Enter the last day the accreditation covers';
  else if (!isCalendarDate(form.validUntil)) fields[ids.validUntil] = 'Valid until must be a real date';
}

export function validateProvider(form: ProviderForm): FormProblems {
  const fields: Record<string, string> = {};
  if (!form.name.trim()) fields.providerName = 'Enter the provider’s name';
  else if (form.name.trim().length > 120) fields.providerName = 'Name must be 120 characters or fewer';
  if (form.categories.length === 0) fields.categories = 'Select at least one category';
  checkAccreditation(form, { status: 'accreditationStatus', validUntil: 'validUntil' }, fields);
  return { fields, general: [] };
}

export function toCreateProvider(form: ProviderForm): CreateProvider {
  return {
    name: form.name.trim(),
    categories: [...new Set(form.categories)],
    accreditation: { status: form.status, validUntil: form.validUntil },
  };
}

export function validateAccreditation(form: AccreditationForm): FormProblems {
  const fields: Record<string, string> = {};
  checkAccreditation(form, { status: 'changeStatus', validUntil: 'changeValidUntil' }, fields);
  return { fields, general: [] };
}

export const toAccreditationInput = (form: AccreditationForm): AccreditationInput => ({
  status: form.status,
  validUntil: form.validUntil,
});

export interface VenueForm {
  name: string;
  postcode: string;
}

export const VENUE_FIELDS: FieldMap = {
  name: { id: 'venueName', label: 'Venue name' },
  postcode: { id: 'venuePostcode', label: 'Postcode' },
};

/** A UK postcode's shape (the API checks it properly). */
const POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$/i;

export function validateVenue(form: VenueForm): FormProblems {
  const fields: Record<string, string> = {};
  if (!form.name.trim()) fields.venueName = 'Enter the venue name';
  if (!form.postcode.trim()) fields.venuePostcode = 'Enter the venue’s postcode';
  else if (!POSTCODE.test(form.postcode.trim())) fields.venuePostcode = 'Enter a real postcode, like LU1 2AB';
  return { fields, general: [] };
}

export const toCreateVenue = (form: VenueForm): CreateVenue => ({
  name: form.name.trim(),
  postcode: form.postcode.trim().toUpperCase(),
});

export interface ActivityForm {
  venueId: string;
  name: string;
  category: Category | '';
  capacity: string;
}

export const ACTIVITY_FIELDS: FieldMap = {
  venueId: { id: 'activityVenue', label: 'Venue' },
  name: { id: 'activityName', label: 'Activity name' },
  category: { id: 'activityCategory', label: 'Category' },
  capacity: { id: 'activityCapacity', label: 'Capacity' },
  schedule: { id: 'activityName', label: 'Schedule' },
};

export function validateActivity(form: ActivityForm): FormProblems {
  const fields: Record<string, string> = {};
  if (!form.venueId) fields.activityVenue = 'Select the venue';
  if (!form.name.trim()) fields.activityName = 'Enter the activity name';
  if (!form.category) fields.activityCategory = 'Select a category';
  const capacity = form.capacity.trim();
  if (capacity && (!/^\d+$/.test(capacity) || Number(capacity) < 1)) {
    fields.activityCapacity = 'Capacity must be a whole number, 1 or more';
  }
  return { fields, general: [] };
}

export function toCreateActivity(form: ActivityForm): CreateActivity {
  if (!form.category) throw new Error('category is required');
  const body: CreateActivity = { venueId: form.venueId, name: form.name.trim(), category: form.category };
  const capacity = form.capacity.trim();
  if (capacity) body.capacity = Number(capacity);
  return body;
}
