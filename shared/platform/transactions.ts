import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './dynamo';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** Why each item of a cancelled transaction failed (`None` for the ones that did not), or undefined if not cancelled. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/**
 * Runs a transaction whose failed conditions have meanings: `onConditionFailed` gets the
 * indexes of the items whose condition failed and returns the error to throw (or undefined
 * to rethrow the original).
 */
export async function transact(
  db: Db,
  items: TransactItem[],
  onConditionFailed: (failed: number[]) => Error | undefined,
): Promise<void> {
  try {
    await db.client.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const codes = cancellationCodes(error);
    const failed = (codes ?? []).flatMap((code, index) => (code === 'ConditionalCheckFailed' ? [index] : []));
    if (failed.length > 0) throw onConditionFailed(failed) ?? error;
    throw error;
  }
}
