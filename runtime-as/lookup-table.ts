/**
 * Table-lookup kernels (as in T-MAC / bitnet.cpp's lookup kernels, here for float x and one-bit
 * weights): for every group of 4 (or 8) consecutive columns, the 16 (or 256) signed sums of x
 * over the group are computed once per product; then each row costs one table load + add per
 * 4 (or 8) weights instead of one flip + add per weight. Entry e of a group's table negates x_l
 * where bit l of e is set, so a row's sign bits index its table directly.
 *
 * Every entry and every row sum has one fixed order of float additions, whatever the build or
 * batch: a 4-column entry is ((x0' + x1') + x2') + x3' (x' = x or -x), an 8-column entry is
 * low-nibble entry + high-nibble entry, and a row adds its groups one after the other from a
 * zero start. The batch-inner variant (batch-inner.ts) keeps that order per input.
 */
import { constU64 } from './constants';
import { KERNEL_LUT8 } from './generated/constants';
import { LUT4_BYTES_PER_COLUMN, LUT8_BYTES_PER_COLUMN } from './kernel-choice';

const S: i32 = -2147483648; // the f32 sign bit

// Scalar builds: the two 16-entry tables (x0..x3 and x4..x7) an 8-column table is assembled from.
const NIBBLE_SCRATCH: usize = memory.data(128, 16);

@inline function flip(x: f32, bit: i32): f32 {
  return reinterpret<f32>(reinterpret<i32>(x) ^ (bit << 31));
}

/** The 16 signed sums of the f32 values at x[0..3], at dst. */
@inline function nibbleTable(dst: usize, x: usize): void {
  const x0 = load<f32>(x);
  const x1 = load<f32>(x, 4);
  const x2 = load<f32>(x, 8);
  const x3 = load<f32>(x, 12);
  if (ASC_FEATURE_SIMD) {
    // Entries 4v + l: lane l carries bits 0 and 1, the vector index v bits 2 and 3.
    const ab = f32x4.add(v128.xor(f32x4.splat(x0), i32x4(0, S, 0, S)), v128.xor(f32x4.splat(x1), i32x4(0, 0, S, S)));
    v128.store(dst, f32x4.add(f32x4.add(ab, f32x4.splat(x2)), f32x4.splat(x3)));
    v128.store(dst, f32x4.add(f32x4.add(ab, f32x4.splat(-x2)), f32x4.splat(x3)), 16);
    v128.store(dst, f32x4.add(f32x4.add(ab, f32x4.splat(x2)), f32x4.splat(-x3)), 32);
    v128.store(dst, f32x4.add(f32x4.add(ab, f32x4.splat(-x2)), f32x4.splat(-x3)), 48);
  } else {
    for (let e: i32 = 0; e < 16; e++) {
      const sum = ((flip(x0, e & 1) + flip(x1, (e >> 1) & 1)) + flip(x2, (e >> 2) & 1)) + flip(x3, e >> 3);
      store<f32>(dst + (<usize>e << 2), sum);
    }
  }
}

/** The 256 signed sums of x[0..7], at dst: entry 16 h + l = low[l] + high[h]. */
@inline function byteTable(dst: usize, x: usize): void {
  if (ASC_FEATURE_SIMD) {
    // The two nibble tables go in the destination's last two rows (h = 14, 15), so no static
    // scratch is shared (threads.ts runs products on two threads): low is in registers before
    // row 14 is written, and row 15 overwrites high only after reading high[15].
    const low = dst + 14 * 64;
    const high = dst + 15 * 64;
    nibbleTable(low, x);
    nibbleTable(high, x + 16);
    const l0 = v128.load(low);
    const l1 = v128.load(low, 16);
    const l2 = v128.load(low, 32);
    const l3 = v128.load(low, 48);
    for (let h: usize = 0; h < 16; h++) {
      const hv = v128.load32_splat(high + (h << 2));
      const at = dst + (h << 6);
      v128.store(at, f32x4.add(l0, hv));
      v128.store(at, f32x4.add(l1, hv), 16);
      v128.store(at, f32x4.add(l2, hv), 32);
      v128.store(at, f32x4.add(l3, hv), 48);
    }
  } else {
    const low = NIBBLE_SCRATCH;
    const high = NIBBLE_SCRATCH + 64;
    nibbleTable(low, x);
    nibbleTable(high, x + 16);
    for (let h: usize = 0; h < 16; h++) {
      const hv = load<f32>(high + (h << 2));
      for (let l: usize = 0; l < 16; l++) store<f32>(dst + (((h << 4) + l) << 2), load<f32>(low + (l << 2)) + hv);
    }
  }
}

/** Table bytes per sign byte (8 columns) of a row. */
@inline function bytesPerSignByte(kernel: i32): usize {
  return <usize>(8 * (kernel == KERNEL_LUT8 ? LUT8_BYTES_PER_COLUMN : LUT4_BYTES_PER_COLUMN));
}

/** The tables of `cols` columns of x (cols a multiple of 8), at `table`. */
@inline export function buildTables(kernel: i32, table: usize, x: usize, cols: i32): void {
  const step = bytesPerSignByte(kernel);
  for (let c: i32 = 0; c < cols; c += 8, table += step, x += 32) {
    if (kernel == KERNEL_LUT8) {
      byteTable(table, x);
    } else {
      nibbleTable(table, x);
      nibbleTable(table + 64, x + 16);
    }
  }
}

/** acc plus the table entries one sign byte selects (LUT4: low nibble first). */
@inline function addByte(kernel: i32, acc: f32, t: usize, b: u32): f32 {
  if (kernel == KERNEL_LUT8) return acc + load<f32>(t + (<usize>b << 2));
  return (acc + load<f32>(t + (<usize>(b & 15) << 2))) + load<f32>(t + 64 + (<usize>(b >> 4) << 2));
}

@inline function accumulate(z: usize, coef: f32, sum: f32): void {
  store<f32>(z, load<f32>(z) + coef * sum);
}

/**
 * z[r] += coef * sum_j s_rj x_j for `rows` consecutive rows whose signs are consecutive
 * `cols`-bit runs from byte `signs` (cols a multiple of 8), with the tables of those columns at
 * `table`. Four rows at a time, each its own accumulator chain, share every table address.
 */
@inline export function lookupRows(kernel: i32, z: usize, rows: i32, cols: i32, table: usize, signs: usize, coef: f32): void {
  const rowBytes = <usize>(cols >> 3);
  const step = bytesPerSignByte(kernel);
  const last = rows - 1;
  for (let r: i32 = 0; r < rows; r += 4) {
    // Past the last row, repeat it and store nothing: one code path for every row count.
    const s0 = signs + <usize>r * rowBytes;
    const s1 = signs + <usize>min(r + 1, last) * rowBytes;
    const s2 = signs + <usize>min(r + 2, last) * rowBytes;
    const s3 = signs + <usize>min(r + 3, last) * rowBytes;
    let a0: f32 = 0;
    let a1: f32 = 0;
    let a2: f32 = 0;
    let a3: f32 = 0;
    let t = table;
    let k: usize = 0;
    for (; k + 8 <= rowBytes; k += 8) {
      let w0 = constU64(s0 + k);
      let w1 = constU64(s1 + k);
      let w2 = constU64(s2 + k);
      let w3 = constU64(s3 + k);
      for (let j = 0; j < 8; j++, t += step, w0 >>= 8, w1 >>= 8, w2 >>= 8, w3 >>= 8) {
        a0 = addByte(kernel, a0, t, <u32>w0 & 0xff);
        a1 = addByte(kernel, a1, t, <u32>w1 & 0xff);
        a2 = addByte(kernel, a2, t, <u32>w2 & 0xff);
        a3 = addByte(kernel, a3, t, <u32>w3 & 0xff);
      }
    }
    // The last rowBytes % 8 bytes from one more load per row (the read slack after every payload
    // covers the bytes past the row): short rows (16- and 32-column blocks) have nothing else.
    if (k < rowBytes) {
      let w0 = constU64(s0 + k);
      let w1 = constU64(s1 + k);
      let w2 = constU64(s2 + k);
      let w3 = constU64(s3 + k);
      for (; k < rowBytes; k++, t += step, w0 >>= 8, w1 >>= 8, w2 >>= 8, w3 >>= 8) {
        a0 = addByte(kernel, a0, t, <u32>w0 & 0xff);
        a1 = addByte(kernel, a1, t, <u32>w1 & 0xff);
        a2 = addByte(kernel, a2, t, <u32>w2 & 0xff);
        a3 = addByte(kernel, a3, t, <u32>w3 & 0xff);
      }
    }
    const zr = z + (<usize>r << 2);
    accumulate(zr, coef, a0);
    if (r + 1 <= last) accumulate(zr + 4, coef, a1);
    if (r + 2 <= last) accumulate(zr + 8, coef, a2);
    if (r + 3 <= last) accumulate(zr + 12, coef, a3);
  }
}
