/**
 * What a web developer writes without pibinn: the same network with every matrix expanded to a
 * dense row-major Float32Array (structural zeros included), evaluated with plain loops.
 */
import { forEachRowSegment, signAt } from '../../compiler/ir/structure.js';
import type { IRMatrix, IRModel, ScalarOrVector } from '../../compiler/ir/types.js';

function denseWeights(m: IRMatrix, scale: number): Float32Array {
  const dense = new Float32Array(m.rows * m.cols);
  const value = scale * m.gain;
  forEachRowSegment(m.structure, m.rows, m.cols, (row, c0, c1, k) => {
    for (let j = c0; j < c1; j++) dense[row * m.cols + j] = signAt(m.signs, k + j - c0) * value;
  });
  return dense;
}

function at(p: ScalarOrVector, i: number): number {
  return typeof p === 'number' ? p : p[i];
}

export function denseJsRunner(model: IRModel): (y: Float32Array) => Float32Array {
  const weights = new Map([...model.matrices.values()].map((m) => [m.id, denseWeights(m, model.scale)]));
  const n = model.state;
  const x = new Float32Array(n);
  const z = new Float32Array(n);
  const r = new Float32Array(model.input.size);
  const matvecAdd = (w: Float32Array, rows: number, cols: number, v: Float32Array, out: Float32Array) => {
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      const base = i * cols;
      for (let j = 0; j < cols; j++) sum += w[base + j] * v[j];
      out[i] += sum;
    }
  };
  return (y) => {
    x.fill(0);
    for (const layer of model.layers) {
      for (let i = 0; i < n; i++) z[i] = layer.skip * x[i] + at(layer.bias, i);
      if (layer.residual !== undefined) {
        const a = model.matrices.get(layer.residual)!;
        r.set(y);
        const ax = new Float32Array(a.rows);
        matvecAdd(weights.get(a.id)!, a.rows, a.cols, x, ax);
        for (let i = 0; i < r.length; i++) r[i] -= ax[i];
      }
      for (const term of layer.terms) {
        const m = model.matrices.get(term.matrix)!;
        const v = term.source === 'state' ? x : term.source === 'input' ? y : r;
        matvecAdd(weights.get(m.id)!, m.rows, m.cols, v, z);
      }
      const { kind, theta } = layer.threshold;
      for (let i = 0; i < n; i++) {
        const t = at(theta, i);
        const v = z[i];
        const eta = kind === 'soft' ? Math.sign(v) * Math.max(Math.abs(v) - t, 0) : kind === 'hard' ? (Math.abs(v) > t ? v : 0) : kind === 'soft-nonneg' ? Math.max(v - t, 0) : v;
        x[i] = (1 - layer.relax) * x[i] + layer.relax * eta;
      }
    }
    if (model.readout === undefined) return x.slice();
    const d = model.matrices.get(model.readout)!;
    const out = new Float32Array(d.rows);
    matvecAdd(weights.get(d.id)!, d.rows, d.cols, x, out);
    return out;
  };
}
