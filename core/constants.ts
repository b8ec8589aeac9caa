/**
 * Constants shared by TypeScript and AssemblyScript, written once here. TypeScript imports this
 * module; scripts/generate-constants.ts writes its AssemblyScript copy
 * (runtime-as/generated/constants.ts, with the container schema's field slots and enums read from
 * schema/pibinn.fbs) and test/architecture/generated.test.ts fails when that copy is stale.
 */

/** Spec section 6: a build agrees with the float64 reference when the relative L2 error is at most this. */
export const SPEC_RELATIVE_TOLERANCE = 1e-5;
/** The absolute floor of that comparison, for outputs whose reference is (nearly) all zeros. */
export const SPEC_ABSOLUTE_TOLERANCE = 1e-6;

/** Bytes after every sign payload and table that kernels may read (unaligned 64-bit and v128 loads). */
export const READ_SLACK_BYTES = 16;
/** Alignment of every buffer the runtime and the specialized layouts place. */
export const BUFFER_ALIGNMENT = 16;
/** Linear memory stays addressable with i32 offsets: 2 GiB, for the generic runtime and every build. */
export const MEMORY_LIMIT_BYTES = 2 ** 31;
/** Input vectors per infer_batch call by default: up to 64, within 4 MiB of input + output buffers. */
export const DEFAULT_MAX_BATCH = 64;
export const BATCH_BUFFER_BUDGET_BYTES = 4 * 1024 * 1024;

/**
 * Status categories of the generic runtime (`load`'s return value, `error_code()`), each with the
 * diagnostic code it becomes in TypeScript.
 */
export const STATUS = {
  OK: { code: 0, diagnostic: null, text: 'ok' },
  NOT_A_CONTAINER: { code: 1, diagnostic: 'PB501', text: 'not a pibinn container' },
  OUT_OF_BOUNDS: { code: 2, diagnostic: 'PB502', text: 'container truncated or offset out of bounds' },
  MISALIGNED: { code: 3, diagnostic: 'PB503', text: 'container payload misaligned' },
  CHECKSUM_MISMATCH: { code: 4, diagnostic: 'PB504', text: 'checksum mismatch' },
  INCONSISTENT: { code: 5, diagnostic: 'PB505', text: 'container structure inconsistent' },
  UNSUPPORTED_VERSION: { code: 6, diagnostic: 'PB506', text: 'unsupported container schema version' },
  LIMIT_EXCEEDED: { code: 7, diagnostic: 'PB401', text: 'limit exceeded' },
  BAD_ARGUMENT: { code: 8, diagnostic: 'PB001', text: 'bad argument' },
  NO_MODEL: { code: 9, diagnostic: 'PB001', text: 'no model loaded' },
  SELF_TEST_FAILED: { code: 10, diagnostic: 'PB603', text: 'self test failed' },
} as const;

/**
 * Which rule failed (`error_detail()`), with the message TypeScript prints. Placeholders:
 * {matrix} the id of the matrix concerned, {field} the field's schema name, {expected} / {found}
 * the values the runtime recorded.
 */
export const DETAILS = {
  NONE: { code: 0, message: 'no detail' },
  SIZE: { code: 1, message: 'not a pibinn container: wrong size' },
  IDENTIFIER: { code: 2, message: 'not a pibinn container: wrong file identifier' },
  OFFSET: { code: 3, message: 'offset points outside the buffer' },
  VTABLE: { code: 4, message: 'invalid vtable' },
  TABLE: { code: 5, message: 'table lies outside the buffer' },
  FIELD: { code: 6, message: 'field lies outside its table' },
  VECTOR: { code: 7, message: 'vector lies outside the buffer' },
  STRING: { code: 8, message: 'string lies outside the buffer or is not 0-terminated' },
  REFERENCED_TWICE: { code: 9, message: 'object referenced twice' },
  REQUIRED_FIELD: { code: 10, message: 'required field "{field}" is missing' },
  NAME: { code: 11, message: 'invalid model name: expected 1..64 characters of [A-Za-z0-9_.-]' },
  SCALE: { code: 12, message: 'scale must be finite and positive' },
  SIZE_ZERO: { code: 13, message: '{field} must be at least 1' },
  NO_LAYERS: { code: 14, message: 'a model needs at least one layer' },
  READOUT: { code: 15, message: 'without a readout the output is the state: output_size must equal state' },
  METADATA: { code: 16, message: 'metadata is not valid JSON' },
  MATRIX_ID: { code: 17, message: 'invalid matrix id: expected an id matching [A-Za-z_][A-Za-z0-9_]{0,63}' },
  DUPLICATE_ID: { code: 18, message: 'duplicate matrix id "{matrix}"' },
  STRUCTURE_KIND: { code: 19, message: 'structure kind out of range' },
  STRUCTURE_FIELD: { code: 20, message: 'field "{field}" is set, but the matrix\'s structure kind does not use it' },
  BLOCK_DIAGONAL: { code: 21, message: 'block-diagonal blocks do not tile the matrix' },
  BLOCK_OUTSIDE: { code: 22, message: 'block lies outside the matrix' },
  BLOCKS_OVERLAP: { code: 23, message: 'blocks of matrix "{matrix}" overlap' },
  PAYLOAD_LENGTH: { code: 24, message: '{field} has the wrong length' },
  PADDING_BITS: { code: 25, message: 'padding bits of {field} are not zero' },
  NNZ: { code: 26, message: 'nnz of matrix "{matrix}" disagrees with its structure' },
  GAIN: { code: 27, message: 'gain must be finite and positive' },
  ENCODING: { code: 28, message: 'sign encoding out of range' },
  QUANTIZATION_ERROR: { code: 29, message: 'quantization_error must be present exactly for values encodings, finite and >= 0' },
  TERM_SOURCE: { code: 30, message: 'term source out of range' },
  MATRIX_INDEX: { code: 31, message: 'matrix index out of range' },
  MATRIX_FIT: { code: 32, message: 'matrix "{matrix}" does not fit its use' },
  RESIDUAL: { code: 33, message: 'a residual matrix is required exactly when a term uses the residual' },
  SKIP: { code: 34, message: 'skip must be finite' },
  PARAMETER: { code: 35, message: '{field} out of range (or set together with its vector)' },
  PARAMETER_VECTOR: { code: 36, message: '{field} length does not match state, or an element is out of range' },
  THRESHOLD_KIND: { code: 37, message: 'threshold kind out of range' },
  RELAX: { code: 38, message: 'relax out of range: expected 0 < relax <= 1' },
  MEMORY: { code: 39, message: 'the model needs more memory than the runtime may use' },
  COUNT: { code: 40, message: 'a count exceeds the runtime\'s limit' },
  UTF8: { code: 41, message: 'string is not valid UTF-8' },
  FLOAT32_RANGE: { code: 42, message: '{field} does not fit float32: the builds compute in float32, where it would overflow' },
  OPTION: { code: 43, message: 'unknown option or value out of range' },
  CHECKSUM: { code: 44, message: 'checksum mismatch: the file is damaged or was modified' },
  READOUT_FIT: { code: 46, message: 'readout matrix "{matrix}" does not fit: expected output_size x state' },
  SCHEMA_VERSION: { code: 45, message: 'container schema version {found} is not supported by this reader, which reads versions 1 to {expected}' },
} as const;

/** The table a failure concerns (ERROR_INFO.TABLE), so TypeScript can name its JSON path. */
export const ERROR_TABLES = { MODEL: 0, MATRIX: 1, LAYER: 2 } as const;

/**
 * Facts about the last failure, `error_info(what)` (f64): the table and its index (matrix or
 * layer, -1 for the root), the field's schema slot and the vector element (-1 if none), the
 * expected and found values (NaN if none), and the container position and length of the id of
 * the matrix concerned (-1 if none; TypeScript reads the id from its own copy of the bytes).
 */
export const ERROR_INFO = { TABLE: 0, INDEX: 1, FIELD: 2, ELEMENT: 3, EXPECTED: 4, FOUND: 5, SUBJECT_OFFSET: 6, SUBJECT_LENGTH: 7 } as const;

/**
 * Kernels a matrix's products can run (`PLAN_MATRIX_KERNEL`): flip-and-add from the sign bits,
 * partial-sum tables per 4 or 8 columns, a banded matrix's diagonals, or bit-serial popcounts
 * over k-bit activations.
 */
export const KERNELS = { FLIP_ADD: 0, LUT4: 1, LUT8: 2, DIAGONAL: 3, BIT_SERIAL: 4 } as const;

/** Why the kernel was chosen (`PLAN_MATRIX_REASON`), for the report. */
export const KERNEL_REASONS = {
  TABLE_SHARED: 0,
  COLUMNS_NOT_BYTE_ALIGNED: 1,
  TABLE_TOO_LARGE: 2,
  TOO_FEW_ROWS: 3,
  NO_TABLES: 4,
  ROWS_START_APART: 5,
  DIAGONALS: 6,
  DIAGONALS_PADDING: 7,
  BIT_SERIAL: 8,
} as const;

/** How a matrix's prepared sign bits are laid out (`PLAN_MATRIX_BIT_LAYOUT`, docs/abi.md). */
export const BIT_LAYOUTS = { CANONICAL: 0, BLOCK_MAJOR: 1, DIAGONAL_MAJOR: 2 } as const;

/**
 * Steps of the execution plan. Each step is four i32: op, then three operands.
 * ZERO (buffer), COPY (to, from), ADD (to, from): whole vectors of the buffer's length;
 * PRODUCT (matrix, to, from): to += coef * M from; PRODUCT_SUB: to -= coef * M from;
 * INIT (layer, stateIsZero): z = skip * x + bias (skip * x dropped when x is known to be 0);
 * UPDATE (layer): x = (1 - relax) x + relax * eta(z).
 */
export const STEP_OPS = { ZERO: 0, COPY: 1, ADD: 2, PRODUCT: 3, PRODUCT_SUB: 4, INIT: 5, UPDATE: 6 } as const;
export const STEP_WORDS = 4;

/**
 * Buffers the steps name. STATE x, PREACTIVATION z and PRODUCT_0 + k (the k-th product with y
 * that several layers share) hold `state` floats per input; RESIDUAL r holds input.size; INPUT
 * and OUTPUT are the current group's input and output vectors.
 */
export const BUFFERS = { STATE: 0, PREACTIVATION: 1, RESIDUAL: 2, INPUT: 3, OUTPUT: 4, PRODUCT_0: 5 } as const;

/** Questions `plan_query(what, index)` answers about the loaded model's plan (as f64). */
export const PLAN_QUERIES = {
  STEP_COUNT: 0,
  STEP_WORD: 1, // index = step * STEP_WORDS + word
  MAX_BATCH: 2,
  BATCH_GROUP: 3,
  PRODUCT_COUNT: 4,
  PRODUCT_MATRIX: 5, // index = k: the matrix whose product with y buffer PRODUCT_0 + k holds
  SCRATCH_BYTES: 6, // the table scratch every product shares: the largest need at the batch group
  MATRIX_KERNEL: 10,
  MATRIX_REASON: 11,
  MATRIX_BIT_LAYOUT: 12,
  MATRIX_TABLE_ROWS: 13,
  MATRIX_TABLE_COLUMNS: 14,
  MATRIX_SCRATCH_BYTES: 15, // at batch 1
  MATRIX_GROUP_SCRATCH_BYTES: 16, // at the batch group
  MATRIX_SIGNS: 17, // address of the prepared signs
  MATRIX_SIGN_BYTES: 18,
  MATRIX_TABLE: 19, // blocks: the block table; mask: the row starts
  MATRIX_TABLE_BYTES: 20,
  MATRIX_SEGMENTS: 21, // mask: the (col0, length) runs
  MATRIX_SEGMENT_BYTES: 22,
  MATRIX_COEF: 23, // f32(scale * gain)
  MATRIX_LOWER: 24, // banded: lower and upper clamped to the matrix
  MATRIX_UPPER: 25,
  LAYER_SKIP: 30,
  LAYER_BIAS: 31,
  LAYER_BIAS_VECTOR: 32, // address of state f32, 0 when scalar
  LAYER_THRESHOLD: 33,
  LAYER_THETA: 34,
  LAYER_THETA_VECTOR: 35,
  LAYER_RELAX: 36,
  LAYER_KEEP: 37, // f32(1 - relax)
} as const;

/**
 * Options a host sets before `load` (`set_option(option, value)`); they shape the plan.
 * TABLE_BYTES_LIMIT: the largest lookup table a product may build (0: none, flip-and-add only).
 * ACTIVATION_BITS: k in [2, 16] runs dense and block-diagonal products bit-serially (0: float32).
 * MAX_BATCH: input vectors per infer_batch call (0: the default). MEMORY_LIMIT: bytes of linear
 * memory the runtime may grow to (0: MEMORY_LIMIT_BYTES).
 */
export const OPTIONS = { TABLE_BYTES_LIMIT: 0, ACTIVATION_BITS: 1, MAX_BATCH: 2, MEMORY_LIMIT: 3 } as const;
/** The default largest table: tables larger than this would leave the L2 cache. */
export const DEFAULT_TABLE_BYTES_LIMIT = 512 * 1024;

/** Threshold kinds as the kernels take them (runtime-as/elementwise.ts; the container's enum differs). */
export const THRESHOLDS = { NONE: 0, SOFT: 1, HARD: 2, SOFT_NONNEG: 3 } as const;

/**
 * The threaded build's job record (runtime-as/threads.ts, runtime/threaded.ts): byte offsets of
 * its i32 fields and its size. SEQ is bumped per job (the helper waits on it); HELPER is 1 while
 * helper_loop runs, 0 once it returned, HELPER_FAILED once the host saw it fail; STOP ends
 * helper_loop; PRODUCT .. ID describe the open job; CLAIM is (chunks << 8) | next chunk;
 * FINISHED counts chunks done; HELPER_CHUNKS counts the chunks the helper ran in all.
 */
export const JOB = {
  SEQ: 0, HELPER: 8, STOP: 12, PRODUCT: 16, Z: 20, V: 24, COEF: 28, SIGNS: 32, ID: 36, CLAIM: 40, FINISHED: 44, HELPER_CHUNKS: 48, BYTES: 64,
} as const;
export const HELPER_FAILED = -1;
