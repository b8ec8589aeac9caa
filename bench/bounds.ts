/**
 * The machine's bounds for our kernels, measured in the same run as the benchmark (single
 * thread, WebAssembly in this V8): f32x4.add rate, v128 read bandwidth from cache and from DRAM,
 * the rate of the lookup kernels' inner step (table load + f32 add, four chains), and the two
 * popcount forms the bit-serial kernel could use (i64.popcnt, i8x16.popcnt) in its row shape.
 */
import { compileAssemblyScript } from '../codegen/compile-as.js';

const SOURCE = `
export function add_rate(iterations: i32): f32 {
  let a0 = f32x4.splat(1); let a1 = a0; let a2 = a0; let a3 = a0; let a4 = a0; let a5 = a0; let a6 = a0; let a7 = a0;
  const d = f32x4.splat(1e-7);
  for (let i = 0; i < iterations; i++) {
    a0 = f32x4.add(a0, d); a1 = f32x4.add(a1, d); a2 = f32x4.add(a2, d); a3 = f32x4.add(a3, d);
    a4 = f32x4.add(a4, d); a5 = f32x4.add(a5, d); a6 = f32x4.add(a6, d); a7 = f32x4.add(a7, d);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(s, 0);
}
export function read_sum(at: usize, bytes: usize): f32 {
  let a0 = f32x4.splat(0); let a1 = a0; let a2 = a0; let a3 = a0;
  for (let p = at; p < at + bytes; p += 64) {
    a0 = f32x4.add(a0, v128.load(p)); a1 = f32x4.add(a1, v128.load(p, 16));
    a2 = f32x4.add(a2, v128.load(p, 32)); a3 = f32x4.add(a3, v128.load(p, 48));
  }
  return f32x4.extract_lane(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), 0);
}
/** The LUT8 inner step: per sign byte of four rows, four table loads + adds, one 1 KiB table per byte. */
export function lookup_rate(table: usize, signs: usize, words: i32): f32 {
  let a0: f32 = 0; let a1: f32 = 0; let a2: f32 = 0; let a3: f32 = 0;
  for (let k = 0; k < words; k++) {
    let w0 = load<u64>(signs + (<usize>k << 5)); let w1 = load<u64>(signs + (<usize>k << 5), 8);
    let w2 = load<u64>(signs + (<usize>k << 5), 16); let w3 = load<u64>(signs + (<usize>k << 5), 24);
    let t = table + ((<usize>k & 31) << 13);
    for (let j = 0; j < 8; j++, t += 1024, w0 >>= 8, w1 >>= 8, w2 >>= 8, w3 >>= 8) {
      a0 += load<f32>(t + ((<usize>(<u32>w0 & 0xff)) << 2)); a1 += load<f32>(t + ((<usize>(<u32>w1 & 0xff)) << 2));
      a2 += load<f32>(t + ((<usize>(<u32>w2 & 0xff)) << 2)); a3 += load<f32>(t + ((<usize>(<u32>w3 & 0xff)) << 2));
    }
  }
  return (a0 + a1) + (a2 + a3);
}
/**
 * The bit-serial row step at k = 8 over 1024-weight rows in L1, two ways: 64 weights per plane
 * with i64.popcnt, or 128 per plane with i8x16.popcnt (bytes widened once per row).
 */
export function popcnt64_rows(signs: usize, planes: usize, rows: i32): i64 {
  let total: i64 = 0;
  for (let r = 0; r < rows; r++) {
    const s = signs + (<usize>(r & 63) << 7);
    let weighted: i64 = 0;
    for (let w = 0; w < 16; w++) {
      const positive = ~load<u64>(s + (<usize>w << 3));
      for (let p = 0; p < 8; p++) weighted += <i64>popcnt(positive & load<u64>(planes + (<usize>(p * 16 + w) << 3))) << <i64>p;
    }
    total += weighted;
  }
  return total;
}
export function popcnt8x16_rows(signs: usize, planes: usize, rows: i32): i64 {
  let total: i64 = 0;
  for (let r = 0; r < rows; r++) {
    const s = signs + (<usize>(r & 63) << 7);
    for (let p = 0; p < 8; p++) {
      let counts = i8x16.splat(0);
      for (let c: usize = 0; c < 128; c += 16) {
        counts = i8x16.add(counts, i8x16.popcnt(v128.and(v128.not(v128.load(s + c)), v128.load(planes + (<usize>p << 7) + c))));
      }
      const quads = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(counts));
      total += <i64>(i32x4.extract_lane(quads, 0) + i32x4.extract_lane(quads, 1) + i32x4.extract_lane(quads, 2) + i32x4.extract_lane(quads, 3)) << <i64>p;
    }
  }
  return total;
}
`;

export interface MachineBounds {
  /** f32x4.add per second (each 4 flops). */
  readonly vectorAddsPerSecond: number;
  /** v128 load + add over a 256 KiB buffer (L2) and over 256 MiB (DRAM), bytes / s. */
  readonly cacheReadBytesPerSecond: number;
  readonly dramReadBytesPerSecond: number;
  /** Table load + add steps per second in the LUT8 inner loop's shape (256 KiB of tables). */
  readonly lookupsPerSecond: number;
  /** Weights per second of the bit-serial row step at k = 8 with i64.popcnt and with i8x16.popcnt. */
  readonly popcnt64WeightsPerSecond: number;
  readonly popcnt8x16WeightsPerSecond: number;
}

function best(run: () => void, work: number, repeats = 5): number {
  let fastest = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, (performance.now() - start) / 1000);
  }
  return work / fastest;
}

export async function measureBounds(): Promise<MachineBounds> {
  const files = new Map([['bounds.ts', SOURCE]]);
  const bytes = await compileAssemblyScript(files, 'bounds.ts', 'simd', [], 'bench/bounds.ts');
  const ex = (await WebAssembly.instantiate(bytes, {})).instance.exports as unknown as {
    memory: WebAssembly.Memory;
    add_rate(n: number): number;
    read_sum(at: number, bytes: number): number;
    lookup_rate(table: number, signs: number, words: number): number;
    popcnt64_rows(signs: number, planes: number, rows: number): bigint;
    popcnt8x16_rows(signs: number, planes: number, rows: number): bigint;
  };
  const base = ex.memory.buffer.byteLength;
  const dram = 256 * 1024 * 1024;
  ex.memory.grow(dram / 65536 + 16);
  new Uint8Array(ex.memory.buffer, base, dram).fill(1);
  const cache = 256 * 1024;
  const iterations = 20_000_000;
  const words = 1 << 16;
  const signs = base + (1 << 20);
  const random = new Uint32Array(ex.memory.buffer, signs, words * 8);
  for (let i = 0; i < random.length; i++) random[i] = (Math.random() * 2 ** 32) >>> 0;
  return {
    vectorAddsPerSecond: best(() => ex.add_rate(iterations), iterations * 8),
    cacheReadBytesPerSecond: best(() => { for (let r = 0; r < 200; r++) ex.read_sum(base, cache); }, 200 * cache),
    dramReadBytesPerSecond: best(() => ex.read_sum(base, dram), dram, 3),
    lookupsPerSecond: best(() => { for (let r = 0; r < 4; r++) ex.lookup_rate(base, signs, words); }, 4 * words * 32),
    ...popcountRates(ex.popcnt64_rows, ex.popcnt8x16_rows, signs, signs + 8192),
  };
}

/** Both popcount forms on the same random bits; they must agree, or the comparison means nothing. */
function popcountRates(
  wide: (signs: number, planes: number, rows: number) => bigint, lanes: (signs: number, planes: number, rows: number) => bigint,
  signs: number, planes: number,
): Pick<MachineBounds, 'popcnt64WeightsPerSecond' | 'popcnt8x16WeightsPerSecond'> {
  const rows = 1 << 16;
  if (wide(signs, planes, 64) !== lanes(signs, planes, 64)) throw new Error('bench/bounds.ts: the two popcount forms disagree');
  return {
    popcnt64WeightsPerSecond: best(() => wide(signs, planes, rows), rows * 1024),
    popcnt8x16WeightsPerSecond: best(() => lanes(signs, planes, rows), rows * 1024),
  };
}
