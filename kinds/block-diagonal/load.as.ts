/**
 * The generic runtime's side of a block-diagonal matrix (AssemblyScript): block_rows x
 * block_cols tiles with as many block rows as block columns, nnz = rows x block_cols, the signs
 * used in place, each block's rows share one table.
 */
import { BIT_LAYOUT_CANONICAL, DETAIL_BLOCK_DIAGONAL, MATRIX_SLOT_BLOCK_COLS, MATRIX_SLOT_BLOCK_ROWS, STATUS_INCONSISTENT } from '../../runtime-as/generated/constants';
import { blockProduct, chooseTable } from '../../runtime-as/generic/choice';
import { fieldAt, fieldU32 } from '../../runtime-as/generic/flatbuffer';
import { MatrixInfo } from '../../runtime-as/generic/model';
import { fail } from '../../runtime-as/generic/status';

export function blockDiagonalUsesSlot(slot: i32): bool {
  return slot == MATRIX_SLOT_BLOCK_ROWS || slot == MATRIX_SLOT_BLOCK_COLS;
}

export function blockDiagonalVerify(m: MatrixInfo, t: i64): bool {
  const br = fieldU32(t, MATRIX_SLOT_BLOCK_ROWS, 0);
  const bc = fieldU32(t, MATRIX_SLOT_BLOCK_COLS, 0);
  if (br < 1 || bc < 1 || m.rows % br != 0 || m.cols % bc != 0 || m.rows / br != m.cols / bc) {
    return fail(STATUS_INCONSISTENT, DETAIL_BLOCK_DIAGONAL, fieldAt(t, MATRIX_SLOT_BLOCK_ROWS), MATRIX_SLOT_BLOCK_ROWS);
  }
  m.blockRows = <i32>br;
  m.blockCols = <i32>bc;
  return true;
}

export function blockDiagonalImpliedNnz(m: MatrixInfo): u64 {
  return <u64>m.rows * <u64>m.blockCols;
}

export function blockDiagonalChoose(m: MatrixInfo): void {
  m.bitLayout = BIT_LAYOUT_CANONICAL;
  chooseTable(m, m.blockRows, m.blockCols, <i32>(m.rows / <i64>m.blockRows));
}

export function blockDiagonalProduct(m: MatrixInfo, z: usize, v: usize, coef: f32, count: i32, lut: usize, bits: i32): void {
  blockProduct(m, z, v, coef, count, lut, bits, m.blockRows, m.blockCols);
}
