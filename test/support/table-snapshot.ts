import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/platform/dynamo';

/** Every item of a (test) table, by `PK|SK`, each as canonical JSON so two snapshots compare as strings. */
export type TableSnapshot = ReadonlyMap<string, string>;

/**
 * A strongly consistent Scan of the whole table. Only for a test's own private table: it is the
 * one way to prove that a request wrote nothing at all, wherever it might have written.
 */
export async function tableSnapshot(db: Db): Promise<TableSnapshot> {
  const items = new Map<string, string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(
      new ScanCommand({ TableName: db.tableName, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    for (const item of page.Items ?? []) items.set(`${String(item.PK)}|${String(item.SK)}`, canonical(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

export interface SnapshotDiff {
  added: string[];
  removed: string[];
  changed: { key: string; before: string; after: string }[];
}

/** What differs between two snapshots (empty lists when nothing does). */
export function diffSnapshots(before: TableSnapshot, after: TableSnapshot): SnapshotDiff {
  const added = [...after.keys()].filter((key) => !before.has(key));
  const removed = [...before.keys()].filter((key) => !after.has(key));
  const changed = [...after.entries()]
    .filter(([key, value]) => before.has(key) && before.get(key) !== value)
    .map(([key, value]) => ({ key, before: before.get(key)!, after: value }));
  return { added, removed, changed };
}

export const isEmptyDiff = (diff: SnapshotDiff) => diff.added.length + diff.removed.length + diff.changed.length === 0;

/** JSON with object keys sorted, sets as sorted arrays and binary as base64: one spelling per value. */
function canonical(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value instanceof Set) return { $set: [...value].map(normalise).map((v) => JSON.stringify(v)).sort() };
  if (value instanceof Uint8Array) return { $binary: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, normalise((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
