/**
 * Hand-built IR for tests, plus a naive dense evaluator written straight from the spec's tables
 * (membership per (i, j), canonical index by row-major scan). It shares no code with
 * compiler/ir/structure.ts or compiler/reference, so it can catch their mistakes.
 */
export { mulberry32 as seededRandom } from '../../compiler/util/seeded-random.js';
import type { IRMatrix, IRModel, Structure, ThresholdKind } from '../../core/ir.js';
import { type DraftLayer, resolveModel } from '../support/ir-draft.js';

/** Entry (i, j) exists, per the table of spec section 3.1. */
export function existsAt(structure: Structure, rows: number, cols: number, i: number, j: number): boolean {
  switch (structure.kind) {
    case 'dense':
      return true;
    case 'block-diagonal':
      return Math.floor(i / structure.blockRows) === Math.floor(j / structure.blockCols);
    case 'banded':
      return -structure.lower <= j - i && j - i <= structure.upper;
    case 'blocks':
      return structure.blocks.some((b) => i >= b.row0 && i < b.row0 + b.rows && j >= b.col0 && j < b.col0 + b.cols);
    case 'mask': {
      const bit = i * cols + j;
      return ((structure.bitmap[Math.floor(bit / 8)] >> bit % 8) & 1) === 1;
    }
  }
}

export function countEntries(structure: Structure, rows: number, cols: number): number {
  let nnz = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (existsAt(structure, rows, cols, i, j)) nnz++;
  return nnz;
}

/** Packs +-1 signs in canonical order: bit 1 = negative. */
export function packSigns(signs: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(signs.length / 8));
  signs.forEach((s, k) => {
    if (s < 0) bytes[Math.floor(k / 8)] |= 1 << k % 8;
  });
  return bytes;
}

/** A matrix with the given canonical signs, or random ones drawn from `random`. */
export function makeMatrix(
  id: string,
  rows: number,
  cols: number,
  structure: Structure,
  signs: readonly number[] | (() => number),
  gain = 1,
): IRMatrix {
  const nnz = countEntries(structure, rows, cols);
  const list = typeof signs === 'function' ? Array.from({ length: nnz }, () => (signs() < 0.5 ? -1 : 1)) : signs;
  if (list.length !== nnz) throw new Error(`${id}: ${list.length} signs for ${nnz} entries`);
  return { id, rows, cols, structure, nnz, signs: packSigns(list), gain, encoding: 'bits' };
}

/** A row-major bitmap from a membership predicate. */
export function maskStructure(rows: number, cols: number, exists: (i: number, j: number) => boolean): Structure {
  const bitmap = new Uint8Array(Math.ceil((rows * cols) / 8));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const bit = i * cols + j;
      if (exists(i, j)) bitmap[Math.floor(bit / 8)] |= 1 << bit % 8;
    }
  }
  return { kind: 'mask', bitmap };
}

export function makeLayer(layer: Partial<DraftLayer> & Pick<DraftLayer, 'terms'>): DraftLayer {
  return {
    skip: 0,
    bias: 0,
    relax: 1,
    threshold: { kind: 'none', theta: 0 },
    ...layer,
  };
}

export function makeModel(options: {
  name?: string;
  scale: number;
  state: number;
  inputSize: number;
  outputSize?: number;
  matrices: readonly IRMatrix[];
  layers: readonly DraftLayer[];
  readout?: string;
}): IRModel {
  return resolveModel({
    name: options.name ?? 'test-model',
    scale: options.scale,
    state: options.state,
    input: { name: 'y', size: options.inputSize },
    output: { name: 'x', size: options.outputSize ?? options.state },
    matrices: options.matrices,
    layers: options.layers,
    ...(options.readout === undefined ? {} : { readout: options.readout }),
  });
}

/** The full matrix, entries walked in canonical (row-major) order. Small sizes only. */
export function denseOf(m: IRMatrix, scale: number): number[][] {
  const dense: number[][] = [];
  let k = 0;
  for (let i = 0; i < m.rows; i++) {
    const row: number[] = [];
    for (let j = 0; j < m.cols; j++) {
      if (!existsAt(m.structure, m.rows, m.cols, i, j)) {
        row.push(0);
        continue;
      }
      const negative = ((m.signs[Math.floor(k / 8)] >> k % 8) & 1) === 1;
      row.push((negative ? -1 : 1) * scale * m.gain);
      k++;
    }
    dense.push(row);
  }
  return dense;
}

export function denseMatvec(dense: number[][], x: ArrayLike<number>): number[] {
  return dense.map((row) => row.reduce((sum, a, j) => sum + a * x[j], 0));
}

function eta(kind: ThresholdKind, z: number, theta: number): number {
  if (kind === 'soft') return z > theta ? z - theta : z < -theta ? z + theta : 0;
  if (kind === 'hard') return Math.abs(z) > theta ? z : 0;
  if (kind === 'soft-nonneg') return z > theta ? z - theta : 0;
  return z;
}

/** Spec section 4, written the obvious way with dense matrices. */
export function denseEvaluate(model: IRModel, y: readonly number[]): { layers: number[][]; output: number[] } {
  const dense = (m: IRMatrix) => denseOf(m, model.scale);
  const at = (p: number | Float64Array, i: number) => (typeof p === 'number' ? p : p[i]);
  let x = new Array<number>(model.state).fill(0);
  const layers: number[][] = [];
  for (const layer of model.layers) {
    const r = layer.residual === undefined ? [] : denseMatvec(dense(layer.residual), x).map((ax, i) => y[i] - ax);
    const z = x.map((xi) => layer.skip * xi);
    for (const term of layer.terms) {
      const v = term.source === 'state' ? x : term.source === 'input' ? y : r;
      denseMatvec(dense(term.matrix), v).forEach((p, i) => (z[i] += p));
    }
    x = x.map((xi, i) => {
      const e = eta(layer.threshold.kind, z[i] + at(layer.bias, i), at(layer.threshold.theta, i));
      return (1 - layer.relax) * xi + layer.relax * e;
    });
    layers.push(x);
  }
  const output = model.readout === undefined ? x : denseMatvec(dense(model.readout), x);
  return { layers, output };
}

