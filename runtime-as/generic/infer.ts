/**
 * Inference over the loaded model: spec section 4 in float32, calling the same kernels in the
 * same order as a specialized module (codegen/emit-module.ts), so both give bitwise identical
 * outputs: layer 1 skips its state terms and reads the residual as y (x_0 = 0), products with y
 * shared by several layers are computed once per input, thresholds and relaxation as in
 * runtime-as/elementwise.ts.
 */
import { matvecBanded, matvecBlockDiagonal, matvecBlocks, matvecDense, matvecSegments } from '../matvec';
import { addVector, copyVector, initPreactivation, updateState, zeroVector, THRESHOLD_HARD, THRESHOLD_NONE, THRESHOLD_SOFT, THRESHOLD_SOFT_NONNEG } from '../elementwise';
import {
  KIND_BANDED, KIND_BLOCK_DIAGONAL, KIND_BLOCKS, KIND_DENSE, LayerInfo, MatrixInfo, SOURCE_INPUT, SOURCE_STATE,
  inputSize, layerAt, layerCount, lookupTable, matrixAt, matrixCount, outputSize, preactivation, readout, residualBuffer, stateBuffer, stateSize,
} from './model';

/** z += coef * M v with M's structure kind's kernel. */
function product(m: MatrixInfo, z: usize, v: usize, coef: f32): void {
  const rows = <i32>m.rows;
  if (m.kind == KIND_DENSE) matvecDense(z, v, rows, <i32>m.cols, m.signs, coef, lookupTable);
  else if (m.kind == KIND_BLOCK_DIAGONAL) matvecBlockDiagonal(z, v, rows, m.blockRows, m.blockCols, m.signs, coef, lookupTable);
  else if (m.kind == KIND_BANDED) matvecBanded(z, v, rows, <i32>m.cols, m.lower, m.upper, m.signs, coef);
  else if (m.kind == KIND_BLOCKS) matvecBlocks(z, v, m.table, m.count, m.signs, coef);
  else matvecSegments(z, v, rows, m.table, m.segments, m.signs, coef);
}

/** The state update with the threshold kind as a constant in each branch, so each inlined loop is branch-free. */
function update(layer: LayerInfo): void {
  const x = stateBuffer;
  const z = preactivation;
  const n = stateSize;
  const kind = layer.threshold;
  if (kind == THRESHOLD_SOFT) updateState(x, z, n, THRESHOLD_SOFT, layer.theta, layer.thetaVector, layer.relax, layer.keep);
  else if (kind == THRESHOLD_HARD) updateState(x, z, n, THRESHOLD_HARD, layer.theta, layer.thetaVector, layer.relax, layer.keep);
  else if (kind == THRESHOLD_SOFT_NONNEG) updateState(x, z, n, THRESHOLD_SOFT_NONNEG, layer.theta, layer.thetaVector, layer.relax, layer.keep);
  else updateState(x, z, n, THRESHOLD_NONE, layer.theta, layer.thetaVector, layer.relax, layer.keep);
}

function runLayer(layer: LayerInfo, first: bool, y: usize): void {
  const x = stateBuffer;
  const z = preactivation;
  initPreactivation(z, x, stateSize, first ? 0 : layer.skip, layer.bias, layer.biasVector);
  let r = y;
  if (layer.residual >= 0 && !first) {
    const a = matrixAt(layer.residual);
    r = residualBuffer;
    copyVector(r, y, inputSize);
    product(a, r, x, -a.coef); // r = y - A x
  }
  for (let k: i32 = 0; k < layer.termCount; k++) {
    const term = layer.terms + (<usize>k << 3);
    const source = <u32>load<u8>(term, 4);
    const m = matrixAt(<i32>load<u32>(term));
    if (source == SOURCE_STATE && first) continue;
    if (source == SOURCE_INPUT && m.product != 0) {
      addVector(z, m.product, stateSize);
      continue;
    }
    product(m, z, source == SOURCE_STATE ? x : source == SOURCE_INPUT ? y : r, m.coef);
  }
  update(layer);
}

/** One input vector at `y` to one output vector at `out`. */
export function inferOne(y: usize, out: usize): void {
  zeroVector(stateBuffer, stateSize); // x_0 = 0
  for (let i: i32 = 0; i < matrixCount; i++) {
    const m = matrixAt(i);
    if (m.product == 0) continue;
    zeroVector(m.product, stateSize);
    product(m, m.product, y, m.coef);
  }
  for (let l: i32 = 0; l < layerCount; l++) runLayer(layerAt(l), l == 0, y);
  if (readout < 0) {
    copyVector(out, stateBuffer, stateSize);
  } else {
    const d = matrixAt(readout);
    zeroVector(out, outputSize);
    product(d, out, stateBuffer, d.coef);
  }
}
