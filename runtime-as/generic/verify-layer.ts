/**
 * Verifies one Layer table with the rules of compiler/container/verify-layer.ts and records what
 * the inference loop needs: term and residual indices, parameters as f32 (vector parameters
 * converted into arena buffers), the kernel's threshold constant.
 */
import { reserve } from './arena';
import { bufferBase, f64At, fieldAt, fieldF64, fieldU32, fieldU8, fieldVector, lastLength, u32At, u8At } from './flatbuffer';
import { LayerInfo, MatrixInfo, matrixAt, SOURCE_INPUT, SOURCE_RESIDUAL, SOURCE_STATE } from './model';
import { THRESHOLD_HARD, THRESHOLD_NONE, THRESHOLD_SOFT, THRESHOLD_SOFT_NONNEG } from '../elementwise';
import {
  fail, failed, INCONSISTENT, D_MATRIX_FIT, D_MATRIX_INDEX, D_PARAMETER, D_PARAMETER_VECTOR, D_RELAX, D_RESIDUAL, D_SKIP, D_TERM_SOURCE, D_THRESHOLD_KIND,
} from './status';

const SLOT_TERMS = 0;
const SLOT_RESIDUAL = 1;
const SLOT_SKIP = 2;
const SLOT_BIAS = 3;
const SLOT_BIAS_VECTOR = 4;
const SLOT_THRESHOLD_KIND = 5;
const SLOT_THETA = 6;
const SLOT_THETA_VECTOR = 7;
const SLOT_RELAX = 8;

const TERM_BYTES: i64 = 8;

/** Container ThresholdKind (Soft, Hard, SoftNonneg, None) -> kernel constant. */
function thresholdConstant(code: u32): i32 {
  if (code == 0) return THRESHOLD_SOFT;
  if (code == 1) return THRESHOLD_HARD;
  if (code == 2) return THRESHOLD_SOFT_NONNEG;
  return THRESHOLD_NONE;
}

/** Matrix `index` exists and is rows x cols. */
function matrixFits(index: i64, matrixCount: i32, rows: i64, cols: i64, at: i64): bool {
  if (index >= <i64>matrixCount) return fail(INCONSISTENT, D_MATRIX_INDEX, at);
  const m = matrixAt(<i32>index);
  if (m.rows != rows || m.cols != cols) return fail(INCONSISTENT, D_MATRIX_FIT, at);
  return true;
}

export function verifyLayer(layer: LayerInfo, index: i32, matrixCount: i32, state: i64, inputSize: i64): bool {
  const t = layer.tablePos;
  const terms = fieldVector(t, SLOT_TERMS, TERM_BYTES, 4);
  if (terms < 0) return false;
  const termCount = terms == 0 ? 0 : lastLength;
  let usesResidual = false;
  for (let k: i64 = 0; k < termCount; k++) {
    const at = terms + TERM_BYTES * k;
    const source = u8At(at + 4);
    if (source > SOURCE_RESIDUAL) return fail(INCONSISTENT, D_TERM_SOURCE, at + 4);
    usesResidual = usesResidual || source == SOURCE_RESIDUAL;
    if (!matrixFits(<i64>u32At(at), matrixCount, state, source == SOURCE_STATE ? state : inputSize, at)) return false;
  }
  const residual = fieldU32(t, SLOT_RESIDUAL, -1);
  if (failed()) return false;
  if ((residual >= 0) != usesResidual) return fail(INCONSISTENT, D_RESIDUAL, fieldAt(t, SLOT_RESIDUAL));
  if (residual >= 0 && !matrixFits(residual, matrixCount, inputSize, state, fieldAt(t, SLOT_RESIDUAL))) return false;

  const skip = fieldF64(t, SLOT_SKIP, 0);
  if (failed()) return false;
  if (!isFinite(skip)) return fail(INCONSISTENT, D_SKIP, fieldAt(t, SLOT_SKIP));
  const biasVector = scalarOrVector(t, state, SLOT_BIAS, SLOT_BIAS_VECTOR, false);
  if (biasVector < 0) return false;
  const kind = fieldU8(t, SLOT_THRESHOLD_KIND, 0);
  if (failed()) return false;
  if (kind > 3) return fail(INCONSISTENT, D_THRESHOLD_KIND, fieldAt(t, SLOT_THRESHOLD_KIND));
  const thetaVector = scalarOrVector(t, state, SLOT_THETA, SLOT_THETA_VECTOR, true);
  if (thetaVector < 0) return false;
  const relax = fieldF64(t, SLOT_RELAX, 1);
  if (failed()) return false;
  if (!(relax > 0 && relax <= 1)) return fail(INCONSISTENT, D_RELAX, fieldAt(t, SLOT_RELAX));

  layer.terms = bufferBase() + <usize>terms;
  layer.termCount = <i32>termCount;
  layer.residual = <i32>residual;
  layer.skip = <f32>skip;
  layer.bias = <f32>fieldF64(t, SLOT_BIAS, 0);
  layer.biasVector = f32Copy(biasVector, state);
  layer.threshold = thresholdConstant(kind);
  layer.theta = <f32>fieldF64(t, SLOT_THETA, 0);
  layer.thetaVector = f32Copy(thetaVector, state);
  layer.relax = <f32>relax;
  layer.keep = <f32>(1 - relax);
  countInputUses(layer, index);
  return !failed();
}

/**
 * A scalar field plus an optional vector field (length state, scalar then 0); values finite,
 * and >= 0 when `nonNegative`. Returns the vector's first element, 0 when absent, -1 on failure.
 */
function scalarOrVector(t: i64, state: i64, scalarSlot: i32, vectorSlot: i32, nonNegative: bool): i64 {
  const scalar = fieldF64(t, scalarSlot, 0);
  if (failed()) return -1;
  const values = fieldVector(t, vectorSlot, 8, 8);
  if (values < 0) return -1;
  if (values == 0) return allowed(scalar, nonNegative) ? 0 : rejected(D_PARAMETER, fieldAt(t, scalarSlot));
  const count = lastLength;
  if (scalar != 0) return rejected(D_PARAMETER, fieldAt(t, scalarSlot));
  if (count != state) return rejected(D_PARAMETER_VECTOR, values - 4);
  for (let i: i64 = 0; i < count; i++) {
    if (!allowed(f64At(values + 8 * i), nonNegative)) return rejected(D_PARAMETER_VECTOR, values + 8 * i);
  }
  return values;
}

function rejected(detail: i32, at: i64): i64 {
  fail(INCONSISTENT, detail, at);
  return -1;
}

@inline function allowed(value: f64, nonNegative: bool): bool {
  return isFinite(value) && (!nonNegative || value >= 0);
}

/** `count` verified f64 values at container position `values` as f32 in the arena; 0 when absent. */
function f32Copy(values: i64, count: i64): usize {
  if (values == 0) return 0;
  const copy = reserve(<u64>count << 2);
  if (copy == 0) return 0;
  for (let i: i64 = 0; i < count; i++) store<f32>(copy + <usize>(i << 2), <f32>f64At(values + 8 * i));
  return copy;
}

/** Counts the layers using each matrix as an `input` term (a matrix twice in one layer counts once). */
function countInputUses(layer: LayerInfo, index: i32): void {
  for (let k: i32 = 0; k < layer.termCount; k++) {
    const term = layer.terms + (<usize>k << 3);
    if (<u32>load<u8>(term, 4) != SOURCE_INPUT) continue;
    const m: MatrixInfo = matrixAt(<i32>load<u32>(term));
    if (m.lastInputLayer == index + 1) continue;
    m.lastInputLayer = index + 1;
    m.inputUses++;
  }
}
