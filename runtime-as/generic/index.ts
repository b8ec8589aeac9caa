/**
 * The generic PIBiNN runtime: one prebuilt module (SIMD and scalar builds of this source) that
 * loads any .pibinn container at run time. It imports nothing. ABI: docs/abi.md. Typical host
 * sequence: optionally `set_option(o, v)`, `p = alloc_container(n)`, copy the n container bytes
 * to p, `load(p, n)` (0 = OK), write inputs at input_ptr(), `infer_batch(count)`, read outputs
 * at output_ptr(). Memory grows during alloc_container / load, so views of it must be taken after
 * those calls. `plan_query` describes the loaded model's execution plan, which the TypeScript
 * compiler reads to build specialized modules from the very same plan.
 */
import {
  DETAIL_NONE, DETAIL_SIZE, QUERY_BATCH_GROUP, QUERY_LAYER_BIAS, QUERY_LAYER_BIAS_VECTOR, QUERY_LAYER_KEEP, QUERY_LAYER_RELAX, QUERY_LAYER_SKIP,
  QUERY_LAYER_THETA, QUERY_LAYER_THETA_VECTOR, QUERY_LAYER_THRESHOLD, QUERY_MATRIX_BIT_LAYOUT, QUERY_MATRIX_COEF, QUERY_MATRIX_GROUP_SCRATCH_BYTES,
  QUERY_MATRIX_KERNEL, QUERY_MATRIX_LOWER, QUERY_MATRIX_REASON, QUERY_MATRIX_SCRATCH_BYTES, QUERY_MATRIX_SEGMENT_BYTES, QUERY_MATRIX_SEGMENTS,
  QUERY_MATRIX_SIGN_BYTES, QUERY_MATRIX_SIGNS, QUERY_MATRIX_TABLE, QUERY_MATRIX_TABLE_BYTES, QUERY_MATRIX_TABLE_COLUMNS, QUERY_MATRIX_TABLE_ROWS,
  QUERY_MATRIX_UPPER, QUERY_MAX_BATCH, QUERY_PRODUCT_COUNT, QUERY_PRODUCT_MATRIX, QUERY_SCRATCH_BYTES, QUERY_STEP_COUNT, QUERY_STEP_WORD,
  READ_SLACK_BYTES, SPEC_ABSOLUTE_TOLERANCE, SPEC_RELATIVE_TOLERANCE, STATUS_BAD_ARGUMENT, STATUS_NO_MODEL, STATUS_NOT_A_CONTAINER, STATUS_OK,
  STATUS_SELF_TEST_FAILED, STEP_WORDS,
} from '../generated/constants';
import { arenaReset, arenaStart, reserve } from './arena';
import { runGroup } from './execute';
import { loadContainer } from './load';
import { batchGroup, inputSize, layerAt, layerCount, loaded, matrixAt, matrixCount, maxBatch, nameAddress, nameLength, outputSize, setLoaded, stateSize } from './model';
import { setOption } from './options';
import { inputBuffer, outputBuffer, productCount, productMatrix, scratchBytes, stateBuffer, stepCount, stepWord } from './plan';
import { outsideTolerance } from '../self-test';
import { SELF_TEST_CONTAINER, SELF_TEST_CONTAINER_BYTES, SELF_TEST_EXPECTED, SELF_TEST_INPUT } from './self-test-data';
import { fail, resetStatus, statusCode, statusDetail, statusInfo, statusOffset } from './status';

let containerAt: usize = 0;
let containerCapacity: i32 = 0;

/** Sets a plan option (OPTION_ in docs/abi.md) for the next `load`; 0 = OK, else BAD_ARGUMENT. */
export function set_option(option: i32, value: f64): i32 {
  resetStatus();
  setOption(option, value);
  return statusCode();
}

/**
 * Unloads the current model and reserves room for a container of `length` bytes at a 16-byte
 * aligned address, which it returns (0 when `length` is not positive or over the memory limit).
 */
export function alloc_container(length: i32): usize {
  setLoaded(false);
  resetStatus();
  containerAt = 0;
  containerCapacity = 0;
  arenaReset(<u64>arenaStart());
  if (length <= 0) {
    fail(STATUS_BAD_ARGUMENT, DETAIL_SIZE, -1);
    return 0;
  }
  // Kernels read sign words past a payload: keep slack after the container.
  const at = reserve(<u64>length + READ_SLACK_BYTES);
  if (at == 0) return 0;
  containerAt = at;
  containerCapacity = length;
  return at;
}

/** Verifies, prepares and plans the container copied to `ptr` (from alloc_container); 0 = OK, else a status code. */
export function load(ptr: usize, length: i32): i32 {
  setLoaded(false);
  resetStatus();
  if (containerAt == 0 || ptr != containerAt || length < 0 || length > containerCapacity) {
    fail(STATUS_BAD_ARGUMENT, DETAIL_SIZE, -1);
    return statusCode();
  }
  // An empty file is not a container (rather than a bad argument): the same answer as for any other size.
  if (length == 0) {
    fail(STATUS_NOT_A_CONTAINER, DETAIL_SIZE, 0);
    return statusCode();
  }
  return loadContainer(ptr, <i64>length);
}

/** Status of the last set_option / alloc_container / load / self_test, with its rule and container byte offset (-1 if none). */
export function error_code(): i32 {
  return statusCode();
}

export function error_detail(): i32 {
  return statusDetail();
}

export function error_offset(): i32 {
  return statusOffset();
}

/** More about the last failure (ERROR_INFO_ in docs/abi.md): table, index, field, element, expected, found, the matrix id concerned. */
export function error_info(what: i32): f64 {
  return statusInfo(what);
}

/** Input slot 0 -> output slot 0; returns 0, or NO_MODEL when no container is loaded. */
export function infer(): i32 {
  if (!loaded) return STATUS_NO_MODEL;
  runGroup(inputBuffer, outputBuffer, 1);
  return STATUS_OK;
}

/** Runs slots 0 .. min(max(count, 0), max_batch()) - 1, a batch group at a time; returns how many it ran (0 without a model). */
export function infer_batch(count: i32): i32 {
  if (!loaded) return 0;
  const n = min(max(count, 0), maxBatch);
  for (let b: i32 = 0; b < n; b += batchGroup) {
    runGroup(inputBuffer + (<usize>b * <usize>inputSize << 2), outputBuffer + (<usize>b * <usize>outputSize << 2), min(batchGroup, n - b));
  }
  return n;
}

export function is_loaded(): i32 {
  return loaded ? 1 : 0;
}

export function input_ptr(): usize {
  return loaded ? inputBuffer : 0;
}

export function output_ptr(): usize {
  return loaded ? outputBuffer : 0;
}

/**
 * The state x of the group's first input after the last call (x of input b at
 * state_ptr() + 4 * state_size() * (b mod batch_group())), for layer-by-layer debugging.
 */
export function state_ptr(): usize {
  return loaded ? stateBuffer : 0;
}

export function input_size(): i32 {
  return loaded ? inputSize : 0;
}

export function output_size(): i32 {
  return loaded ? outputSize : 0;
}

export function state_size(): i32 {
  return loaded ? stateSize : 0;
}

export function max_batch(): i32 {
  return loaded ? maxBatch : 0;
}

/** Inputs infer_batch runs through the layers together (1 when no product has a batch-inner kernel). */
export function batch_group(): i32 {
  return loaded ? batchGroup : 0;
}

/** The model's name: UTF-8 bytes at model_name_ptr(), model_name_length() of them. */
export function model_name_ptr(): usize {
  return loaded ? nameAddress : 0;
}

export function model_name_length(): i32 {
  return loaded ? nameLength : 0;
}

/** One fact of the loaded model's execution plan (QUERY_ in docs/abi.md); NaN without a model or for an index out of range. */
export function plan_query(what: i32, index: i32): f64 {
  if (!loaded || index < 0) return NaN;
  if (what == QUERY_STEP_COUNT) return <f64>stepCount;
  if (what == QUERY_STEP_WORD) return index < stepCount * STEP_WORDS ? <f64>stepWord(index) : NaN;
  if (what == QUERY_MAX_BATCH) return <f64>maxBatch;
  if (what == QUERY_BATCH_GROUP) return <f64>batchGroup;
  if (what == QUERY_PRODUCT_COUNT) return <f64>productCount;
  if (what == QUERY_PRODUCT_MATRIX) return index < productCount ? <f64>productMatrix(index) : NaN;
  if (what == QUERY_SCRATCH_BYTES) return <f64>scratchBytes;
  if (what >= QUERY_MATRIX_KERNEL && what <= QUERY_MATRIX_UPPER) return index < matrixCount ? matrixFact(what, index) : NaN;
  if (what >= QUERY_LAYER_SKIP && what <= QUERY_LAYER_KEEP) return index < layerCount ? layerFact(what, index) : NaN;
  return NaN;
}

function matrixFact(what: i32, index: i32): f64 {
  const m = matrixAt(index);
  if (what == QUERY_MATRIX_KERNEL) return <f64>m.kernel;
  if (what == QUERY_MATRIX_REASON) return <f64>m.reason;
  if (what == QUERY_MATRIX_BIT_LAYOUT) return <f64>m.bitLayout;
  if (what == QUERY_MATRIX_TABLE_ROWS) return <f64>m.tableRows;
  if (what == QUERY_MATRIX_TABLE_COLUMNS) return <f64>m.tableColumns;
  if (what == QUERY_MATRIX_SCRATCH_BYTES) return <f64>m.scratchBytes;
  if (what == QUERY_MATRIX_GROUP_SCRATCH_BYTES) return <f64>m.groupScratchBytes;
  if (what == QUERY_MATRIX_SIGNS) return <f64>m.signs;
  if (what == QUERY_MATRIX_SIGN_BYTES) return <f64>m.signBytes;
  if (what == QUERY_MATRIX_TABLE) return <f64>m.table;
  if (what == QUERY_MATRIX_TABLE_BYTES) return <f64>m.tableBytes;
  if (what == QUERY_MATRIX_SEGMENTS) return <f64>m.segments;
  if (what == QUERY_MATRIX_SEGMENT_BYTES) return <f64>m.segmentBytes;
  if (what == QUERY_MATRIX_COEF) return <f64>m.coef;
  if (what == QUERY_MATRIX_LOWER) return <f64>m.lower;
  return <f64>m.upper;
}

function layerFact(what: i32, index: i32): f64 {
  const layer = layerAt(index);
  if (what == QUERY_LAYER_SKIP) return <f64>layer.skip;
  if (what == QUERY_LAYER_BIAS) return <f64>layer.bias;
  if (what == QUERY_LAYER_BIAS_VECTOR) return <f64>layer.biasVector;
  if (what == QUERY_LAYER_THRESHOLD) return <f64>layer.threshold;
  if (what == QUERY_LAYER_THETA) return <f64>layer.theta;
  if (what == QUERY_LAYER_THETA_VECTOR) return <f64>layer.thetaVector;
  if (what == QUERY_LAYER_RELAX) return <f64>layer.relax;
  return <f64>layer.keep;
}

/**
 * Loads the built-in container (the spec's minimal example, replacing any loaded model), runs its
 * input and compares with the float64 reference: 0 when it passes, else a status code. For hosts
 * that can only call zero-argument exports (wasm-interp --run-all-exports).
 */
export function self_test(): i32 {
  const at = alloc_container(SELF_TEST_CONTAINER_BYTES);
  if (at == 0) return statusCode();
  memory.copy(at, SELF_TEST_CONTAINER, <usize>SELF_TEST_CONTAINER_BYTES);
  const status = load(at, SELF_TEST_CONTAINER_BYTES);
  if (status != STATUS_OK) return status;
  memory.copy(inputBuffer, SELF_TEST_INPUT, <usize>inputSize << 2);
  runGroup(inputBuffer, outputBuffer, 1);
  if (outsideTolerance(outputBuffer, SELF_TEST_EXPECTED, outputSize, SPEC_RELATIVE_TOLERANCE, SPEC_ABSOLUTE_TOLERANCE)) fail(STATUS_SELF_TEST_FAILED, DETAIL_NONE, -1);
  return statusCode();
}
