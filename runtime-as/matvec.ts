/**
 * Matrix-vector products per structure kind: `z[i] += coef * sum_j s_ij v[j]` over the matrix's
 * structural nonzeros only, scaled by `coef` (lambda * gain, or its negative for residuals) once
 * per output row. Each kind walks its entries in closed form or from a small table; the sign
 * bits of one row segment always sit at consecutive bit indices (see docs/abi.md for the layout).
 * All are `@inline` so a specialized module that calls them with constants gets loops with
 * constant bounds. `lut` is the table scratch (0 when the build has none): dense and
 * block-diagonal products use the table-lookup kernels where kernel-choice.ts says they pay.
 */
import { constU32 } from './constants';
import { chooseKernel, KERNEL_FLIP_ADD } from './kernel-choice';
import { lookupRowsBatch } from './batch-inner';
import { buildTables, lookupRows } from './lookup-table';
import { signedSum } from './signed-sum';

@inline function accumulate(z: usize, row: i32, coef: f32, sum: f32): void {
  const p = z + (<usize>row << 2);
  store<f32>(p, load<f32>(p) + coef * sum);
}

/** Every entry exists; row i's signs start at bit i * cols. */
@inline export function matvecDense(z: usize, v: usize, rows: i32, cols: i32, signs: usize, coef: f32, lut: usize): void {
  matvecDenseRows(z, v, rows, cols, signs, coef, lut, 0, rows);
}

/**
 * Rows [row0, row1) of matvecDense. The kernel is chosen for all `rows` and each row sums alone,
 * so the rows of a split (threads.ts) come out exactly as in the whole product. `build` false:
 * `lut` already holds this product's tables (a thread's later chunk).
 */
@inline export function matvecDenseRows(
  z: usize, v: usize, rows: i32, cols: i32, signs: usize, coef: f32, lut: usize, row0: i32, row1: i32, build: bool = true,
): void {
  const kernel = chooseKernel(rows, cols, lut != 0);
  if (kernel != KERNEL_FLIP_ADD) {
    if (build) buildTables(kernel, lut, v, cols);
    lookupRows(kernel, z + (<usize>row0 << 2), row1 - row0, cols, lut, signs + <usize>row0 * <usize>(cols >> 3), coef);
    return;
  }
  for (let i: i32 = row0; i < row1; i++) {
    accumulate(z, i, coef, signedSum(v, cols, signs, <usize>i * <usize>cols));
  }
}

/**
 * matvecDense for `count` inputs: v_b at v + b * cols f32, z_b at z + b * rows f32. `lut` must
 * then hold batchScratchBytes(rows, cols, count) bytes too (kernel-choice.ts).
 */
@inline export function matvecDenseBatch(
  z: usize, v: usize, rows: i32, cols: i32, signs: usize, coef: f32, lut: usize, count: i32,
): void {
  const kernel = chooseKernel(rows, cols, lut != 0);
  // Batch-inner needs v128 (the scalar build compiles no SIMD branch) and pays from 2 inputs.
  if (ASC_FEATURE_SIMD) {
    if (kernel != KERNEL_FLIP_ADD && count > 1) {
      lookupRowsBatch(kernel, z, rows, v, cols, rows, cols, signs, coef, count, lut);
      return;
    }
  }
  for (let b: i32 = 0; b < count; b++) {
    matvecDense(z + (<usize>b * <usize>rows << 2), v + (<usize>b * <usize>cols << 2), rows, cols, signs, coef, lut);
  }
}

/** matvecBlockDiagonal for `count` inputs, laid out as in matvecDenseBatch; scratch per block. */
@inline export function matvecBlockDiagonalBatch(
  z: usize, v: usize, rows: i32, blockRows: i32, blockCols: i32, signs: usize, coef: f32, lut: usize, count: i32,
): void {
  const kernel = chooseKernel(blockRows, blockCols, lut != 0);
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
    matvecBlockDiagonal(z + (<usize>b * <usize>rows << 2), v + (<usize>b * <usize>cols << 2), rows, blockRows, blockCols, signs, coef, lut);
  }
}

/** Row i covers columns [floor(i / blockRows) * blockCols, + blockCols); its signs start at bit i * blockCols. */
@inline export function matvecBlockDiagonal(
  z: usize, v: usize, rows: i32, blockRows: i32, blockCols: i32, signs: usize, coef: f32, lut: usize,
): void {
  matvecBlockDiagonalBlocks(z, v, blockRows, blockCols, signs, coef, lut, 0, rows / blockRows);
}

/** Diagonal blocks [block0, block1) of matvecBlockDiagonal (a split's part, as matvecDenseRows). */
@inline export function matvecBlockDiagonalBlocks(
  z: usize, v: usize, blockRows: i32, blockCols: i32, signs: usize, coef: f32, lut: usize, block0: i32, block1: i32,
): void {
  const kernel = chooseKernel(blockRows, blockCols, lut != 0);
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
      accumulate(z, i, coef, signedSum(x, blockCols, signs, <usize>i * <usize>blockCols));
    }
  }
}

/** Row i covers columns [max(0, i - lower), min(cols, i + upper + 1)), in canonical order. */
@inline export function matvecBanded(
  z: usize, v: usize, rows: i32, cols: i32, lower: i32, upper: i32, signs: usize, coef: f32,
): void {
  let bit: usize = 0;
  for (let i: i32 = 0; i < rows; i++) {
    const start = max(0, i - lower);
    const end = min(cols, i + upper + 1);
    if (end > start) {
      accumulate(z, i, coef, signedSum(v + (<usize>start << 2), end - start, signs, bit));
      bit += <usize>(end - start);
    }
  }
}

/** Bytes per entry of a `blocks` table: row0, col0, rows, cols, first sign bit (u32 each). */
export const BLOCK_ENTRY_BYTES: usize = 20;

/**
 * A list of rectangles from a table of `count` entries; signs are laid out block by block,
 * row-major within each block, starting at the entry's first sign bit.
 */
@inline export function matvecBlocks(z: usize, v: usize, table: usize, count: i32, signs: usize, coef: f32): void {
  for (let b: i32 = 0; b < count; b++) {
    const entry = table + <usize>b * BLOCK_ENTRY_BYTES;
    const row0 = <i32>constU32(entry);
    const x = v + (<usize>constU32(entry + 4) << 2);
    const rows = <i32>constU32(entry + 8);
    const cols = <i32>constU32(entry + 12);
    let bit = <usize>constU32(entry + 16);
    for (let r: i32 = 0; r < rows; r++, bit += <usize>cols) {
      accumulate(z, row0 + r, coef, signedSum(x, cols, signs, bit));
    }
  }
}

/**
 * An explicit mask, walked through its row segments: `rowStarts` holds rows + 1 u32 indices into
 * `segments`, whose entries are (col0, length) u32 pairs; signs stay in canonical order.
 */
@inline export function matvecSegments(
  z: usize, v: usize, rows: i32, rowStarts: usize, segments: usize, signs: usize, coef: f32,
): void {
  let bit: usize = 0;
  for (let i: i32 = 0; i < rows; i++) {
    const first = constU32(rowStarts + (<usize>i << 2));
    const last = constU32(rowStarts + (<usize>i << 2) + 4);
    let sum: f32 = 0;
    for (let s = first; s < last; s++) {
      const segment = segments + (<usize>s << 3);
      const length = <i32>constU32(segment + 4);
      sum += signedSum(v + (<usize>constU32(segment) << 2), length, signs, bit);
      bit += <usize>length;
    }
    accumulate(z, i, coef, sum);
  }
}
