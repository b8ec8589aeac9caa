/**
 * Bit-serial products for k-bit quantized activations (BuildOptions.activationBits): the input
 * vector of each product is quantized once, split into k bit planes, and every row's dot product
 * becomes k popcounts per 64 weights, in exact integer arithmetic (TVM's "unipolar" bit-serial
 * scheme, adapted to our sign bits).
 *
 * Quantization (per product, per input vector v of n values, h = 2^(k-1)):
 *   s = max|v| / (h - 1) in f32, q_j = nearest(v_j / s) clamped to [-(h-1), h-1] (0 when s = 0),
 *   u_j = q_j + h in [1, 2^k - 1], stored as k planes: bit j of plane p is bit p of u_j.
 * Row i over a run of n columns, P = positive mask (our sign bit 1 = negative, so P = ~signs,
 * masked to the run):
 *   sum_j s_ij q_j = 2 (sum_p 2^p popcount(P & u_p) - h popcount(P)) - sum_j q_j
 * and z_i += (coef * s) * f32(that integer). popcount(P) is counted while the row is read (one
 * popcount per 64 weights next to k) instead of stored per row, so the constants stay as they are.
 *
 * Plane layout in the scratch: per run (the whole vector of a dense matrix, one diagonal block's
 * columns), k planes of ceil(n / 64) u64 words, zero-padded, then the u16 codes of the whole
 * vector. Signs are read 64 at a time from any bit offset (two loads funnel-shifted), within the
 * 8 bytes of slack the layout leaves after every sign payload.
 */
import { constU64 } from './constants';

/** Scratch bytes for a product over `blocks` runs of `runCols` columns at `bits` bits. */
@inline export function bitSerialScratchBytes(blocks: i32, runCols: i32, bits: i32): i32 {
  return blocks * bits * (((runCols + 63) >> 6) << 3) + blocks * runCols * 2;
}

/** 64 sign bits from bit index `bit`: bit `bit` ends up as bit 0. */
@inline function signChunk(signs: usize, bit: usize): u64 {
  const shift = <u64>(bit & 7);
  const at = signs + (bit >> 3);
  const low = constU64(at) >> shift;
  // The second load only holds bits when the run is not byte-aligned.
  return shift == 0 ? low : low | (constU64(at + 8) << (64 - shift));
}

/** The last `n` (< 64) sign bits of a run from bit index `bit`, without reading past them. */
@inline function signTail(signs: usize, bit: usize, n: i32): u64 {
  const shift = <u64>(bit & 7);
  const at = signs + (bit >> 3);
  let word = constU64(at) >> shift;
  if (shift + <u64>n > 64) word |= constU64(at + 8) << (64 - shift);
  return word;
}

/**
 * Quantizes the n = blocks * runCols values at v and writes the planes (layout above) to
 * `planes`; returns the scale s (0 for an all-zero vector, which leaves the planes unwritten).
 */
@inline export function quantizeToPlanes(v: usize, blocks: i32, runCols: i32, bits: i32, planes: usize): f32 {
  const n = blocks * runCols;
  let maxAbs: f32 = 0;
  for (let j: i32 = 0; j < n; j++) maxAbs = max(maxAbs, abs(load<f32>(v + (<usize>j << 2))));
  const limit = (1 << (bits - 1)) - 1;
  const scale = maxAbs / <f32>limit;
  if (scale == 0) return 0;
  const words = (runCols + 63) >> 6;
  const runBytes = <usize>(bits * words) << 3;
  const codes = planes + <usize>blocks * runBytes;
  for (let j: i32 = 0; j < n; j++) {
    const q = min(limit, max(-limit, <i32>nearest(load<f32>(v + (<usize>j << 2)) / scale)));
    store<u16>(codes + (<usize>j << 1), <u16>(q + limit + 1));
  }
  for (let b: i32 = 0; b < blocks; b++) {
    const run = codes + (<usize>(b * runCols) << 1);
    const out = planes + <usize>b * runBytes;
    for (let p: i32 = 0; p < bits; p++) {
      for (let w: i32 = 0; w < words; w++) {
        const first = w << 6;
        const count = min(64, runCols - first);
        store<u64>(out + (<usize>(p * words + w) << 3), planeWord(run + (<usize>first << 1), count, p));
      }
    }
  }
  return scale;
}

/** Bit p of `count` (<= 64) consecutive u16 codes, as one word (code t at bit t). */
@inline function planeWord(codes: usize, count: i32, p: i32): u64 {
  let word: u64 = 0;
  let t: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    // Eight codes at a time: move bit p to each lane's top bit and collect the lanes' top bits.
    for (; t + 8 <= count; t += 8) {
      const lanes = i16x8.shl(v128.load(codes + (<usize>t << 1)), 15 - p);
      word |= <u64>i16x8.bitmask(lanes) << <u64>t;
    }
  }
  for (; t < count; t++) {
    word |= <u64>((load<u16>(codes + (<usize>t << 1)) >> <u16>p) & 1) << <u64>t;
  }
  return word;
}

/** sum_j q_j over one run, from its planes: sum_p 2^p popcount(u_p) - h * runCols. */
@inline function runSum(planes: usize, words: i32, bits: i32, runCols: i32): i64 {
  let total: i64 = 0;
  for (let p: i32 = 0; p < bits; p++) {
    let count: i64 = 0;
    for (let w: i32 = 0; w < words; w++) count += <i64>popcnt(load<u64>(planes + (<usize>(p * words + w) << 3)));
    total += count << <i64>p;
  }
  return total - (<i64>1 << <i64>(bits - 1)) * <i64>runCols;
}

/** The byte sums of an i8x16 of counts. */
@inline function laneSum(counts: v128): i64 {
  const quads = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(counts));
  return <i64>(i32x4.extract_lane(quads, 0) + i32x4.extract_lane(quads, 1) + i32x4.extract_lane(quads, 2) + i32x4.extract_lane(quads, 3));
}

/** Steps whose byte counts (<= 8 each) an i8 lane holds before it must be widened. */
const STEPS_PER_WIDEN: i32 = 31;

/**
 * popcount(P & plane) (popcount(P) unless `masked`) over the first `chunks` x 128 weights of a
 * row whose signs start at byte `at`, 128 at a time with i8x16.popcnt.
 */
@inline function chunkCount(at: usize, plane: usize, chunks: i32, masked: bool): i64 {
  let total: i64 = 0;
  for (let c0: i32 = 0; c0 < chunks; c0 += STEPS_PER_WIDEN) {
    let counts = i8x16.splat(0);
    const end = min(chunks, c0 + STEPS_PER_WIDEN);
    for (let c = c0; c < end; c++) {
      // Plain loads: SIMD code never runs on MCU targets, the only ones with constants outside memory.
      const positive = v128.not(v128.load(at + (<usize>c << 4)));
      const bits = masked ? v128.and(positive, v128.load(plane + (<usize>c << 4))) : positive;
      counts = i8x16.add(counts, i8x16.popcnt(bits));
    }
    total += laneSum(counts);
  }
  return total;
}

/**
 * 2 (sum_p 2^p popcount(P & u_p) - h popcount(P)) over one row of the run (P = positive weights).
 * SIMD builds count byte-aligned rows 128 weights at a time with i8x16.popcnt, one plane after
 * the other (1.6x the i64.popcnt loop at k = 8 in a row-shaped test; bench/bounds.ts measures
 * both), and the rest 64 at a time with i64.popcnt.
 */
@inline function rowTerm(signs: usize, bit: usize, runCols: i32, planes: usize, words: i32, bits: i32): i64 {
  let weighted: i64 = 0;
  let positives: i64 = 0;
  let w: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    if ((bit & 7) == 0 && runCols >= 128) {
      const chunks = runCols >> 7;
      const at = signs + (bit >> 3);
      positives = chunkCount(at, 0, chunks, false);
      for (let p: i32 = 0; p < bits; p++) weighted += chunkCount(at, planes + (<usize>(p * words) << 3), chunks, true) << <i64>p;
      w = chunks << 1;
    }
  }
  for (; (w + 1) << 6 <= runCols; w++) {
    const positive = ~signChunk(signs, bit + (<usize>w << 6));
    positives += <i64>popcnt(positive);
    for (let p: i32 = 0; p < bits; p++) {
      weighted += <i64>popcnt(positive & load<u64>(planes + (<usize>(p * words + w) << 3))) << <i64>p;
    }
  }
  const rest = runCols - (w << 6);
  if (rest > 0) {
    const positive = ~signTail(signs, bit + (<usize>w << 6), rest) & ((<u64>1 << <u64>rest) - 1);
    positives += <i64>popcnt(positive);
    for (let p: i32 = 0; p < bits; p++) {
      weighted += <i64>popcnt(positive & load<u64>(planes + (<usize>(p * words + w) << 3))) << <i64>p;
    }
  }
  return (weighted - (positives << <i64>(bits - 1))) << 1;
}

/**
 * sum_j s_ij q_j for row r (0-based, within the run whose planes are at `runPlanes`), whose signs
 * start at bit `bit`; `qSum` is runSum of the run. Exposed for the kernel test's exact check.
 */
@inline export function bitSerialRowDot(
  signs: usize, bit: usize, runCols: i32, runPlanes: usize, bits: i32, qSum: i64,
): i64 {
  return rowTerm(signs, bit, runCols, runPlanes, (runCols + 63) >> 6, bits) - qSum;
}

/** runSum of the run whose planes are at `runPlanes`. */
@inline export function bitSerialRunSum(runPlanes: usize, runCols: i32, bits: i32): i64 {
  return runSum(runPlanes, (runCols + 63) >> 6, bits, runCols);
}

/**
 * z[i] += coef * s * sum_j s_ij q_j for a block-diagonal matrix of `rows` rows in blocks of
 * blockRows x blockCols (a dense matrix is one block); row i's signs start at bit i * blockCols.
 * `planes` holds bitSerialScratchBytes(rows / blockRows, blockCols, bits) bytes.
 */
@inline export function matvecBitSerial(
  z: usize, v: usize, rows: i32, blockRows: i32, blockCols: i32, signs: usize, coef: f32, bits: i32, planes: usize,
): void {
  const blocks = rows / blockRows;
  const scale = quantizeToPlanes(v, blocks, blockCols, bits, planes);
  if (scale == 0) return;
  const factor = coef * scale;
  const runBytes = <usize>(bits * ((blockCols + 63) >> 6)) << 3;
  for (let b: i32 = 0, i: i32 = 0; b < blocks; b++) {
    const runPlanes = planes + <usize>b * runBytes;
    const qSum = bitSerialRunSum(runPlanes, blockCols, bits);
    for (let r: i32 = 0; r < blockRows; r++, i++) {
      const dot = bitSerialRowDot(signs, <usize>i * <usize>blockCols, blockCols, runPlanes, bits, qSum);
      const p = z + (<usize>i << 2);
      store<f32>(p, load<f32>(p) + factor * <f32>dot);
    }
  }
}

/** matvecBitSerial for `count` inputs (v_b at v + 4 b cols, z_b at z + 4 b rows), one after the other. */
@inline export function matvecBitSerialBatch(
  z: usize, v: usize, rows: i32, blockRows: i32, blockCols: i32, signs: usize, coef: f32, bits: i32, planes: usize, count: i32,
): void {
  const cols = rows / blockRows * blockCols;
  for (let b: i32 = 0; b < count; b++) {
    matvecBitSerial(z + (<usize>(b * rows) << 2), v + (<usize>(b * cols) << 2), rows, blockRows, blockCols, signs, coef, bits, planes);
  }
}
