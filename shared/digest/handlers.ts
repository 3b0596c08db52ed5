import type { DigestService } from './service';

/** Some navigators' digests failed and were not sent: the run fails so that it is run again. */
export class DigestIncompleteError extends Error {
  override readonly name = 'DigestIncompleteError';
}

export interface DigestRunSummary {
  day: string;
  sent: number;
  alreadySent: number;
  nothingDue: number;
  uncertain: number;
}

/**
 * The digest handler: what the daily EventBridge Scheduler schedule invokes in AWS and the local
 * scheduler invokes at 09:00 London on the dev clock. It throws at the end when a navigator's
 * email failed, so Scheduler's retry policy runs it again; the retry sends only to those still
 * without today's email. The event carries nothing the digest needs.
 */
export function digestHandler(service: DigestService) {
  return async (_event?: unknown): Promise<DigestRunSummary> => {
    const run = await service.sendDigests();
    const count = (kind: string) => run.results.filter((result) => result.kind === kind).length;
    if (run.kind === 'incomplete') {
      throw new DigestIncompleteError(`${count('failed')} of ${run.results.length} follow-up digests for ${run.day} failed; a retry sends them`);
    }
    return { day: run.day, sent: count('sent'), alreadySent: count('already_sent'), nothingDue: count('nothing_due'), uncertain: count('uncertain') };
  };
}
