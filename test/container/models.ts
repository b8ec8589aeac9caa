/**
 * Hand-built IR models for the container tests, covering every structure kind, every encoding,
 * every threshold kind, scalar and vector theta / bias, tied matrices, gains, a readout, an empty
 * sign payload, -0 parameters, and metadata; plus a minimal model with every optional part absent.
 */
import { structureNnz } from '../../compiler/ir/structure.js';
import type { IRMatrix, IRModel, SignEncoding, Structure } from '../../core/ir.js';
import { type DraftLayer, resolveModel } from '../support/ir-draft.js';

/** Deterministic pseudo-random bytes (xorshift32), so models are identical run to run. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** A bit payload of `bits` bits with its padding bits cleared. */
export function randomBits(bits: number, seed: number): Uint8Array {
  const bytes = pseudoRandomBytes(Math.ceil(bits / 8), seed);
  if (bits % 8 !== 0) bytes[bytes.length - 1] &= (1 << bits % 8) - 1;
  return bytes;
}

export function makeMatrix(
  id: string,
  rows: number,
  cols: number,
  structure: Structure,
  options: { gain?: number; encoding?: SignEncoding; quantizationError?: number; seed?: number } = {},
): IRMatrix {
  const nnz = structureNnz(structure, rows, cols);
  const encoding = options.encoding ?? 'bits';
  return {
    id,
    rows,
    cols,
    structure,
    nnz,
    signs: randomBits(nnz, options.seed ?? id.length * 7919 + rows),
    gain: options.gain ?? 1,
    encoding,
    ...(encoding !== 'bits' && { quantizationError: options.quantizationError ?? 0 }),
  };
}

function vector(values: number[]): Float64Array {
  return Float64Array.from(values);
}

export const STATE = 12;
export const INPUT = 10;
export const OUTPUT = 5;

/** One matrix of every structure kind, used in every way a model can use a matrix. */
export function allFeaturesModel(): IRModel {
  const matrices: IRMatrix[] = [
    makeMatrix('D', STATE, INPUT, { kind: 'dense' }, { encoding: 'values', quantizationError: 0.125 }),
    makeMatrix('BD', STATE, STATE, { kind: 'block-diagonal', blockRows: 3, blockCols: 3 }, { gain: 0.5 }),
    makeMatrix('BND', STATE, STATE, { kind: 'banded', lower: 2, upper: 1 }, { gain: 1.0000000000000002 }),
    makeMatrix('BL', STATE, INPUT, {
      kind: 'blocks',
      blocks: [
        { row0: 5, col0: 6, rows: 2, cols: 4 },
        { row0: 0, col0: 0, rows: 3, cols: 4 },
        { row0: 9, col0: 1, rows: 3, cols: 2 },
      ],
    }),
    makeMatrix('E', STATE, STATE, { kind: 'blocks', blocks: [] }),
    makeMatrix('A', INPUT, STATE, { kind: 'dense' }, { encoding: 'dense-values', quantizationError: 0 }),
    makeMatrix('M', OUTPUT, STATE, { kind: 'mask', bitmap: randomBits(OUTPUT * STATE, 99) }),
  ];
  const layers: DraftLayer[] = [
    { terms: [{ matrix: 'D', source: 'input' }], skip: 0, bias: 0, threshold: { kind: 'soft', theta: 0.1 }, relax: 1 },
    {
      terms: [
        { matrix: 'BD', source: 'state' },
        { matrix: 'D', source: 'input' },
      ],
      skip: 0,
      bias: vector([0.5, -0.25, 0, -0, 1e-300, 3, -3, 0.1, 0.2, 0.3, 0.4, Math.PI]),
      threshold: { kind: 'hard', theta: vector([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 5e-324]) },
      relax: 0.75,
    },
    { terms: [{ matrix: 'BL', source: 'residual' }], residual: 'A', skip: 1, bias: -0.25, threshold: { kind: 'soft-nonneg', theta: 0 }, relax: 1 },
    {
      terms: [
        { matrix: 'BND', source: 'state' },
        { matrix: 'E', source: 'state' },
      ],
      skip: -0,
      bias: 0,
      threshold: { kind: 'none', theta: 0 },
      relax: 0.5,
    },
  ];
  return resolveModel({
    name: 'all-features_v1.0',
    description: 'every structure kind — ünïcode too',
    scale: 0.0625,
    state: STATE,
    input: { name: 'y', size: INPUT },
    output: { name: 'x_hat', size: OUTPUT },
    matrices,
    layers,
    readout: 'M',
    metadata: { recipe: { epochs: [20, 24], lr: 0.001 }, dataset: 'synthetic', notes: null, ok: true, text: 'λ = mean |W|' },
  });
}

/** Every optional part absent: no description, readout, metadata, gain or quantization error. */
export function minimalModel(): IRModel {
  const w = makeMatrix('W', 4, 4, { kind: 'dense' });
  return resolveModel({
    name: 'tiny',
    scale: 0.25,
    state: 4,
    input: { name: 'y', size: 4 },
    output: { name: 'x', size: 4 },
    matrices: [w],
    layers: [{ terms: [{ matrix: 'W', source: 'input' }], skip: 0, bias: 0, threshold: { kind: 'soft', theta: 0.1 }, relax: 1 }],
  });
}

/** A one-layer model whose only matrix (state x state) has the given structure. */
export function singleStructureModel(state: number, structure: Structure): IRModel {
  const w = makeMatrix('W', state, state, structure);
  return resolveModel({
    name: `single-${structure.kind}`,
    scale: 1,
    state,
    input: { name: 'y', size: state },
    output: { name: 'x', size: state },
    matrices: [w],
    layers: [{ terms: [{ matrix: 'W', source: 'state' }], skip: 1, bias: 0, threshold: { kind: 'soft', theta: 0.5 }, relax: 1 }],
  });
}
