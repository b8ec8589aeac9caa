/**
 * Runs the plan's steps (plan.ts) for a group of inputs, calling the same kernels with the same
 * arguments, in the same order, as a specialized module built from this plan
 * (codegen/emit-module.ts), so both give bitwise identical outputs.
 */
import {
  BUFFER_INPUT, BUFFER_OUTPUT, BUFFER_PREACTIVATION, BUFFER_PRODUCT_0, BUFFER_RESIDUAL, BUFFER_STATE, STEP_ADD, STEP_COPY, STEP_INIT,
  STEP_PRODUCT_SUB, STEP_UPDATE, STEP_ZERO, THRESHOLD_HARD, THRESHOLD_SOFT, THRESHOLD_SOFT_NONNEG, THRESHOLD_NONE,
} from '../generated/constants';
import { addVector, copyVector, initPreactivation, updateState, zeroVector } from '../elementwise';
import { product } from '../../kinds/load.as';
import { inputSize, LayerInfo, layerAt, matrixAt, outputSize, stateSize } from './model';
import { activationBits, lookupTable, preactivation, productAddresses, residualBuffer, stateBuffer, stepCount, steps } from './plan';

/** Address of buffer `id` for the group whose inputs are at y and outputs at out. */
function address(id: i32, y: usize, out: usize): usize {
  if (id == BUFFER_STATE) return stateBuffer;
  if (id == BUFFER_PREACTIVATION) return preactivation;
  if (id == BUFFER_RESIDUAL) return residualBuffer;
  if (id == BUFFER_INPUT) return y;
  if (id == BUFFER_OUTPUT) return out;
  return load<usize>(productAddresses + (<usize>(id - BUFFER_PRODUCT_0) << 2));
}

/** Floats per input vector of buffer `id`. */
function floats(id: i32): i32 {
  if (id == BUFFER_RESIDUAL || id == BUFFER_INPUT) return inputSize;
  if (id == BUFFER_OUTPUT) return outputSize;
  return stateSize;
}

/** The state update with the threshold kind as a constant in each branch, so each inlined loop is branch-free. */
function update(layer: LayerInfo, count: i32): void {
  const n = stateSize;
  for (let b: i32 = 0; b < count; b++) {
    const at = <usize>b * <usize>n << 2;
    const x = stateBuffer + at;
    const z = preactivation + at;
    const kind = layer.threshold;
    if (kind == THRESHOLD_SOFT) updateState(x, z, n, THRESHOLD_SOFT, layer.theta, layer.thetaVector, layer.relax, layer.keep);
    else if (kind == THRESHOLD_HARD) updateState(x, z, n, THRESHOLD_HARD, layer.theta, layer.thetaVector, layer.relax, layer.keep);
    else if (kind == THRESHOLD_SOFT_NONNEG) updateState(x, z, n, THRESHOLD_SOFT_NONNEG, layer.theta, layer.thetaVector, layer.relax, layer.keep);
    else updateState(x, z, n, THRESHOLD_NONE, layer.theta, layer.thetaVector, layer.relax, layer.keep);
  }
}

function init(layer: LayerInfo, stateIsZero: bool, count: i32): void {
  const n = stateSize;
  const skip: f32 = stateIsZero ? 0 : layer.skip;
  for (let b: i32 = 0; b < count; b++) {
    const at = <usize>b * <usize>n << 2;
    initPreactivation(preactivation + at, stateBuffer + at, n, skip, layer.bias, layer.biasVector);
  }
}

/** `count` (<= batch group) contiguous input vectors at y to contiguous output vectors at out. */
export function runGroup(y: usize, out: usize, count: i32): void {
  for (let s: i32 = 0; s < stepCount; s++) {
    const p = steps + (<usize>s << 4);
    const op = load<i32>(p);
    const a = load<i32>(p, 4);
    const b = load<i32>(p, 8);
    const c = load<i32>(p, 12);
    if (op == STEP_ZERO) zeroVector(address(a, y, out), floats(a) * count);
    else if (op == STEP_COPY) copyVector(address(a, y, out), address(b, y, out), floats(a) * count);
    else if (op == STEP_ADD) addVector(address(a, y, out), address(b, y, out), floats(a) * count);
    else if (op == STEP_INIT) init(layerAt(a), b != 0, count);
    else if (op == STEP_UPDATE) update(layerAt(a), count);
    else {
      const m = matrixAt(a);
      const coef = op == STEP_PRODUCT_SUB ? -m.coef : m.coef;
      product(m, address(b, y, out), address(c, y, out), coef, count, lookupTable, activationBits);
    }
  }
}
