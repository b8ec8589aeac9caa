/**
 * The flip-and-add inner kernel: sum_j s_j * x_j over one run of consecutive columns, computed
 * straight from packed sign bits (bit 1 = negative) with no multiply and no unpacking to floats:
 * each x_j gets its float sign bit XOR-ed with its sign bit, then is added. Every matrix-vector
 * product goes through `signedSum`, so a faster kernel (register blocking, partial-sum tables)
 * replaces this one function and nothing else.
 *
 * Sign bits are addressed by bit index from a byte base; any bit offset works because a run reads
 * its bits with unaligned 64-bit loads. Callers must leave 8 readable bytes after the last sign
 * byte (the layout gives every payload that slack).
 */
import { constU64 } from './constants';

// For each 4-bit nibble value, the four lane masks that flip the sign of lane l when bit l is set.
export const NIBBLE_FLIP_MASKS: usize = memory.data<u32>([
  0, 0, 0, 0,
  0x80000000, 0, 0, 0,
  0, 0x80000000, 0, 0,
  0x80000000, 0x80000000, 0, 0,
  0, 0, 0x80000000, 0,
  0x80000000, 0, 0x80000000, 0,
  0, 0x80000000, 0x80000000, 0,
  0x80000000, 0x80000000, 0x80000000, 0,
  0, 0, 0, 0x80000000,
  0x80000000, 0, 0, 0x80000000,
  0, 0x80000000, 0, 0x80000000,
  0x80000000, 0x80000000, 0, 0x80000000,
  0, 0, 0x80000000, 0x80000000,
  0x80000000, 0, 0x80000000, 0x80000000,
  0, 0x80000000, 0x80000000, 0x80000000,
  0x80000000, 0x80000000, 0x80000000, 0x80000000,], 16);

/** 32 sign bits starting at bit index `bit` (bit `bit` ends up as bit 0). */
@inline function signWord(signs: usize, bit: usize): u32 {
  return <u32>(constU64(signs + (bit >> 3)) >> <u64>(bit & 7));
}

/** Four consecutive x values with their signs flipped by the low nibble of `bits`. */
@inline function flipped4(x: usize, bits: u32): v128 {
  return v128.xor(v128.load(x), v128.load(NIBBLE_FLIP_MASKS + (<usize>(bits & 15) << 4)));
}

/** x with its sign flipped when bit 0 of `bits` is set. */
@inline function flipped1(x: usize, bits: u32): f32 {
  return reinterpret<f32>(load<u32>(x) ^ (bits << 31));
}

/** sum_{j < n} s_j x[j] where s_j comes from sign bit `bit + j`; x is f32 at any 4-byte-aligned address. */
@inline export function signedSum(x: usize, n: i32, signs: usize, bit: usize): f32 {
  let j: i32 = 0;
  let total: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    // Two accumulators halve the add dependency chain; 32 columns per sign word.
    let even = f32x4.splat(0);
    let odd = f32x4.splat(0);
    for (; j + 32 <= n; j += 32) {
      const w = signWord(signs, bit + <usize>j);
      const p = x + (<usize>j << 2);
      even = f32x4.add(even, flipped4(p, w));
      odd = f32x4.add(odd, flipped4(p + 16, w >> 4));
      even = f32x4.add(even, flipped4(p + 32, w >> 8));
      odd = f32x4.add(odd, flipped4(p + 48, w >> 12));
      even = f32x4.add(even, flipped4(p + 64, w >> 16));
      odd = f32x4.add(odd, flipped4(p + 80, w >> 20));
      even = f32x4.add(even, flipped4(p + 96, w >> 24));
      odd = f32x4.add(odd, flipped4(p + 112, w >> 28));
    }
    for (; j + 4 <= n; j += 4) {
      even = f32x4.add(even, flipped4(x + (<usize>j << 2), signWord(signs, bit + <usize>j)));
    }
    const sum = f32x4.add(even, odd);
    total = (f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1)) + (f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3));
  } else {
    // Four scalar accumulators, so consecutive adds do not wait on each other.
    let a0: f32 = 0;
    let a1: f32 = 0;
    let a2: f32 = 0;
    let a3: f32 = 0;
    for (; j + 32 <= n; j += 32) {
      let w = signWord(signs, bit + <usize>j);
      const p = x + (<usize>j << 2);
      for (let t: usize = 0; t < 128; t += 16, w >>= 4) {
        a0 += flipped1(p + t, w);
        a1 += flipped1(p + t + 4, w >> 1);
        a2 += flipped1(p + t + 8, w >> 2);
        a3 += flipped1(p + t + 12, w >> 3);
      }
    }
    total = (a0 + a1) + (a2 + a3);
  }
  // The last n % 4 columns in the SIMD build; the last n % 32 in the scalar build.
  while (j < n) {
    let w = signWord(signs, bit + <usize>j);
    const end = min(j + 32, n);
    for (; j < end; j++) {
      total += flipped1(x + (<usize>j << 2), w);
      w >>= 1;
    }
  }
  return total;
}

/** z[row] += coef * sum: every product ends a row this way, scaling once per row. */
@inline export function accumulateRow(z: usize, row: i32, coef: f32, sum: f32): void {
  const p = z + (<usize>row << 2);
  store<f32>(p, load<f32>(p) + coef * sum);
}
