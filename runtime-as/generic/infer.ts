/**
 * Inference over the loaded model: spec section 4 in float32, calling the same kernels in the
 * same order as a specialized module (codegen/emit-module.ts), so both give bitwise identical
 * outputs: layer 1 skips its state terms and reads the residual as y (x_0 = 0), products with y
 * shared by several layers are computed once per input, thresholds and relaxation as in
 * runtime-as/elementwise.ts. `infer_batch` runs batchGroup inputs through the layers together.
 */
import { matvecBandedDiagonals } from '../banded-diagonals';
import { matvecBanded, matvecBlockDiagonalBatch, matvecBlocks, matvecDenseBatch, matvecSegments } from '../matvec';
import { addVector, copyVector, initPreactivation, updateState, zeroVector, THRESHOLD_HARD, THRESHOLD_NONE, THRESHOLD_SOFT, THRESHOLD_SOFT_NONNEG } from '../elementwise';
import {
  KIND_BANDED, KIND_BLOCK_DIAGONAL, KIND_BLOCKS, KIND_DENSE, LayerInfo, MatrixInfo, SOURCE_INPUT, SOURCE_STATE,
  inputSize, layerAt, layerCount, lookupTable, matrixAt, matrixCount, outputSize, preactivation, readout, residualBuffer, stateBuffer, stateSize,
} from './model';

/** z_b += coef * M v_b for b < count (z_b at z + b * rows f32, v_b at v + b * cols f32), with M's structure kind's kernel. */
function product(m: MatrixInfo, z: usize, v: usize, coef: f32, count: i32): void {
  const rows = <i32>m.rows;
  if (m.kind == KIND_DENSE) {
    matvecDenseBatch(z, v, rows, <i32>m.cols, m.signs, coef, lookupTable, count);
    return;
  }
  if (m.kind == KIND_BLOCK_DIAGONAL) {
    matvecBlockDiagonalBatch(z, v, rows, m.blockRows, m.blockCols, m.signs, coef, lookupTable, count);
    return;
  }
  // Kinds without a batch-inner kernel run their batch-1 kernel per input.
  for (let b: i32 = 0; b < count; b++) {
    const zb = z + (<usize>b * <usize>rows << 2);
    const vb = v + (<usize>b * <usize>m.cols << 2);
    if (m.kind == KIND_BANDED && m.diagonals) matvecBandedDiagonals(zb, vb, rows, <i32>m.cols, m.lower, m.upper, m.signs, coef, lookupTable);
    else if (m.kind == KIND_BANDED) matvecBanded(zb, vb, rows, <i32>m.cols, m.lower, m.upper, m.signs, coef);
    else if (m.kind == KIND_BLOCKS) matvecBlocks(zb, vb, m.table, m.count, m.signs, coef);
    else matvecSegments(zb, vb, rows, m.table, m.segments, m.signs, coef);
  }
}

/** The state update with the threshold kind as a constant in each branch, so each inlined loop is branch-free. */
function update(layer: LayerInfo, b: i32): void {
  const at = <usize>b * <usize>stateSize << 2;
  const x = stateBuffer + at;
  const z = preactivation + at;
  const n = stateSize;
  const kind = layer.threshold;
  if (kind == THRESHOLD_SOFT) updateState(x, z, n, THRESHOLD_SOFT, layer.theta, layer.thetaVector, layer.relax, layer.keep);
  else if (kind == THRESHOLD_HARD) updateState(x, z, n, THRESHOLD_HARD, layer.theta, layer.thetaVector, layer.relax, layer.keep);
  else if (kind == THRESHOLD_SOFT_NONNEG) updateState(x, z, n, THRESHOLD_SOFT_NONNEG, layer.theta, layer.thetaVector, layer.relax, layer.keep);
  else updateState(x, z, n, THRESHOLD_NONE, layer.theta, layer.thetaVector, layer.relax, layer.keep);
}

function runLayer(layer: LayerInfo, first: bool, y: usize, count: i32): void {
  const x = stateBuffer;
  const z = preactivation;
  for (let b: i32 = 0; b < count; b++) {
    const at = <usize>b * <usize>stateSize << 2;
    initPreactivation(z + at, x + at, stateSize, first ? 0 : layer.skip, layer.bias, layer.biasVector);
  }
  let r = y;
  if (layer.residual >= 0 && !first) {
    const a = matrixAt(layer.residual);
    r = residualBuffer;
    copyVector(r, y, inputSize * count);
    product(a, r, x, -a.coef, count); // r = y - A x
  }
  for (let k: i32 = 0; k < layer.termCount; k++) {
    const term = layer.terms + (<usize>k << 3);
    const source = <u32>load<u8>(term, 4);
    const m = matrixAt(<i32>load<u32>(term));
    if (source == SOURCE_STATE && first) continue;
    if (source == SOURCE_INPUT && m.product != 0) {
      addVector(z, m.product, stateSize * count);
      continue;
    }
    product(m, z, source == SOURCE_STATE ? x : source == SOURCE_INPUT ? y : r, m.coef, count);
  }
  for (let b: i32 = 0; b < count; b++) update(layer, b);
}

/** `count` (<= batchGroup) contiguous input vectors at `y` to contiguous output vectors at `out`, layer by layer. */
export function inferGroup(y: usize, out: usize, count: i32): void {
  zeroVector(stateBuffer, stateSize * count); // x_0 = 0
  for (let i: i32 = 0; i < matrixCount; i++) {
    const m = matrixAt(i);
    if (m.product == 0) continue;
    zeroVector(m.product, stateSize * count);
    product(m, m.product, y, m.coef, count);
  }
  for (let l: i32 = 0; l < layerCount; l++) runLayer(layerAt(l), l == 0, y, count);
  if (readout < 0) {
    copyVector(out, stateBuffer, stateSize * count);
  } else {
    const d = matrixAt(readout);
    zeroVector(out, outputSize * count);
    product(d, out, stateBuffer, d.coef, count);
  }
}
