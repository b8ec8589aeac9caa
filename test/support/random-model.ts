/**
 * Seeded random IRModels for differential tests: every structure kind, threshold kind, skip,
 * bias, relax, residual terms, tied weights, gains, readout, and awkward sizes (1, 3, 31, 127,
 * 129). `randomModel(seed)` is a pure function of the seed, so a failing seed reproduces; the
 * weights are normalised so every product has roughly unit gain and values stay at unit scale
 * through the layers.
 */
import { mulberry32 } from '../../compiler/util/seeded-random.js';
import { structureNnz } from '../../compiler/ir/structure.js';
import type { Block, IRMatrix, IRModel, ScalarOrVector, Structure, ThresholdKind } from '../../core/ir.js';
import { type DraftLayer, type DraftTerm, resolveModel } from './ir-draft.js';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(lo: number, hi: number): number;
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

export const AWKWARD_SIZES = [1, 3, 31, 127, 129] as const;
export const STRUCTURE_KINDS = ['dense', 'block-diagonal', 'banded', 'blocks', 'mask'] as const;
export const THRESHOLD_KINDS: readonly ThresholdKind[] = ['soft', 'hard', 'soft-nonneg', 'none'];

export interface RandomModelOptions {
  /** Force one structure kind for every matrix (default: a random kind per matrix). */
  readonly structure?: (typeof STRUCTURE_KINDS)[number];
  /** Largest dimension drawn besides the awkward sizes (default 96). */
  readonly maxSize?: number;
}

function randomSize(rng: Rng, maxSize: number): number {
  return rng.chance(0.5) ? rng.pick(AWKWARD_SIZES) : rng.int(2, maxSize);
}

function commonDivisors(a: number, b: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= Math.min(a, b); d++) if (a % d === 0 && b % d === 0) out.push(d);
  return out;
}

/** Non-overlapping rectangles: a random sub-rectangle in some cells of a random grid. */
function randomBlocks(rng: Rng, rows: number, cols: number): Block[] {
  const cuts = (n: number): number[] => {
    const parts = rng.int(1, Math.min(4, n));
    const points = new Set<number>([0, n]);
    while (points.size < parts + 1) points.add(rng.int(1, n - 1));
    return [...points].sort((a, b) => a - b);
  };
  const rowCuts = cuts(rows);
  const colCuts = cuts(cols);
  const blocks: Block[] = [];
  for (let r = 0; r + 1 < rowCuts.length; r++) {
    for (let c = 0; c + 1 < colCuts.length; c++) {
      if (blocks.length > 0 && rng.chance(0.4)) continue;
      const row0 = rng.int(rowCuts[r], rowCuts[r + 1] - 1);
      const col0 = rng.int(colCuts[c], colCuts[c + 1] - 1);
      blocks.push({ row0, col0, rows: rng.int(1, rowCuts[r + 1] - row0), cols: rng.int(1, colCuts[c + 1] - col0) });
    }
  }
  // Listed order is the model's choice, not canonical: shuffle it.
  return blocks.sort(() => rng.next() - 0.5);
}

/** A bitmap with runs (as physics masks have) and isolated entries. */
function randomMask(rng: Rng, rows: number, cols: number): Uint8Array {
  const bitmap = new Uint8Array(Math.ceil((rows * cols) / 8));
  const density = rng.pick([0.1, 0.5, 0.9]);
  let on = rng.chance(density);
  for (let bit = 0; bit < rows * cols; bit++) {
    if (rng.chance(0.3)) on = rng.chance(density);
    if (on) bitmap[bit >> 3] |= 1 << (bit & 7);
  }
  return bitmap;
}

function randomStructure(rng: Rng, rows: number, cols: number, forced?: RandomModelOptions['structure']): Structure {
  switch (forced ?? rng.pick(STRUCTURE_KINDS)) {
    case 'dense':
      return { kind: 'dense' };
    case 'block-diagonal': {
      const blocks = rng.pick(commonDivisors(rows, cols));
      return { kind: 'block-diagonal', blockRows: rows / blocks, blockCols: cols / blocks };
    }
    case 'banded':
      return { kind: 'banded', lower: rng.int(0, Math.min(rows, 8)), upper: rng.int(0, Math.min(cols, 40)) };
    case 'blocks':
      return { kind: 'blocks', blocks: randomBlocks(rng, rows, cols) };
    case 'mask':
      return { kind: 'mask', bitmap: randomMask(rng, rows, cols) };
  }
}

function randomSigns(rng: Rng, nnz: number): Uint8Array {
  const signs = new Uint8Array(Math.ceil(nnz / 8));
  for (let k = 0; k < nnz; k++) if (rng.chance(0.5)) signs[k >> 3] |= 1 << (k & 7);
  return signs;
}

function randomParam(rng: Rng, n: number, lo: number, hi: number): ScalarOrVector {
  return rng.chance(0.5) ? rng.uniform(lo, hi) : Float64Array.from({ length: n }, () => rng.uniform(lo, hi));
}

export function randomModel(seed: number, options: RandomModelOptions = {}): IRModel {
  const rng = createRng(seed);
  const maxSize = options.maxSize ?? 96;
  const state = randomSize(rng, maxSize);
  const inputSize = randomSize(rng, maxSize);
  const scale = rng.uniform(0.01, 0.2);
  const matrices: IRMatrix[] = [];

  /** A matrix whose rows have unit gain on average: lambda * gain * sqrt(row nnz) ~ `strength`. */
  const addMatrix = (prefix: string, rows: number, cols: number, strength: number): string => {
    const id = `${prefix}${matrices.length}`;
    const structure = randomStructure(rng, rows, cols, options.structure);
    const nnz = structureNnz(structure, rows, cols);
    const rowNnz = Math.max(1, nnz / rows);
    const gain = strength / (scale * Math.sqrt(rowNnz));
    matrices.push({ id, rows, cols, structure, nnz, signs: randomSigns(rng, nnz), gain, encoding: 'bits' });
    return id;
  };

  const layerCount = rng.int(1, 6);
  const tied = rng.chance(0.5);
  const family = rng.pick(['lista', 'residual', 'mixed'] as const);
  const shared = new Map<string, string>();
  /** A matrix for a role; tied models reuse one matrix per role across layers. */
  const matrixFor = (role: string, rows: number, cols: number, strength: number): string => {
    if (!tied) return addMatrix(role, rows, cols, strength);
    if (!shared.has(role)) shared.set(role, addMatrix(role, rows, cols, strength));
    return shared.get(role)!;
  };

  const layers: DraftLayer[] = [];
  for (let l = 0; l < layerCount; l++) {
    const terms: DraftTerm[] = [];
    const sources = family === 'lista' ? (['state', 'input'] as const)
      : family === 'residual' ? (['residual'] as const)
      : (['state', 'input', 'residual'] as const).filter(() => rng.chance(0.6));
    for (const source of sources) {
      const cols = source === 'state' ? state : inputSize;
      terms.push({ matrix: matrixFor(source, state, cols, source === 'state' ? 0.3 : 0.8), source });
    }
    const residual = terms.some((t) => t.source === 'residual') ? matrixFor('A', inputSize, state, 1) : undefined;
    const kind = rng.pick(THRESHOLD_KINDS);
    layers.push({
      terms,
      residual,
      skip: family === 'residual' ? 1 : rng.pick([0, 0, 1, 0.5]),
      bias: rng.chance(0.5) ? 0 : randomParam(rng, state, -0.1, 0.1),
      threshold: { kind, theta: kind === 'none' ? 0 : randomParam(rng, state, 0, 0.2) },
      relax: rng.chance(0.6) ? 1 : rng.uniform(0.3, 1),
    });
  }

  let output = { name: 'x', size: state };
  let readout: string | undefined;
  if (rng.chance(0.3)) {
    output = { name: 'out', size: randomSize(rng, maxSize) };
    readout = addMatrix('D', output.size, state, 1);
  }
  return resolveModel({
    name: `random-${seed}`,
    scale,
    state,
    input: { name: 'y', size: inputSize },
    output,
    matrices,
    layers,
    readout,
  });
}
