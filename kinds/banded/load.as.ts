/**
 * The generic runtime's side of a banded matrix (AssemblyScript): the band clamped to the matrix,
 * nnz from a bounded row walk, and the plan's choice between the diagonal kernel (signs re-laid
 * diagonal-major, diagonals.as.ts) and flip-and-add over rows (signs in place).
 */
import {
  BIT_LAYOUT_CANONICAL, BIT_LAYOUT_DIAGONAL_MAJOR, DETAIL_NNZ, KERNEL_DIAGONAL, MATRIX_SLOT_LOWER, MATRIX_SLOT_NNZ, MATRIX_SLOT_UPPER,
  READ_SLACK_BYTES, REASON_DIAGONALS, REASON_DIAGONALS_PADDING, REASON_NO_TABLES, STATUS_INCONSISTENT,
} from '../../runtime-as/generated/constants';
import { useDiagonals } from '../../runtime-as/kernel-choice';
import { reserve } from '../../runtime-as/generic/arena';
import { copyBits } from '../../runtime-as/generic/bits';
import { fieldAt, fieldU32 } from '../../runtime-as/generic/flatbuffer';
import { chooseFlipAdd } from '../../runtime-as/generic/choice';
import { MatrixInfo } from '../../runtime-as/generic/model';
import { tableBytesLimit } from '../../runtime-as/generic/options';
import { fail, failed } from '../../runtime-as/generic/status';
import { diagonalCount, diagonalScratchBytes, matvecBandedDiagonals, paddedDiagonalRows } from './diagonals.as';
import { matvecBanded } from './kernel.as';

export function bandedUsesSlot(slot: i32): bool {
  return slot == MATRIX_SLOT_LOWER || slot == MATRIX_SLOT_UPPER;
}

export function bandedVerify(m: MatrixInfo, t: i64): bool {
  // Bands wider than the matrix mean the same entries; clamped, they fit the kernels' i32 arithmetic.
  m.lower = <i32>min(fieldU32(t, MATRIX_SLOT_LOWER, 0), m.rows);
  m.upper = <i32>min(fieldU32(t, MATRIX_SLOT_UPPER, 0), m.cols);
  return true;
}

/**
 * The entries of the band, walking only rows that have entries after checking there are no more
 * of them than `claimed` (so the walk is bounded by the payload), stopping once past `claimed`.
 */
export function bandedImpliedNnz(m: MatrixInfo, t: i64, claimed: u64): u64 {
  const lower = <i64>m.lower;
  const upper = <i64>m.upper;
  const withEntries = min(<u64>m.rows, <u64>m.cols + <u64>lower);
  if (withEntries > claimed) {
    fail(STATUS_INCONSISTENT, DETAIL_NNZ, fieldAt(t, MATRIX_SLOT_NNZ), MATRIX_SLOT_NNZ, -1, NaN, <f64>claimed);
    return 0;
  }
  let total: u64 = 0;
  for (let i: i64 = 0; i < <i64>withEntries; i++) {
    const start = max<i64>(0, i - lower);
    const end = min<i64>(m.cols, i + upper + 1);
    if (end > start) total += <u64>(end - start);
    if (total > claimed) return total;
  }
  return total;
}

export function bandedChoose(m: MatrixInfo): void {
  m.tableRows = 0;
  m.tableColumns = 0;
  const scratch = tableBytesLimit > 0;
  if (useDiagonals(<i32>m.rows, m.lower, m.upper, m.nnz, scratch)) {
    m.kernel = KERNEL_DIAGONAL;
    m.reason = REASON_DIAGONALS;
    m.bitLayout = BIT_LAYOUT_DIAGONAL_MAJOR;
    m.scratchBytes = diagonalScratchBytes(<i32>m.rows, m.lower, m.upper);
    return;
  }
  chooseFlipAdd(m, scratch ? REASON_DIAGONALS_PADDING : REASON_NO_TABLES, BIT_LAYOUT_CANONICAL);
}

/** Diagonal kernel: the signs re-laid diagonal-major, diagonal t = j - i + lower holding bit i of every padded row. */
export function bandedPrepare(m: MatrixInfo): bool {
  if (m.kernel != KERNEL_DIAGONAL) return true;
  const rows = <i32>m.rows;
  const streamBits = <u64>paddedDiagonalRows(rows);
  const bytes = (<u64>diagonalCount(m.lower, m.upper) * streamBits) >> 3;
  const signs = reserve(bytes + READ_SLACK_BYTES);
  if (failed()) return false;
  let k: u64 = 0;
  for (let i: i32 = 0; i < rows; i++) {
    const start = max<i64>(0, <i64>i - <i64>m.lower);
    const end = min<i64>(m.cols, <i64>i + <i64>m.upper + 1);
    for (let j = start; j < end; j++, k++) {
      copyBits(m.signs, k, signs, <u64>(j - <i64>i + <i64>m.lower) * streamBits + <u64>i, 1);
    }
  }
  m.signs = signs;
  m.signBytes = bytes;
  return true;
}

export function bandedProduct(m: MatrixInfo, z: usize, v: usize, coef: f32, count: i32, lut: usize): void {
  const rows = <i32>m.rows;
  const cols = <i32>m.cols;
  for (let b: i32 = 0; b < count; b++) {
    const zb = z + (<usize>b * <usize>rows << 2);
    const vb = v + (<usize>b * <usize>cols << 2);
    if (m.kernel == KERNEL_DIAGONAL) matvecBandedDiagonals(zb, vb, rows, cols, m.lower, m.upper, m.signs, coef, lut);
    else matvecBanded(zb, vb, rows, cols, m.lower, m.upper, m.signs, coef);
  }
}
