import { z } from '@hono/zod-openapi';
import { plainText } from '#shared/platform/text';
import { ROLES } from '#shared/platform/auth';
import { PageQuery } from '#shared/platform/http';
import { ULID_PATTERN } from '#shared/platform/ids';

/** A person's account: pending until the directory has the user and its group, then enabled or disabled. */
export const PERSON_STATUSES = ['pending', 'enabled', 'disabled'] as const;

const Instant = z.string().openapi({ format: 'date-time', example: '2026-11-23T09:00:00.000Z' });
const Id = z.string().regex(ULID_PATTERN, 'must be a 26-character ULID');
const PersonName = plainText(z.string().trim().min(1, 'must not be empty').max(60, 'must be 60 characters or fewer'));

export const PersonRole = z.enum(ROLES).openapi('PersonRole', {
  description: 'navigator, manager, admin, or provider (staff of one provider, who scan at its venues)',
});

export const Email = z
  .string()
  .trim()
  .max(254, 'must be 254 characters or fewer')
  .pipe(z.email({ error: 'must be an email address, e.g. name@example.org' }))
  // Cognito signs people in by email without regard to case; one spelling is kept.
  .transform((email) => email.toLowerCase())
  .openapi({ example: 'sam.navigator@example.org' });

export const InvitePersonBody = z
  .strictObject({
    email: Email,
    givenName: PersonName,
    familyName: PersonName,
    role: PersonRole,
    providerId: Id.optional().openapi({ description: 'Required for provider staff, and only for them: the provider they work for.' }),
  })
  .superRefine((body, ctx) => {
    if (body.role === 'provider' && !body.providerId) {
      ctx.addIssue({ code: 'custom', path: ['providerId'], message: 'is required for provider staff' });
    }
    if (body.role !== 'provider' && body.providerId) {
      ctx.addIssue({ code: 'custom', path: ['providerId'], message: 'is only for provider staff' });
    }
  })
  .openapi('InvitePerson');

export const UpdatePersonBody = z
  .strictObject({
    role: PersonRole.optional(),
    givenName: PersonName.optional(),
    familyName: PersonName.optional(),
    enabled: z.boolean().optional().openapi({ description: 'false disables the account and signs the person out everywhere.' }),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'give at least one change', path: ['role'] })
  .openapi('UpdatePerson');

export const Person = z
  .object({
    personId: Id,
    email: z.string(),
    givenName: z.string(),
    familyName: z.string(),
    role: PersonRole,
    providerId: Id.optional(),
    status: z.enum(PERSON_STATUSES).openapi({
      description: 'pending: the invitation has not reached the directory yet (invite again to finish it).',
    }),
    sub: z.string().optional().openapi({ description: 'The Cognito user id: the `sub` of their tokens, and the navigator id of a caseload.' }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi('Person');

/** What staff may know of a colleague: who they are and their work email, nothing of their account. */
export const StaffContact = z
  .object({
    sub: z.string(),
    givenName: z.string(),
    familyName: z.string(),
    email: z.string(),
    role: PersonRole,
  })
  .openapi('StaffContact');

export const PeopleQuery = PageQuery.extend({ role: PersonRole.optional() });

export type StaffContactView = z.infer<typeof StaffContact>;
export type PersonRoleName = z.infer<typeof PersonRole>;
export type PersonStatus = (typeof PERSON_STATUSES)[number];
export type InvitePersonInput = z.infer<typeof InvitePersonBody>;
export type UpdatePersonInput = z.infer<typeof UpdatePersonBody>;
export type PersonView = z.infer<typeof Person>;
