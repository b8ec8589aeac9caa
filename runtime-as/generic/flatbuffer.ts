/**
 * Bounds-checked reading of an untrusted FlatBuffer in linear memory, the base of the container
 * verifier (the only one: TypeScript runs it through WebAssembly): every table, vtable, field,
 * vector and string must lie inside the buffer and be aligned relative to its start, and each
 * object may be referenced once (a bitmap of claimed 4-byte-aligned positions keeps that linear).
 * Positions are byte offsets from the buffer start, as i64 so no sum of u32 fields can wrap.
 * Functions returning a position give -1 on failure (recorded in status) and 0 for "absent".
 */
import {
  DETAIL_FIELD, DETAIL_OFFSET, DETAIL_REFERENCED_TWICE, DETAIL_STRING, DETAIL_TABLE, DETAIL_UTF8, DETAIL_VECTOR, DETAIL_VTABLE, STATUS_INCONSISTENT,
  STATUS_MISALIGNED, STATUS_OUT_OF_BOUNDS,
} from '../generated/constants';
import { fail } from './status';

let base: usize = 0;
let length: i64 = 0;
let claims: usize = 0;

/** Length of the vector or string most recently returned by `vector` / `string`. */
export let lastLength: i64 = 0;

/** Starts reading `len` bytes at `at`; `claimBitmap` needs len / 32 + 1 zeroed bytes. */
export function openBuffer(at: usize, len: i64, claimBitmap: usize): void {
  base = at;
  length = len;
  claims = claimBitmap;
}

export function bufferBase(): usize {
  return base;
}

export function bufferLength(): i64 {
  return length;
}

@inline export function u8At(pos: i64): u32 {
  return <u32>load<u8>(base + <usize>pos);
}
@inline export function u16At(pos: i64): u32 {
  return <u32>load<u16>(base + <usize>pos);
}
@inline export function u32At(pos: i64): u32 {
  return load<u32>(base + <usize>pos);
}
@inline export function i32At(pos: i64): i32 {
  return load<i32>(base + <usize>pos);
}
@inline export function u64At(pos: i64): u64 {
  return load<u64>(base + <usize>pos);
}
@inline export function f64At(pos: i64): f64 {
  return load<f64>(base + <usize>pos);
}

/** [pos, pos + size) inside the buffer and pos a multiple of `align`. */
export function requireRange(pos: i64, size: i64, align: i64, detail: i32): bool {
  if (pos < 0 || size < 0 || pos + size > length) return fail(STATUS_OUT_OF_BOUNDS, detail, pos < 0 ? 0 : min(pos, length));
  if (pos % align != 0) return fail(STATUS_MISALIGNED, detail, pos);
  return true;
}

function claim(pos: i64): bool {
  const at = claims + <usize>(pos >> 5);
  const mask = <u8>(1 << <u8>((pos >> 2) & 7));
  const bits = load<u8>(at);
  if ((bits & mask) != 0) return fail(STATUS_INCONSISTENT, DETAIL_REFERENCED_TWICE, pos);
  store<u8>(at, bits | mask);
  return true;
}

/** Checks the table at `pos` and its vtable; claims it. */
export function table(pos: i64): bool {
  if (!requireRange(pos, 4, 4, DETAIL_TABLE)) return false;
  if (!claim(pos)) return false;
  const vtable = pos - <i64>i32At(pos);
  if (!requireRange(vtable, 4, 2, DETAIL_VTABLE)) return false;
  const vtableSize = <i64>u16At(vtable);
  const tableSize = <i64>u16At(vtable + 2);
  if (vtableSize < 4 || vtableSize % 2 != 0) return fail(STATUS_OUT_OF_BOUNDS, DETAIL_VTABLE, vtable);
  if (!requireRange(vtable, vtableSize, 2, DETAIL_VTABLE)) return false;
  if (tableSize < 4) return fail(STATUS_OUT_OF_BOUNDS, DETAIL_TABLE, vtable + 2);
  return requireRange(pos, tableSize, 4, DETAIL_TABLE);
}

/** The uoffset at `pos` (already checked) resolved to an absolute position; -1 when outside. */
export function follow(pos: i64): i64 {
  const offset = <i64>u32At(pos);
  if (offset == 0 || offset > 0x7fffffff || pos + offset >= length) {
    fail(STATUS_OUT_OF_BOUNDS, DETAIL_OFFSET, pos);
    return -1;
  }
  return pos + offset;
}

/** Position of field `slot` of the (checked) table at `t`: 0 when absent, -1 on failure. */
export function field(t: i64, slot: i32, size: i64): i64 {
  const vtable = t - <i64>i32At(t);
  const vtableSize = <i64>u16At(vtable);
  const entry = 4 + 2 * <i64>slot;
  if (entry + 2 > vtableSize) return 0;
  const offset = <i64>u16At(vtable + entry);
  if (offset == 0) return 0;
  if (offset + size > <i64>u16At(vtable + 2)) {
    fail(STATUS_OUT_OF_BOUNDS, DETAIL_FIELD, t + offset);
    return -1;
  }
  return requireRange(t + offset, size, size, DETAIL_FIELD) ? t + offset : -1;
}

/** Byte offset of a field for error reports: the field when present, else the table. */
export function fieldAt(t: i64, slot: i32): i64 {
  const vtable = t - <i64>i32At(t);
  const entry = 4 + 2 * <i64>slot;
  const offset = entry + 2 <= <i64>u16At(vtable) ? <i64>u16At(vtable + entry) : 0;
  return t + offset;
}

/** The vector at `pos`: checks and claims it; returns its first element's position (length in lastLength). */
export function vector(pos: i64, elementSize: i64, align: i64): i64 {
  if (!requireRange(pos, 4, 4, DETAIL_VECTOR)) return -1;
  if (!claim(pos)) return -1;
  const count = <i64>u32At(pos);
  if (!requireRange(pos + 4, count * elementSize, align, DETAIL_VECTOR)) return -1;
  lastLength = count;
  return pos + 4;
}

/** The string at `pos`: a byte vector, 0-terminated, valid UTF-8. */
export function string(pos: i64): i64 {
  const start = vector(pos, 1, 1);
  if (start < 0) return -1;
  const count = lastLength;
  if (!requireRange(start + count, 1, 1, DETAIL_STRING)) return -1;
  if (u8At(start + count) != 0) {
    fail(STATUS_OUT_OF_BOUNDS, DETAIL_STRING, start + count);
    return -1;
  }
  if (!validUtf8(start, count)) {
    fail(STATUS_INCONSISTENT, DETAIL_UTF8, start);
    return -1;
  }
  lastLength = count;
  return start;
}

/** Target of offset field `slot`: 0 when absent, -1 on failure. */
function target(t: i64, slot: i32): i64 {
  const pos = field(t, slot, 4);
  return pos <= 0 ? pos : follow(pos);
}

/** Vector field `slot`: 0 when absent, -1 on failure, else its first element (length in lastLength). */
export function fieldVector(t: i64, slot: i32, elementSize: i64, align: i64): i64 {
  const pos = target(t, slot);
  return pos <= 0 ? pos : vector(pos, elementSize, align);
}

/** String field `slot`: 0 when absent, -1 on failure, else its first byte (length in lastLength). */
export function fieldString(t: i64, slot: i32): i64 {
  const pos = target(t, slot);
  return pos <= 0 ? pos : string(pos);
}

export function fieldU8(t: i64, slot: i32, fallback: u32): u32 {
  const pos = field(t, slot, 1);
  return pos > 0 ? u8At(pos) : fallback;
}

/** A u32 field as i64; -1 when absent (and `optional`) or on failure (check failed()). */
export function fieldU32(t: i64, slot: i32, fallback: i64): i64 {
  const pos = field(t, slot, 4);
  return pos > 0 ? <i64>u32At(pos) : pos < 0 ? -1 : fallback;
}

export function fieldU64(t: i64, slot: i32, fallback: u64): u64 {
  const pos = field(t, slot, 8);
  return pos > 0 ? u64At(pos) : fallback;
}

export function fieldF64(t: i64, slot: i32, fallback: f64): f64 {
  const pos = field(t, slot, 8);
  return pos > 0 ? f64At(pos) : fallback;
}

/**
 * Well-formed UTF-8 as the WHATWG decoder in fatal mode accepts it: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequence.
 */
function validUtf8(start: i64, count: i64): bool {
  let i = start;
  const end = start + count;
  while (i < end) {
    const b0 = u8At(i);
    if (b0 < 0x80) {
      i++;
      continue;
    }
    let need: i64 = 0;
    let lo: u32 = 0x80;
    let hi: u32 = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
    else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      if (b0 == 0xe0) lo = 0xa0;
      if (b0 == 0xed) hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      if (b0 == 0xf0) lo = 0x90;
      if (b0 == 0xf4) hi = 0x8f;
    } else return false;
    if (i + need >= end) return false; // truncated sequence
    const b1 = u8At(i + 1);
    if (b1 < lo || b1 > hi) return false;
    for (let k: i64 = 2; k <= need; k++) {
      const b = u8At(i + k);
      if (b < 0x80 || b > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}
