/**
 * Dense products (AssemblyScript): every entry exists; row i's signs start at bit i * cols.
 * `kernel` is the plan's choice (flip-and-add or a lookup table, runtime-as/kernel-choice.ts);
 * specialized modules pass it as a constant, so each call folds to one kernel.
 */
import { KERNEL_FLIP_ADD } from '../../runtime-as/generated/constants';
import { lookupRowsBatch } from '../../runtime-as/batch-inner';
import { buildTables, lookupRows } from '../../runtime-as/lookup-table';
import { accumulateRow, signedSum } from '../../runtime-as/signed-sum';

/** z[i] += coef * sum_j s_ij v[j]; `lut` holds the kernel's tables (0 for flip-and-add). */
@inline export function matvecDense(z: usize, v: usize, rows: i32, cols: i32, signs: usize, coef: f32, kernel: i32, lut: usize): void {
  matvecDenseRows(z, v, rows, cols, signs, coef, kernel, lut, 0, rows);
}

/**
 * Rows [row0, row1) of matvecDense; each row sums alone, so the rows of a split (threads.ts) come
 * out exactly as in the whole product. `build` false: `lut` already holds this product's tables.
 */
@inline export function matvecDenseRows(
  z: usize, v: usize, rows: i32, cols: i32, signs: usize, coef: f32, kernel: i32, lut: usize, row0: i32, row1: i32, build: bool = true,
): void {
  if (kernel != KERNEL_FLIP_ADD) {
    if (build) buildTables(kernel, lut, v, cols);
    lookupRows(kernel, z + (<usize>row0 << 2), row1 - row0, cols, lut, signs + <usize>row0 * <usize>(cols >> 3), coef);
    return;
  }
  for (let i: i32 = row0; i < row1; i++) {
    accumulateRow(z, i, coef, signedSum(v, cols, signs, <usize>i * <usize>cols));
  }
}

/**
 * matvecDense for `count` inputs: v_b at v + b * cols f32, z_b at z + b * rows f32. With a lookup
 * kernel `lut` then holds batchScratchBytes(kernel, rows, cols, count) bytes too.
 */
@inline export function matvecDenseBatch(
  z: usize, v: usize, rows: i32, cols: i32, signs: usize, coef: f32, kernel: i32, lut: usize, count: i32,
): void {
  // Batch-inner needs v128 (the scalar build compiles no SIMD branch) and pays from 2 inputs.
  if (ASC_FEATURE_SIMD) {
    if (kernel != KERNEL_FLIP_ADD && count > 1) {
      lookupRowsBatch(kernel, z, rows, v, cols, rows, cols, signs, coef, count, lut);
      return;
    }
  }
  for (let b: i32 = 0; b < count; b++) {
    matvecDense(z + (<usize>b * <usize>rows << 2), v + (<usize>b * <usize>cols << 2), rows, cols, signs, coef, kernel, lut);
  }
}
