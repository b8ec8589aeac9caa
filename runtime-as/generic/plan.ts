/**
 * The execution plan: the layer program of spec section 4 lowered once into ordered steps
 * (STEP_ in core/constants.ts), with its rules applied here and nowhere else:
 *  - x_0 = 0, so layer 1 has no state terms and no skip * x, and its residual y - A x_0 is y;
 *  - a product with y that several layers use is computed once per input into its own buffer;
 *  - a layer's residual r = y - A x is computed once and shared by its residual terms.
 * Then the batch size and group, the buffers and the shared table scratch. The generic runtime
 * executes the steps (execute.ts); TypeScript reads the plan (`plan_query`) to emit specialized
 * modules and MCU C and to write the report and the bench, so every build runs the same plan.
 */
import {
  BATCH_BUFFER_BUDGET_BYTES, BUFFER_ALIGNMENT, BUFFER_INPUT, BUFFER_OUTPUT, BUFFER_PREACTIVATION, BUFFER_PRODUCT_0, BUFFER_RESIDUAL, BUFFER_STATE,
  DEFAULT_MAX_BATCH, DETAIL_MEMORY, STATUS_LIMIT_EXCEEDED, STEP_ADD, STEP_COPY, STEP_INIT, STEP_PRODUCT, STEP_PRODUCT_SUB, STEP_UPDATE, STEP_WORDS,
  STEP_ZERO, TERM_BYTES, TERM_SOURCE_INPUT, TERM_SOURCE_STATE,
} from '../generated/constants';
import { BATCH_GROUP } from '../kernel-choice';
import { fits, reserve } from './arena';
import { isLookup, tableScratch } from './choice';
import { inputSize, LayerInfo, layerAt, layerCount, matrixAt, matrixCount, outputSize, readout, setBatch, stateSize } from './model';
import { activationBits as bitsOption, memoryLimit, maxBatchOption } from './options';
import { fail, failed } from './status';

export let steps: usize = 0;
export let stepCount: i32 = 0;
/** Per shared product k: its matrix index (i32) and its buffer's address (usize). */
export let productMatrices: usize = 0;
export let productAddresses: usize = 0;
export let productCount: i32 = 0;
export let stateBuffer: usize = 0;
export let preactivation: usize = 0;
export let residualBuffer: usize = 0;
export let inputBuffer: usize = 0;
export let outputBuffer: usize = 0;
/** Table scratch every product shares, sized for the largest need at the batch group; 0 if none. */
export let lookupTable: usize = 0;
export let scratchBytes: i32 = 0;
/** k of k-bit activations as the kernels were chosen (options may change after load). */
export let activationBits: i32 = 0;

const STEP_BYTES: u64 = <u64>STEP_WORDS << 2;

export function buildPlan(): bool {
  steps = 0; // the first emitSteps only counts
  activationBits = bitsOption;
  productCount = shareInputProducts();
  const state = <u64>stateSize;
  const perVector = <u64>(inputSize + outputSize) << 2;
  const batch: u64 = maxBatchOption > 0 ? <u64>maxBatchOption : max<u64>(1, min<u64>(DEFAULT_MAX_BATCH, BATCH_BUFFER_BUDGET_BYTES / perVector));
  let lookup = false;
  for (let i: i32 = 0; i < matrixCount; i++) lookup = lookup || isLookup(matrixAt(i).kernel);
  // Batch-inner groups only where a lookup kernel runs: other kernels gain nothing from them.
  const group: u64 = lookup ? min<u64>(batch, <u64>BATCH_GROUP) : 1;
  scratchBytes = 0;
  for (let i: i32 = 0; i < matrixCount; i++) {
    const m = matrixAt(i);
    m.groupScratchBytes = tableScratch(m, <i32>group);
    scratchBytes = max(scratchBytes, m.groupScratchBytes);
  }
  stepCount = 0;
  const usesResidual = emitSteps();
  const vectorBytes = group * state << 2;
  const residualBytes = usesResidual ? group * <u64>inputSize << 2 : 0;
  const inputBytes = batch * <u64>inputSize << 2;
  const outputBytes = batch * <u64>outputSize << 2;
  const stepBytes = <u64>stepCount * STEP_BYTES;
  const productBytes = <u64>productCount * (vectorBytes + 8 + 2 * BUFFER_ALIGNMENT);
  // Checked before anything is reserved, so a container asking for too much grows no memory.
  const total = 2 * vectorBytes + residualBytes + inputBytes + outputBytes + <u64>scratchBytes + stepBytes + productBytes + 8 * BUFFER_ALIGNMENT;
  if (!fits(total)) return fail(STATUS_LIMIT_EXCEEDED, DETAIL_MEMORY, -1, -1, -1, <f64>memoryLimit, <f64>total);
  stateBuffer = reserve(vectorBytes);
  preactivation = reserve(vectorBytes);
  residualBuffer = usesResidual ? reserve(residualBytes) : 0;
  inputBuffer = reserve(inputBytes);
  outputBuffer = reserve(outputBytes);
  productMatrices = reserve(<u64>productCount << 2);
  productAddresses = reserve(<u64>productCount << 2);
  lookupTable = scratchBytes > 0 ? reserve(<u64>scratchBytes) : 0;
  steps = reserve(stepBytes);
  if (failed()) return false;
  for (let i: i32 = 0, k: i32 = 0; i < matrixCount; i++) {
    const m = matrixAt(i);
    if (m.productBuffer == 0) continue;
    store<i32>(productMatrices + (<usize>k << 2), i);
    store<usize>(productAddresses + (<usize>k << 2), reserve(vectorBytes));
    k++;
  }
  stepCount = 0;
  emitSteps();
  setBatch(<i32>batch, <i32>group);
  return !failed();
}

/** Counts the layers using each matrix as an `input` term (twice in one layer counts once); gives each used by two or more a product buffer. */
function shareInputProducts(): i32 {
  for (let l: i32 = 0; l < layerCount; l++) {
    const layer = layerAt(l);
    for (let k: i32 = 0; k < layer.termCount; k++) {
      const term = layer.terms + <usize>(k * <i32>TERM_BYTES);
      if (<i32>load<u8>(term, 4) != TERM_SOURCE_INPUT) continue;
      const m = matrixAt(<i32>load<u32>(term));
      if (m.lastInputLayer == l + 1) continue;
      m.lastInputLayer = l + 1;
      m.inputUses++;
    }
  }
  let count: i32 = 0;
  for (let i: i32 = 0; i < matrixCount; i++) {
    const m = matrixAt(i);
    m.productBuffer = m.inputUses >= 2 ? BUFFER_PRODUCT_0 + count++ : 0;
  }
  return count;
}

/** Appends a step (counts it while `steps` is not reserved yet). */
function step(op: i32, a: i32, b: i32 = 0, c: i32 = 0): void {
  if (steps != 0) {
    const p = steps + <usize>(<u64>stepCount * STEP_BYTES);
    store<i32>(p, op);
    store<i32>(p, a, 4);
    store<i32>(p, b, 8);
    store<i32>(p, c, 12);
  }
  stepCount++;
}

/** The layer program as steps; returns whether a step uses the residual buffer. */
function emitSteps(): bool {
  step(STEP_ZERO, BUFFER_STATE); // x_0 = 0
  for (let i: i32 = 0; i < matrixCount; i++) {
    const m = matrixAt(i);
    if (m.productBuffer == 0) continue;
    step(STEP_ZERO, m.productBuffer);
    step(STEP_PRODUCT, i, m.productBuffer, BUFFER_INPUT);
  }
  let usesResidual = false;
  for (let l: i32 = 0; l < layerCount; l++) usesResidual = emitLayer(layerAt(l), l) || usesResidual;
  if (readout < 0) {
    step(STEP_COPY, BUFFER_OUTPUT, BUFFER_STATE);
  } else {
    step(STEP_ZERO, BUFFER_OUTPUT);
    step(STEP_PRODUCT, readout, BUFFER_OUTPUT, BUFFER_STATE);
  }
  return usesResidual;
}

function emitLayer(layer: LayerInfo, l: i32): bool {
  const first = l == 0;
  step(STEP_INIT, l, first ? 1 : 0);
  let residual = BUFFER_INPUT;
  if (layer.residual >= 0 && !first) {
    residual = BUFFER_RESIDUAL;
    step(STEP_COPY, BUFFER_RESIDUAL, BUFFER_INPUT);
    step(STEP_PRODUCT_SUB, layer.residual, BUFFER_RESIDUAL, BUFFER_STATE); // r = y - A x
  }
  for (let k: i32 = 0; k < layer.termCount; k++) {
    const term = layer.terms + <usize>(k * <i32>TERM_BYTES);
    const source = <i32>load<u8>(term, 4);
    const index = <i32>load<u32>(term);
    if (source == TERM_SOURCE_STATE && first) continue;
    const m = matrixAt(index);
    if (source == TERM_SOURCE_INPUT && m.productBuffer != 0) {
      step(STEP_ADD, BUFFER_PREACTIVATION, m.productBuffer);
      continue;
    }
    step(STEP_PRODUCT, index, BUFFER_PREACTIVATION, source == TERM_SOURCE_STATE ? BUFFER_STATE : source == TERM_SOURCE_INPUT ? BUFFER_INPUT : residual);
  }
  step(STEP_UPDATE, l);
  return residual == BUFFER_RESIDUAL;
}

/** Word `index` of the steps (STEP_WORDS per step), for plan_query. */
export function stepWord(index: i32): i32 {
  return load<i32>(steps + (<usize>index << 2));
}

/** The matrix whose product with y shared buffer BUFFER_PRODUCT_0 + k holds. */
export function productMatrix(k: i32): i32 {
  return load<i32>(productMatrices + (<usize>k << 2));
}
