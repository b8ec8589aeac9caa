/**
 * The batch-inner products (runtime-as/batch-inner.ts) through the kernel library's
 * matvec_dense_batch / matvec_block_diagonal_batch: for every input of a batch, bitwise equal to
 * the batch-1 kernel on that input (so infer_batch equals infer), at batch sizes that are not
 * multiples of 4 or 16, row counts that are not multiples of 4 and runs longer than one table
 * chunk, without touching memory around each output vector.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Flavor } from '../../codegen/compile-as.js';
import { createRng, type Rng } from '../support/random-model.js';
import { kernelLibrary, type Place } from './place.js';

interface BatchExports {
  memory: WebAssembly.Memory;
  matvec_dense(z: number, v: number, rows: number, cols: number, signs: number, coef: number, lut: number): void;
  matvec_block_diagonal(z: number, v: number, rows: number, br: number, bc: number, signs: number, coef: number, lut: number): void;
  matvec_dense_batch(z: number, v: number, rows: number, cols: number, signs: number, coef: number, lut: number, count: number): void;
  matvec_block_diagonal_batch(z: number, v: number, rows: number, br: number, bc: number, signs: number, coef: number, lut: number, count: number): void;
  batch_scratch_bytes(rows: number, cols: number, count: number): number;
  batch_byte_tables(rows: number, cols: number): number;
  kernel_choice(rows: number, cols: number, lut: number): number;
}

const SCRATCH_BYTES = 4 * 1024 * 1024;

describe.each<Flavor>(['simd', 'scalar'])('batch-inner products, %s build', (flavor) => {
  let k: BatchExports;
  let place: Place;
  beforeAll(async () => {
    ({ exports: k, place } = await kernelLibrary<BatchExports>(flavor, 256));
  });


  const bits = (rng: Rng, count: number): Uint8Array => Uint8Array.from({ length: Math.ceil(count / 8) + 8 }, () => rng.int(0, 255));
  const read = (address: number, length: number): Uint32Array => new Uint32Array(new Float32Array(k.memory.buffer, address, length).slice().buffer);

  /**
   * Runs `batch` (one call for count inputs, z_b packed at stride rows, with one sentinel f32
   * before and after all of them) and `single` (the batch-1 kernel per input) from the same z,
   * v and signs, and compares the bits.
   */
  function compare(rows: number, cols: number, count: number, seed: number,
    batch: (z: number, v: number, s: number, lut: number) => void, single: (z: number, v: number, s: number, lut: number) => void): void {
    const rng = createRng(seed);
    const x = Float32Array.from({ length: count * cols }, () => rng.uniform(-1, 1));
    const signs = bits(rng, rows * cols);
    const z0 = Float32Array.from({ length: count * rows + 2 }, () => rng.uniform(-1, 1));
    const [zBatch, zSingle, v, s, lut] = place(z0, z0, x, signs, new Uint8Array(SCRATCH_BYTES));
    batch(zBatch + 4, v, s, lut);
    for (let b = 0; b < count; b++) single(zSingle + 4 * (1 + b * rows), v + 4 * b * cols, s, lut);
    const got = read(zBatch, z0.length);
    const want = read(zSingle, z0.length);
    expect([got[0], got[z0.length - 1]], 'sentinels').toEqual(Array.from(new Uint32Array(z0.buffer)).filter((_, i) => i === 0 || i === z0.length - 1));
    for (let b = 0; b < count; b++) {
      expect(got.subarray(1 + b * rows, 1 + (b + 1) * rows), `input ${b}`).toEqual(want.subarray(1 + b * rows, 1 + (b + 1) * rows));
    }
    // The batch-1 kernel itself changed z (the comparison is not vacuous).
    expect(want).not.toEqual(new Uint32Array(z0.buffer));
  }

  it.each([
    [8, 8, 2], [9, 72, 3], [66, 128, 5], [64, 200, 17], [300, 520, 32], [100, 1032, 32], [257, 64, 64],
    // Byte tables (LUT8 runs of >= 384 rows): one chunk, several with a short last one, 64 lanes.
    [384, 136, 7], [401, 264, 32], [385, 1032, 64],
  ])('dense %i x %i, %i inputs: each input bitwise equal to the batch-1 kernel', (rows, cols, count) => {
    expect(k.kernel_choice(rows, cols, 1), 'a lookup kernel').not.toBe(0);
    expect(k.batch_scratch_bytes(rows, cols, count)).toBeLessThanOrEqual(SCRATCH_BYTES);
    compare(rows, cols, count, rows * 7 + cols + count,
      (z, v, s, lut) => k.matvec_dense_batch(z, v, rows, cols, s, 0.375, lut, count),
      (z, v, s, lut) => k.matvec_dense(z, v, rows, cols, s, 0.375, lut));
  });

  it.each([
    [16, 16, 8, 7], [64, 64, 4, 32], [32, 8, 3, 6], [256, 32, 2, 13], [384, 16, 2, 5],
  ])('block-diagonal %i x %i blocks (%i of them), %i inputs: bitwise equal to the batch-1 kernel', (blockRows, blockCols, blocks, count) => {
    expect(k.kernel_choice(blockRows, blockCols, 1), 'a lookup kernel').not.toBe(0);
    const rows = blockRows * blocks;
    compare(rows, blockCols * blocks, count, blockRows + blockCols + count,
      (z, v, s, lut) => k.matvec_block_diagonal_batch(z, v, rows, blockRows, blockCols, s, -1.25, lut, count),
      (z, v, s, lut) => k.matvec_block_diagonal(z, v, rows, blockRows, blockCols, s, -1.25, lut));
  });

  it('byte tables cover the cases above: LUT8 runs from 384 rows', () => {
    const byteTables = (rows: number, cols: number): boolean => k.batch_byte_tables(rows, cols) !== 0;
    expect([byteTables(383, 136), byteTables(384, 136), byteTables(385, 1032), byteTables(384, 16)]).toEqual([false, true, true, true]);
    expect(byteTables(4096, 8192), 'columns past the LUT8 limit keep nibble tables').toBe(false);
  });
});
