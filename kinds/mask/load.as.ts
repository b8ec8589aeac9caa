/**
 * The generic runtime's side of a `mask` matrix (AssemblyScript): a row-major bitmap of
 * rows x cols bits whose set bits are the entries; the loader builds rows + 1 row starts into a
 * list of (col0, length) runs; the signs stay in canonical order.
 */
import {
  BIT_LAYOUT_CANONICAL, DETAIL_REQUIRED_FIELD, MATRIX_SLOT_MASK, READ_SLACK_BYTES, REASON_ROWS_START_APART, STATUS_INCONSISTENT,
} from '../../runtime-as/generated/constants';
import { reserve } from '../../runtime-as/generic/arena';
import { paddedBits } from '../../runtime-as/generic/bits';
import { bufferBase, fieldVector, lastLength, u8At } from '../../runtime-as/generic/flatbuffer';
import { chooseFlipAdd } from '../../runtime-as/generic/choice';
import { MatrixInfo } from '../../runtime-as/generic/model';
import { fail, failed } from '../../runtime-as/generic/status';
import { matvecSegments } from './kernel.as';

export function maskUsesSlot(slot: i32): bool {
  return slot == MATRIX_SLOT_MASK;
}

export function maskVerify(m: MatrixInfo, t: i64): bool {
  const mask = fieldVector(t, MATRIX_SLOT_MASK, 1, 1);
  if (mask < 0) return false;
  if (mask == 0) return fail(STATUS_INCONSISTENT, DETAIL_REQUIRED_FIELD, t, MATRIX_SLOT_MASK);
  m.structure = mask;
  m.structureLength = lastLength;
  return paddedBits(mask, lastLength, <u64>m.rows * <u64>m.cols, MATRIX_SLOT_MASK);
}

export function maskImpliedNnz(m: MatrixInfo): u64 {
  let total: u64 = 0;
  for (let k: i64 = 0; k < m.structureLength; k++) total += <u64>popcnt(u8At(m.structure + k));
  return total;
}

export function maskChoose(m: MatrixInfo): void {
  chooseFlipAdd(m, REASON_ROWS_START_APART, BIT_LAYOUT_CANONICAL);
}

/** Row starts and runs, counted in a first pass and written in a second. */
export function maskPrepare(m: MatrixInfo): bool {
  const bitmap = bufferBase() + <usize>m.structure;
  const rows = <u64>m.rows;
  const cols = <u64>m.cols;
  let runs: u64 = 0;
  for (let pass = 0; pass < 2; pass++) {
    if (pass == 1) {
      m.tableBytes = (rows + 1) << 2;
      m.segmentBytes = runs << 3;
      m.table = reserve(m.tableBytes + READ_SLACK_BYTES);
      m.segments = reserve(m.segmentBytes + READ_SLACK_BYTES);
      if (failed()) return false;
      runs = 0;
    }
    for (let i: u64 = 0; i < rows; i++) {
      if (pass == 1) store<u32>(m.table + <usize>(i << 2), <u32>runs);
      let j: u64 = 0;
      while (j < cols) {
        if (!maskBit(bitmap, i * cols + j)) {
          j++;
          continue;
        }
        const start = j;
        while (j < cols && maskBit(bitmap, i * cols + j)) j++;
        if (pass == 1) {
          const segment = m.segments + <usize>(runs << 3);
          store<u32>(segment, <u32>start);
          store<u32>(segment, <u32>(j - start), 4);
        }
        runs++;
      }
    }
    if (pass == 1) store<u32>(m.table + <usize>(rows << 2), <u32>runs);
  }
  return true;
}

@inline function maskBit(bitmap: usize, bit: u64): bool {
  return ((load<u8>(bitmap + <usize>(bit >> 3)) >> <u8>(bit & 7)) & 1) != 0;
}

export function maskProduct(m: MatrixInfo, z: usize, v: usize, coef: f32, count: i32): void {
  for (let b: i32 = 0; b < count; b++) {
    matvecSegments(z + (<usize>b * <usize>m.rows << 2), v + (<usize>b * <usize>m.cols << 2), <i32>m.rows, m.table, m.segments, m.signs, coef);
  }
}
