/**
 * What a web developer writes without pibinn: the same network with every matrix expanded to a
 * dense row-major Float32Array (structural zeros included), evaluated with plain loops.
 */
import { forEachRowSegment, signAt } from '../../compiler/ir/structure.js';
import type { IRMatrix, IRModel } from '../../core/ir.js';
import { networkRunner } from './network.js';

/** Visits every existing entry of `m` with its sign (+1 / -1). */
export function forEachSign(m: IRMatrix, visit: (row: number, col: number, sign: number) => void): void {
  forEachRowSegment(m.structure, m.rows, m.cols, (row, c0, c1, k) => {
    for (let j = c0; j < c1; j++) visit(row, j, signAt(m.signs, k + j - c0));
  });
}

function denseWeights(m: IRMatrix, scale: number): Float32Array {
  const dense = new Float32Array(m.rows * m.cols);
  const value = scale * m.gain;
  forEachSign(m, (row, col, sign) => (dense[row * m.cols + col] = sign * value));
  return dense;
}

export function denseJsRunner(model: IRModel): (y: Float32Array) => Float32Array {
  const weights = new Map([...model.matrices.values()].map((m) => [m.id, denseWeights(m, model.scale)]));
  return networkRunner(model, (length) => new Float32Array(length), (m, v, out) => {
    const w = weights.get(m.id)!;
    for (let i = 0; i < m.rows; i++) {
      let sum = 0;
      const base = i * m.cols;
      for (let j = 0; j < m.cols; j++) sum += w[base + j] * v[j];
      out[i] += sum;
    }
  });
}
