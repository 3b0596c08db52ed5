import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ATTENDANCE_COLUMNS, OUTCOME_COLUMNS } from '#shared/reports/exports';
import { REFERRAL_REASON_CODES } from '#shared/reports/reasons';

/**
 * docs/data-dictionary.md against the code: each CSV's table names its columns, in order, and
 * the reason list is the one the export uses. The demographic columns at the end of outcomes.csv
 * are documented in their own section (a `## Demographics…` heading), not in the outcomes table.
 */
const doc = readFileSync(new URL('../../../docs/data-dictionary.md', import.meta.url), 'utf8');

/** The text of the `## <heading>` section, up to the next `## ` heading. */
function section(heading: RegExp): string {
  const parts = doc.split(/^(?=## )/m);
  return parts.find((part) => heading.test(part.split('\n')[0]!)) ?? '';
}

/**
 * The columns a section's first table names, in order: each row's first cell holds one name, a
 * list (`a`, `b`) or a run (`a` … `b`, every column of `all` from a to b).
 */
function documentedColumns(text: string, all: readonly string[]): string[] {
  const rows = text.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => {
    const cell = row.split('|')[1]!;
    const names = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    if (!cell.includes('…')) return names;
    expect(names, cell).toHaveLength(2);
    const [first, last] = names.map((name) => all.indexOf(name)) as [number, number];
    expect(first, cell).toBeGreaterThanOrEqual(0);
    expect(last, cell).toBeGreaterThan(first);
    return all.slice(first, last + 1);
  });
}

describe('docs/data-dictionary.md', () => {
  it('the attendance.csv table is ATTENDANCE_COLUMNS, in order', () => {
    expect(documentedColumns(section(/^## attendance\.csv/), ATTENDANCE_COLUMNS)).toEqual([...ATTENDANCE_COLUMNS]);
  });

  it('the outcomes.csv table is OUTCOME_COLUMNS, in order, but for the demographic columns documented in their own section', () => {
    const documented = documentedColumns(section(/^## outcomes\.csv/), OUTCOME_COLUMNS);
    expect(documented.length).toBeGreaterThan(40);
    expect(OUTCOME_COLUMNS.slice(0, documented.length)).toEqual(documented);
    const demographics = section(/^## Demographic/i);
    for (const column of OUTCOME_COLUMNS.slice(documented.length)) expect(demographics, column).toContain(`\`${column}\``);
  });

  it('lists the referral reason codes the export uses, and documents bom=1', () => {
    const list = section(/^## outcomes\.csv/).split('### Referral reason codes')[1] ?? '';
    const listed = [...list.matchAll(/`([a-z]+(?:_[a-z]+)*)`/g)].map((m) => m[1]!);
    expect(new Set(listed)).toEqual(new Set([...REFERRAL_REASON_CODES, 'other']));
    expect(doc).toContain('bom=1');
  });
});
