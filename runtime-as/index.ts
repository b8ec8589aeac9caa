/**
 * The kernel library as a standalone module (the `asconfig.json` entry): every kernel exported
 * with plain pointer / size arguments, for the kernel tests; a product's kernel is chosen here as
 * a plan would with the default table budget when `lut` is non-zero. Specialized modules and the
 * generic runtime import the kernels directly instead. Memory is the host's to manage: grow it
 * and place buffers anywhere above `__heap_base`.
 */
import { DEFAULT_TABLE_BYTES_LIMIT } from './generated/constants';
import { signedSum } from './signed-sum';
import { matvecBanded } from '../kinds/banded/kernel.as';
import { diagonalScratchBytes, matvecBandedDiagonals } from '../kinds/banded/diagonals.as';
import { matvecBlockDiagonal, matvecBlockDiagonalBatch } from '../kinds/block-diagonal/kernel.as';
import { matvecBlocks } from '../kinds/blocks/kernel.as';
import { matvecDense, matvecDenseBatch } from '../kinds/dense/kernel.as';
import { matvecSegments } from '../kinds/mask/kernel.as';
import { addVector, initPreactivation, updateState } from './elementwise';
import { batchByteTables, batchScratchBytes, chooseKernel, tableBytes, useDiagonals } from './kernel-choice';

export { THRESHOLD_NONE, THRESHOLD_SOFT, THRESHOLD_HARD, THRESHOLD_SOFT_NONNEG } from './elementwise';
export { outsideTolerance as outside_tolerance } from './self-test';

export function signed_sum(x: usize, n: i32, signs: usize, bit: usize): f32 {
  return signedSum(x, n, signs, bit);
}

/** The kernel `matvec_*` runs for `tableRows` rows sharing `runCols` columns (kernel-choice.ts). */
export function kernel_choice(tableRows: i32, runCols: i32, lutAvailable: bool): i32 {
  return chooseKernel(tableRows, runCols, budget(lutAvailable));
}

@inline function budget(lutAvailable: bool): i32 {
  return lutAvailable ? DEFAULT_TABLE_BYTES_LIMIT : 0;
}

/** `lut`: table scratch of at least tableBytes(kernel_choice(rows, cols, true), cols) bytes, or 0. */
export function matvec_dense(z: usize, v: usize, rows: i32, cols: i32, signs: usize, coef: f32, lut: usize): void {
  matvecDense(z, v, rows, cols, signs, coef, chooseKernel(rows, cols, budget(lut != 0)), lut);
}

/** `count` inputs (v_b at v + 4 b cols, z_b at z + 4 b rows); `lut` also needs batch_scratch_bytes(rows, cols, count). */
export function matvec_dense_batch(z: usize, v: usize, rows: i32, cols: i32, signs: usize, coef: f32, lut: usize, count: i32): void {
  matvecDenseBatch(z, v, rows, cols, signs, coef, chooseKernel(rows, cols, budget(lut != 0)), lut, count);
}

export function matvec_block_diagonal_batch(
  z: usize, v: usize, rows: i32, blockRows: i32, blockCols: i32, signs: usize, coef: f32, lut: usize, count: i32,
): void {
  matvecBlockDiagonalBatch(z, v, rows, blockRows, blockCols, signs, coef, chooseKernel(blockRows, blockCols, budget(lut != 0)), lut, count);
}

/** Scratch bytes a batch-inner product of `count` inputs over a `rows` x `cols` run takes (kernel-choice.ts). */
/** Scratch bytes a batch-1 table of `kernel` over `cols` columns takes. */
export function table_bytes(kernel: i32, cols: i32): i32 {
  return tableBytes(kernel, cols);
}

/** Whether batch-inner products over `rows` x `cols` build 256-entry byte tables. */
export function batch_byte_tables(rows: i32, cols: i32): bool {
  return batchByteTables(chooseKernel(rows, cols, DEFAULT_TABLE_BYTES_LIMIT), rows);
}

export function batch_scratch_bytes(rows: i32, cols: i32, count: i32): i32 {
  return batchScratchBytes(chooseKernel(rows, cols, DEFAULT_TABLE_BYTES_LIMIT), rows, cols, count);
}

export function matvec_block_diagonal(
  z: usize, v: usize, rows: i32, blockRows: i32, blockCols: i32, signs: usize, coef: f32, lut: usize,
): void {
  matvecBlockDiagonal(z, v, rows, blockRows, blockCols, signs, coef, chooseKernel(blockRows, blockCols, budget(lut != 0)), lut);
}

export function matvec_banded(z: usize, v: usize, rows: i32, cols: i32, lower: i32, upper: i32, signs: usize, coef: f32): void {
  matvecBanded(z, v, rows, cols, lower, upper, signs, coef);
}

/** Whether banded products over `nnz` entries run over diagonals (kernel-choice.ts). */
export function use_diagonals(rows: i32, lower: i32, upper: i32, nnz: u64, scratchAvailable: bool): bool {
  return useDiagonals(rows, lower, upper, nnz, scratchAvailable);
}

/** `signs` diagonal-major (docs/abi.md); `scratch`: diagonal_scratch_bytes(rows, lower, upper) bytes. */
export function matvec_banded_diagonals(
  z: usize, v: usize, rows: i32, cols: i32, lower: i32, upper: i32, signs: usize, coef: f32, scratch: usize,
): void {
  matvecBandedDiagonals(z, v, rows, cols, lower, upper, signs, coef, scratch);
}

export function diagonal_scratch_bytes(rows: i32, lower: i32, upper: i32): i32 {
  return diagonalScratchBytes(rows, lower, upper);
}

export function matvec_blocks(z: usize, v: usize, table: usize, count: i32, signs: usize, coef: f32): void {
  matvecBlocks(z, v, table, count, signs, coef);
}

export function matvec_segments(z: usize, v: usize, rows: i32, rowStarts: usize, segments: usize, signs: usize, coef: f32): void {
  matvecSegments(z, v, rows, rowStarts, segments, signs, coef);
}

export function init_preactivation(z: usize, x: usize, n: i32, skip: f32, bias: f32, biasVector: usize): void {
  initPreactivation(z, x, n, skip, bias, biasVector);
}

export function add_vector(dst: usize, src: usize, n: i32): void {
  addVector(dst, src, n);
}

export function update_state(
  x: usize, z: usize, n: i32, kind: i32, theta: f32, thetaVector: usize, relax: f32, keep: f32,
): void {
  updateState(x, z, n, kind, theta, thetaVector, relax, keep);
}
