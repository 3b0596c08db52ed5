import { z } from '@hono/zod-openapi';
import { PageQuery, pageOf } from '#shared/platform/http';
import { ULID_PATTERN } from '#shared/platform/ids';
import { AUDIT_ROLES } from './rules';

const Id = z.string().regex(ULID_PATTERN, 'must be a 26-character ULID');
const Instant = z.string().openapi({ format: 'date-time', example: '2026-11-23T09:00:00.000Z' });

/** One audit entry: who, in which role, did what to which patient, when, in which request — ids only. */
export const AuditEntry = z
  .object({
    entryId: Id,
    at: Instant,
    actor: z.string().openapi({ description: "The caller's user id (`sub`); `public_form` for the public referral form, which has no signed-in caller and names no sender." }),
    role: z.enum(AUDIT_ROLES).openapi({ description: 'The caller\'s role; `public` for the public referral form.' }),
    action: z.string().openapi({ example: 'read_patient' }),
    patientId: Id.optional().openapi({ description: 'Absent for an action on no one patient (a listing, a report).' }),
    requestId: z.string().openapi({ description: "The request's id (API Gateway's in AWS): the same as the request log line and the `X-Request-Id` header." }),
    refs: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .openapi({ description: 'Ids, codes, counts and dates of what was touched (e.g. `assessmentId`, `replacedRevision`, `count`): never names, contact details or notes.' }),
    records: z
      .array(z.string())
      .optional()
      .openapi({ description: "What a change wrote in the patient's record, as item kinds and ids (e.g. `ASSESSMENT#01J…`)." }),
    providerId: Id.optional(),
  })
  .openapi('AuditEntry');
export type AuditEntryView = z.infer<typeof AuditEntry>;

export const AuditPage = pageOf(AuditEntry).openapi('AuditPage');

const InstantQuery = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 instant, e.g. 2026-11-23T10:15:00Z' })
  .openapi({ format: 'date-time' });

export const ActorAuditQuery = PageQuery.extend({
  actor: z
    .string()
    .min(1, 'must not be empty')
    .max(128, 'must be 128 characters or fewer')
    .regex(/^[A-Za-z0-9@._:+-]+$/, 'must be a user id (sub)')
    .openapi({ description: "Whose actions: a user's id (`sub`), as in the entries' `actor`." }),
  from: InstantQuery.optional().openapi({ description: 'From this instant (inclusive); default 30 days before `to`.' }),
  to: InstantQuery.optional().openapi({ description: 'Up to this instant (exclusive); default now.' }),
});
