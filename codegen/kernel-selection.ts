/**
 * Kernel selection, in one place: per matrix and build flavour, which inner kernel and bit
 * layout its products use, and how many bytes of table scratch that needs. The rule itself is
 * runtime-as/kernel-choice.ts (the kernels apply it to their constant arguments, and the generic
 * runtime applies it at load time); this mirror lets the layout size `scratch:lut` and the report
 * show the choice. test/codegen/kernel-selection.test.ts checks the two agree.
 */
import type { IRMatrix, IRModel } from '../core/ir.js';
import type { Flavor } from './compile-as.js';

/** The kernels the shape rule of runtime-as/kernel-choice.ts picks from. */
export type RuleKernel = 'flip-add' | 'lut4' | 'lut8';
/**
 * Plus the diagonal kernel of banded matrices (runtime-as/banded-diagonals.ts) and the
 * bit-serial kernel of k-bit activation builds (runtime-as/bit-serial.ts), a build option.
 */
export type KernelName = RuleKernel | 'diagonal' | 'bit-serial';

/** Web builds have a table scratch; MCU builds keep to flip-and-add (no table RAM, no SIMD). */
export type KernelTarget = 'web' | 'mcu';

export interface KernelChoice {
  readonly matrix: string;
  /** The kernel each build flavour runs. */
  readonly kernel: Readonly<Record<Flavor, KernelName>>;
  /** How the kernel reads the sign bits (docs/abi.md). */
  readonly bitLayout: 'canonical' | 'block-major' | 'diagonal-major';
  /** Rows sharing one table and the columns it covers (a dense matrix, or one diagonal block). */
  readonly tableRows: number;
  readonly tableColumns: number;
  /** Scratch the larger of the two flavours' tables takes while this matrix's product runs. */
  readonly tableBytes: number;
  /** Why, in a few words, for the report. */
  readonly reason: string;
}

// Kernel ids and thresholds of runtime-as/kernel-choice.ts.
export const KERNEL_IDS: Readonly<Record<RuleKernel, number>> = { 'flip-add': 0, lut4: 1, lut8: 2 };
const BYTES_PER_COLUMN = { lut8: 128, lut4: 16 } as const;
const LUT_BYTES_LIMIT = 512 * 1024;
const MIN_ROWS: Readonly<Record<Flavor, { lut8: number; lut4: number }>> = { simd: { lut8: 64, lut4: 8 }, scalar: { lut8: 256, lut4: 8 } };

/** runtime-as/kernel-choice.ts's chooseKernel, for one flavour. */
export function chooseKernel(tableRows: number, runCols: number, lutAvailable: boolean, flavor: Flavor): RuleKernel {
  if (!lutAvailable || runCols % 8 !== 0) return 'flip-add';
  for (const kernel of ['lut8', 'lut4'] as const) {
    if (tableRows >= MIN_ROWS[flavor][kernel] && runCols * BYTES_PER_COLUMN[kernel] <= LUT_BYTES_LIMIT) return kernel;
  }
  return 'flip-add';
}

export function tableBytes(kernel: RuleKernel, runCols: number): number {
  return kernel === 'flip-add' ? 0 : runCols * BYTES_PER_COLUMN[kernel];
}

/** runtime-as/bit-serial.ts's bitSerialScratchBytes: k planes of 64-bit words per run, then u16 codes. */
export function bitSerialScratchBytes(blocks: number, runCols: number, bits: number): number {
  return blocks * bits * Math.ceil(runCols / 64) * 8 + blocks * runCols * 2;
}

// runtime-as/banded-diagonals.ts: diagonal bit streams are padded to whole 32-row passes.
const PASS_ROWS = 32;

/** The band's diagonals (lower and upper clamped to the matrix, as the kernels take them) and padded rows. */
export function bandDiagonals(rows: number, cols: number, lower: number, upper: number): { lower: number; upper: number; count: number; paddedRows: number } {
  const l = Math.min(lower, rows);
  const u = Math.min(upper, cols);
  return { lower: l, upper: u, count: l + u + 1, paddedRows: Math.ceil(rows / PASS_ROWS) * PASS_ROWS };
}

/** runtime-as/kernel-choice.ts's useDiagonals: the padded diagonals hold at most 5/4 of the band's entries. */
export function useDiagonals(rows: number, lower: number, upper: number, nnz: number, scratchAvailable: boolean): boolean {
  return scratchAvailable && (lower + upper + 1) * Math.ceil(rows / PASS_ROWS) * PASS_ROWS * 4 <= nnz * 5;
}

/** runtime-as/banded-diagonals.ts's diagonalScratchBytes: the zero-padded copy of x. */
export function diagonalScratchBytes(rows: number, lower: number, upper: number): number {
  return (Math.ceil(rows / PASS_ROWS) * PASS_ROWS + lower + upper + 1) * 4;
}

// Batch-inner constants of runtime-as/kernel-choice.ts.
export const BATCH_GROUP = 32;
const BATCH_TABLE_BYTES = 128 * 1024;
const BATCH_BYTE_TABLE_BYTES = 256 * 1024;
const LUT8_BATCH_MIN_ROWS = 384;

/** Inputs a layer processes together in `infer_batch`: a batch-inner group where a lookup kernel runs, else 1. */
export function batchGroup(kernels: readonly KernelChoice[], maxBatch: number): number {
  return kernels.some(isLookup) ? Math.min(maxBatch, BATCH_GROUP) : 1;
}

/** Whether the matrix's products run a lookup-table kernel (the only ones with a batch-inner form). */
function isLookup(choice: KernelChoice): boolean {
  return choice.kernel.simd === 'lut4' || choice.kernel.simd === 'lut8';
}

/** runtime-as/kernel-choice.ts's batchByteTables: whether batch-inner products build 256-entry tables. */
export function batchByteTables(rows: number, cols: number): boolean {
  return rows >= LUT8_BATCH_MIN_ROWS && cols % 8 === 0 && cols * BYTES_PER_COLUMN.lut8 <= LUT_BYTES_LIMIT;
}

/** runtime-as/kernel-choice.ts's batchScratchBytes: transposed inputs, row sums, one chunk of tables. */
export function batchScratchBytes(rows: number, cols: number, count: number): number {
  const lanes = (count + 3) & ~3;
  const byteTables = batchByteTables(rows, cols);
  const [budget, perColumn] = byteTables ? [BATCH_BYTE_TABLE_BYTES, BYTES_PER_COLUMN.lut8] : [BATCH_TABLE_BYTES, BYTES_PER_COLUMN.lut4];
  const chunk = Math.min(cols, Math.max(8, Math.floor(budget / (lanes * perColumn)) & ~7));
  const tables = byteTables ? (32 + chunk * 32) * lanes * 4 : chunk * lanes * BYTES_PER_COLUMN.lut4;
  return (cols + rows) * lanes * 4 + tables;
}

/** Scratch a matrix's products need at batch-inner group `group`: its batch-1 table or its batch-inner scratch. */
export function scratchBytes(choice: KernelChoice, group: number): number {
  // Bit-serial and diagonal products run one input at a time on their planes or padded x.
  if (!isLookup(choice)) return choice.tableBytes;
  return Math.max(choice.tableBytes, group > 1 ? batchScratchBytes(choice.tableRows, choice.tableColumns, group) : 0);
}

function reasonFor(kernel: RuleKernel, tableRows: number, runCols: number, target: KernelTarget): string {
  if (target === 'mcu') return 'MCU target: no table scratch';
  if (kernel !== 'flip-add') return `${tableRows} rows share each table over ${runCols} columns`;
  if (runCols % 8 !== 0) return `runs of ${runCols} columns do not start on sign bytes`;
  if (runCols * BYTES_PER_COLUMN.lut4 > LUT_BYTES_LIMIT) return `tables over ${runCols} columns would exceed ${LUT_BYTES_LIMIT / 1024} KiB`;
  return `${tableRows} rows per table: too few to pay for building it`;
}

/**
 * `activationBits` (web target only): k-bit activation builds run dense and block-diagonal
 * products bit-serially; the other kinds keep their float kernel.
 */
export function selectKernel(matrix: IRMatrix, target: KernelTarget, activationBits?: number): KernelChoice {
  const { structure } = matrix;
  const shared =
    structure.kind === 'dense' ? { rows: matrix.rows, cols: matrix.cols }
      : structure.kind === 'block-diagonal' ? { rows: structure.blockRows, cols: structure.blockCols }
        : undefined;
  const bitLayout = structure.kind === 'blocks' ? 'block-major' : 'canonical';
  const bitSerial = activationBits !== undefined && target === 'web';
  if (structure.kind === 'banded') {
    const band = bandDiagonals(matrix.rows, matrix.cols, structure.lower, structure.upper);
    if (useDiagonals(matrix.rows, band.lower, band.upper, matrix.nnz, target === 'web')) {
      return {
        matrix: matrix.id,
        kernel: { simd: 'diagonal', scalar: 'diagonal' },
        bitLayout: 'diagonal-major',
        tableRows: 0,
        tableColumns: 0,
        tableBytes: diagonalScratchBytes(matrix.rows, band.lower, band.upper),
        reason: `${band.count} diagonals x ${band.paddedRows} rows: ${((band.count * band.paddedRows) / matrix.nnz).toFixed(2)}x the band's entries`,
      };
    }
  }
  if (shared === undefined) {
    const floatKernel = bitSerial ? ' (float kernel: bit-serial covers dense and block-diagonal only)' : '';
    const why = structure.kind !== 'banded' ? 'rows start at different columns, so they share no table'
      : target === 'mcu' ? 'MCU target: no scratch for the diagonal kernel' : 'diagonals padded to 32 rows would exceed 5/4 of its entries';
    const reason = `${structure.kind}: ${why}${floatKernel}`;
    return { matrix: matrix.id, kernel: { simd: 'flip-add', scalar: 'flip-add' }, bitLayout, tableRows: 0, tableColumns: 0, tableBytes: 0, reason };
  }
  if (bitSerial) {
    return {
      matrix: matrix.id,
      kernel: { simd: 'bit-serial', scalar: 'bit-serial' },
      bitLayout,
      tableRows: shared.rows,
      tableColumns: shared.cols,
      tableBytes: bitSerialScratchBytes(matrix.rows / shared.rows, shared.cols, activationBits),
      reason: `${activationBits}-bit activations: ${activationBits} popcounts per 64 weights`,
    };
  }
  const pick = (flavor: Flavor): RuleKernel => chooseKernel(shared.rows, shared.cols, target === 'web', flavor);
  const kernel = { simd: pick('simd'), scalar: pick('scalar') };
  const bytes = Math.max(tableBytes(kernel.simd, shared.cols), tableBytes(kernel.scalar, shared.cols));
  return {
    matrix: matrix.id,
    kernel,
    bitLayout,
    tableRows: shared.rows,
    tableColumns: shared.cols,
    tableBytes: bytes,
    reason: reasonFor(kernel.simd, shared.rows, shared.cols, target),
  };
}

export function selectKernels(model: IRModel, target: KernelTarget, activationBits?: number): KernelChoice[] {
  return [...model.matrices.values()].map((m) => selectKernel(m, target, activationBits));
}
