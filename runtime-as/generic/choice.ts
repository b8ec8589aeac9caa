/**
 * Kernel choice helpers the structure kinds share (kinds/<kind>/load.as.ts): the table rule of
 * kernel-choice.ts under the host's options, or bit-serial products when the host asked for
 * k-bit activations, and the table scratch a choice needs.
 */
import { KERNEL_BIT_SERIAL, KERNEL_FLIP_ADD, KERNEL_LUT4, KERNEL_LUT8, REASON_BIT_SERIAL } from '../generated/constants';
import { batchScratchBytes, chooseKernel, kernelReason, tableBytes } from '../kernel-choice';
import { bitSerialScratchBytes, matvecBitSerialBatch } from '../bit-serial';
import { matvecBlockDiagonalBatch } from '../../kinds/block-diagonal/kernel.as';
import { MatrixInfo } from './model';
import { activationBits, tableBytesLimit } from './options';

/** Chooses the kernel of `runs` runs of `tableRows` rows that share `runCols` columns each. */
export function chooseTable(m: MatrixInfo, tableRows: i32, runCols: i32, runs: i32): void {
  m.tableRows = tableRows;
  m.tableColumns = runCols;
  if (activationBits > 0) {
    m.kernel = KERNEL_BIT_SERIAL;
    m.reason = REASON_BIT_SERIAL;
    m.scratchBytes = bitSerialScratchBytes(runs, runCols, activationBits);
    return;
  }
  m.kernel = chooseKernel(tableRows, runCols, tableBytesLimit);
  m.reason = kernelReason(tableRows, runCols, tableBytesLimit);
  m.scratchBytes = tableBytes(m.kernel, runCols);
}

/** Flip-and-add straight from the sign bits, with no table or scratch, for `reason` (a REASON_). */
export function chooseFlipAdd(m: MatrixInfo, reason: i32, bitLayout: i32): void {
  m.kernel = KERNEL_FLIP_ADD;
  m.reason = reason;
  m.bitLayout = bitLayout;
  m.tableRows = 0;
  m.tableColumns = 0;
  m.scratchBytes = 0;
}

/** Whether the kernel has a batch-inner form (`infer_batch` then runs groups of inputs together). */
@inline export function isLookup(kernel: i32): bool {
  return kernel == KERNEL_LUT4 || kernel == KERNEL_LUT8;
}

/** Scratch of a table kernel at batch group `group`: its batch-1 table, or its batch-inner scratch. */
export function tableScratch(m: MatrixInfo, group: i32): i32 {
  if (!isLookup(m.kernel) || group <= 1) return m.scratchBytes;
  return max(m.scratchBytes, batchScratchBytes(m.kernel, m.tableRows, m.tableColumns, group));
}

/**
 * Products of a dense (one block of rows x cols) or block-diagonal matrix: one function for both
 * kinds, so the generic runtime carries one copy of the inlined kernels. A dense matrix run as one
 * block calls the same kernels with the same arguments as kinds/dense/kernel.as.ts does, so the
 * sums are bit-identical to a specialized module's.
 */
export function blockProduct(m: MatrixInfo, z: usize, v: usize, coef: f32, count: i32, lut: usize, bits: i32, blockRows: i32, blockCols: i32): void {
  if (m.kernel == KERNEL_BIT_SERIAL) matvecBitSerialBatch(z, v, <i32>m.rows, blockRows, blockCols, m.signs, coef, bits, lut, count);
  else matvecBlockDiagonalBatch(z, v, <i32>m.rows, blockRows, blockCols, m.signs, coef, m.kernel, lut, count);
}
