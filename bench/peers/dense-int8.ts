/**
 * A dense int8 WebAssembly SIMD peer: what an int8-quantized deployment of the same network
 * runs. Every matrix is expanded to dense int8 (the signs, +1 / -1, zeros included; rows padded
 * to 16 bytes) with its float scale; each product quantizes its input vector to int8 (scale
 * max|v| / 127, round to nearest) and takes int32 dot products 16 weights at a time
 * (i16x8.extend + i32x4.dot_i16x8_s, the widest integer dot product WebAssembly SIMD has without
 * relaxed SIMD). The network loop around it is networkRunner's, over views of linear memory.
 */
import { compileAssemblyScript } from '../../codegen/compile-as.js';
import type { IRMatrix, IRModel } from '../../core/ir.js';
import { forEachSign } from './dense-js.js';
import { networkRunner } from './network.js';

const SOURCE = `
/** out[i] += scale * s * sum_j w[i][j] q[j] over rows of \`stride\` int8 weights, q = v quantized (scale s). */
export function matvec_i8(out: usize, v: usize, rows: i32, cols: i32, stride: i32, w: usize, scale: f32, q: usize): void {
  let maxAbs: f32 = 0;
  for (let j = 0; j < cols; j++) maxAbs = max(maxAbs, abs(load<f32>(v + (<usize>j << 2))));
  if (maxAbs == 0) return;
  const s = maxAbs / 127;
  for (let j = 0; j < cols; j++) store<i8>(q + <usize>j, <i8>nearest(load<f32>(v + (<usize>j << 2)) / s));
  memory.fill(q + <usize>cols, 0, <usize>(stride - cols));
  const factor = scale * s;
  for (let i = 0; i < rows; i++) {
    const row = w + <usize>i * <usize>stride;
    let acc = i32x4.splat(0);
    for (let j: usize = 0; j < <usize>stride; j += 16) {
      const a = v128.load(row + j);
      const b = v128.load(q + j);
      acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(a), i16x8.extend_low_i8x16_s(b)));
      acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(a), i16x8.extend_high_i8x16_s(b)));
    }
    const sum = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
    const p = out + (<usize>i << 2);
    store<f32>(p, load<f32>(p) + factor * <f32>sum);
  }
}
`;

const PAGE = 65536;

/** Bytes of linear memory the peer needs for `model`'s dense int8 weights and vectors. */
export function denseInt8Bytes(model: IRModel): number {
  return [...model.matrices.values()].reduce((sum, m) => sum + m.rows * stride(m.cols) + 4 * (m.rows + m.cols), 0) + 16 * model.state;
}

function stride(cols: number): number {
  return Math.ceil(cols / 16) * 16;
}

export async function denseInt8Runner(model: IRModel): Promise<(y: Float32Array) => Float32Array> {
  const bytes = await compileAssemblyScript(new Map([['int8.ts', SOURCE]]), 'int8.ts', 'simd', [], 'bench/peers/dense-int8.ts');
  const ex = (await WebAssembly.instantiate(bytes, {})).instance.exports as unknown as {
    memory: WebAssembly.Memory;
    matvec_i8(out: number, v: number, rows: number, cols: number, stride: number, w: number, scale: number, q: number): void;
  };
  let next = ex.memory.buffer.byteLength;
  ex.memory.grow(Math.ceil((denseInt8Bytes(model) + 64 * 1024) / PAGE));
  const reserve = (bytes: number): number => {
    const at = next;
    next += Math.ceil(bytes / 16) * 16;
    return at;
  };
  const weights = new Map<string, number>();
  let widest = 0;
  for (const m of model.matrices.values()) {
    const at = reserve(m.rows * stride(m.cols));
    const dense = new Int8Array(ex.memory.buffer, at, m.rows * stride(m.cols));
    forEachSign(m, (row, col, sign) => (dense[row * stride(m.cols) + col] = sign));
    weights.set(m.id, at);
    widest = Math.max(widest, stride(m.cols));
  }
  const q = reserve(widest);
  const matvecAdd = (m: IRMatrix, v: Float32Array, out: Float32Array): void =>
    ex.matvec_i8(out.byteOffset, v.byteOffset, m.rows, m.cols, stride(m.cols), weights.get(m.id)!, model.scale * m.gain, q);
  return networkRunner(model, (length) => new Float32Array(ex.memory.buffer, reserve(4 * length), length), matvecAdd);
}
