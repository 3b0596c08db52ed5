import { addDays, isCalendarDate } from './dates';
import type { FieldMap, FormProblems } from './issues';
import { emptySession, scheduleFields, sessionFieldOrder, sessionsOf, toSchedule, validateSessions, type SessionForm } from './schedule';
import type { AccreditationInput, Activity, Category, CreateActivity, CreateProvider, CreateVenue, UpdateActivity, UpdateVenue, Venue } from './types';

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
  /** Optional: for its address in the directory feed ('' when not recorded). */
  town: string;
  county: string;
}

export const emptyVenueForm = (): VenueForm => ({ name: '', postcode: '', town: '', county: '' });

/**
 * The ids of a venue form's inputs: `venue` for adding one (venueName, venuePostcode, venueTown,
 * venueCounty), another prefix for the edit form, so both can be on the page at once.
 */
export const venueIds = (prefix = 'venue') => ({ name: `${prefix}Name`, postcode: `${prefix}Postcode`, town: `${prefix}Town`, county: `${prefix}County` });

/** The order a venue form's problems are listed in. */
export const venueFieldOrder = (prefix = 'venue') => {
  const ids = venueIds(prefix);
  return [ids.name, ids.postcode, ids.town, ids.county];
};

export const venueFields = (prefix = 'venue'): FieldMap => ({
  name: { id: venueIds(prefix).name, label: 'Venue name' },
  postcode: { id: venueIds(prefix).postcode, label: 'Postcode' },
  town: { id: venueIds(prefix).town, label: 'Town or city' },
  county: { id: venueIds(prefix).county, label: 'County' },
});

/** The longest town or county the API keeps. */
export const PLACE_MAX = 60;

export const VENUE_FIELDS: FieldMap = venueFields();

/** A UK postcode's shape (the API checks it properly). */
const POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$/i;

export function validateVenue(form: VenueForm, prefix = 'venue'): FormProblems {
  const ids = venueIds(prefix);
  const fields: Record<string, string> = {};
  if (!form.name.trim()) fields[ids.name] = 'Enter the venue name';
  if (!form.postcode.trim()) fields[ids.postcode] = 'Enter the venue’s postcode';
  else if (!POSTCODE.test(form.postcode.trim())) fields[ids.postcode] = 'Enter a real postcode, like LU1 2AB';
  if (form.town.trim().length > PLACE_MAX) fields[ids.town] = `Town or city must be ${PLACE_MAX} characters or fewer`;
  if (form.county.trim().length > PLACE_MAX) fields[ids.county] = `County must be ${PLACE_MAX} characters or fewer`;
  return { fields, general: [] };
}

export const toCreateVenue = (form: VenueForm): CreateVenue => ({
  name: form.name.trim(),
  postcode: form.postcode.trim().toUpperCase(),
  ...(form.town.trim() ? { town: form.town.trim() } : {}),
  ...(form.county.trim() ? { county: form.county.trim() } : {}),
});

export const venueFormOf = (venue: Venue): VenueForm => ({ name: venue.name, postcode: venue.postcode, town: venue.town ?? '', county: venue.county ?? '' });

/** The body of `PATCH …/venues/{venueId}`: every field as the form holds it; an emptied town or county is removed (null). */
export const toUpdateVenue = (form: VenueForm): UpdateVenue => ({
  name: form.name.trim(),
  postcode: form.postcode.trim().toUpperCase(),
  town: form.town.trim() || null,
  county: form.county.trim() || null,
});

/** "Luton, Bedfordshire", or what there is of it. */
export const venuePlace = (venue: Pick<Venue, 'town' | 'county'>): string => [venue.town, venue.county].filter(Boolean).join(', ');

export interface ActivityForm {
  venueId: string;
  name: string;
  category: Category | '';
  capacity: string;
  /** The weekly sessions, one row each. */
  sessions: SessionForm[];
}

/** A new activity: one empty session to fill in (it can be removed for one with no set times). */
export const emptyActivityForm = (venues: readonly Venue[], categories: readonly Category[]): ActivityForm => ({
  venueId: venues.length === 1 ? venues[0]!.venueId : '',
  name: '',
  category: categories.length === 1 ? categories[0]! : '',
  capacity: '',
  sessions: [emptySession()],
});

export const activityFormOf = (activity: Activity): ActivityForm => ({
  venueId: activity.venueId,
  name: activity.name,
  category: activity.category,
  capacity: activity.capacity === undefined ? '' : String(activity.capacity),
  sessions: sessionsOf(activity.schedule),
});

/** The ids of an activity form's inputs: `activity` for adding one (activityVenue, …), another prefix for editing. */
export const activityIds = (prefix = 'activity') => ({
  venue: `${prefix}Venue`,
  name: `${prefix}Name`,
  category: `${prefix}Category`,
  capacity: `${prefix}Capacity`,
});

/** Where the API's issues land, for a form with `sessionCount` session rows. */
export function activityFields(prefix = 'activity', sessionCount = 0): FieldMap {
  const ids = activityIds(prefix);
  return {
    venueId: { id: ids.venue, label: 'Venue' },
    name: { id: ids.name, label: 'Activity name' },
    category: { id: ids.category, label: 'Category' },
    capacity: { id: ids.capacity, label: 'Capacity' },
    ...scheduleFields(prefix, sessionCount),
  };
}

export const ACTIVITY_FIELDS: FieldMap = activityFields();

/** The form's input ids in the order they appear, for the error summary. */
export const activityFieldOrder = (prefix: string, sessionCount: number): string[] => {
  const ids = activityIds(prefix);
  return [ids.venue, ids.name, ids.category, ids.capacity, ...sessionFieldOrder(prefix, sessionCount)];
};

export function validateActivity(form: ActivityForm, prefix = 'activity'): FormProblems {
  const ids = activityIds(prefix);
  const fields: Record<string, string> = {};
  if (!form.venueId) fields[ids.venue] = 'Select the venue';
  if (!form.name.trim()) fields[ids.name] = 'Enter the activity name';
  if (!form.category) fields[ids.category] = 'Select a category';
  const capacity = form.capacity.trim();
  if (capacity && (!/^\d+$/.test(capacity) || Number(capacity) < 1 || Number(capacity) > 1000)) {
    fields[ids.capacity] = 'Capacity must be a whole number from 1 to 1000';
  }
  Object.assign(fields, validateSessions(form.sessions, prefix));
  return { fields, general: [] };
}

export function toCreateActivity(form: ActivityForm): CreateActivity {
  if (!form.category) throw new Error('category is required');
  const body: CreateActivity = { venueId: form.venueId, name: form.name.trim(), category: form.category };
  const capacity = form.capacity.trim();
  if (capacity) body.capacity = Number(capacity);
  if (form.sessions.length > 0) body.schedule = toSchedule(form.sessions);
  return body;
}

/**
 * The body of `PATCH …/activities/{activityId}`: every field as the form holds it — an empty
 * capacity removes it (null), and no sessions remove the times (an empty schedule).
 */
export function toUpdateActivity(form: ActivityForm): UpdateActivity {
  if (!form.category) throw new Error('category is required');
  const capacity = form.capacity.trim();
  return {
    venueId: form.venueId,
    name: form.name.trim(),
    category: form.category,
    capacity: capacity ? Number(capacity) : null,
    schedule: toSchedule(form.sessions),
  };
}
