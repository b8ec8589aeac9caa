/**
 * Block-diagonal products (AssemblyScript): row i covers columns [floor(i / blockRows) *
 * blockCols, + blockCols); its signs start at bit i * blockCols. Each block's rows share its
 * table; `kernel` is the plan's choice for one block's shape.
 */
import { KERNEL_FLIP_ADD } from '../../runtime-as/generated/constants';
import { lookupRowsBatch } from '../../runtime-as/batch-inner';
import { buildTables, lookupRows } from '../../runtime-as/lookup-table';
import { accumulateRow, signedSum } from '../../runtime-as/signed-sum';

@inline export function matvecBlockDiagonal(
  z: usize, v: usize, rows: i32, blockRows: i32, blockCols: i32, signs: usize, coef: f32, kernel: i32, lut: usize,
): void {
  matvecBlockDiagonalBlocks(z, v, blockRows, blockCols, signs, coef, kernel, lut, 0, rows / blockRows);
}

/** Diagonal blocks [block0, block1) of matvecBlockDiagonal (a split's part). */
@inline export function matvecBlockDiagonalBlocks(
  z: usize, v: usize, blockRows: i32, blockCols: i32, signs: usize, coef: f32, kernel: i32, lut: usize, block0: i32, block1: i32,
): void {
  if (kernel != KERNEL_FLIP_ADD) {
    const blockBytes = <usize>blockRows * <usize>(blockCols >> 3);
    for (let b = <usize>block0; b < <usize>block1; b++) {
      buildTables(kernel, lut, v + b * (<usize>blockCols << 2), blockCols);
      lookupRows(kernel, z + (b * <usize>blockRows << 2), blockRows, blockCols, lut, signs + b * blockBytes, coef);
    }
    return;
  }
  for (let b: i32 = block0; b < block1; b++) {
    const x = v + (<usize>(b * blockCols) << 2);
    for (let i: i32 = b * blockRows; i < (b + 1) * blockRows; i++) {
      accumulateRow(z, i, coef, signedSum(x, blockCols, signs, <usize>i * <usize>blockCols));
    }
  }
}

/** matvecBlockDiagonal for `count` inputs, laid out as in matvecDenseBatch; batch scratch per block. */
@inline export function matvecBlockDiagonalBatch(
  z: usize, v: usize, rows: i32, blockRows: i32, blockCols: i32, signs: usize, coef: f32, kernel: i32, lut: usize, count: i32,
): void {
  const cols = rows / blockRows * blockCols;
  if (ASC_FEATURE_SIMD) {
    if (kernel != KERNEL_FLIP_ADD && count > 1) {
      const blockBytes = <usize>blockRows * <usize>(blockCols >> 3);
      for (let row0: i32 = 0, b: usize = 0; row0 < rows; row0 += blockRows, b++) {
        const zb = z + (<usize>row0 << 2);
        const vb = v + b * (<usize>blockCols << 2);
        lookupRowsBatch(kernel, zb, rows, vb, cols, blockRows, blockCols, signs + b * blockBytes, coef, count, lut);
      }
      return;
    }
  }
  for (let b: i32 = 0; b < count; b++) {
    matvecBlockDiagonal(z + (<usize>b * <usize>rows << 2), v + (<usize>b * <usize>cols << 2), rows, blockRows, blockCols, signs, coef, kernel, lut);
  }
}
