/**
 * The network loop of the dense peers (spec section 4 in float32, as the reference evaluates it),
 * over whatever matrix-vector product a peer brings: plain JS loops over dense Float32Arrays
 * (dense-js.ts) or a dense int8 WebAssembly SIMD kernel (dense-int8.ts). `alloc` makes the
 * working vectors (a peer whose kernel reads linear memory hands out views of it).
 */
import type { IRMatrix, IRModel, ScalarOrVector } from '../../core/ir.js';

/** out[i] += sum_j M_ij v_j with M's dense weights (scale * gain * sign, zeros included). */
export type MatvecAdd = (m: IRMatrix, v: Float32Array, out: Float32Array) => void;

function at(p: ScalarOrVector, i: number): number {
  return typeof p === 'number' ? p : p[i];
}

export function networkRunner(model: IRModel, alloc: (length: number) => Float32Array, matvecAdd: MatvecAdd): (y: Float32Array) => Float32Array {
  const n = model.state;
  const x = alloc(n);
  const z = alloc(n);
  const input = alloc(model.input.size);
  const r = alloc(model.input.size);
  const ax = alloc(model.input.size);
  const readout = model.readout;
  const out = readout === undefined ? undefined : alloc(readout.rows);
  return (y) => {
    input.set(y);
    x.fill(0);
    for (const layer of model.layers) {
      for (let i = 0; i < n; i++) z[i] = layer.skip * x[i] + at(layer.bias, i);
      if (layer.residual !== undefined) {
        ax.fill(0);
        matvecAdd(layer.residual, x, ax);
        for (let i = 0; i < r.length; i++) r[i] = input[i] - ax[i];
      }
      for (const term of layer.terms) {
        const v = term.source === 'state' ? x : term.source === 'input' ? input : r;
        matvecAdd(term.matrix, v, z);
      }
      const { kind, theta } = layer.threshold;
      for (let i = 0; i < n; i++) {
        const t = at(theta, i);
        const v = z[i];
        const eta = kind === 'soft' ? Math.sign(v) * Math.max(Math.abs(v) - t, 0) : kind === 'hard' ? (Math.abs(v) > t ? v : 0) : kind === 'soft-nonneg' ? Math.max(v - t, 0) : v;
        x[i] = (1 - layer.relax) * x[i] + layer.relax * eta;
      }
    }
    if (readout === undefined) return x.slice();
    out!.fill(0);
    matvecAdd(readout, x, out!);
    return out!.slice();
  };
}
