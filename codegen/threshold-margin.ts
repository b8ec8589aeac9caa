/**
 * How close a run comes to a `hard` threshold decision. A float32 build legitimately flips a
 * decision when |z_i| lies within float32 rounding of theta_i (spec section 6); this measures that
 * distance on the float64 reference, so self-test vectors avoid ties and tests can tell an
 * honest flip from a real error.
 */
import type { IRModel } from '../core/ir.js';
import { evaluate } from '../compiler/reference/evaluate.js';

/** Decisions closer than this (relative to the layer's largest |z|, at least 1) may flip in float32. */
export const BORDERLINE_MARGIN = 1e-4;

/**
 * min over hard-threshold layers l and elements i of ||z_i| - theta_i| / max(1, max_i |z_i|),
 * with z the layer's pre-activation on the reference run; Infinity when no layer is `hard`.
 */
export function hardThresholdMargin(model: IRModel, input: ArrayLike<number>): number {
  let margin = Infinity;
  model.layers.forEach((layer, l) => {
    if (layer.threshold.kind !== 'hard') return;
    const z = evaluate(preactivationModel(model, l), input);
    const theta = layer.threshold.theta;
    let largest = 1;
    for (const value of z) largest = Math.max(largest, Math.abs(value));
    for (let i = 0; i < z.length; i++) {
      const t = typeof theta === 'number' ? theta : theta[i];
      margin = Math.min(margin, Math.abs(Math.abs(z[i]) - t) / largest);
    }
  });
  return margin;
}

/** The model cut after layer l, whose last layer outputs its pre-activation z (no threshold, no relax). */
function preactivationModel(model: IRModel, l: number): IRModel {
  const last = { ...model.layers[l], threshold: { kind: 'none' as const, theta: 0 }, relax: 1 };
  return {
    ...model,
    layers: [...model.layers.slice(0, l), last],
    readout: undefined,
    output: { name: 'z', size: model.state },
  };
}
