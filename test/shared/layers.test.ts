import { cruise, type IModule } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layers, checked on the real import graph (dependency-cruiser, type-only imports included):
 * `platform` imports no capability; no capability imports the composition root (`app`); and no
 * two capabilities import each other, directly or round a longer loop.
 */
const CAPABILITIES = ['registry', 'patients', 'assessments', 'prescriptions', 'cards', 'scans', 'followups', 'reports', 'people', 'digest', 'directory'];
let modules: IModule[];

const folderOf = (path: string) => /^shared\/([^/]+)\//.exec(path)?.[1];

beforeAll(async () => {
  const result = await cruise(
    ['shared'],
    { tsPreCompilationDeps: true, doNotFollow: { path: 'node_modules' }, exclude: { path: 'node_modules' } },
    { extensions: ['.ts'] },
    { tsConfig: extractTSConfig('tsconfig.json') },
  );
  if (typeof result.output === 'string') throw new Error('expected a cruise result, not a report');
  modules = result.output.modules.filter((module) => module.source.startsWith('shared/'));
}, 60_000);

/** Capability → the other folders of shared/ it imports. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const module of modules) {
    const from = folderOf(module.source);
    if (!from) continue;
    for (const dependency of module.dependencies) {
      const to = folderOf(dependency.resolved);
      if (!to || to === from) continue;
      graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

/** Every loop in the folder graph, each as the path that closes it. */
function loops(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const walk = (node: string, path: string[]) => {
    for (const next of graph.get(node) ?? []) {
      if (next === path[0]) found.push([...path, next]);
      else if (!path.includes(next) && next > path[0]!) walk(next, [...path, next]);
    }
  };
  for (const start of graph.keys()) walk(start, [start]);
  return found;
}

describe('the layers of shared/', () => {
  it("reads the whole of shared/, every one of the project's own imports resolved", () => {
    expect(modules.length).toBeGreaterThan(50);
    const own = (specifier: string) => specifier.startsWith('#') || specifier.startsWith('.');
    const unresolved = modules.flatMap((module) =>
      module.dependencies.filter((d) => own(d.module) && d.couldNotResolve).map((d) => `${module.source} → ${d.module}`),
    );
    expect(unresolved).toEqual([]);
    const graph = folderGraph();
    expect([...(graph.get('scans') ?? [])]).toContain('platform');
  });

  it('platform imports no capability and not the composition root', () => {
    expect([...(folderGraph().get('platform') ?? [])]).toEqual([]);
  });

  it('no capability imports the composition root', () => {
    const graph = folderGraph();
    expect(CAPABILITIES.filter((capability) => graph.get(capability)?.has('app'))).toEqual([]);
  });

  it('no two capabilities import each other, directly or round a loop', () => {
    expect(loops(folderGraph()).map((loop) => loop.join(' → '))).toEqual([]);
  });

  it('the loop finder finds loops (so an empty answer means something)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(loops(graph)).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('the one DynamoDB Scan outside tests is the v1 backfill, which no request path imports', () => {
    // Request paths use keys and indexes; the backfill visits every patient once, run by an operator.
    const scanners = modules.filter((module) => /\bScanCommand\b/.test(readFileSync(module.source, 'utf8'))).map((module) => module.source);
    expect(scanners).toEqual(['shared/patients/backfill.ts']);
    const importersOf = (target: string) =>
      modules.filter((module) => module.dependencies.some((d) => d.resolved === target)).map((module) => module.source);
    expect(importersOf('shared/patients/backfill.ts')).toEqual(['shared/app/backfill.ts']);
    expect(importersOf('shared/app/backfill.ts')).toEqual([]);
    // Of the Lambda entries, only the backfill's own (not in the stack) reaches it.
    const entries = readdirSync('functions').filter((name) => name.endsWith('.ts'));
    expect(entries.filter((name) => readFileSync(`functions/${name}`, 'utf8').includes('app/backfill'))).toEqual(['patient-backfill.ts']);
  });
});
