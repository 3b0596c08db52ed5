import { z } from '@hono/zod-openapi';
import { CARD_ID_PATTERN } from '#shared/cards/rules';
import { ULID_PATTERN } from '#shared/platform/ids';
import { Category } from '#shared/registry/schema';
import { REJECTION_REASONS } from './rules';

const Id = z.string().regex(ULID_PATTERN, 'must be a 26-character ULID');

export const ScanBody = z
  .object({
    scanId: z.uuid('must be a UUID made by the device').openapi({ description: 'Made by the device; a retry sends the same one.' }),
    cardId: z
      .string()
      .trim()
      .regex(CARD_ID_PATTERN, 'must be 8–32 letters, digits or hyphens')
      .openapi({ example: 'LUTON-DEMO-04', description: 'As printed, read from the QR code or the NFC UID; case does not matter.' }),
    venueId: Id,
    activityId: Id.optional().openapi({ description: 'The session being run; without it, attendance is recorded at the venue.' }),
    scannedAt: z.iso
      .datetime({ offset: true, message: 'must be an ISO-8601 instant, e.g. 2026-11-23T10:15:00Z' })
      .openapi({ description: 'When the card was scanned, by the device clock. Up to 14 days old (offline devices).' }),
  })
  .openapi('Scan');

export const BatchBody = z
  .object({
    scans: z
      .array(z.unknown())
      .min(1, 'at least one scan')
      .max(100, 'at most 100 scans per batch')
      .openapi({ description: 'Up to 100 scans, each as for POST /v1/scans; each is answered on its own.' }),
  })
  .openapi('ScanBatch');

const Counted = {
  scanId: z.string(),
  sessionsAttended: z.number().int().openapi({ description: 'Sessions attended on this prescription, this one included.' }),
  weeksRemaining: z.number().int(),
  activityName: z.string().optional(),
  category: Category.optional(),
  onPrescription: z.boolean().openapi({ description: 'False when the activity is not on their prescription: still counted, but flagged.' }),
};

export const AcceptedScan = z.object({ status: z.literal('accepted'), ...Counted }).openapi('AcceptedScan');
export const DuplicateScan = z.object({ status: z.literal('duplicate'), ...Counted }).openapi('DuplicateScan');
export const RejectedScan = z
  .object({
    status: z.literal('rejected'),
    scanId: z.string(),
    reason: z.enum(REJECTION_REASONS),
    message: z.string().openapi({ description: 'What to tell the person at the door.' }),
    error: z.object({ code: z.enum(REJECTION_REASONS), message: z.string() }),
  })
  .openapi('RejectedScan');

export const BatchResult = z
  .object({
    results: z.array(
      z.object({
        httpStatus: z.number().int().openapi({ description: 'What POST /v1/scans would have answered: 201, 200, 422, 400 or 503.' }),
        body: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .openapi('ScanBatchResult');

export const AttendanceQuery = z.object({
  from: z.iso.date().openapi({ description: 'First London date, YYYY-MM-DD.' }),
  to: z.iso.date().openapi({ description: 'Last London date, inclusive (at most 366 days after from).' }),
  activityId: Id.optional(),
});

export const AttendanceRow = z
  .object({
    day: z.string(),
    activityId: z.string().optional(),
    activityName: z.string().optional(),
    venueId: z.string(),
    attendances: z.number().int(),
    onPrescription: z.number().int().openapi({ description: 'Of which the activity was on the person’s prescription.' }),
  })
  .openapi('AttendanceRow');

export const ProviderAttendance = z
  .object({ providerId: z.string(), from: z.string(), to: z.string(), total: z.number().int(), rows: z.array(AttendanceRow) })
  .openapi('ProviderAttendance');

export type ScanInput = z.infer<typeof ScanBody>;
export type AcceptedScanView = z.infer<typeof AcceptedScan>;
export type DuplicateScanView = z.infer<typeof DuplicateScan>;
export type RejectedScanView = z.infer<typeof RejectedScan>;
export type ProviderAttendanceView = z.infer<typeof ProviderAttendance>;
