/**
 * Layers that point one way, read from the code: every relative import of the product's
 * TypeScript (core, engine, kinds, compiler, codegen, runtime, cli) goes down the stack
 * core <- engine, kinds <- compiler <- codegen <- cli, with the embedding API (runtime) beside the
 * compiler on core and engine only (its Node entry, runtime/node.ts, also reads containers and
 * footprint reports with the compiler's reader); and no two folders import each other, however
 * indirectly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAYERS = ['core', 'engine', 'kinds', 'compiler', 'codegen', 'runtime', 'cli'] as const;
type Layer = (typeof LAYERS)[number] | 'schema';

/** What each layer may import besides itself. */
const ALLOWED: Readonly<Record<(typeof LAYERS)[number], readonly Layer[]>> = {
  core: [],
  engine: ['core'],
  kinds: ['core'],
  compiler: ['core', 'engine', 'kinds', 'schema'],
  runtime: ['core', 'engine'],
  codegen: ['core', 'engine', 'kinds', 'compiler', 'runtime'],
  cli: ['core', 'engine', 'kinds', 'compiler', 'codegen', 'runtime'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.as.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** (importing file, imported file) for every relative import of the product's TypeScript. */
const edges: [string, string][] = LAYERS.flatMap((layer) => sources(layer)).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map(([, spec]): [string, string] => [file, normalize(join(dirname(file), spec))]);
});

const layerOf = (path: string): string => path.split('/')[0];

describe('import directions', () => {
  it('reads a few hundred imports (the scan is not empty)', () => {
    expect(edges.length).toBeGreaterThan(200);
  });

  /** runtime/node.ts reads a container's IR and footprint: the compiler's reader and report, never its loader or the code generator. */
  const nodeEntry = ([from, to]: [string, string]): boolean => from === 'runtime/node.ts' && /^compiler\/(container|report)\//.test(to);

  it.each(LAYERS)('%s imports only the layers below it', (layer) => {
    const outward = edges.filter(([from, to]) => layerOf(from) === layer && layerOf(to) !== layer && !ALLOWED[layer].includes(layerOf(to) as Layer) && !nodeEntry([from, to]));
    expect(outward.map(([from, to]) => `${from} -> ${to}`)).toEqual([]);
  });

  it('runtime/ needs neither the code generator nor the model loader, and only its Node entry any compiler code', () => {
    const reached = edges.filter(([from, to]) => layerOf(from) === 'runtime' && ['compiler', 'codegen'].includes(layerOf(to)));
    expect(reached.filter((edge) => !nodeEntry(edge)).map(([from, to]) => `${from} -> ${to}`)).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const graph = new Map<string, Set<string>>();
    for (const [from, to] of edges) {
      const [a, b] = [dirname(from), dirname(to)];
      if (a === b) continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)!.add(b);
    }
    // Depth-first search with colours: a grey node reached again closes a cycle.
    const state = new Map<string, 'grey' | 'black'>();
    const cycles: string[] = [];
    const visit = (node: string, path: string[]): void => {
      state.set(node, 'grey');
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === 'grey') cycles.push([...path, node, next].map((d) => relative('.', d)).join(' -> '));
        else if (state.get(next) === undefined) visit(next, [...path, node]);
      }
      state.set(node, 'black');
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
