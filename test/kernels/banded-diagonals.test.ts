/**
 * The diagonal kernel of banded matrices (kinds/banded/diagonals.as.ts) on signs re-laid in the
 * documented diagonal-major order (docs/abi.md; written here independently of the runtime's
 * preparation, which must agree with it wherever the plan picks the kernel), against a JS
 * evaluation of its documented order (each row sums its band in column order from zero, f32),
 * bit for bit, in both builds: row counts off the 32-row pass, non-square matrices, one-sided and
 * empty-row bands.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Flavor } from '../../codegen/compile-as.js';
import { planModel } from '../../compiler/plan/plan-model.js';
import type { IRMatrix } from '../../core/ir.js';
import { forEachRowSegment, structureNnz } from '../../compiler/ir/structure.js';
import { resolveModel } from '../support/ir-draft.js';
import { createRng } from '../support/random-model.js';
import { kernelLibrary, type Place } from './place.js';

interface DiagonalExports {
  memory: WebAssembly.Memory;
  matvec_banded_diagonals(z: number, v: number, rows: number, cols: number, lower: number, upper: number, signs: number, coef: number, scratch: number): void;
  diagonal_scratch_bytes(rows: number, lower: number, upper: number): number;
  use_diagonals(rows: number, lower: number, upper: number, nnz: bigint, scratch: number): number;
}

const f = Math.fround;

function bandedMatrix(rows: number, cols: number, lower: number, upper: number, seed: number): IRMatrix {
  const structure = { kind: 'banded', lower, upper } as const;
  const nnz = structureNnz(structure, rows, cols);
  const rng = createRng(seed);
  const signs = Uint8Array.from({ length: Math.ceil(nnz / 8) }, () => rng.int(0, 255));
  if (nnz % 8 !== 0) signs[signs.length - 1] &= (1 << (nnz % 8)) - 1;
  return { id: 'A', rows, cols, structure, nnz, signs, gain: 1, encoding: 'bits' };
}

/** Diagonal t = j - i + lower holds bit i for every row i (rows padded to 32), 0 outside the matrix. */
function diagonalMajorSigns(matrix: IRMatrix, lower: number, upper: number): Uint8Array {
  const padded = Math.ceil(matrix.rows / 32) * 32;
  const signs = new Uint8Array(((lower + upper + 1) * padded) / 8);
  forEachRowSegment(matrix.structure, matrix.rows, matrix.cols, (i, colStart, colEnd, k) => {
    for (let j = colStart; j < colEnd; j++, k++) {
      if ((matrix.signs[k >>> 3] >> (k & 7)) & 1) {
        const bit = (j - i + lower) * padded + i;
        signs[bit >>> 3] |= 1 << (bit & 7);
      }
    }
  });
  return signs;
}

/** The plan of a one-layer model over the matrix alone. */
function planOf(matrix: IRMatrix) {
  const model = resolveModel({
    name: 'band', scale: 1, state: matrix.rows, input: { name: 'y', size: matrix.cols }, output: { name: 'x', size: matrix.rows },
    matrices: [matrix], layers: [{ terms: [{ matrix: matrix.id, source: 'input' }], skip: 0, bias: 0, threshold: { kind: 'none', theta: 0 }, relax: 1 }],
  });
  return planModel(model).matrices[0];
}

describe.each<Flavor>(['simd', 'scalar'])('banded products over diagonals, %s build', (flavor) => {
  let k: DiagonalExports;
  let place: Place;
  beforeAll(async () => {
    ({ exports: k, place } = await kernelLibrary<DiagonalExports>(flavor, 64));
  });

  it.each([
    [32, 32, 1, 1], [256, 256, 8, 8], [100, 100, 4, 4], [37, 50, 0, 5], [70, 40, 6, 0], [90, 30, 3, 2], [5, 9, 2, 7], [300, 310, 16, 3],
  ])('%i x %i, lower %i, upper %i: bitwise the documented order', (rows, cols, lower, upper) => {
    const matrix = bandedMatrix(rows, cols, lower, upper, rows + cols + lower * 7 + upper);
    const rng = createRng(rows * 3 + upper);
    const x = Float32Array.from({ length: cols }, () => rng.uniform(-1, 1));
    const z0 = Float32Array.from({ length: rows + 1 }, () => rng.uniform(-1, 1));
    const coef = 0.8125;
    const band = { lower: Math.min(lower, rows), upper: Math.min(upper, cols) };
    const signs = diagonalMajorSigns(matrix, band.lower, band.upper);
    const planned = planOf(matrix);
    if (planned.kernel.simd === 'diagonal') expect(planned.signs, 'the runtime prepares the documented layout').toEqual(signs);
    const scratchBytes = k.diagonal_scratch_bytes(rows, band.lower, band.upper);
    const [z, v, s, scratch] = place(z0, x, signs, new Uint8Array(scratchBytes));
    k.matvec_banded_diagonals(z, v, rows, cols, band.lower, band.upper, s, coef, scratch);

    const expected = Float32Array.from(z0);
    for (let i = 0, bit = 0; i < rows; i++) {
      let sum = 0;
      for (let j = i - band.lower; j <= i + band.upper; j++) {
        if (j < 0 || j >= cols) continue; // a missing entry adds a zero: the sum stays
        const negative = (matrix.signs[bit >> 3] >> (bit & 7)) & 1;
        bit++;
        sum = f(sum + (negative ? -x[j] : x[j]));
      }
      expected[i] = f(z0[i] + f(coef * sum));
    }
    // Every row and the sentinel after them.
    expect(new Float32Array(k.memory.buffer, z, rows + 1)).toEqual(expected);
  });

  it('the rule: diagonals when the padded diagonals hold at most 5/4 of the band, and where a scratch exists', () => {
    const uses = (rows: number, lower: number, upper: number, scratch: boolean): boolean =>
      k.use_diagonals(rows, lower, upper, BigInt(structureNnz({ kind: 'banded', lower, upper }, rows, rows)), scratch ? 1 : 0) !== 0;
    expect(uses(256, 8, 8, true)).toBe(true);
    expect(uses(256, 8, 8, false), 'no scratch for the padded x').toBe(false);
    expect(uses(256, 200, 200, true), 'a band over most of the matrix').toBe(false);
    expect(uses(33, 1, 1, true), 'one row into a second pass: padding 31 of 64 rows').toBe(false);
    expect(uses(1000, 1, 1, true)).toBe(true);
  });

});
