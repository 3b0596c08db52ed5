/**
 * Side by side: the scan benchmark's paired HTTP ÷ floor ratio in two checkouts, run in turn
 * (A, B, A, B, …) so the machine's noise weighs on both alike. Each checkout must have this
 * repository's bench/scans.ts and its node_modules. Prints every round and the medians.
 *
 *   npx tsx bench/scan-ab.ts <checkout A> <checkout B> [rounds]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './stats';

/** A reduced run of bench/scans.ts: 150 patients, six paired floor/HTTP blocks. */
const DRIVER = `
import { benchScans } from './bench/scans';
const result = await benchScans({
  patients: 150,
  warmup: { name: 'warm-up', connections: 10, seconds: 3 },
  levels: [{ name: '1 connection', connections: 1, seconds: 4 }],
  floorWarmup: 100,
  paired: { rounds: 6, floorScans: 40, httpSeconds: 2 },
  capacityScans: 20,
  inProcessRuns: 150,
});
console.log(JSON.stringify({ ratios: result.paired.blockRatios, statuses: result.paired.statusCounts }));
process.exit(0);
`;

const [a, b, roundsArg] = process.argv.slice(2);
if (!a || !b) throw new Error('usage: tsx bench/scan-ab.ts <checkout A> <checkout B> [rounds]');
const rounds = Number(roundsArg ?? 3);
const ratios: Record<'A' | 'B', number[]> = { A: [], B: [] };

for (let round = 1; round <= rounds; round++) {
  for (const [side, dir] of [['A', a], ['B', b]] as const) {
    const driver = join(dir, '.scan-ab-driver.ts');
    writeFileSync(driver, DRIVER);
    const run = spawnSync(process.execPath, ['--import', 'tsx', driver], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    const result = JSON.parse(line) as { ratios: number[]; statuses: Record<string, number> };
    ratios[side].push(...result.ratios);
    console.log(`${side} round ${round}: median ${median(result.ratios).toFixed(2)}× (${result.ratios.map((r) => r.toFixed(2)).join(', ')}) ${JSON.stringify(result.statuses)}`);
  }
}
const [medianA, medianB] = [median(ratios.A), median(ratios.B)];
console.log(`A: median of ${ratios.A.length} block ratios ${medianA.toFixed(2)}×; B: ${medianB.toFixed(2)}×; B ÷ A = ${(medianB / medianA).toFixed(2)}`);
