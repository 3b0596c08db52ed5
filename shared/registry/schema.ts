import { z } from '@hono/zod-openapi';
import { plainText } from '#shared/platform/text';
import { isCalendarDate } from '#shared/platform/london';
import { ULID_PATTERN } from '#shared/platform/ids';
import { MAX_WEEKLY_SESSIONS, WEEKDAYS, isValidPostcode, scheduleClashes } from './rules';

export { WEEKDAYS };

/** The five areas a provider can be accredited for. */
export const CATEGORIES = ['social', 'volunteering', 'physical', 'wellbeing', 'advice'] as const;
export const ACCREDITATION_STATUSES = ['accredited', 'suspended', 'lapsed'] as const;
/**
 * Every status a provider can be in. `pending` is only ever given by an import (decision in
 * ARCHITECTURE.md): listed nowhere, refused at every scan, until a manager sets one of the three above.
 */
export const PROVIDER_STATUSES = [...ACCREDITATION_STATUSES, 'pending'] as const;

export const Category = z.enum(CATEGORIES).openapi('Category', {
  description:
    'social (social activity), volunteering, physical (physical activity), wellbeing (wellbeing and mental health), advice (information, advice and guidance)',
});

export const CalendarDate = z
  .string()
  .refine(isCalendarDate, 'must be a real calendar date, YYYY-MM-DD')
  .openapi({ format: 'date', example: '2027-03-31' });

const Instant = z.string().openapi({ format: 'date-time', example: '2026-11-23T09:00:00.000Z' });
const Name = plainText(z.string().trim().min(1, 'must not be empty').max(120));
const Id = z.string().regex(ULID_PATTERN, 'must be a 26-character ULID');

export const AccreditationInput = z
  .object({
    status: z.enum(ACCREDITATION_STATUSES),
    validUntil: CalendarDate.openapi({ description: 'Last London date the accreditation covers.' }),
  })
  .openapi('AccreditationInput');

export const CreateProviderBody = z
  .object({
    name: Name,
    categories: z
      .array(Category)
      .min(1, 'at least one category')
      .max(CATEGORIES.length)
      .refine((list) => new Set(list).size === list.length, 'categories must not repeat'),
    accreditation: AccreditationInput,
  })
  .openapi('CreateProvider');

// Not an extension of AccreditationInput: OpenAPI would then say allOf, and the intersection would drop `pending`.
export const Accreditation = z.object({
  status: z.enum(PROVIDER_STATUSES).openapi({ description: '`pending`: imported and not yet accredited by a manager (never accepted at a scan).' }),
  validUntil: AccreditationInput.shape.validUntil,
  /** Derived with the server clock: accredited, and validUntil is today (London) or later. */
  currentlyAccredited: z.boolean(),
  updatedAt: Instant,
}).openapi('Accreditation');

export const Provider = z
  .object({
    providerId: Id,
    name: z.string(),
    categories: z.array(Category),
    accreditation: Accreditation,
    listed: z.boolean().openapi({ description: 'Whether the public ORUK directory feed (/oruk/) may list it, when accredited. Listed unless opted out.' }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi('Provider');

export const ListingInput = z
  .object({ listed: z.boolean().openapi({ description: 'true: listed in the public directory while accredited; false: never listed.' }) })
  .openapi('Listing');

export const Postcode = z
  .string()
  .trim()
  .max(10)
  .refine(isValidPostcode, 'must be a valid UK postcode, e.g. LU1 2AB')
  .openapi({ example: 'LU1 2AB', description: 'A UK postcode; stored normalised (upper case, one space).' });

/** A venue's town and county (the ORUK address's `city` and `state_province`): one line each, optional. */
const Place = plainText(z.string().trim().min(1, 'must not be empty').max(60));
const Town = Place.openapi({ example: 'Luton', description: 'The town or city, for its address in the directory feed.' });
const County = Place.openapi({ example: 'Bedfordshire', description: 'The county, for its address in the directory feed.' });

export const CreateVenueBody = z.object({ name: Name, postcode: Postcode, town: Town.optional(), county: County.optional() }).openapi('CreateVenue');

/** A change asks for at least one field; a field this API does not know is refused (not ignored), so a typo is never a silent no-op. */
const someChange = { message: 'give at least one change', path: ['name'] };
const hasSomeChange = (body: Record<string, unknown>) => Object.values(body).some((value) => value !== undefined);

export const UpdateVenueBody = z
  .strictObject({
    name: Name.optional(),
    postcode: Postcode.optional(),
    town: Town.nullable().optional().openapi({ description: 'The town or city; null removes it.' }),
    county: County.nullable().optional().openapi({ description: 'The county; null removes it.' }),
  })
  .refine(hasSomeChange, someChange)
  .openapi('UpdateVenue');

export const Venue = z
  .object({
    venueId: Id,
    providerId: Id,
    name: z.string(),
    postcode: z.string(),
    town: z.string().optional().openapi({ description: 'Its town or city (absent if not recorded).' }),
    county: z.string().optional().openapi({ description: 'Its county (absent if not recorded).' }),
    createdAt: Instant,
    updatedAt: Instant.optional(),
  })
  .openapi('Venue');

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time, HH:MM');

export const WeeklySession = z
  .object({ day: z.enum(WEEKDAYS), startTime: ClockTime, endTime: ClockTime })
  .refine((s) => s.startTime < s.endTime, { message: 'endTime must be after startTime', path: ['endTime'] })
  .openapi('WeeklySession');

/** The week's sessions: at most two a day on average, and never two at once on the same day. */
export const WeeklySchedule = z
  .array(WeeklySession)
  .max(MAX_WEEKLY_SESSIONS, `must have at most ${MAX_WEEKLY_SESSIONS} sessions a week`)
  .superRefine((sessions, ctx) => {
    for (const clash of scheduleClashes(sessions)) {
      ctx.addIssue({
        code: 'custom',
        path: [clash.index, 'startTime'],
        message: `must not overlap the ${clash.with.day} session ${clash.with.startTime}–${clash.with.endTime}`,
      });
    }
  })
  .openapi({
    description: `The weekly sessions, London local times, kept Monday first and by start time; at most ${MAX_WEEKLY_SESSIONS}, none overlapping another on the same day (one may start when another ends).`,
  });

const Capacity = z.number().int().min(1).max(1000);

export const CreateActivityBody = z
  .object({
    venueId: Id,
    name: Name,
    category: Category,
    capacity: Capacity.optional(),
    schedule: WeeklySchedule.optional(),
  })
  .openapi('CreateActivity');

export const UpdateActivityBody = z
  .strictObject({
    venueId: Id.optional().openapi({ description: 'Another of the provider’s venues.' }),
    name: Name.optional(),
    category: Category.optional().openapi({ description: 'A category the provider is accredited for (checked only when it changes).' }),
    capacity: Capacity.nullable().optional().openapi({ description: 'null removes the capacity.' }),
    schedule: WeeklySchedule.optional().openapi({ description: 'Replaces the whole week; an empty list removes the times.' }),
  })
  .refine(hasSomeChange, someChange)
  .openapi('UpdateActivity');

export const Activity = z
  .object({
    activityId: Id,
    providerId: Id,
    venueId: Id,
    name: z.string(),
    category: Category,
    capacity: z.number().int().optional(),
    schedule: z.array(WeeklySession).optional(),
    createdAt: Instant,
    updatedAt: Instant.optional(),
  })
  .openapi('Activity');

export type CategoryName = z.infer<typeof Category>;
export type AccreditationInputT = z.infer<typeof AccreditationInput>;
export type ListingInputT = z.infer<typeof ListingInput>;
export type CreateProviderInput = z.infer<typeof CreateProviderBody>;
export type CreateVenueInput = z.infer<typeof CreateVenueBody>;
export type CreateActivityInput = z.infer<typeof CreateActivityBody>;
export type UpdateVenueInput = z.infer<typeof UpdateVenueBody>;
export type UpdateActivityInput = z.infer<typeof UpdateActivityBody>;
export type ProviderView = z.infer<typeof Provider>;
export type VenueView = z.infer<typeof Venue>;
export type ActivityView = z.infer<typeof Activity>;
