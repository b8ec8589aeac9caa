/**
 * What a build will cost, checked against the limits before the code generator starts: the
 * specialized modules unroll every matrix product (compile time grows faster than linearly:
 * ~16 s for 100 products, over 10 min for 1,000), and the MCU target must fit a microcontroller.
 */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import type { IRModel, ScalarOrVector } from '../../core/ir.js';
import { structureMetadataBytes } from '../ir/structure.js';
import { checkLimit, type Limits } from './limits.js';

export type BuildTarget = 'wasm' | 'mcu';

export function checkBuildLimits(model: IRModel, limits: Limits, target: BuildTarget, file: string): Diagnostic[] {
  const issues = [checkLimit(limits, 'maxBuildProducts', unrolledProducts(model), file, undefined, 'matrix products to unroll (terms, residual products and readout over all layers)')];
  if (target === 'mcu') issues.push(checkLimit(limits, 'maxMcuBytes', mcuModelBytes(model), file, undefined, 'model data for the MCU (sign bits, structure tables, parameters, float32 activations) in bytes'));
  return issues.filter((d): d is Diagnostic => d !== undefined);
}

/** Products one inference runs: every term, the residual A x once per layer that uses it, the readout. */
export function unrolledProducts(model: IRModel): number {
  let products = model.readout === undefined ? 0 : 1;
  for (const layer of model.layers) products += layer.terms.length + (layer.terms.some((t) => t.source === 'residual') ? 1 : 0);
  return products;
}

/** A lower bound of what the MCU build stores: weights and parameters in flash, activations in RAM. */
export function mcuModelBytes(model: IRModel): number {
  const FLOAT32 = 4;
  const vector = (v: ScalarOrVector) => (typeof v === 'number' ? 0 : FLOAT32 * v.length);
  const weights = model.matrices.reduce((sum, m) => sum + m.signs.length + structureMetadataBytes(m.structure), 0);
  const parameters = model.layers.reduce((sum, l) => sum + vector(l.bias) + vector(l.threshold.theta), 0);
  const activations = FLOAT32 * (2 * model.input.size + 2 * model.state + model.output.size);
  return weights + parameters + activations;
}
