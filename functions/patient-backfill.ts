import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { createPatientBackfill } from '#shared/app/backfill';
import type { SegmentResult } from '#shared/patients/backfill';
import { createDocumentClient } from '#shared/platform/dynamo';
import { patientBackfillEnvironment } from './env';

const env = patientBackfillEnvironment.parse(process.env);
const backfill = createPatientBackfill({ client: createDocumentClient(), tableName: env.TABLE_NAME });

/** What an invocation asks: one segment from its start, or from the token the last invocation returned. */
export const PatientBackfillEvent = z.union([
  z.object({ resume: z.string().min(1).max(2000), dryRun: z.boolean().optional(), pageSize: z.number().int().min(1).max(1000).optional() }).strict(),
  z
    .object({
      segment: z.number().int().min(0).default(0),
      segments: z.number().int().min(1).max(64).default(1),
      dryRun: z.boolean().optional(),
      pageSize: z.number().int().min(1).max(1000).optional(),
    })
    .strict()
    .refine((event) => event.segment < event.segments, { message: 'segment must be below segments', path: ['segment'] }),
]);

/** Leaves this long before the Lambda's timeout, so the page under way finishes and the token is returned. */
const MARGIN_MS = 60_000;

/**
 * The backfill (decision 92) as a Lambda: one Scan segment per invocation, stopping a minute before
 * the timeout with a `resume` token to invoke it again with. Idempotent, so an invocation that is
 * retried or repeated writes nothing twice. Answers counts and the token: no personal data.
 */
export const handler = async (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SegmentResult & { done: boolean }> => {
  const asked = PatientBackfillEvent.parse(event ?? {});
  const options = {
    dryRun: asked.dryRun === true,
    ...(asked.pageSize ? { pageSize: asked.pageSize } : {}),
    shouldStop: () => context.getRemainingTimeInMillis() < MARGIN_MS,
  };
  const result = await backfill.runSegment('resume' in asked ? { resume: asked.resume } : { segment: asked.segment, segments: asked.segments }, options);
  return { ...result, done: result.resume === undefined };
};
