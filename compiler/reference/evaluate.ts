/**
 * The float64 reference evaluator: the executable meaning of a model (spec section 4). Every
 * compiled build is checked against it, so it favours exactness and clarity over speed.
 */
import { fail } from '../../core/diagnostics/diagnostic.js';
import type { IRModel } from '../../core/ir.js';
import { applyLayer, createLayerScratch } from './layer.js';
import { matvec } from './matvec.js';

/** The model's output for one input vector. */
export function evaluate(model: IRModel, input: ArrayLike<number>): Float64Array {
  return run(model, input);
}

/** The output plus a copy of the state after each layer, for layer-by-layer debugging. */
export function evaluateTrace(model: IRModel, input: ArrayLike<number>): { layers: Float64Array[]; output: Float64Array } {
  const layers: Float64Array[] = [];
  const output = run(model, input, (x) => layers.push(x.slice()));
  return { layers, output };
}

function run(model: IRModel, input: ArrayLike<number>, afterLayer?: (x: Float64Array) => void): Float64Array {
  checkInputSize(model, input);
  const y = Float64Array.from(input);
  const x = new Float64Array(model.state);
  const scratch = createLayerScratch(model);
  for (const layer of model.layers) {
    applyLayer(model, layer, y, x, scratch);
    afterLayer?.(x);
  }
  if (model.readout === undefined) return x;
  const output = new Float64Array(model.output.size);
  matvec(model.readout, model.scale, x, output);
  return output;
}

function checkInputSize(model: IRModel, input: ArrayLike<number>): void {
  if (input.length !== model.input.size) {
    fail({
      code: 'PB005',
      file: model.name,
      message: `input vector '${model.input.name}' has the wrong length`,
      expected: `${model.input.size} values (input.size)`,
      found: `${input.length}`,
      fix: `pass exactly ${model.input.size} values per input`,
    });
  }
}
