/**
 * The generic runtime's side of a `blocks` matrix (AssemblyScript): a list of rectangles inside
 * the matrix, nnz the sum of their areas, no two overlapping. The loader builds the kernel's
 * block table and re-lays the signs block-major (blocks in listed order, each row-major), found
 * by sorting every block row by (row, col0): that order is the canonical order of the runs, and
 * neighbours in it reveal overlapping blocks, in O(runs log runs) time.
 */
import {
  BIT_LAYOUT_BLOCK_MAJOR, BLOCK_BYTES, DETAIL_BLOCK_OUTSIDE, DETAIL_BLOCKS_OVERLAP, DETAIL_REQUIRED_FIELD, MATRIX_SLOT_BLOCKS,
  READ_SLACK_BYTES, REASON_ROWS_START_APART, STATUS_INCONSISTENT,
} from '../../runtime-as/generated/constants';
import { arenaMark, arenaReset, reserve } from '../../runtime-as/generic/arena';
import { copyBits } from '../../runtime-as/generic/bits';
import { fieldVector, lastLength, u32At } from '../../runtime-as/generic/flatbuffer';
import { chooseFlipAdd } from '../../runtime-as/generic/choice';
import { MatrixInfo } from '../../runtime-as/generic/model';
import { fail, failed } from '../../runtime-as/generic/status';
import { BLOCK_ENTRY_BYTES, matvecBlocks } from './kernel.as';

/** Sort record: key (row << 32 | col0) u64, block index u32, padding. */
const RECORD_BYTES: u64 = 16;

export function blocksUsesSlot(slot: i32): bool {
  return slot == MATRIX_SLOT_BLOCKS;
}

export function blocksVerify(m: MatrixInfo, t: i64): bool {
  const blocks = fieldVector(t, MATRIX_SLOT_BLOCKS, BLOCK_BYTES, 4);
  if (blocks < 0) return false;
  if (blocks == 0) return fail(STATUS_INCONSISTENT, DETAIL_REQUIRED_FIELD, t, MATRIX_SLOT_BLOCKS);
  m.structure = blocks;
  m.structureLength = lastLength;
  for (let b: i64 = 0; b < m.structureLength; b++) {
    const at = blocks + BLOCK_BYTES * b;
    if (<i64>u32At(at) + <i64>u32At(at + 8) > m.rows || <i64>u32At(at + 4) + <i64>u32At(at + 12) > m.cols) {
      return fail(STATUS_INCONSISTENT, DETAIL_BLOCK_OUTSIDE, at, MATRIX_SLOT_BLOCKS, b);
    }
  }
  return true;
}

/** The blocks' total area, stopping once past `claimed` (it can only mismatch then), so no sum overflows. */
export function blocksImpliedNnz(m: MatrixInfo, claimed: u64): u64 {
  let total: u64 = 0;
  for (let b: i64 = 0; b < m.structureLength; b++) {
    const at = m.structure + BLOCK_BYTES * b;
    total += <u64>u32At(at + 8) * <u64>u32At(at + 12);
    if (total > claimed) return total;
  }
  return total;
}

export function blocksChoose(m: MatrixInfo): void {
  chooseFlipAdd(m, REASON_ROWS_START_APART, BIT_LAYOUT_BLOCK_MAJOR);
}

/** The kernel's table and the block-major signs; refuses overlapping blocks. */
export function blocksPrepare(m: MatrixInfo): bool {
  const count = m.structureLength;
  const tableBytes = BLOCK_ENTRY_BYTES * <u64>count;
  const table = reserve(tableBytes + READ_SLACK_BYTES);
  const signBytes = (m.nnz + 7) >> 3;
  const signs = reserve(signBytes + READ_SLACK_BYTES);
  if (failed()) return false;
  let runs: u64 = 0;
  let first: u64 = 0;
  for (let b: i64 = 0; b < count; b++) {
    const at = m.structure + BLOCK_BYTES * b;
    const entry = table + <usize>(<u64>b * BLOCK_ENTRY_BYTES);
    const rows = u32At(at + 8);
    const cols = u32At(at + 12);
    store<u32>(entry, u32At(at));
    store<u32>(entry, u32At(at + 4), 4);
    store<u32>(entry, rows, 8);
    store<u32>(entry, cols, 12);
    store<u32>(entry, <u32>first, 16);
    first += <u64>rows * <u64>cols;
    if (cols > 0) runs += <u64>rows;
  }
  const mark = arenaMark();
  const records = reserve(RECORD_BYTES * runs);
  if (failed()) return false;
  let r: usize = records;
  for (let b: i64 = 0; b < count; b++) {
    const at = m.structure + BLOCK_BYTES * b;
    if (u32At(at + 12) == 0) continue;
    const row0 = <u64>u32At(at);
    for (let i: u64 = 0; i < <u64>u32At(at + 8); i++, r += <usize>RECORD_BYTES) {
      store<u64>(r, ((row0 + i) << 32) | <u64>u32At(at + 4));
      store<u32>(r, <u32>b, 8);
    }
  }
  heapSort(records, <usize>runs);
  let bit: u64 = 0;
  for (let k: usize = 0; k < <usize>runs; k++) {
    const record = records + k * <usize>RECORD_BYTES;
    const key = load<u64>(record);
    const entry = table + <usize>load<u32>(record, 8) * BLOCK_ENTRY_BYTES;
    const cols = <u64>load<u32>(entry, 12);
    if (k > 0) {
      const previous = load<u64>(record - <usize>RECORD_BYTES);
      const previousCols = <u64>load<u32>(table + <usize>load<u32>(record - <usize>RECORD_BYTES, 8) * BLOCK_ENTRY_BYTES, 12);
      if (previous >> 32 == key >> 32 && (previous & 0xffffffff) + previousCols > (key & 0xffffffff)) {
        const block = <i64>load<u32>(record, 8);
        return fail(STATUS_INCONSISTENT, DETAIL_BLOCKS_OVERLAP, m.structure + BLOCK_BYTES * block, MATRIX_SLOT_BLOCKS, block);
      }
    }
    const row = <u64>(key >> 32) - <u64>load<u32>(entry);
    copyBits(m.signs, bit, signs, <u64>load<u32>(entry, 16) + row * cols, cols);
    bit += cols;
  }
  arenaReset(mark);
  m.table = table;
  m.tableBytes = tableBytes;
  m.signs = signs;
  m.signBytes = signBytes;
  return true;
}

export function blocksProduct(m: MatrixInfo, z: usize, v: usize, coef: f32, count: i32): void {
  for (let b: i32 = 0; b < count; b++) {
    matvecBlocks(z + (<usize>b * <usize>m.rows << 2), v + (<usize>b * <usize>m.cols << 2), m.table, <i32>m.structureLength, m.signs, coef);
  }
}

/** Sorts `count` 16-byte records by their leading u64 key, in place, without recursion. */
function heapSort(records: usize, count: usize): void {
  for (let start = count >> 1; start > 0; ) siftDown(records, --start, count);
  for (let end = count; end > 1; ) {
    end--;
    swap(records, 0, end);
    siftDown(records, 0, end);
  }
}

function siftDown(records: usize, start: usize, end: usize): void {
  let root = start;
  while (true) {
    let child: usize = 2 * root + 1;
    if (child >= end) return;
    if (child + 1 < end && keyAt(records, child) < keyAt(records, child + 1)) child++;
    if (keyAt(records, root) >= keyAt(records, child)) return;
    swap(records, root, child);
    root = child;
  }
}

@inline function keyAt(records: usize, i: usize): u64 {
  return load<u64>(records + (i << 4));
}

@inline function swap(records: usize, i: usize, j: usize): void {
  const a = records + (i << 4);
  const b = records + (j << 4);
  const key = load<u64>(a);
  const value = load<u64>(a, 8);
  store<u64>(a, load<u64>(b));
  store<u64>(a, load<u64>(b, 8), 8);
  store<u64>(b, key);
  store<u64>(b, value, 8);
}
