/**
 * The table-lookup kernels (runtime-as/lookup-table.ts) through the kernel library's
 * matvec_dense / matvec_block_diagonal with a table scratch: bitwise equal to a float32
 * emulation of their one fixed summation order (which infer_batch and the generic runtime rely
 * on), at row counts that are not multiples of 4 and run lengths that are not multiples of 64,
 * without touching rows outside the product.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Flavor } from '../../codegen/compile-as.js';
import type { KernelName } from '../../core/plan.js';
import { createRng, type Rng } from '../support/random-model.js';
import { KERNEL_NAMES, kernelLibrary, type Place } from './place.js';

interface LookupExports {
  memory: WebAssembly.Memory;
  matvec_dense(z: number, v: number, rows: number, cols: number, signs: number, coef: number, lut: number): void;
  matvec_block_diagonal(z: number, v: number, rows: number, br: number, bc: number, signs: number, coef: number, lut: number): void;
  kernel_choice(rows: number, cols: number, lut: number): number;
  table_bytes(kernel: number, cols: number): number;
}

const f = Math.fround;
const bit = (signs: Uint8Array, k: number): number => (signs[k >> 3] >> (k & 7)) & 1;
const signed = (x: number, negative: number): number => (negative ? -x : x);

/** Entry e of the 4-column table at x[c..c+3]: ((x0' + x1') + x2') + x3'. */
function nibbleEntry(x: Float32Array, c: number, e: number): number {
  return f(f(f(signed(x[c], e & 1) + signed(x[c + 1], (e >> 1) & 1)) + signed(x[c + 2], (e >> 2) & 1)) + signed(x[c + 3], e >> 3));
}

/** One row's sum in the kernels' order: groups one after the other from zero. */
function rowSum(kernel: KernelName, x: Float32Array, c0: number, cols: number, signs: Uint8Array, firstBit: number): number {
  let acc = 0;
  for (let c = 0; c < cols; c += 8) {
    let b = 0;
    for (let l = 0; l < 8; l++) b |= bit(signs, firstBit + c + l) << l;
    if (kernel === 'lut8') {
      acc = f(acc + f(nibbleEntry(x, c0 + c, b & 15) + nibbleEntry(x, c0 + c + 4, b >> 4)));
    } else {
      acc = f(f(acc + nibbleEntry(x, c0 + c, b & 15)) + nibbleEntry(x, c0 + c + 4, b >> 4));
    }
  }
  return acc;
}

function randomBits(rng: Rng, count: number): Uint8Array {
  return Uint8Array.from({ length: Math.ceil(count / 8) + 8 }, () => rng.int(0, 255));
}

describe.each<Flavor>(['simd', 'scalar'])('lookup-table kernels, %s build', (flavor) => {
  let k: LookupExports;
  let place: Place;
  beforeAll(async () => {
    ({ exports: k, place } = await kernelLibrary<LookupExports>(flavor, 128));
  });


  it.each([
    [8, 8], [9, 72], [66, 128], [64, 200], [257, 64], [300, 520],
  ])('dense %i x %i matches its summation order bit for bit', (rows, cols) => {
    const code = k.kernel_choice(rows, cols, 1);
    const kernel = KERNEL_NAMES.get(code)!;
    expect(kernel).not.toBe('flip-add');
    const rng = createRng(rows * 1000 + cols);
    const x = Float32Array.from({ length: cols }, () => rng.uniform(-1, 1));
    const signs = randomBits(rng, rows * cols);
    // Sentinels before and after the rows: the kernel must not touch them.
    const z0 = Float32Array.from({ length: rows + 2 }, () => rng.uniform(-1, 1));
    const coef = 0.375;
    const [z, v, s, lut] = place(z0, x, signs, new Float32Array(k.table_bytes(code, cols) / 4));
    k.matvec_dense(z + 4, v, rows, cols, s, coef, lut);
    const got = new Float32Array(k.memory.buffer, z, rows + 2);
    const expected = Float32Array.from(z0, (z, i) => (i === 0 || i === rows + 1 ? z : f(z + f(f(coef) * rowSum(kernel, x, 0, cols, signs, (i - 1) * cols)))));
    expect(new Uint32Array(got.slice().buffer)).toEqual(new Uint32Array(expected.buffer));
  });

  it.each([
    [16, 16, 8], [64, 64, 4], [32, 8, 3], [256, 32, 2],
  ])('block-diagonal %i x %i blocks (%i of them) build one table per block', (blockRows, blockCols, blocks) => {
    const code = k.kernel_choice(blockRows, blockCols, 1);
    const kernel = KERNEL_NAMES.get(code)!;
    expect(kernel).not.toBe('flip-add');
    const rng = createRng(blockRows + blockCols);
    const rows = blockRows * blocks;
    const x = Float32Array.from({ length: blockCols * blocks }, () => rng.uniform(-1, 1));
    const signs = randomBits(rng, rows * blockCols);
    const z0 = Float32Array.from({ length: rows }, () => rng.uniform(-1, 1));
    const [z, v, s, lut] = place(z0, x, signs, new Float32Array(k.table_bytes(code, blockCols) / 4));
    k.matvec_block_diagonal(z, v, rows, blockRows, blockCols, s, -1.25, lut);
    const expected = Float32Array.from(z0, (z, i) => f(z + f(-1.25 * rowSum(kernel, x, Math.floor(i / blockRows) * blockCols, blockCols, signs, i * blockCols))));
    expect(new Uint32Array(new Float32Array(k.memory.buffer, z, rows).slice().buffer)).toEqual(new Uint32Array(expected.buffer));
  });
});
