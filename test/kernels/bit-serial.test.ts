/**
 * The bit-serial kernel (runtime-as/bit-serial.ts) against a straightforward JS implementation of
 * the same quantization: the scale bit for bit, every row's integer sum_j s_ij q_j exactly, and
 * the product's f32 outputs bit for bit, at run lengths around the 64-bit word size, with row
 * starts on and off byte boundaries, in both builds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAssemblyScript, type Flavor } from '../../codegen/compile-as.js';
import { RUNTIME_DIR, runtimeSources } from '../../codegen/runtime-sources.js';
import { createRng } from '../support/random-model.js';
import { placeArrays } from './place.js';

interface BitSerialExports {
  memory: WebAssembly.Memory;
  quantize(v: number, blocks: number, runCols: number, bits: number, planes: number): number;
  row_dot(signs: number, bit: number, runCols: number, runPlanes: number, bits: number): bigint;
  matvec(z: number, v: number, rows: number, blockRows: number, blockCols: number, signs: number, coef: number, bits: number, planes: number): void;
  scratch_bytes(blocks: number, runCols: number, bits: number): number;
}

const ENTRY = `
import { bitSerialRowDot, bitSerialRunSum, bitSerialScratchBytes, matvecBitSerial, quantizeToPlanes } from './${RUNTIME_DIR}/bit-serial';
export function quantize(v: usize, blocks: i32, runCols: i32, bits: i32, planes: usize): f32 { return quantizeToPlanes(v, blocks, runCols, bits, planes); }
export function row_dot(signs: usize, bit: usize, runCols: i32, runPlanes: usize, bits: i32): i64 {
  return bitSerialRowDot(signs, bit, runCols, runPlanes, bits, bitSerialRunSum(runPlanes, runCols, bits));
}
export function matvec(z: usize, v: usize, rows: i32, blockRows: i32, blockCols: i32, signs: usize, coef: f32, bits: i32, planes: usize): void {
  matvecBitSerial(z, v, rows, blockRows, blockCols, signs, coef, bits, planes);
}
export function scratch_bytes(blocks: i32, runCols: i32, bits: i32): i32 { return bitSerialScratchBytes(blocks, runCols, bits); }
`;

const f = Math.fround;

/** Round half to even, as f32.nearest. */
function nearest(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The documented scheme: s = max|v| / (h - 1), q = clamp(nearest(v / s)). */
function quantize(v: Float32Array, bits: number): { scale: number; q: Int32Array } {
  const limit = 2 ** (bits - 1) - 1;
  const scale = f(v.reduce((m, x) => Math.max(m, Math.abs(x)), 0) / limit);
  const q = Int32Array.from(v, (x) => (scale === 0 ? 0 : Math.min(limit, Math.max(-limit, nearest(f(x / scale))))));
  return { scale, q };
}

const negative = (signs: Uint8Array, k: number): boolean => ((signs[k >> 3] >> (k & 7)) & 1) === 1;

describe.each<Flavor>(['simd', 'scalar'])('bit-serial kernel, %s build', (flavor) => {
  let k: BitSerialExports;
  let base: number;
  beforeAll(async () => {
    const files = new Map(runtimeSources());
    files.set('entry.ts', ENTRY);
    const bytes = await compileAssemblyScript(files, 'entry.ts', flavor, [], 'bit-serial test entry');
    k = (await WebAssembly.instantiate(bytes, {})).instance.exports as unknown as BitSerialExports;
    base = k.memory.buffer.byteLength;
    k.memory.grow(64);
  });

  function place(...arrays: (Float32Array | Uint8Array)[]): number[] {
    return placeArrays(k.memory, base, arrays);
  }

  // 128 and up: byte-aligned rows take the i8x16.popcnt path in SIMD builds (widened every 31 steps).
  it.each([1, 3, 63, 64, 65, 127, 129, 128, 136, 200, 3968, 4104])('run of %i columns: exact integer row sums and bit-exact outputs', (runCols) => {
    for (const bits of [2, 5, 8, 16]) {
      for (const blocks of [1, 3]) {
        const rng = createRng(runCols * 100 + bits * 7 + blocks);
        const blockRows = rng.int(1, 9);
        const rows = blocks * blockRows;
        const v = Float32Array.from({ length: blocks * runCols }, () => rng.uniform(-2, 2));
        const signs = Uint8Array.from({ length: Math.ceil((rows * runCols) / 8) + 8 }, () => rng.int(0, 255));
        const z0 = Float32Array.from({ length: rows + 1 }, () => rng.uniform(-1, 1));
        const coef = -0.625;
        const [z, vAt, s, planes] = place(z0, v, signs, new Uint8Array(k.scratch_bytes(blocks, runCols, bits)));
        const { scale, q } = quantize(v, bits);
        expect(k.quantize(vAt, blocks, runCols, bits, planes)).toBe(scale);

        const runBytes = bits * Math.ceil(runCols / 64) * 8;
        const z1 = Float32Array.from(z0);
        for (let i = 0; i < rows; i++) {
          const b = Math.floor(i / blockRows);
          let dot = 0;
          for (let c = 0; c < runCols; c++) dot += (negative(signs, i * runCols + c) ? -1 : 1) * q[b * runCols + c];
          expect(k.row_dot(s, i * runCols, runCols, planes + b * runBytes, bits), `bits ${bits} row ${i}`).toBe(BigInt(dot));
          z1[i] = f(z0[i] + f(f(coef * scale) * f(dot)));
        }
        k.matvec(z, vAt, rows, blockRows, runCols, s, coef, bits, planes);
        // The sentinel after the rows stays untouched.
        expect(new Float32Array(k.memory.buffer, z, rows + 1)).toEqual(z1);
      }
    }
  });

  it('an all-zero vector adds nothing', () => {
    const z0 = Float32Array.of(0.5, -1.5);
    const [z, v, s, planes] = place(z0, new Float32Array(64), new Uint8Array(24).fill(0x5a), new Uint8Array(k.scratch_bytes(1, 64, 8)));
    k.matvec(z, v, 2, 2, 64, s, 1, 8, planes);
    expect(new Float32Array(k.memory.buffer, z, 2)).toEqual(z0);
  });
});
