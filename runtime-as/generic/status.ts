/**
 * Status of the last `load` (docs/embedding.md lists every value): a category code, a detail
 * code naming the rule, and the container byte offset it concerns. AssemblyScript has no
 * exceptions, so every check returns false after recording the first failure and callers
 * unwind by returning; nothing runs on a container after its first failure.
 */

// Categories (the `load` return value). Mirrors the container verifier's PB50x codes.
export const OK: i32 = 0;
export const NOT_A_CONTAINER: i32 = 1; // PB501: size or file identifier
export const OUT_OF_BOUNDS: i32 = 2; // PB502: truncated, offset / table / vector outside the buffer
export const MISALIGNED: i32 = 3; // PB503
export const CHECKSUM_MISMATCH: i32 = 4; // PB504
export const INCONSISTENT: i32 = 5; // PB505: a model rule is broken
export const UNSUPPORTED_VERSION: i32 = 6; // PB506
export const LIMIT_EXCEEDED: i32 = 7; // PB401: over this runtime's limits (memory, counts)
export const BAD_ARGUMENT: i32 = 8; // load(ptr, len) not matching alloc_container
export const NO_MODEL: i32 = 9; // infer without a loaded model
export const SELF_TEST_FAILED: i32 = 10; // self_test: outputs outside tolerance

// Details: which rule failed (error_detail()).
export const D_NONE: i32 = 0;
export const D_SIZE: i32 = 1;
export const D_IDENTIFIER: i32 = 2;
export const D_OFFSET: i32 = 3;
export const D_VTABLE: i32 = 4;
export const D_TABLE: i32 = 5;
export const D_FIELD: i32 = 6;
export const D_VECTOR: i32 = 7;
export const D_STRING: i32 = 8;
export const D_REFERENCED_TWICE: i32 = 9;
export const D_REQUIRED_FIELD: i32 = 10;
export const D_NAME: i32 = 11;
export const D_SCALE: i32 = 12;
export const D_SIZE_ZERO: i32 = 13;
export const D_NO_LAYERS: i32 = 14;
export const D_READOUT: i32 = 15;
export const D_METADATA: i32 = 16;
export const D_MATRIX_ID: i32 = 17;
export const D_DUPLICATE_ID: i32 = 18;
export const D_STRUCTURE_KIND: i32 = 19;
export const D_STRUCTURE_FIELD: i32 = 20;
export const D_BLOCK_DIAGONAL: i32 = 21;
export const D_BLOCK_OUTSIDE: i32 = 22;
export const D_BLOCKS_OVERLAP: i32 = 23;
export const D_PAYLOAD_LENGTH: i32 = 24;
export const D_PADDING_BITS: i32 = 25;
export const D_NNZ: i32 = 26;
export const D_GAIN: i32 = 27;
export const D_ENCODING: i32 = 28;
export const D_QUANTIZATION_ERROR: i32 = 29;
export const D_TERM_SOURCE: i32 = 30;
export const D_MATRIX_INDEX: i32 = 31;
export const D_MATRIX_FIT: i32 = 32;
export const D_RESIDUAL: i32 = 33;
export const D_SKIP: i32 = 34;
export const D_PARAMETER: i32 = 35;
export const D_PARAMETER_VECTOR: i32 = 36;
export const D_THRESHOLD_KIND: i32 = 37;
export const D_RELAX: i32 = 38;
export const D_MEMORY: i32 = 39;
export const D_COUNT: i32 = 40;
export const D_UTF8: i32 = 41;

let code: i32 = OK;
let detail: i32 = D_NONE;
let offset: i32 = -1;

export function resetStatus(): void {
  code = OK;
  detail = D_NONE;
  offset = -1;
}

/** Records the first failure and returns false, so checks read `if (!x) return fail(...)`. */
export function fail(category: i32, why: i32, at: i64): bool {
  if (code == OK) {
    code = category;
    detail = why;
    offset = at >= 0 && at <= <i64>i32.MAX_VALUE ? <i32>at : -1;
  }
  return false;
}

export function failed(): bool {
  return code != OK;
}

export function statusCode(): i32 {
  return code;
}

export function statusDetail(): i32 {
  return detail;
}

export function statusOffset(): i32 {
  return offset;
}
