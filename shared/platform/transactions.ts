import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { currentAuditScope } from './audit';
import type { Db } from './dynamo';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** Why each item of a cancelled transaction failed (`None` for the ones that did not), or undefined if not cancelled. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/** True when a transaction was cancelled only because another one held the same items: it wrote nothing. */
export function isTransactionConflict(error: unknown): boolean {
  const codes = cancellationCodes(error);
  return codes !== undefined && codes.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed');
}

/** How often a transaction cancelled by a concurrent one is tried again before the error escapes. */
export const CONFLICT_ATTEMPTS = 5;

/**
 * Runs a transaction whose failed conditions have meanings: `onConditionFailed` gets the
 * indexes of the items whose condition failed and returns the error to throw (or undefined
 * to rethrow the original). A transaction cancelled only by a concurrent one (DynamoDB's
 * `TransactionConflict`; DynamoDB Local never does this) is sent again after a short random
 * pause, and meets the winner's conditions; if conflicts persist the error escapes, and the
 * app answers it as a retryable 503.
 */
export async function transact(
  db: Db,
  items: TransactItem[],
  onConditionFailed: (failed: number[]) => Error | undefined,
): Promise<void> {
  // The audit entry of the change this transaction belongs to rides in it, last, so the indexes of
  // the change's own items (and of their failed conditions) are unchanged (decision 82).
  const audit = currentAuditScope();
  const auditItem = audit?.itemFor(items);
  const sent = auditItem ? [...items, auditItem] : items;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.client.send(new TransactWriteCommand({ TransactItems: sent }));
      if (auditItem) audit?.committed();
      return;
    } catch (error) {
      const codes = cancellationCodes(error);
      const failed = (codes ?? []).flatMap((code, index) => (code === 'ConditionalCheckFailed' ? [index] : []));
      if (failed.length > 0) throw onConditionFailed(failed) ?? error;
      if (!isTransactionConflict(error) || attempt >= CONFLICT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

class ConditionsFailed extends Error {
  constructor(readonly failed: number[]) {
    super('transaction conditions failed');
  }
}

/**
 * Runs the transaction as `transact` does (retrying one cancelled by a concurrent transaction);
 * the indexes of the items whose condition failed, or undefined when it committed. For stores that
 * answer a failed condition with an outcome rather than an error.
 */
export async function transactConditions(db: Db, items: TransactItem[]): Promise<number[] | undefined> {
  try {
    await transact(db, items, (failed) => new ConditionsFailed(failed));
    return undefined;
  } catch (error) {
    if (error instanceof ConditionsFailed) return error.failed;
    throw error;
  }
}
