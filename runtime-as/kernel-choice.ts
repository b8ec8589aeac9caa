/**
 * Which inner kernel a run of matrix rows uses: the one rule. The generic runtime applies it
 * when it plans a loaded model (runtime-as/generic/plan.ts, per structure kind in kinds/), and
 * every consumer of a plan (specialized modules, the report, the bench) reads the decision from
 * there. Since the choice depends only on the matrix's shape and the table budget, a given model
 * sums in the same order in every build with the same budget, at batch 1 and in `infer_batch`.
 */
import { KERNEL_FLIP_ADD, KERNEL_LUT4, KERNEL_LUT8, REASON_COLUMNS_NOT_BYTE_ALIGNED, REASON_NO_TABLES, REASON_TABLE_SHARED, REASON_TABLE_TOO_LARGE, REASON_TOO_FEW_ROWS } from './generated/constants';

/** Table bytes per column: 256 f32 per 8 columns, or 16 f32 per 4 columns. */
export const LUT8_BYTES_PER_COLUMN: i32 = 128;
export const LUT4_BYTES_PER_COLUMN: i32 = 16;
/**
 * Rows that must share one table for building it to pay (measured: bench/results). A 256-entry
 * table costs 64 vector adds per 8 columns with SIMD but 256 scalar adds without, so the scalar
 * build needs more rows before LUT8 beats LUT4.
 */
export const LUT8_MIN_ROWS_SIMD: i32 = 64;
export const LUT8_MIN_ROWS_SCALAR: i32 = 256;
export const LUT4_MIN_ROWS: i32 = 8;

/**
 * The kernel for `tableRows` rows that read the same `runCols` consecutive columns (all rows of a
 * dense matrix, the rows of one diagonal block), each row's signs starting on a byte boundary,
 * with tables of at most `tableLimit` bytes (0 when the build has no table scratch). The SIMD and
 * scalar builds may choose differently (their outputs already differ by summation order).
 */
@inline export function chooseKernel(tableRows: i32, runCols: i32, tableLimit: i32): i32 {
  return kernelAndReason(tableRows, runCols, tableLimit) & 0xff;
}

/** Why chooseKernel chose as it did (a REASON_ constant), for the report. */
@inline export function kernelReason(tableRows: i32, runCols: i32, tableLimit: i32): i32 {
  return kernelAndReason(tableRows, runCols, tableLimit) >> 8;
}

@inline function kernelAndReason(tableRows: i32, runCols: i32, tableLimit: i32): i32 {
  if (tableLimit <= 0) return KERNEL_FLIP_ADD | (REASON_NO_TABLES << 8);
  if ((runCols & 7) != 0) return KERNEL_FLIP_ADD | (REASON_COLUMNS_NOT_BYTE_ALIGNED << 8);
  const lut8MinRows = ASC_FEATURE_SIMD ? LUT8_MIN_ROWS_SIMD : LUT8_MIN_ROWS_SCALAR;
  const lut8Fits = <i64>runCols * LUT8_BYTES_PER_COLUMN <= <i64>tableLimit;
  const lut4Fits = <i64>runCols * LUT4_BYTES_PER_COLUMN <= <i64>tableLimit;
  if (tableRows >= lut8MinRows && lut8Fits) return KERNEL_LUT8 | (REASON_TABLE_SHARED << 8);
  if (tableRows >= LUT4_MIN_ROWS && lut4Fits) return KERNEL_LUT4 | (REASON_TABLE_SHARED << 8);
  return KERNEL_FLIP_ADD | ((lut4Fits ? REASON_TOO_FEW_ROWS : REASON_TABLE_TOO_LARGE) << 8);
}

/**
 * Banded products run over diagonals (banded-diagonals.ts) where a scratch exists for the padded
 * x and the diagonals, padded to whole 32-row passes, hold at most 5/4 of the band's `nnz`
 * entries; wider bands keep flip-and-add over their long rows. lower and upper come clamped to
 * rows and cols.
 */
@inline export function useDiagonals(rows: i32, lower: i32, upper: i32, nnz: u64, scratchAvailable: bool): bool {
  const diagonals = <u64>lower + <u64>upper + 1;
  const padded = (<u64>rows + 31) & ~(<u64>31);
  return scratchAvailable && diagonals * padded * 4 <= nnz * 5;
}

/** Scratch bytes the kernel's table takes for a run of `runCols` columns. */
@inline export function tableBytes(kernel: i32, runCols: i32): i32 {
  if (kernel == KERNEL_LUT8) return runCols * LUT8_BYTES_PER_COLUMN;
  if (kernel == KERNEL_LUT4) return runCols * LUT4_BYTES_PER_COLUMN;
  return 0;
}

/**
 * Batch-inner products (batch-inner.ts, SIMD builds): `infer_batch` runs up to BATCH_GROUP inputs
 * through each layer together, so every buffer a layer writes holds that many vectors.
 */
export const BATCH_GROUP: i32 = 32;
/** Bytes of batch-inner tables built at once: larger column runs are processed in chunks. */
export const BATCH_TABLE_BYTES: i32 = 128 * 1024;

/** f32 lanes per column for `count` inputs: whole v128s. */
@inline export function batchLanes(count: i32): i32 {
  return (count + 3) & ~3;
}

/** Columns (a multiple of 8) whose tables of `lanes` lanes fit `budget` bytes at `bytesPerColumn` per lane. */
@inline function chunkColumns(budget: i32, lanes: i32, bytesPerColumn: i32): i32 {
  return max(8, (budget / (lanes * bytesPerColumn)) & ~7);
}

/**
 * LUT8 runs with at least this many rows build, per 8 columns, the 256 entries low + high for
 * every lane (256 x lanes/4 vector adds), so each row then adds one entry per sign byte instead
 * of summing two nibble entries: it pays once rows outnumber the 256 entries (measured, bench/).
 * Both ways add the same floats in the same order, so the results are bit-identical.
 */
export const LUT8_BATCH_MIN_ROWS: i32 = 384;
/** Bytes of 256-entry batch tables built at once (L2-resident; larger chunks cut the row-sum reloads). */
export const BATCH_BYTE_TABLE_BYTES: i32 = 256 * 1024;

/** Whether a batch-inner product of `kernel` over `rows` rows builds 256-entry tables (SIMD builds only). */
@inline export function batchByteTables(kernel: i32, rows: i32): bool {
  return kernel == KERNEL_LUT8 && rows >= LUT8_BATCH_MIN_ROWS;
}

/** Columns per chunk of batch-inner tables: 16 entries per 4 columns, or 256 per 8 with byte tables. */
@inline export function batchChunkColumns(byteTables: bool, lanes: i32): i32 {
  return byteTables
    ? chunkColumns(BATCH_BYTE_TABLE_BYTES, lanes, LUT8_BYTES_PER_COLUMN)
    : chunkColumns(BATCH_TABLE_BYTES, lanes, LUT4_BYTES_PER_COLUMN);
}

/**
 * Scratch of a batch-inner product for `count` inputs: transposed inputs, row sums, one chunk of
 * tables (with byte tables, plus the two nibble tables each 8 columns' entries are summed from).
 */
@inline export function batchScratchBytes(kernel: i32, rows: i32, cols: i32, count: i32): i32 {
  const lanes = batchLanes(count);
  const byteTables = batchByteTables(kernel, rows);
  const chunk = min(cols, batchChunkColumns(byteTables, lanes));
  const tables = byteTables ? (32 + chunk * 32) * lanes * 4 : chunk * lanes * LUT4_BYTES_PER_COLUMN;
  return (cols + rows) * lanes * 4 + tables;
}
