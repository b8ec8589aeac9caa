/**
 * Synthetic PIBiNNs for benchmarks, the workload of the performance notes: unrolled LISTA, K
 * layers, untied W_k (n x n), one shared B (n x n/2), soft threshold, random signs. Built as IR
 * directly (no model.json round trip) so big sizes cost only their sign bits.
 */
import { structureNnz } from '../compiler/ir/structure.js';
import type { IRLayer, IRMatrix, IRModel, Structure } from '../core/ir.js';
import { mulberry32 } from '../compiler/util/seeded-random.js';

export type SyntheticKind = 'dense' | 'block-diagonal' | 'banded';

export interface SyntheticSpec {
  readonly kind: SyntheticKind;
  readonly n: number;
  /** Block size (block-diagonal: W blocks are block x block, B blocks block x block/2) or band half-width. */
  readonly block?: number;
  readonly layers?: number;
}

export function syntheticName(spec: SyntheticSpec): string {
  const suffix = spec.kind === 'dense' ? '' : `-${spec.block}`;
  return `${spec.kind}${suffix}-n${spec.n}`;
}

export function syntheticModel(spec: SyntheticSpec, seed = 1): IRModel {
  const { n, kind } = spec;
  const layers = spec.layers ?? 10;
  const m = n / 2;
  const random = mulberry32(seed);
  const structure = (cols: number): Structure => {
    if (kind === 'dense') return { kind: 'dense' };
    const block = spec.block ?? 64;
    if (kind === 'banded') return { kind: 'banded', lower: block, upper: block };
    return { kind: 'block-diagonal', blockRows: block, blockCols: (block * cols) / n };
  };
  const matrix = (id: string, rows: number, cols: number): IRMatrix => {
    const s = structure(cols);
    const nnz = structureNnz(s, rows, cols);
    const signs = new Uint8Array(Math.ceil(nnz / 8));
    for (let i = 0; i < signs.length; i++) signs[i] = (random() * 256) | 0;
    if (nnz % 8 !== 0) signs[signs.length - 1] &= (1 << (nnz % 8)) - 1;
    return { id, rows, cols, structure: s, nnz, signs, gain: 1, encoding: 'bits' };
  };
  const b = matrix('B', n, m);
  const matrices = [b];
  const irLayers: IRLayer[] = [{ terms: [{ matrix: b, source: 'input' }], skip: 0, bias: 0, threshold: { kind: 'soft', theta: 0.01 }, relax: 1 }];
  for (let k = 1; k < layers; k++) {
    const w = matrix(`W${k}`, n, n);
    matrices.push(w);
    irLayers.push({
      terms: [{ matrix: w, source: 'state' }, { matrix: b, source: 'input' }],
      skip: 0,
      bias: 0,
      threshold: { kind: 'soft', theta: 0.01 },
      relax: 1,
    });
  }
  return {
    name: syntheticName(spec).replace(/[^A-Za-z0-9_.-]/g, '_'),
    scale: 0.01,
    state: n,
    input: { name: 'y', size: m },
    output: { name: 'x', size: n },
    matrices,
    layers: irLayers,
  };
}
