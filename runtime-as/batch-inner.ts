/**
 * Batch-inner table lookup (SIMD builds): one product for `count` inputs at once, so every sign
 * byte read and every table pick serves all inputs. The inputs' columns are first transposed
 * batch-inner (`lanes` = count rounded up to 4 f32 per column), then per group of 4 columns the
 * 16 signed sums are built for every lane (16 x lanes f32), and each row adds, per sign nibble,
 * one table entry of `lanes` floats with v128 adds. LUT8 runs with many rows (batchByteTables)
 * first sum each 8 columns' two nibble tables into 256 entries, so a row adds one entry per sign
 * byte: half the adds, for 256 x lanes/4 adds per 8 columns spent once per chunk.
 *
 * Summation order per input is exactly lookup-table.ts's: entries ((x0' + x1') + x2') + x3', a
 * LUT4 row adds (acc + low) + high per sign byte, a LUT8 row acc + (low + high) (its 256-entry
 * table holds low + high), from a zero start, then z += coef * sum. So `infer_batch` gives the
 * same bits as `infer`. Tables are built and consumed in column chunks of at most
 * BATCH_TABLE_BYTES (L2-resident); the row sums carry over between chunks in the `acc` scratch.
 */
import { constU64 } from './constants';
import { KERNEL_LUT8 } from './generated/constants';
import { batchByteTables, batchChunkColumns, batchLanes } from './kernel-choice';

/** The 4 x 4 transpose of f32 rows r0..r3: lane l of result k is lane k of r_l. */
@inline function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, k: i32): v128 {
  const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
  if (k == 0) return v128.shuffle<i32>(t0, t2, 0, 1, 4, 5);
  if (k == 1) return v128.shuffle<i32>(t0, t2, 2, 3, 6, 7);
  if (k == 2) return v128.shuffle<i32>(t1, t3, 0, 1, 4, 5);
  return v128.shuffle<i32>(t1, t3, 2, 3, 6, 7);
}

/** Four f32 at `at` when `present`, else zeros (the padding lanes past the batch). */
@inline function loadOrZero(at: usize, present: bool): v128 {
  return present ? v128.load(at) : f32x4.splat(0);
}

/**
 * Columns [0, cols) (a multiple of 4) of `count` vectors at v (stride vStride f32) to
 * xt[c * lanes + b], 4 x 4 at a time; padding lanes get 0.
 */
@inline function transpose(xt: usize, v: usize, vStride: i32, cols: i32, count: i32, lanes: i32): void {
  const laneBytes = <usize>lanes << 2;
  const strideBytes = <usize>vStride << 2;
  for (let b: i32 = 0; b < lanes; b += 4) {
    const src = v + <usize>b * strideBytes;
    const dst = xt + (<usize>b << 2);
    for (let c: usize = 0; c < <usize>cols; c += 4) {
      const r0 = v128.load(src + (c << 2));
      const r1 = loadOrZero(src + strideBytes + (c << 2), b + 1 < count);
      const r2 = loadOrZero(src + 2 * strideBytes + (c << 2), b + 2 < count);
      const r3 = loadOrZero(src + 3 * strideBytes + (c << 2), b + 3 < count);
      const at = dst + c * laneBytes;
      v128.store(at, transpose4(r0, r1, r2, r3, 0));
      v128.store(at + laneBytes, transpose4(r0, r1, r2, r3, 1));
      v128.store(at + 2 * laneBytes, transpose4(r0, r1, r2, r3, 2));
      v128.store(at + 3 * laneBytes, transpose4(r0, r1, r2, r3, 3));
    }
  }
}

/** z_b[i] += coef * acc[i * lanes + b] for b < count, i < rows: 4 rows x 4 inputs at a time. */
@inline function scatterSums(z: usize, zStride: i32, acc: usize, rows: i32, count: i32, lanes: i32, coef: f32): void {
  const laneBytes = <usize>lanes << 2;
  const strideBytes = <usize>zStride << 2;
  const c = f32x4.splat(coef);
  const quads = rows & ~3;
  for (let b: i32 = 0; b < count; b += 4) {
    const zb = z + <usize>b * strideBytes;
    for (let i: usize = 0; i < <usize>quads; i += 4) {
      const a = acc + i * laneBytes + (<usize>b << 2);
      const a0 = v128.load(a);
      const a1 = v128.load(a + laneBytes);
      const a2 = v128.load(a + 2 * laneBytes);
      const a3 = v128.load(a + 3 * laneBytes);
      for (let k: i32 = 0; k < 4 && b + k < count; k++) {
        const p = zb + <usize>k * strideBytes + (i << 2);
        v128.store(p, f32x4.add(v128.load(p), f32x4.mul(c, transpose4(a0, a1, a2, a3, k))));
      }
    }
  }
  // The last rows % 4 rows, one value at a time.
  for (let b: i32 = 0; b < count; b++) {
    const zb = z + <usize>b * strideBytes;
    for (let i: usize = <usize>quads; i < <usize>rows; i++) {
      const p = zb + (i << 2);
      store<f32>(p, load<f32>(p) + coef * load<f32>(acc + i * laneBytes + (<usize>b << 2)));
    }
  }
}

/** Per group of 4 of `cols` transposed columns from xt, its 16 entries x `lanes` f32 at table. */
@inline function buildTables(table: usize, xt: usize, cols: i32, lanes: i32): void {
  const laneBytes = <usize>lanes << 2;
  for (let g: i32 = 0; g < cols; g += 4) {
    const x = xt + <usize>g * laneBytes;
    const t = table + <usize>g * (laneBytes << 2);
    for (let q: usize = 0; q < laneBytes; q += 16) {
      const x0 = v128.load(x + q);
      const x1 = v128.load(x + laneBytes + q);
      const x2 = v128.load(x + 2 * laneBytes + q);
      const x3 = v128.load(x + 3 * laneBytes + q);
      const n0 = f32x4.neg(x0);
      const n1 = f32x4.neg(x1);
      const n2 = f32x4.neg(x2);
      const n3 = f32x4.neg(x3);
      // Entry e negates x_l where bit l of e is set: bits 0-1 pick ab, bit 2 the sign of x2, bit 3 of x3.
      const ab0 = f32x4.add(x0, x1);
      const ab1 = f32x4.add(n0, x1);
      const ab2 = f32x4.add(x0, n1);
      const ab3 = f32x4.add(n0, n1);
      for (let h: i32 = 0; h < 4; h++) {
        const c2 = (h & 1) != 0 ? n2 : x2;
        const c3 = (h & 2) != 0 ? n3 : x3;
        const at = t + <usize>(h << 2) * laneBytes + q;
        v128.store(at, f32x4.add(f32x4.add(ab0, c2), c3));
        v128.store(at + laneBytes, f32x4.add(f32x4.add(ab1, c2), c3));
        v128.store(at + 2 * laneBytes, f32x4.add(f32x4.add(ab2, c2), c3));
        v128.store(at + 3 * laneBytes, f32x4.add(f32x4.add(ab3, c2), c3));
      }
    }
  }
}

/**
 * Per group of 8 of `cols` transposed columns, the 256 entries 16 h + l = low[l] + high[h] x
 * `lanes` f32 at `table` (as lookup-table.ts's byteTable), from the group's two nibble tables,
 * built at `nibbles` (32 entries).
 */
@inline function buildByteTables(table: usize, nibbles: usize, xt: usize, cols: i32, lanes: i32): void {
  const entry = <usize>lanes << 2;
  for (let g: i32 = 0; g < cols; g += 8, table += entry << 8) {
    buildTables(nibbles, xt + <usize>g * entry, 8, lanes);
    for (let h: usize = 0; h < 16; h++) {
      const high = nibbles + ((16 + h) * entry);
      const row = table + (h << 4) * entry;
      for (let q: usize = 0; q < entry; q += 16) {
        const hv = v128.load(high + q);
        for (let l: usize = 0; l < 16; l++) {
          const at = l * entry + q;
          v128.store(row + at, f32x4.add(v128.load(nibbles + at), hv));
        }
      }
    }
  }
}

/** acc plus the two nibble entries of sign byte b, in the batch-1 kernel's order. */
@inline function addByte(kernel: i32, acc: v128, low: v128, high: v128): v128 {
  return kernel == KERNEL_LUT8 ? f32x4.add(acc, f32x4.add(low, high)) : f32x4.add(f32x4.add(acc, low), high);
}

/**
 * Row sums over one chunk for `vectors` (4 or 1) v128 lanes starting at byte `q` of every entry:
 * acc[q..] (zero when `first`) plus the entries the row's `bytes` sign bytes pick.
 */
@inline function rowLanes(
  kernel: i32, byteTables: bool, vectors: i32, acc: usize, table: usize, laneBytes: usize, signs: usize, bytes: usize,
  first: bool,
): void {
  const entry = laneBytes;
  const group = laneBytes << 4;
  let a0 = first ? f32x4.splat(0) : v128.load(acc);
  let a1 = vectors == 4 && !first ? v128.load(acc, 16) : f32x4.splat(0);
  let a2 = vectors == 4 && !first ? v128.load(acc, 32) : f32x4.splat(0);
  let a3 = vectors == 4 && !first ? v128.load(acc, 48) : f32x4.splat(0);
  let t = table;
  for (let k: usize = 0; k < bytes; k += 8) {
    let w = constU64(signs + k);
    const end = min<usize>(k + 8, bytes);
    if (byteTables) {
      for (let j = k; j < end; j++, t += group << 4, w >>= 8) {
        const e = t + <usize>(<u32>w & 255) * entry;
        a0 = f32x4.add(a0, v128.load(e));
        if (vectors == 4) {
          a1 = f32x4.add(a1, v128.load(e, 16));
          a2 = f32x4.add(a2, v128.load(e, 32));
          a3 = f32x4.add(a3, v128.load(e, 48));
        }
      }
      continue;
    }
    for (let j = k; j < end; j++, t += group << 1, w >>= 8) {
      const low = t + <usize>(<u32>w & 15) * entry;
      const high = t + group + <usize>((<u32>w >> 4) & 15) * entry;
      a0 = addByte(kernel, a0, v128.load(low), v128.load(high));
      if (vectors == 4) {
        a1 = addByte(kernel, a1, v128.load(low, 16), v128.load(high, 16));
        a2 = addByte(kernel, a2, v128.load(low, 32), v128.load(high, 32));
        a3 = addByte(kernel, a3, v128.load(low, 48), v128.load(high, 48));
      }
    }
  }
  v128.store(acc, a0);
  if (vectors == 4) {
    v128.store(acc, a1, 16);
    v128.store(acc, a2, 32);
    v128.store(acc, a3, 48);
  }
}

/**
 * z_b[i] += coef * sum_j s_ij v_b[j] for inputs b < count and `rows` rows whose signs are
 * consecutive `cols`-bit runs from byte `signs` (cols a multiple of 8); v_b at v + b * vStride
 * f32, z_b at z + b * zStride f32. `scratch`: batchScratchBytes(kernel, rows, cols, count) bytes.
 */
@inline export function lookupRowsBatch(
  kernel: i32, z: usize, zStride: i32, v: usize, vStride: i32, rows: i32, cols: i32, signs: usize, coef: f32,
  count: i32, scratch: usize,
): void {
  const lanes = batchLanes(count);
  const laneBytes = <usize>lanes << 2;
  const xt = scratch;
  const acc = xt + <usize>cols * laneBytes;
  const nibbles = acc + <usize>rows * laneBytes;
  const byteTables = batchByteTables(kernel, rows);
  const table = byteTables ? nibbles + (laneBytes << 5) : nibbles;
  const rowBytes = <usize>(cols >> 3);
  const chunk = min(cols, batchChunkColumns(byteTables, lanes));
  transpose(xt, v, vStride, cols, count, lanes);
  for (let c0: i32 = 0; c0 < cols; c0 += chunk) {
    const chunkCols = min(chunk, cols - c0);
    if (byteTables) buildByteTables(table, nibbles, xt + <usize>c0 * laneBytes, chunkCols, lanes);
    else buildTables(table, xt + <usize>c0 * laneBytes, chunkCols, lanes);
    const chunkBytes = <usize>(chunkCols >> 3);
    const first = c0 == 0;
    for (let i: i32 = 0; i < rows; i++) {
      const rowSigns = signs + <usize>i * rowBytes + <usize>(c0 >> 3);
      const rowAcc = acc + <usize>i * laneBytes;
      let q: usize = 0;
      // One call per constant (byteTables, vectors), so each inlined copy folds its branches.
      for (; q + 64 <= laneBytes; q += 64) {
        if (byteTables) rowLanes(kernel, true, 4, rowAcc + q, table + q, laneBytes, rowSigns, chunkBytes, first);
        else rowLanes(kernel, false, 4, rowAcc + q, table + q, laneBytes, rowSigns, chunkBytes, first);
      }
      for (; q < laneBytes; q += 16) {
        if (byteTables) rowLanes(kernel, true, 1, rowAcc + q, table + q, laneBytes, rowSigns, chunkBytes, first);
        else rowLanes(kernel, false, 1, rowAcc + q, table + q, laneBytes, rowSigns, chunkBytes, first);
      }
    }
  }
  scatterSums(z, zStride, acc, rows, count, lanes, coef);
}
