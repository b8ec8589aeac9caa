/**
 * Verifies one Layer table and records what the plan and the inference loop need: term and
 * residual indices (each matrix fitting its use), parameters as f32 (vector parameters copied to
 * arena buffers), the kernel's threshold constant. Every parameter must fit float32, the
 * precision every build computes in.
 */
import {
  DETAIL_FLOAT32_RANGE, DETAIL_MATRIX_FIT, DETAIL_MATRIX_INDEX, DETAIL_PARAMETER, DETAIL_PARAMETER_VECTOR, DETAIL_RELAX, DETAIL_RESIDUAL, DETAIL_SKIP,
  DETAIL_TERM_SOURCE, DETAIL_THRESHOLD_KIND, LAYER_SLOT_BIAS, LAYER_SLOT_BIAS_VECTOR, LAYER_SLOT_RELAX, LAYER_SLOT_RESIDUAL, LAYER_SLOT_SKIP,
  LAYER_SLOT_TERMS, LAYER_SLOT_THETA, LAYER_SLOT_THETA_VECTOR, LAYER_SLOT_THRESHOLD_KIND, STATUS_INCONSISTENT, TERM_BYTES, TERM_SOURCE_RESIDUAL,
  TERM_SOURCE_STATE, THRESHOLD_HARD, THRESHOLD_KIND_HARD, THRESHOLD_KIND_NONE, THRESHOLD_KIND_SOFT, THRESHOLD_KIND_SOFT_NONNEG, THRESHOLD_NONE,
  THRESHOLD_SOFT, THRESHOLD_SOFT_NONNEG,
} from '../generated/constants';
import { reserve } from './arena';
import { bufferBase, f64At, fieldAt, fieldF64, fieldU32, fieldU8, fieldVector, lastLength, u32At, u8At } from './flatbuffer';
import { LayerInfo, matrixAt } from './model';
import { fail, failAbout, failed } from './status';

/** Container ThresholdKind -> kernel constant. */
function thresholdConstant(code: u32): i32 {
  if (code == <u32>THRESHOLD_KIND_SOFT) return THRESHOLD_SOFT;
  if (code == <u32>THRESHOLD_KIND_HARD) return THRESHOLD_HARD;
  if (code == <u32>THRESHOLD_KIND_SOFT_NONNEG) return THRESHOLD_SOFT_NONNEG;
  return THRESHOLD_NONE;
}

/** Matrix `index` exists and is rows x cols (field `slot`, element `item` of it). */
function matrixFits(index: i64, matrixCount: i32, rows: i64, cols: i64, at: i64, slot: i32, item: i64): bool {
  if (index >= <i64>matrixCount) return fail(STATUS_INCONSISTENT, DETAIL_MATRIX_INDEX, at, slot, item, <f64>matrixCount, <f64>index);
  const m = matrixAt(<i32>index);
  if (m.rows != rows || m.cols != cols) return failAbout(m.idStart, m.idLength, STATUS_INCONSISTENT, DETAIL_MATRIX_FIT, at, slot);
  return true;
}

@inline function fitsF32(value: f64): bool {
  return isFinite(<f32>value);
}

export function verifyLayer(layer: LayerInfo, matrixCount: i32, state: i64, inputSize: i64): bool {
  const t = layer.tablePos;
  const terms = fieldVector(t, LAYER_SLOT_TERMS, TERM_BYTES, 4);
  if (terms < 0) return false;
  const termCount = terms == 0 ? 0 : lastLength;
  let usesResidual = false;
  for (let k: i64 = 0; k < termCount; k++) {
    const at = terms + TERM_BYTES * k;
    const source = u8At(at + 4);
    if (source > <u32>TERM_SOURCE_RESIDUAL) return fail(STATUS_INCONSISTENT, DETAIL_TERM_SOURCE, at + 4, LAYER_SLOT_TERMS, k, NaN, <f64>source);
    usesResidual = usesResidual || source == <u32>TERM_SOURCE_RESIDUAL;
    if (!matrixFits(<i64>u32At(at), matrixCount, state, source == <u32>TERM_SOURCE_STATE ? state : inputSize, at, LAYER_SLOT_TERMS, k)) return false;
  }
  const residual = fieldU32(t, LAYER_SLOT_RESIDUAL, -1);
  if (failed()) return false;
  const residualAt = fieldAt(t, LAYER_SLOT_RESIDUAL);
  if ((residual >= 0) != usesResidual) return fail(STATUS_INCONSISTENT, DETAIL_RESIDUAL, residualAt, LAYER_SLOT_RESIDUAL);
  if (residual >= 0 && !matrixFits(residual, matrixCount, inputSize, state, residualAt, LAYER_SLOT_RESIDUAL, -1)) return false;

  const skip = fieldF64(t, LAYER_SLOT_SKIP, 0);
  if (failed()) return false;
  if (!isFinite(skip)) return fail(STATUS_INCONSISTENT, DETAIL_SKIP, fieldAt(t, LAYER_SLOT_SKIP), LAYER_SLOT_SKIP, -1, NaN, skip);
  if (!fitsF32(skip)) return fail(STATUS_INCONSISTENT, DETAIL_FLOAT32_RANGE, fieldAt(t, LAYER_SLOT_SKIP), LAYER_SLOT_SKIP, -1, <f64>f32.MAX_VALUE, skip);
  const biasVector = scalarOrVector(t, state, LAYER_SLOT_BIAS, LAYER_SLOT_BIAS_VECTOR, false);
  if (biasVector < 0) return false;
  const kind = fieldU8(t, LAYER_SLOT_THRESHOLD_KIND, 0);
  if (failed()) return false;
  if (kind > <u32>THRESHOLD_KIND_NONE) return fail(STATUS_INCONSISTENT, DETAIL_THRESHOLD_KIND, fieldAt(t, LAYER_SLOT_THRESHOLD_KIND), LAYER_SLOT_THRESHOLD_KIND, -1, NaN, <f64>kind);
  const thetaVector = scalarOrVector(t, state, LAYER_SLOT_THETA, LAYER_SLOT_THETA_VECTOR, true);
  if (thetaVector < 0) return false;
  const relax = fieldF64(t, LAYER_SLOT_RELAX, 1);
  if (failed()) return false;
  if (!(relax > 0 && relax <= 1)) return fail(STATUS_INCONSISTENT, DETAIL_RELAX, fieldAt(t, LAYER_SLOT_RELAX), LAYER_SLOT_RELAX, -1, NaN, relax);

  layer.terms = bufferBase() + <usize>terms;
  layer.termCount = <i32>termCount;
  layer.residual = <i32>residual;
  layer.skip = <f32>skip;
  layer.bias = <f32>fieldF64(t, LAYER_SLOT_BIAS, 0);
  layer.biasVector = f32Copy(biasVector, state);
  layer.threshold = thresholdConstant(kind);
  layer.theta = <f32>fieldF64(t, LAYER_SLOT_THETA, 0);
  layer.thetaVector = f32Copy(thetaVector, state);
  layer.relax = <f32>relax;
  layer.keep = <f32>(1 - relax);
  return !failed();
}

/**
 * A scalar field plus an optional vector field (length state, scalar then 0); values finite in
 * float32, and >= 0 when `nonNegative`. Returns the vector's first element, 0 when absent, -1 on failure.
 */
function scalarOrVector(t: i64, state: i64, scalarSlot: i32, vectorSlot: i32, nonNegative: bool): i64 {
  const scalar = fieldF64(t, scalarSlot, 0);
  if (failed()) return -1;
  const values = fieldVector(t, vectorSlot, 8, 8);
  if (values < 0) return -1;
  if (values == 0) return checkValue(scalar, nonNegative, fieldAt(t, scalarSlot), scalarSlot, -1) ? 0 : -1;
  const count = lastLength;
  if (scalar != 0) return rejected(DETAIL_PARAMETER, fieldAt(t, scalarSlot), scalarSlot, -1, 0, scalar);
  if (count != state) return rejected(DETAIL_PARAMETER_VECTOR, values - 4, vectorSlot, -1, <f64>state, <f64>count);
  for (let i: i64 = 0; i < count; i++) {
    if (!checkValue(f64At(values + 8 * i), nonNegative, values + 8 * i, vectorSlot, i)) return -1;
  }
  return values;
}

function checkValue(value: f64, nonNegative: bool, at: i64, slot: i32, item: i64): bool {
  if (!(isFinite(value) && (!nonNegative || value >= 0))) return fail(STATUS_INCONSISTENT, item < 0 ? DETAIL_PARAMETER : DETAIL_PARAMETER_VECTOR, at, slot, item, NaN, value);
  if (!fitsF32(value)) return fail(STATUS_INCONSISTENT, DETAIL_FLOAT32_RANGE, at, slot, item, <f64>f32.MAX_VALUE, value);
  return true;
}

function rejected(detail: i32, at: i64, slot: i32, item: i64, want: f64, got: f64): i64 {
  fail(STATUS_INCONSISTENT, detail, at, slot, item, want, got);
  return -1;
}

/** `count` verified f64 values at container position `values` as f32 in the arena; 0 when absent. */
function f32Copy(values: i64, count: i64): usize {
  if (values == 0) return 0;
  const copy = reserve(<u64>count << 2);
  if (copy == 0) return 0;
  for (let i: i64 = 0; i < count; i++) store<f32>(copy + <usize>(i << 2), <f32>f64At(values + 8 * i));
  return copy;
}
