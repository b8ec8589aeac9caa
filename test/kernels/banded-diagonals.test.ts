/**
 * The diagonal kernel of banded matrices (runtime-as/banded-diagonals.ts) on signs re-laid by
 * codegen/layout.ts's diagonalMajorSigns, against a JS evaluation of its documented order (each
 * row sums its band in column order from zero, f32), bit for bit, in both builds: row counts off
 * the 32-row pass, non-square matrices, one-sided and empty-row bands. The TypeScript mirror of
 * the kernel rule and scratch size agrees with the kernels'.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Flavor } from '../../codegen/compile-as.js';
import { bandDiagonals, diagonalScratchBytes, useDiagonals } from '../../codegen/kernel-selection.js';
import { diagonalMajorSigns } from '../../codegen/layout.js';
import type { IRMatrix } from '../../core/ir.js';
import { structureNnz } from '../../compiler/ir/structure.js';
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
    const band = bandDiagonals(rows, cols, lower, upper);
    const scratchBytes = diagonalScratchBytes(rows, band.lower, band.upper);
    expect(k.diagonal_scratch_bytes(rows, band.lower, band.upper)).toBe(scratchBytes);
    const [z, v, s, scratch] = place(z0, x, diagonalMajorSigns(matrix), new Uint8Array(scratchBytes));
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

  it('the TypeScript mirror of the rule agrees with the kernels', () => {
    for (const rows of [1, 31, 32, 33, 256, 1000]) {
      for (const [lower, upper] of [[0, 0], [1, 1], [8, 8], [0, 40], [100, 100]]) {
        const band = bandDiagonals(rows, rows, lower, upper);
        const nnz = structureNnz({ kind: 'banded', lower, upper }, rows, rows);
        for (const scratch of [true, false]) {
          const want = useDiagonals(rows, band.lower, band.upper, nnz, scratch);
          expect(k.use_diagonals(rows, band.lower, band.upper, BigInt(nnz), scratch ? 1 : 0) !== 0, `${rows} rows, band ${lower}/${upper}`).toBe(want);
        }
      }
    }
    expect(useDiagonals(256, 8, 8, structureNnz({ kind: 'banded', lower: 8, upper: 8 }, 256, 256), true)).toBe(true);
    expect(useDiagonals(256, 200, 200, structureNnz({ kind: 'banded', lower: 200, upper: 200 }, 256, 256), true), 'a band over most of the matrix').toBe(false);
  });

});
