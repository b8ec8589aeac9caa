/**
 * Which inner kernel a run of matrix rows uses: the one rule, shared by specialized modules
 * (where every argument is a constant and the choice folds away), the generic runtime (a branch
 * per product) and, through the `kernel_choice` export, the TypeScript mirror in
 * codegen/kernel-selection.ts that sizes the table scratch and reports the choice (a test checks
 * both agree). Since the choice depends only on the matrix's shape, a given model sums in the
 * same order in every build that has a table scratch, at batch 1 and in `infer_batch`.
 */

/** Flip-and-add straight from the sign bits (signed-sum.ts): no table, no scratch. */
export const KERNEL_FLIP_ADD: i32 = 0;
/** Partial sums of x per 4 columns (16 entries), one load + add per 4 weights of a row. */
export const KERNEL_LUT4: i32 = 1;
/** Partial sums of x per 8 columns (256 entries), one load + add per 8 weights of a row. */
export const KERNEL_LUT8: i32 = 2;

/** Table bytes per column: 256 f32 per 8 columns, or 16 f32 per 4 columns. */
export const LUT8_BYTES_PER_COLUMN: i32 = 128;
export const LUT4_BYTES_PER_COLUMN: i32 = 16;
/** Tables larger than this would leave the L2 cache; such runs fall back to a smaller table. */
export const LUT_BYTES_LIMIT: i32 = 512 * 1024;
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
 * dense matrix, the rows of one diagonal block), each row's signs starting on a byte boundary.
 * `lutAvailable` is false when the build has no table scratch (MCU targets). The SIMD and scalar
 * builds may choose differently (their outputs already differ by summation order).
 */
@inline export function chooseKernel(tableRows: i32, runCols: i32, lutAvailable: bool): i32 {
  if (!lutAvailable || (runCols & 7) != 0) return KERNEL_FLIP_ADD;
  const lut8MinRows = ASC_FEATURE_SIMD ? LUT8_MIN_ROWS_SIMD : LUT8_MIN_ROWS_SCALAR;
  if (tableRows >= lut8MinRows && runCols <= LUT_BYTES_LIMIT / LUT8_BYTES_PER_COLUMN) return KERNEL_LUT8;
  if (tableRows >= LUT4_MIN_ROWS && runCols <= LUT_BYTES_LIMIT / LUT4_BYTES_PER_COLUMN) return KERNEL_LUT4;
  return KERNEL_FLIP_ADD;
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

/** Whether a batch-inner product over a `rows` x `cols` run builds 256-entry tables (SIMD builds only). */
@inline export function batchByteTables(rows: i32, cols: i32): bool {
  return rows >= LUT8_BATCH_MIN_ROWS && (cols & 7) == 0 && cols <= LUT_BYTES_LIMIT / LUT8_BYTES_PER_COLUMN;
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
@inline export function batchScratchBytes(rows: i32, cols: i32, count: i32): i32 {
  const lanes = batchLanes(count);
  const byteTables = batchByteTables(rows, cols);
  const chunk = min(cols, batchChunkColumns(byteTables, lanes));
  const tables = byteTables ? (32 + chunk * 32) * lanes * 4 : chunk * lanes * LUT4_BYTES_PER_COLUMN;
  return (cols + rows) * lanes * 4 + tables;
}
