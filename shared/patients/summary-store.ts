import { keys } from '#shared/platform/keys';
import type { TransactItem } from '#shared/platform/transactions';
import { SUMMARY_FIELDS, type StoredSummary, type SummaryChange, type SummaryField } from './caseload';

/**
 * Keeps the caseload summary on the patient item (decision 74) inside the transactions that change
 * it. A transaction may touch an item once, so the summary's SET and REMOVE are folded into the
 * transaction's own operation on the patient item (an Update gains them; a ConditionCheck becomes
 * an Update with the same condition), or added as an Update when the transaction does not touch
 * the patient. Its placeholders are `#cs_…` and `:cs_…`, which no other write uses.
 */

/** Referral moves made by PatientStore.referralMoveItem, with the status they move to: the summary follows them. */
const referralMoves = new WeakMap<TransactItem, { patientId: string; status: StoredSummary['referralStatus'] }>();

export function tagReferralMove(item: TransactItem, patientId: string, status: StoredSummary['referralStatus']): TransactItem {
  referralMoves.set(item, { patientId, status });
  return item;
}

/** The summary's attributes of a stored patient item (written by this module only). */
export function storedSummaryOf(item: Record<string, unknown>): StoredSummary {
  const summary: Record<string, unknown> = {};
  for (const field of SUMMARY_FIELDS) if (item[field] !== undefined) summary[field] = item[field];
  return summary as StoredSummary;
}

const isPatientKey = (key: Record<string, unknown> | undefined, patientId: string) => {
  const wanted = keys.patient(patientId);
  return key !== undefined && key.PK === wanted.PK && key.SK === wanted.SK;
};

/**
 * The items with the summary change applied to the patient's operation — plus, for any referral
 * move among them, its new status. `check` is the condition an added Update carries when the
 * transaction had no operation on the patient (usually the caseload's).
 */
export function withCaseloadSummary(
  tableName: string,
  items: TransactItem[],
  patientId: string,
  change: SummaryChange,
  check: { ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> } = { ConditionExpression: 'attribute_exists(PK)' },
): TransactItem[] {
  const set: Record<string, unknown> = { ...change.set };
  for (const item of items) {
    const move = referralMoves.get(item);
    if (move && move.patientId === patientId && move.status) set.referralStatus = move.status;
  }
  const setFields = (Object.keys(set) as SummaryField[]).filter((field) => set[field] !== undefined);
  const removeFields = (change.remove ?? []).filter((field) => !setFields.includes(field));
  if (setFields.length === 0 && removeFields.length === 0) return items;

  const names = Object.fromEntries([...setFields, ...removeFields].map((field) => [`#cs_${field}`, field]));
  const values = Object.fromEntries(setFields.map((field) => [`:cs_${field}`, set[field]]));
  const setClause = setFields.map((field) => `#cs_${field} = :cs_${field}`).join(', ');
  const removeClause = removeFields.map((field) => `#cs_${field}`).join(', ');

  const merge = (expression: string | undefined): string => {
    let merged = expression?.trim() ?? '';
    if (setClause) merged = /(^|\s)SET\s/.test(merged) ? merged.replace(/(^|\s)SET\s/, `$1SET ${setClause}, `) : `${merged} SET ${setClause}`;
    if (removeClause) merged = /(^|\s)REMOVE\s/.test(merged) ? merged.replace(/(^|\s)REMOVE\s/, `$1REMOVE ${removeClause}, `) : `${merged} REMOVE ${removeClause}`;
    return merged.trim();
  };

  let found = false;
  const out = items.map((item): TransactItem => {
    if (item.Update && isPatientKey(item.Update.Key, patientId)) {
      found = true;
      const { UpdateExpression, ExpressionAttributeNames, ExpressionAttributeValues, ...rest } = item.Update;
      return {
        Update: {
          ...rest,
          UpdateExpression: merge(UpdateExpression),
          ExpressionAttributeNames: { ...ExpressionAttributeNames, ...names },
          ...(ExpressionAttributeValues || Object.keys(values).length > 0 ? { ExpressionAttributeValues: { ...ExpressionAttributeValues, ...values } } : {}),
        },
      };
    }
    if (item.ConditionCheck && isPatientKey(item.ConditionCheck.Key, patientId)) {
      found = true;
      const { ExpressionAttributeNames, ExpressionAttributeValues, ...rest } = item.ConditionCheck;
      return {
        Update: {
          ...rest,
          UpdateExpression: merge(undefined),
          ExpressionAttributeNames: { ...ExpressionAttributeNames, ...names },
          ...(ExpressionAttributeValues || Object.keys(values).length > 0 ? { ExpressionAttributeValues: { ...ExpressionAttributeValues, ...values } } : {}),
        },
      };
    }
    if (item.Put && isPatientKey(item.Put.Item as Record<string, unknown>, patientId)) {
      found = true;
      const next = { ...item.Put.Item, ...set };
      for (const field of removeFields) delete next[field];
      return { Put: { ...item.Put, Item: next } };
    }
    return item;
  });
  if (found) return out;
  return [
    ...items,
    {
      Update: {
        TableName: tableName,
        Key: keys.patient(patientId),
        UpdateExpression: merge(undefined),
        ConditionExpression: check.ConditionExpression,
        ExpressionAttributeNames: names,
        ...(check.ExpressionAttributeValues || Object.keys(values).length > 0
          ? { ExpressionAttributeValues: { ...check.ExpressionAttributeValues, ...values } }
          : {}),
      },
    },
  ];
}
