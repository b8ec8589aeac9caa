/**
 * The generic runtime's side of a dense matrix (AssemblyScript): no structure fields, nnz =
 * rows x cols, the signs used in place, every row shares one table over all columns.
 */
import { BIT_LAYOUT_CANONICAL } from '../../runtime-as/generated/constants';
import { blockProduct, chooseTable } from '../../runtime-as/generic/choice';
import { MatrixInfo } from '../../runtime-as/generic/model';

export function denseImpliedNnz(m: MatrixInfo): u64 {
  return <u64>m.rows * <u64>m.cols;
}

export function denseChoose(m: MatrixInfo): void {
  m.bitLayout = BIT_LAYOUT_CANONICAL;
  chooseTable(m, <i32>m.rows, <i32>m.cols, 1);
}

export function denseProduct(m: MatrixInfo, z: usize, v: usize, coef: f32, count: i32, lut: usize, bits: i32): void {
  blockProduct(m, z, v, coef, count, lut, bits, <i32>m.rows, <i32>m.cols);
}
