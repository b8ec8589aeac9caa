/**
 * Banded products over diagonals: rows start at different columns, so they share no lookup
 * table, and short rows leave flip-and-add mostly overhead. Instead the signs are re-laid
 * diagonal-major (docs/abi.md): diagonal t = j - i + lower (0 <= t < D = lower + upper + 1) holds
 * one bit per row, rows padded to a multiple of 32, bit 0 where the entry lies outside the matrix.
 * A pass over 32 rows then adds, per diagonal, x[i + t - lower] for 4 rows per v128 with the
 * signs of 4 rows flipped in by a lane-mask lookup: 8 accumulators, one sign word per diagonal.
 * x is first copied into a zero-padded scratch, so out-of-matrix entries add zeros.
 *
 * Each row sums its entries in column order from a zero start (zeros for missing entries), the
 * same order in the SIMD and scalar builds, so both give identical outputs.
 */
import { constU32 } from '../../runtime-as/constants';
import { NIBBLE_FLIP_MASKS } from '../../runtime-as/signed-sum';

/** Rows of one pass; the diagonals' bit streams are padded to a multiple of it. */
const PASS_ROWS: i32 = 32;

@inline export function diagonalCount(lower: i32, upper: i32): i32 {
  return lower + upper + 1;
}

@inline export function paddedDiagonalRows(rows: i32): i32 {
  return (rows + PASS_ROWS - 1) & ~(PASS_ROWS - 1);
}

/** Scratch the zero-padded copy of x takes: x_pad[k] = x[k - lower], for k < padded rows + D. */
@inline export function diagonalScratchBytes(rows: i32, lower: i32, upper: i32): i32 {
  return (paddedDiagonalRows(rows) + diagonalCount(lower, upper)) << 2;
}

/** z[i..i+3] += coef * sums (lanes past `rows` untouched). */
@inline function accumulate4(z: usize, i: i32, rows: i32, coef: f32, sums: v128): void {
  const p = z + (<usize>i << 2);
  if (i + 4 <= rows) {
    v128.store(p, f32x4.add(v128.load(p), f32x4.mul(f32x4.splat(coef), sums)));
    return;
  }
  if (i < rows) store<f32>(p, load<f32>(p) + coef * f32x4.extract_lane(sums, 0));
  if (i + 1 < rows) store<f32>(p + 4, load<f32>(p + 4) + coef * f32x4.extract_lane(sums, 1));
  if (i + 2 < rows) store<f32>(p + 8, load<f32>(p + 8) + coef * f32x4.extract_lane(sums, 2));
}

/** acc plus x[at..at+3] with lane l's sign flipped when bit l of the nibble `bits & 15` is set. */
@inline function addFlipped(acc: v128, at: usize, bits: u32): v128 {
  return f32x4.add(acc, v128.xor(v128.load(at), v128.load(NIBBLE_FLIP_MASKS + (<usize>(bits & 15) << 4))));
}

@inline function flip(x: f32, bit: u32): f32 {
  return reinterpret<f32>(reinterpret<u32>(x) ^ (bit << 31));
}

/**
 * z[i] += coef * sum_j s_ij v[j] over a banded matrix (row i: columns max(0, i - lower) ..
 * min(cols, i + upper + 1) - 1) whose signs are diagonal-major at `signs`; `scratch` holds
 * diagonalScratchBytes(rows, lower, upper) bytes.
 */
@inline export function matvecBandedDiagonals(
  z: usize, v: usize, rows: i32, cols: i32, lower: i32, upper: i32, signs: usize, coef: f32, scratch: usize,
): void {
  matvecBandedDiagonalRows(z, v, rows, cols, lower, upper, signs, coef, scratch, 0, rows);
}

/**
 * Rows [row0, row1) of matvecBandedDiagonals, row0 a multiple of 32 (a split's chunk; rows sum
 * alone). `fill` false: `scratch` already holds this product's padded x.
 */
@inline export function matvecBandedDiagonalRows(
  z: usize, v: usize, rows: i32, cols: i32, lower: i32, upper: i32, signs: usize, coef: f32, scratch: usize,
  row0: i32, row1: i32, fill: bool = true,
): void {
  const diagonals = diagonalCount(lower, upper);
  const padded = paddedDiagonalRows(rows);
  const streamBytes = <usize>(padded >> 3);
  const length = padded + diagonals;
  const copied = max(0, min(cols, length - lower));
  if (fill) {
    memory.fill(scratch, 0, <usize>lower << 2);
    memory.copy(scratch + (<usize>lower << 2), v, <usize>copied << 2);
    memory.fill(scratch + (<usize>(lower + copied) << 2), 0, <usize>(length - lower - copied) << 2);
  }
  const end = min(padded, row1);
  for (let i: i32 = row0; i < end; i += PASS_ROWS) {
    const word = signs + <usize>(i >> 3);
    const x = scratch + (<usize>i << 2);
    if (ASC_FEATURE_SIMD) {
      let a0 = f32x4.splat(0);
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      let a4 = a0;
      let a5 = a0;
      let a6 = a0;
      let a7 = a0;
      for (let t: i32 = 0; t < diagonals; t++) {
        const w = constU32(word + <usize>t * streamBytes);
        const at = x + (<usize>t << 2);
        a0 = addFlipped(a0, at, w);
        a1 = addFlipped(a1, at + 16, w >> 4);
        a2 = addFlipped(a2, at + 32, w >> 8);
        a3 = addFlipped(a3, at + 48, w >> 12);
        a4 = addFlipped(a4, at + 64, w >> 16);
        a5 = addFlipped(a5, at + 80, w >> 20);
        a6 = addFlipped(a6, at + 96, w >> 24);
        a7 = addFlipped(a7, at + 112, w >> 28);
      }
      accumulate4(z, i, rows, coef, a0);
      accumulate4(z, i + 4, rows, coef, a1);
      accumulate4(z, i + 8, rows, coef, a2);
      accumulate4(z, i + 12, rows, coef, a3);
      accumulate4(z, i + 16, rows, coef, a4);
      accumulate4(z, i + 20, rows, coef, a5);
      accumulate4(z, i + 24, rows, coef, a6);
      accumulate4(z, i + 28, rows, coef, a7);
    } else {
      // Four rows at a time, four accumulators, in the same per-row order as the SIMD lanes.
      for (let q: i32 = 0; q < PASS_ROWS && i + q < rows; q += 4) {
        let a0: f32 = 0;
        let a1: f32 = 0;
        let a2: f32 = 0;
        let a3: f32 = 0;
        for (let t: i32 = 0; t < diagonals; t++) {
          const w = constU32(word + <usize>t * streamBytes) >> <u32>q;
          const at = x + (<usize>(q + t) << 2);
          a0 += flip(load<f32>(at), w & 1);
          a1 += flip(load<f32>(at, 4), (w >> 1) & 1);
          a2 += flip(load<f32>(at, 8), (w >> 2) & 1);
          a3 += flip(load<f32>(at, 12), (w >> 3) & 1);
        }
        const r = i + q;
        const p = z + (<usize>r << 2);
        store<f32>(p, load<f32>(p) + coef * a0);
        if (r + 1 < rows) store<f32>(p + 4, load<f32>(p + 4) + coef * a1);
        if (r + 2 < rows) store<f32>(p + 8, load<f32>(p + 8) + coef * a2);
        if (r + 3 < rows) store<f32>(p + 12, load<f32>(p + 12) + coef * a3);
      }
    }
  }
}
