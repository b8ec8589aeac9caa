/**
 * The generic PIBiNN runtime: one prebuilt module (SIMD and scalar builds of this source) that
 * loads any .pibinn container at run time. It imports nothing. ABI and status codes:
 * docs/embedding.md. Typical host sequence: `p = alloc_container(n)`, copy the n container
 * bytes to p, `load(p, n)` (0 = OK), write inputs at input_ptr(), `infer_batch(count)`, read
 * outputs at output_ptr(). Memory grows during alloc_container / load, so views of it must be
 * taken after those calls.
 */
import { arenaReset, arenaStart, READ_SLACK, reserve } from './arena';
import { inferGroup } from './infer';
import { loadContainer } from './load';
import { batchGroup, inputBuffer, inputSize, loaded, maxBatch, nameAddress, nameLength, outputBuffer, outputSize, setLoaded, stateSize } from './model';
import { outsideTolerance } from '../self-test';
import { SELF_TEST_CONTAINER, SELF_TEST_CONTAINER_BYTES, SELF_TEST_EXPECTED, SELF_TEST_INPUT } from './self-test-data';
import { BAD_ARGUMENT, NO_MODEL, OK, SELF_TEST_FAILED, fail, resetStatus, statusCode, statusDetail, statusOffset, D_NONE, D_SIZE } from './status';

let containerAt: usize = 0;
let containerCapacity: i32 = 0;

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
    fail(BAD_ARGUMENT, D_SIZE, -1);
    return 0;
  }
  // Kernels read sign words up to 8 bytes past a payload: keep slack after the container.
  const at = reserve(<u64>length + READ_SLACK);
  if (at == 0) return 0;
  containerAt = at;
  containerCapacity = length;
  return at;
}

/** Verifies and prepares the container copied to `ptr` (from alloc_container); 0 = OK, else a status code. */
export function load(ptr: usize, length: i32): i32 {
  setLoaded(false);
  resetStatus();
  if (containerAt == 0 || ptr != containerAt || length < 0 || length > containerCapacity) {
    fail(BAD_ARGUMENT, D_SIZE, -1);
    return statusCode();
  }
  return loadContainer(ptr, <i64>length);
}

/** Status of the last alloc_container / load / self_test, with its rule and container byte offset (-1 if none). */
export function error_code(): i32 {
  return statusCode();
}

export function error_detail(): i32 {
  return statusDetail();
}

export function error_offset(): i32 {
  return statusOffset();
}

/** Input slot 0 -> output slot 0; returns 0, or NO_MODEL when no container is loaded. */
export function infer(): i32 {
  if (!loaded) return NO_MODEL;
  inferGroup(inputBuffer, outputBuffer, 1);
  return OK;
}

/** Runs slots 0 .. min(max(count, 0), max_batch()) - 1, a batch group at a time; returns how many it ran (0 without a model). */
export function infer_batch(count: i32): i32 {
  if (!loaded) return 0;
  const n = min(max(count, 0), maxBatch);
  for (let b: i32 = 0; b < n; b += batchGroup) {
    inferGroup(inputBuffer + (<usize>b * <usize>inputSize << 2), outputBuffer + (<usize>b * <usize>outputSize << 2), min(batchGroup, n - b));
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

/** The model's name: UTF-8 bytes at model_name_ptr(), model_name_length() of them. */
export function model_name_ptr(): usize {
  return loaded ? nameAddress : 0;
}

export function model_name_length(): i32 {
  return loaded ? nameLength : 0;
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
  if (status != OK) return status;
  memory.copy(inputBuffer, SELF_TEST_INPUT, <usize>inputSize << 2);
  inferGroup(inputBuffer, outputBuffer, 1);
  if (outsideTolerance(outputBuffer, SELF_TEST_EXPECTED, outputSize, 1e-5, 1e-6)) fail(SELF_TEST_FAILED, D_NONE, -1);
  return statusCode();
}
