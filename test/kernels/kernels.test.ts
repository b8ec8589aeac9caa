/**
 * The kernel library (runtime-as/index.ts) in both flavours against plain JS computations:
 * flip-and-add sums at every alignment, each structure kind's walk, and the elementwise stages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAssemblyScript, type Flavor, validateWasm } from '../../codegen/compile-as.js';
import { RUNTIME_DIR, runtimeSources } from '../../codegen/runtime-sources.js';
import { createRng, type Rng } from '../support/random-model.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  signed_sum(x: number, n: number, signs: number, bit: number): number;
  matvec_dense(z: number, v: number, rows: number, cols: number, signs: number, coef: number, lut: number): void;
  matvec_block_diagonal(z: number, v: number, rows: number, br: number, bc: number, signs: number, coef: number, lut: number): void;
  matvec_banded(z: number, v: number, rows: number, cols: number, lower: number, upper: number, signs: number, coef: number): void;
  matvec_blocks(z: number, v: number, table: number, count: number, signs: number, coef: number): void;
  matvec_segments(z: number, v: number, rows: number, rowStarts: number, segments: number, signs: number, coef: number): void;
  init_preactivation(z: number, x: number, n: number, skip: number, bias: number, biasVector: number): void;
  add_vector(dst: number, src: number, n: number): void;
  update_state(x: number, z: number, n: number, kind: number, theta: number, thetaVector: number, relax: number, keep: number): void;
  outside_tolerance(actual: number, expected: number, n: number, rel: number, abs: number): number;
  THRESHOLD_SOFT: WebAssembly.Global;
  THRESHOLD_HARD: WebAssembly.Global;
  THRESHOLD_SOFT_NONNEG: WebAssembly.Global;
  THRESHOLD_NONE: WebAssembly.Global;
}

/** A bump allocator over the module's memory, above everything the module itself uses. */
class Arena {
  private next: number;
  constructor(private readonly k: KernelExports) {
    this.next = k.memory.buffer.byteLength;
    k.memory.grow(64);
  }
  reset(): void {
    this.next = this.k.memory.buffer.byteLength - 64 * 65536;
  }
  alloc(bytes: number, misalign = 0): number {
    const at = ((this.next + 15) & ~15) + misalign;
    this.next = at + bytes + 16; // 16 bytes slack: the sign loads read up to 8 bytes past the end
    return at;
  }
  f32(values: ArrayLike<number>, misalign = 0): number {
    const at = this.alloc(values.length * 4, misalign);
    new Float32Array(this.k.memory.buffer, at, values.length).set(values);
    return at;
  }
  bytes(values: Uint8Array): number {
    const at = this.alloc(values.length);
    new Uint8Array(this.k.memory.buffer, at, values.length).set(values);
    return at;
  }
  u32(values: ArrayLike<number>): number {
    const at = this.alloc(values.length * 4);
    new Uint32Array(this.k.memory.buffer, at, values.length).set(values);
    return at;
  }
  read(at: number, n: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, at, n).slice();
  }
}

function randomVector(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

function randomBits(rng: Rng, count: number): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(count / 8));
  for (let k = 0; k < count; k++) if (rng.next() < 0.5) bytes[k >> 3] |= 1 << (k & 7);
  return bytes;
}

const bitAt = (bytes: Uint8Array, k: number): number => (bytes[k >> 3] >> (k & 7)) & 1;

/** Entries (row, col) in canonical order for a small test matrix given as a predicate. */
function entries(rows: number, cols: number, exists: (i: number, j: number) => boolean): [number, number][] {
  const list: [number, number][] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (exists(i, j)) list.push([i, j]);
  return list;
}

/** z0 + coef * M v in float64, M's k-th listed entry taking sign bit k. */
function expectedProduct(z0: Float32Array, v: Float32Array, list: [number, number][], signs: Uint8Array, coef: number): Float64Array {
  const z = Float64Array.from(z0);
  const sums = new Float64Array(z.length);
  list.forEach(([i, j], k) => (sums[i] += (bitAt(signs, k) ? -1 : 1) * v[j]));
  for (let i = 0; i < z.length; i++) z[i] += Math.fround(coef) * sums[i];
  return z;
}

function expectClose(actual: Float32Array, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > tolerance) {
      expect.fail(`element ${i}: ${actual[i]} vs ${expected[i]}`);
    }
  }
}

async function instantiate(flavor: Flavor): Promise<KernelExports> {
  const bytes = await compileAssemblyScript(runtimeSources(), `${RUNTIME_DIR}/index.ts`, flavor, [], 'runtime-as/index.ts');
  validateWasm(bytes, flavor, 'runtime-as/index.ts');
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(bytes), {});
  return instance.exports as unknown as KernelExports;
}

describe.each<Flavor>(['simd', 'scalar'])('kernel library, %s build', (flavor) => {
  let k: KernelExports;
  let arena: Arena;
  beforeAll(async () => {
    k = await instantiate(flavor);
    arena = new Arena(k);
  });

  it('signedSum flips and adds every column at every bit offset and run length', () => {
    const rng = createRng(1);
    for (const n of [0, 1, 3, 4, 5, 31, 32, 33, 64, 100, 129]) {
      for (const bit of [0, 1, 5, 7, 8, 13, 31, 33]) {
        for (const misalign of [0, 4, 8]) {
          arena.reset();
          const x = randomVector(rng, n);
          const signs = randomBits(rng, bit + n);
          let expected = 0;
          for (let j = 0; j < n; j++) expected += (bitAt(signs, bit + j) ? -1 : 1) * x[j];
          const got = k.signed_sum(arena.f32(x, misalign), n, arena.bytes(signs), bit);
          expect(Math.abs(got - expected), `n=${n} bit=${bit}`).toBeLessThan(1e-5 * (1 + n));
        }
      }
    }
  });

  it('signedSum is exact on a known pattern (all negative, alternating)', () => {
    arena.reset();
    const x = arena.f32(Float32Array.from({ length: 37 }, (_, j) => j + 1));
    expect(k.signed_sum(x, 37, arena.bytes(new Uint8Array(8).fill(0xff)), 0)).toBe(-703);
    // 0x55: even columns negative, so the sum is sum(odd j+1) - sum(even j+1) for j < 37.
    expect(k.signed_sum(x, 37, arena.bytes(new Uint8Array(8).fill(0x55)), 0)).toBe(-19);
  });

  it('dense, block-diagonal and banded products match the definition', () => {
    const rng = createRng(2);
    const cases: { rows: number; cols: number; exists: (i: number, j: number) => boolean; run: (z: number, v: number, s: number, c: number) => void }[] = [
      { rows: 7, cols: 37, exists: () => true, run: (z, v, s, c) => k.matvec_dense(z, v, 7, 37, s, c, 0) },
      { rows: 12, cols: 6, exists: (i, j) => Math.floor(i / 4) === Math.floor(j / 2), run: (z, v, s, c) => k.matvec_block_diagonal(z, v, 12, 4, 2, s, c, 0) },
      { rows: 9, cols: 45, exists: (i, j) => Math.floor(i / 3) === Math.floor(j / 15), run: (z, v, s, c) => k.matvec_block_diagonal(z, v, 9, 3, 15, s, c, 0) },
      { rows: 11, cols: 8, exists: (i, j) => j - i >= -3 && j - i <= 1, run: (z, v, s, c) => k.matvec_banded(z, v, 11, 8, 3, 1, s, c) },
      { rows: 5, cols: 40, exists: (i, j) => j - i >= 0 && j - i <= 35, run: (z, v, s, c) => k.matvec_banded(z, v, 5, 40, 0, 35, s, c) },
      { rows: 6, cols: 3, exists: (i, j) => j - i >= -1 && j - i <= 0, run: (z, v, s, c) => k.matvec_banded(z, v, 6, 3, 1, 0, s, c) },
    ];
    for (const { rows, cols, exists, run } of cases) {
      arena.reset();
      const list = entries(rows, cols, exists);
      const signs = randomBits(rng, list.length);
      const v = randomVector(rng, cols);
      const z0 = randomVector(rng, rows);
      const z = arena.f32(z0);
      run(z, arena.f32(v), arena.bytes(signs), 0.375);
      expectClose(arena.read(z, rows), expectedProduct(z0, v, list, signs, 0.375), 1e-5);
    }
  });

  it('blocks walk their table with block-major signs', () => {
    arena.reset();
    const rng = createRng(3);
    const blocks = [
      [0, 5, 3, 33], // row0, col0, rows, cols
      [4, 0, 2, 4],
      [1, 0, 2, 1],
    ];
    let bit = 0;
    const table: number[] = [];
    const list: [number, number][] = [];
    for (const [r0, c0, r, c] of blocks) {
      table.push(r0, c0, r, c, bit);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) list.push([r0 + i, c0 + j]);
      bit += r * c;
    }
    const signs = randomBits(rng, bit);
    const v = randomVector(rng, 38);
    const z0 = randomVector(rng, 6);
    const z = arena.f32(z0);
    k.matvec_blocks(z, arena.f32(v), arena.u32(table), blocks.length, arena.bytes(signs), -1.5);
    expectClose(arena.read(z, 6), expectedProduct(z0, v, list, signs, -1.5), 1e-5);
  });

  it('mask row segments use canonical signs', () => {
    arena.reset();
    const rng = createRng(4);
    const rows = 6;
    const cols = 50;
    const exists = (i: number, j: number): boolean => (i === 2 ? false : (j * 7 + i * 3) % 5 < 2 || (j > 10 && j < 47));
    const rowStarts = [0];
    const segments: number[] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; ) {
        if (!exists(i, j)) { j++; continue; }
        const start = j;
        while (j < cols && exists(i, j)) j++;
        segments.push(start, j - start);
      }
      rowStarts.push(segments.length / 2);
    }
    const list = entries(rows, cols, exists);
    const signs = randomBits(rng, list.length);
    const v = randomVector(rng, cols);
    const z0 = randomVector(rng, rows);
    const z = arena.f32(z0);
    k.matvec_segments(z, arena.f32(v), rows, arena.u32(rowStarts), arena.u32(segments), arena.bytes(signs), 0.25);
    expectClose(arena.read(z, rows), expectedProduct(z0, v, list, signs, 0.25), 1e-5);
  });

  it('initPreactivation computes skip * x + bias with scalar or vector bias', () => {
    arena.reset();
    const rng = createRng(5);
    const x = randomVector(rng, 11);
    const bias = randomVector(rng, 11);
    const xp = arena.f32(x);
    const z = arena.alloc(44);
    k.init_preactivation(z, xp, 11, 0.5, 0, arena.f32(bias));
    expect(Array.from(arena.read(z, 11))).toEqual(Array.from(x, (xi, i) => Math.fround(Math.fround(0.5 * xi) + bias[i])));
    k.init_preactivation(z, xp, 11, 0, 0.25, 0);
    expect(Array.from(arena.read(z, 11))).toEqual(new Array(11).fill(0.25));
  });

  it('addVector adds elementwise', () => {
    arena.reset();
    const a = Float32Array.from({ length: 9 }, (_, i) => i);
    const at = arena.f32(a);
    k.add_vector(at, arena.f32(a), 9);
    expect(Array.from(arena.read(at, 9))).toEqual(Array.from(a, (v) => 2 * v));
  });

  it('updateState applies each threshold exactly in float32, then relaxes', () => {
    const f = Math.fround;
    const eta: Record<string, (z: number, t: number) => number> = {
      SOFT: (z, t) => f(z - Math.min(Math.max(z, -t), t)),
      HARD: (z, t) => (Math.abs(z) > t ? z : 0),
      SOFT_NONNEG: (z, t) => Math.max(f(z - t), 0),
      NONE: (z) => z,
    };
    const rng = createRng(6);
    const n = 13;
    for (const [name, fn] of Object.entries(eta)) {
      const kind = (k[`THRESHOLD_${name}` as keyof KernelExports] as WebAssembly.Global).value as number;
      for (const vectorTheta of [false, true]) {
        for (const relax of [1, 0.75]) {
          arena.reset();
          const z = randomVector(rng, n);
          z[0] = 0.3; // exactly at theta: hard keeps nothing, soft gives 0
          const x0 = randomVector(rng, n);
          const theta = Float32Array.from({ length: n }, (_, i) => (vectorTheta ? 0.1 + 0.05 * (i % 5) : 0.3));
          theta[0] = 0.3;
          const x = arena.f32(x0);
          const keep = f(1 - relax);
          k.update_state(x, arena.f32(z), n, kind, 0.3, vectorTheta ? arena.f32(theta) : 0, relax, keep);
          const expected = Array.from(z, (zi, i) => {
            const e = fn(zi, theta[i]);
            return relax === 1 ? e : f(f(keep * x0[i]) + f(relax * e));
          });
          expect(Array.from(arena.read(x, n)), `${name} vector=${vectorTheta} relax=${relax}`).toEqual(expected);
        }
      }
    }
  });

  it('outsideTolerance counts relative L2 error and treats NaN as failure', () => {
    arena.reset();
    const expected = arena.f32([3, 4]);
    expect(k.outside_tolerance(arena.f32([3, 4.00004]), expected, 2, 1e-5, 0)).toBe(0);
    expect(k.outside_tolerance(arena.f32([3, 4.0001]), expected, 2, 1e-5, 0)).toBe(1);
    expect(k.outside_tolerance(arena.f32([NaN, 4]), expected, 2, 1e-5, 0)).toBe(1);
  });
});

describe('scalar kernel build', () => {
  it('contains no SIMD opcode (validates with SIMD disabled), while the SIMD build needs SIMD', async () => {
    const sources = runtimeSources();
    const scalar = await compileAssemblyScript(sources, `${RUNTIME_DIR}/index.ts`, 'scalar', [], 'index');
    const simd = await compileAssemblyScript(sources, `${RUNTIME_DIR}/index.ts`, 'simd', [], 'index');
    expect(() => validateWasm(scalar, 'scalar', 'index')).not.toThrow();
    expect(() => validateWasm(simd, 'scalar', 'index')).toThrow(/PB602/);
  });
});
