/**
 * One unrolled iteration (spec section 4) in float64:
 *   z = skip * x + sum_t M_t v_t + bias,   x <- (1 - relax) * x + relax * eta_theta(z),
 * with v_t = x, y, or r = y - A x (computed once per layer).
 */
import type { IRLayer, IRMatrix, IRModel, ScalarOrVector, ThresholdKind } from '../../core/ir.js';
import { matvec } from './matvec.js';

/** Work buffers reused across layers so an evaluation allocates O(state + input) once. */
export interface LayerScratch {
  /** Pre-activation z, length state. */
  readonly z: Float64Array;
  /** One term's product M_t v_t, length state. */
  readonly product: Float64Array;
  /** A x, then r = y - A x, length input.size. */
  readonly residual: Float64Array;
}

export function createLayerScratch(model: IRModel): LayerScratch {
  return {
    z: new Float64Array(model.state),
    product: new Float64Array(model.state),
    residual: new Float64Array(model.input.size),
  };
}

/** The residual matrix A of a layer that has residual terms. */
export function residualMatrixOf(layer: IRLayer): IRMatrix {
  if (layer.residual === undefined) throw new Error('IR layer has a residual term but no residual matrix (the loader should have rejected it)');
  return layer.residual;
}

/** Advances the state x in place by one layer. */
export function applyLayer(model: IRModel, layer: IRLayer, y: Float64Array, x: Float64Array, scratch: LayerScratch): void {
  const { z, product, residual } = scratch;
  for (let i = 0; i < z.length; i++) z[i] = layer.skip * x[i];

  let residualReady = false;
  for (const term of layer.terms) {
    let v: Float64Array;
    if (term.source === 'state') v = x;
    else if (term.source === 'input') v = y;
    else {
      if (!residualReady) {
        computeResidual(model, layer, y, x, residual);
        residualReady = true;
      }
      v = residual;
    }
    matvec(term.matrix, model.scale, v, product);
    for (let i = 0; i < z.length; i++) z[i] += product[i];
  }

  const { bias, relax } = layer;
  const { kind, theta } = layer.threshold;
  for (let i = 0; i < x.length; i++) {
    const eta = threshold(kind, z[i] + valueAt(bias, i), valueAt(theta, i));
    x[i] = (1 - relax) * x[i] + relax * eta;
  }
}

/** r = y - A x into `out`. */
function computeResidual(model: IRModel, layer: IRLayer, y: Float64Array, x: Float64Array, out: Float64Array): void {
  matvec(residualMatrixOf(layer), model.scale, x, out);
  for (let i = 0; i < out.length; i++) out[i] = y[i] - out[i];
}

export function valueAt(parameter: ScalarOrVector, i: number): number {
  return typeof parameter === 'number' ? parameter : parameter[i];
}

/** eta_theta(z), elementwise. */
export function threshold(kind: ThresholdKind, z: number, theta: number): number {
  switch (kind) {
    case 'soft':
      return Math.sign(z) * Math.max(Math.abs(z) - theta, 0);
    case 'hard':
      return Math.abs(z) > theta ? z : 0;
    case 'soft-nonneg':
      return Math.max(z - theta, 0);
    case 'none':
      return z;
  }
}
