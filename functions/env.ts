import { authVariables, functionEnvironment, originVerifyVariables, pseudonymVariables, tableVariables } from '#shared/platform/config';
import { schedulerVariables } from '#shared/followups/aws-scheduler';
import { directoryVariables } from '#shared/people/lazy-directory';
import { digestMailVariables } from '#shared/digest/ses-mailer';
import { deviceTokenVariables } from '#shared/devices/kms-signer';
import { scannerAddressVariables } from '#shared/devices/scanner-address';

/**
 * Each Lambda's environment, declared once: the function parses its own at init, and the stack sets
 * each function's variables from the same declaration (see shared/platform/config.ts). Declarations
 * only (zod schemas), so the stack can import them and a bundle gains next to nothing from them.
 */

/**
 * The API, the exports and the device-token function each serve the Hono app behind CloudFront, and
 * each take the origin-verify variables: in AWS with a web ACL they answer only what came through it.
 *
 * functions/api.ts: the whole HTTP API, which makes and deletes follow-up schedules, administers
 * the user pool, and verifies device tokens (with the device key's public half; it cannot sign).
 */
export const apiEnvironment = functionEnvironment('API', {
  ...tableVariables,
  ...authVariables,
  ...schedulerVariables,
  ...pseudonymVariables,
  ...directoryVariables,
  ...deviceTokenVariables,
  ...scannerAddressVariables,
  ...originVerifyVariables,
});

/** functions/device-tokens.ts: device enrolment and token trades, the one function that may sign with the device key. */
export const deviceTokensEnvironment = functionEnvironment('device tokens', { ...tableVariables, ...deviceTokenVariables, ...originVerifyVariables });

/** functions/exports.ts: the same app for the streamed CSV exports, which only read, so no scheduler. */
export const exportsEnvironment = functionEnvironment('exports', {
  ...tableVariables,
  ...authVariables,
  ...pseudonymVariables,
  ...originVerifyVariables,
});

/** functions/followup-due.ts: marks one follow-up due; no tokens to verify, no schedules to make. */
export const followUpDueEnvironment = functionEnvironment('follow-up due', { ...tableVariables });

/** functions/followup-sweep.ts: the daily sweep; the table alone, like the reminder. */
export const followUpSweepEnvironment = functionEnvironment('follow-up sweep', { ...tableVariables });

/** functions/followup-digest.ts: the navigators' daily email; the table, the sender address and the console's URL. */
export const followUpDigestEnvironment = functionEnvironment('follow-up digest', { ...tableVariables, ...digestMailVariables });

/**
 * functions/patient-backfill.ts: the one-off backfill of v1 patients (decision 92), invoked by hand;
 * the table alone. No stack function is declared for it: see README, "Upgrading a table with v1 patients".
 */
export const patientBackfillEnvironment = functionEnvironment('patient backfill', { ...tableVariables });

export type ApiEnvironment = ReturnType<typeof apiEnvironment.parse>;
export type ExportsEnvironment = ReturnType<typeof exportsEnvironment.parse>;
export type TableEnvironment = ReturnType<typeof followUpDueEnvironment.parse>;
export type DeviceTokensEnvironment = ReturnType<typeof deviceTokensEnvironment.parse>;
export type DigestEnvironment = ReturnType<typeof followUpDigestEnvironment.parse>;
