/**
 * Verifies one Matrix table with the rules of compiler/container/verify-matrix.ts, then prepares
 * what its kernel reads (docs/abi.md, "Weights"): dense, block-diagonal and banded signs are used
 * in place in the container; `blocks` signs are re-laid block-major next to the kernel's block
 * table, `mask` gets its row-start and run tables. One difference in order: block overlap is
 * checked after nnz and the sign payload, so the sort it needs is bounded by the payload size.
 */
import { arenaMark, arenaReset, reserve } from './arena';
import { bufferBase, f64At, fieldAt, fieldF64, fieldString, fieldU32, fieldU64, fieldU8, fieldVector, field, lastLength, u32At, u8At } from './flatbuffer';
import { useDiagonals } from '../kernel-choice';
import { diagonalCount, paddedDiagonalRows } from '../banded-diagonals';
import { MatrixInfo, KIND_BANDED, KIND_BLOCK_DIAGONAL, KIND_BLOCKS, KIND_DENSE, KIND_MASK } from './model';
import {
  fail, failed, INCONSISTENT, LIMIT_EXCEEDED, D_BLOCK_DIAGONAL, D_BLOCK_OUTSIDE, D_BLOCKS_OVERLAP, D_COUNT, D_ENCODING, D_GAIN, D_MATRIX_ID,
  D_NNZ, D_PADDING_BITS, D_PAYLOAD_LENGTH, D_QUANTIZATION_ERROR, D_REQUIRED_FIELD, D_SIZE_ZERO, D_STRUCTURE_FIELD, D_STRUCTURE_KIND,
} from './status';

const SLOT_ID = 0;
const SLOT_ROWS = 1;
const SLOT_COLS = 2;
const SLOT_NNZ = 3;
const SLOT_KIND = 4;
const SLOT_BLOCK_ROWS = 5;
const SLOT_BLOCK_COLS = 6;
const SLOT_LOWER = 7;
const SLOT_UPPER = 8;
const SLOT_BLOCKS = 9;
const SLOT_MASK = 10;
const SLOT_SIGNS = 11;
const SLOT_GAIN = 12;
const SLOT_ENCODING = 13;
const SLOT_QUANTIZATION_ERROR = 14;

const BLOCK_BYTES: i64 = 16;
const TABLE_ENTRY_BYTES: u64 = 20; // row0, col0, rows, cols, first sign bit (runtime-as/matvec.ts)
const RECORD_BYTES: u64 = 16; // sort key (row << 32 | col0) u64, block index u32, pad
const MAX_SAFE_INTEGER: u64 = 9007199254740991;
/** Sign bit indices are 32-bit in the kernels. */
const MAX_NNZ: u64 = 0x7fffffff;
const SIGN_SLACK: u64 = 16;

/** Which structure fields each kind uses (slot bits); every other one must be 0 or absent. */
function usesSlot(kind: i32, slot: i32): bool {
  if (kind == KIND_BLOCK_DIAGONAL) return slot == SLOT_BLOCK_ROWS || slot == SLOT_BLOCK_COLS;
  if (kind == KIND_BANDED) return slot == SLOT_LOWER || slot == SLOT_UPPER;
  if (kind == KIND_BLOCKS) return slot == SLOT_BLOCKS;
  if (kind == KIND_MASK) return slot == SLOT_MASK;
  return false;
}

@inline function isIdStart(c: u32): bool {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f;
}

@inline function isIdChar(c: u32): bool {
  return isIdStart(c) || (c >= 0x30 && c <= 0x39);
}

/** Verifies the matrix whose table position is in m.tablePos and prepares its kernel data. */
export function verifyMatrix(m: MatrixInfo, scale: f64): bool {
  const t = m.tablePos;
  const id = fieldString(t, SLOT_ID);
  if (id < 0) return false;
  const idLength = lastLength;
  if (id == 0 || idLength < 1 || idLength > 64 || !isIdStart(u8At(id))) return fail(INCONSISTENT, D_MATRIX_ID, fieldAt(t, SLOT_ID));
  for (let k: i64 = 1; k < idLength; k++) if (!isIdChar(u8At(id + k))) return fail(INCONSISTENT, D_MATRIX_ID, fieldAt(t, SLOT_ID));
  m.idStart = id;
  m.idLength = idLength;

  const rows = fieldU32(t, SLOT_ROWS, 0);
  const cols = fieldU32(t, SLOT_COLS, 0);
  if (failed()) return false;
  if (rows < 1 || cols < 1) return fail(INCONSISTENT, D_SIZE_ZERO, fieldAt(t, SLOT_ROWS));
  m.rows = rows;
  m.cols = cols;

  // Structure: kind, unused fields zero / absent, the kind's own fields valid.
  const kind = <i32>fieldU8(t, SLOT_KIND, 0);
  if (failed()) return false;
  if (kind > KIND_MASK) return fail(INCONSISTENT, D_STRUCTURE_KIND, fieldAt(t, SLOT_KIND));
  m.kind = kind;
  for (let slot = SLOT_BLOCK_ROWS; slot <= SLOT_UPPER; slot++) {
    const value = fieldU32(t, slot, 0);
    if (failed()) return false;
    if (!usesSlot(kind, slot) && value != 0) return fail(INCONSISTENT, D_STRUCTURE_FIELD, fieldAt(t, slot));
  }
  for (let slot = SLOT_BLOCKS; slot <= SLOT_MASK; slot++) {
    if (usesSlot(kind, slot)) continue;
    const present = fieldVector(t, slot, 1, 1);
    if (present < 0) return false;
    if (present > 0) return fail(INCONSISTENT, D_STRUCTURE_FIELD, fieldAt(t, slot));
  }
  let blocks: i64 = 0;
  let blockCount: i64 = 0;
  let mask: i64 = 0;
  if (kind == KIND_BLOCK_DIAGONAL) {
    const br = fieldU32(t, SLOT_BLOCK_ROWS, 0);
    const bc = fieldU32(t, SLOT_BLOCK_COLS, 0);
    if (br < 1 || bc < 1 || rows % br != 0 || cols % bc != 0 || rows / br != cols / bc) return fail(INCONSISTENT, D_BLOCK_DIAGONAL, fieldAt(t, SLOT_BLOCK_ROWS));
    m.blockRows = <i32>br;
    m.blockCols = <i32>bc;
  } else if (kind == KIND_BANDED) {
    // Bands wider than the matrix mean the same entries; clamped, they fit the kernel's i32 arithmetic.
    m.lower = <i32>min(fieldU32(t, SLOT_LOWER, 0), rows);
    m.upper = <i32>min(fieldU32(t, SLOT_UPPER, 0), cols);
  } else if (kind == KIND_BLOCKS) {
    blocks = fieldVector(t, SLOT_BLOCKS, BLOCK_BYTES, 4);
    if (blocks < 0) return false;
    if (blocks == 0) return fail(INCONSISTENT, D_REQUIRED_FIELD, t);
    blockCount = lastLength;
    for (let b: i64 = 0; b < blockCount; b++) {
      const at = blocks + BLOCK_BYTES * b;
      if (<i64>u32At(at) + <i64>u32At(at + 8) > rows || <i64>u32At(at + 4) + <i64>u32At(at + 12) > cols) return fail(INCONSISTENT, D_BLOCK_OUTSIDE, at);
    }
  } else if (kind == KIND_MASK) {
    mask = fieldVector(t, SLOT_MASK, 1, 1);
    if (mask < 0) return false;
    if (mask == 0) return fail(INCONSISTENT, D_REQUIRED_FIELD, t);
    if (!paddedBits(mask, lastLength, <u64>rows * <u64>cols)) return false;
  }

  const nnz = fieldU64(t, SLOT_NNZ, 0);
  if (failed()) return false;
  if (nnz > MAX_SAFE_INTEGER) return fail(INCONSISTENT, D_NNZ, fieldAt(t, SLOT_NNZ));
  const signs = fieldVector(t, SLOT_SIGNS, 1, 16);
  if (signs < 0) return false;
  if (signs == 0) return fail(INCONSISTENT, D_REQUIRED_FIELD, t);
  if (!paddedBits(signs, lastLength, nnz)) return false;
  if (impliedNnz(m, t, nnz, blocks, blockCount, mask) != nnz) return failed() ? false : fail(INCONSISTENT, D_NNZ, fieldAt(t, SLOT_NNZ));

  const gain = fieldF64(t, SLOT_GAIN, 1);
  if (failed()) return false;
  if (!(isFinite(gain) && gain > 0)) return fail(INCONSISTENT, D_GAIN, fieldAt(t, SLOT_GAIN));
  const encoding = fieldU8(t, SLOT_ENCODING, 0);
  if (failed()) return false;
  if (encoding > 2) return fail(INCONSISTENT, D_ENCODING, fieldAt(t, SLOT_ENCODING));
  const error = field(t, SLOT_QUANTIZATION_ERROR, 8);
  if (error < 0) return false;
  if ((error > 0) != (encoding != 0)) return fail(INCONSISTENT, D_QUANTIZATION_ERROR, fieldAt(t, SLOT_QUANTIZATION_ERROR));
  if (error > 0) {
    const value = f64At(error);
    if (!(isFinite(value) && value >= 0)) return fail(INCONSISTENT, D_QUANTIZATION_ERROR, error);
  }

  if (nnz > MAX_NNZ) return fail(LIMIT_EXCEEDED, D_COUNT, fieldAt(t, SLOT_NNZ));
  m.coef = <f32>(scale * gain);
  m.signs = bufferBase() + <usize>signs;
  if (kind == KIND_BANDED && useDiagonals(<i32>m.rows, m.lower, m.upper, nnz, true)) return prepareDiagonals(m);
  if (kind == KIND_BLOCKS) return prepareBlocks(m, blocks, blockCount, nnz);
  if (kind == KIND_MASK) return prepareMask(m, mask);
  return true;
}

/** A bit payload holds exactly ceil(bits / 8) bytes, with the unused high bits of the last byte 0. */
function paddedBits(start: i64, count: i64, bits: u64): bool {
  const bytes = (bits + 7) >> 3;
  if (<u64>count != bytes) return fail(INCONSISTENT, D_PAYLOAD_LENGTH, start - 4);
  const used = <u32>(bits & 7);
  if (used != 0 && u8At(start + count - 1) >> used != 0) return fail(INCONSISTENT, D_PADDING_BITS, start + count - 1);
  return true;
}

/**
 * The nnz the structure implies. Sums stop once past `claimed` (they can only mismatch then), so
 * no u64 sum overflows; banded rows are walked only up to the last row with entries, after
 * checking there are no more such rows than `claimed`, which keeps the walk bounded by the payload.
 */
function impliedNnz(m: MatrixInfo, t: i64, claimed: u64, blocks: i64, blockCount: i64, mask: i64): u64 {
  const rows = <u64>m.rows;
  const cols = <u64>m.cols;
  if (m.kind == KIND_DENSE) return rows * cols;
  if (m.kind == KIND_BLOCK_DIAGONAL) return rows * <u64>m.blockCols;
  if (m.kind == KIND_BANDED) {
    const lower = <i64>m.lower;
    const upper = <i64>m.upper; // clamped to rows / cols: same entries, no overflow
    const withEntries = min(rows, cols + <u64>lower);
    if (withEntries > claimed) {
      fail(INCONSISTENT, D_NNZ, fieldAt(t, SLOT_NNZ));
      return 0;
    }
    let total: u64 = 0;
    for (let i: i64 = 0; i < <i64>withEntries; i++) {
      const start = max<i64>(0, i - lower);
      const end = min<i64>(<i64>cols, i + upper + 1);
      if (end > start) total += <u64>(end - start);
      if (total > claimed) return total;
    }
    return total;
  }
  if (m.kind == KIND_BLOCKS) {
    let total: u64 = 0;
    for (let b: i64 = 0; b < blockCount; b++) {
      total += <u64>u32At(blocks + BLOCK_BYTES * b + 8) * <u64>u32At(blocks + BLOCK_BYTES * b + 12);
      if (total > claimed) return total;
    }
    return total;
  }
  let total: u64 = 0;
  const bytes = (rows * cols + 7) >> 3;
  for (let k: u64 = 0; k < bytes; k++) total += <u64>popcnt(u8At(mask + <i64>k));
  return total;
}

/**
 * Banded, run over diagonals: the signs re-laid diagonal-major (as codegen/layout.ts does for a
 * specialized module): diagonal t = j - i + lower holds bit i of every padded row.
 */
function prepareDiagonals(m: MatrixInfo): bool {
  const rows = <i32>m.rows;
  const cols = <i64>m.cols;
  const streamBits = <u64>paddedDiagonalRows(rows);
  const signs = reserve(((<u64>diagonalCount(m.lower, m.upper) * streamBits) >> 3) + SIGN_SLACK);
  if (failed()) return false;
  let k: u64 = 0;
  for (let i: i32 = 0; i < rows; i++) {
    const start = max<i64>(0, <i64>i - <i64>m.lower);
    const end = min<i64>(cols, <i64>i + <i64>m.upper + 1);
    for (let j = start; j < end; j++, k++) {
      copyBits(m.signs, k, signs, <u64>(j - <i64>i + <i64>m.lower) * streamBits + <u64>i, 1);
    }
  }
  m.signs = signs;
  m.diagonals = true;
  return true;
}

/**
 * `blocks`: the kernel's table and the signs re-laid block-major (blocks in listed order, each
 * row-major), found by sorting every block row by (row, col0): that order is the canonical
 * order of the runs, and neighbours in it reveal overlapping blocks.
 */
function prepareBlocks(m: MatrixInfo, blocks: i64, count: i64, nnz: u64): bool {
  const table = reserve(TABLE_ENTRY_BYTES * <u64>count);
  const signs = reserve(((nnz + 7) >> 3) + SIGN_SLACK);
  if (failed()) return false;
  let runs: u64 = 0;
  let first: u64 = 0;
  for (let b: i64 = 0; b < count; b++) {
    const at = blocks + BLOCK_BYTES * b;
    const entry = table + <usize>(<u64>b * TABLE_ENTRY_BYTES);
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
    const at = blocks + BLOCK_BYTES * b;
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
    const entry = table + <usize>load<u32>(record, 8) * <usize>TABLE_ENTRY_BYTES;
    const cols = <u64>load<u32>(entry, 12);
    if (k > 0) {
      const previous = load<u64>(record - <usize>RECORD_BYTES);
      const previousCols = <u64>load<u32>(table + <usize>load<u32>(record - <usize>RECORD_BYTES, 8) * <usize>TABLE_ENTRY_BYTES, 12);
      if (previous >> 32 == key >> 32 && (previous & 0xffffffff) + previousCols > (key & 0xffffffff)) {
        return fail(INCONSISTENT, D_BLOCKS_OVERLAP, blocks + BLOCK_BYTES * <i64>load<u32>(record, 8));
      }
    }
    const row = <u64>(key >> 32) - <u64>load<u32>(entry);
    copyBits(m.signs, bit, signs, <u64>load<u32>(entry, 16) + row * cols, cols);
    bit += cols;
  }
  arenaReset(mark);
  m.table = table;
  m.count = <i32>count;
  m.signs = signs;
  return true;
}

function copyBits(from: usize, fromBit: u64, to: usize, toBit: u64, count: u64): void {
  for (let k: u64 = 0; k < count; k++) {
    const s = fromBit + k;
    if (((load<u8>(from + <usize>(s >> 3)) >> <u8>(s & 7)) & 1) != 0) {
      const d = toBit + k;
      const p = to + <usize>(d >> 3);
      store<u8>(p, load<u8>(p) | <u8>(1 << <u8>(d & 7)));
    }
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

/** `mask`: rows + 1 row starts into a list of (col0, length) runs, signs in canonical order. */
function prepareMask(m: MatrixInfo, mask: i64): bool {
  const rows = <u64>m.rows;
  const cols = <u64>m.cols;
  const bitmap = bufferBase() + <usize>mask;
  let runs: u64 = 0;
  for (let pass = 0; pass < 2; pass++) {
    if (pass == 1) {
      m.table = reserve((rows + 1) << 2);
      m.segments = reserve(runs << 3);
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

