import { z } from '@hono/zod-openapi';
import { PageQuery } from '#shared/platform/http';
import { ULID_PATTERN } from '#shared/platform/ids';
import { plainText } from '#shared/platform/text';

/**
 * A scanning device's life: `pending` until its enrolment code is redeemed, then `active`;
 * `revoked` by staff (or by a reused refresh token); `void` when its code had too many wrong
 * tries. A pending device whose code has passed its expiry is shown as `expired`.
 */
export const STORED_DEVICE_STATUSES = ['pending', 'active', 'revoked', 'void'] as const;
export const DEVICE_STATUSES = [...STORED_DEVICE_STATUSES, 'expired'] as const;
export type StoredDeviceStatus = (typeof STORED_DEVICE_STATUSES)[number];
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** Why a device stopped working: staff revoked it, a used refresh token came back, or its code was guessed at. */
export const DEVICE_END_REASONS = ['revoked_by_staff', 'refresh_token_reused', 'enrolment_attempts_exceeded'] as const;
export type DeviceEndReason = (typeof DEVICE_END_REASONS)[number];

const Instant = z.string().openapi({ format: 'date-time', example: '2026-11-23T09:00:00.000Z' });
const Id = z.string().regex(ULID_PATTERN, 'must be a 26-character ULID');

export const CreateDeviceBody = z
  .strictObject({
    name: plainText(z.string().trim().min(1, 'must not be empty').max(60, 'must be 60 characters or fewer')).openapi({
      example: 'Village hall tablet',
      description: 'What the staff call the device, so they can tell which one to revoke.',
    }),
  })
  .openapi('CreateDevice');

export const Device = z
  .object({
    deviceId: Id,
    providerId: Id,
    name: z.string(),
    status: z.enum(DEVICE_STATUSES),
    createdAt: Instant,
    /** While pending: when its enrolment code stops working. */
    enrolmentExpiresAt: Instant.optional(),
    enrolledAt: Instant.optional(),
    lastSeenAt: Instant.optional().openapi({ description: 'Updated at most once an hour, by a scan or a token refresh.' }),
    endedAt: Instant.optional(),
    endReason: z.enum(DEVICE_END_REASONS).optional(),
  })
  .openapi('Device');
export type DeviceView = z.infer<typeof Device>;

export const DeviceEnrolment = Device.extend({
  enrolmentCode: z.string().openapi({
    example: 'K7QFM-2XW9R-TBJ4C',
    description: 'The short form to type on a device without a camera (at most 5 wrong tries, then the enrolment is void).',
  }),
  enrolmentUrl: z.string().openapi({
    description: 'The scanner address with the long code (256 bits) after `#`: shown as a QR code to scan with the device.',
  }),
  expiresAt: Instant.openapi({ description: 'The code works once, until then (24 hours).' }),
}).openapi('DeviceEnrolment');

export const DevicesQuery = PageQuery;

export const EnrolBody = z
  .strictObject({
    code: z.string().min(1).max(200).openapi({ description: 'The code from the QR (its `#enrol=` part), or the short form typed.' }),
  })
  .openapi('EnrolDevice');

export const Enrolled = z
  .object({
    deviceId: Id,
    providerId: Id,
    name: z.string(),
    refreshToken: z.string().openapi({ description: 'Keep it secret; trade it at /v1/devices/token for an access token. It works once.' }),
  })
  .openapi('DeviceEnrolled');

export const TokenBody = z
  .strictObject({
    deviceId: Id,
    refreshToken: z.string().min(1).max(200),
  })
  .openapi('DeviceTokenRequest');

export const DeviceTokens = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ description: 'Seconds the access token lasts.' }),
    refreshToken: z.string().openapi({ description: 'The next refresh token: the one presented no longer works.' }),
  })
  .openapi('DeviceTokens');

export const JsonWebKeySet = z
  .object({
    keys: z.array(z.object({ kty: z.string(), crv: z.string().optional(), x: z.string().optional(), y: z.string().optional(), kid: z.string().optional(), alg: z.string().optional(), use: z.string().optional() })),
  })
  .openapi('JsonWebKeySet');
