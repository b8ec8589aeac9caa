/**
 * `load`: verifies a container in place with the rules and the order of
 * compiler/container/verify.ts (identifier and root, checksum, schema version, then every table
 * and model rule), prepares each matrix and layer as it goes, and finally reserves the inference
 * buffers. The model becomes runnable only when everything succeeded.
 */
import { reserve } from './arena';
import { crc32WithHole } from './crc32';
import { bufferBase, bufferLength, fieldAt, fieldF64, fieldString, fieldU32, fieldVector, field, follow, lastLength, openBuffer, table, u32At, u8At } from './flatbuffer';
import { isJson } from './json-check';
import { BATCH_GROUP, batchScratchBytes, chooseKernel, tableBytes } from '../kernel-choice';
import { diagonalScratchBytes } from '../banded-diagonals';
import { KIND_BLOCK_DIAGONAL, KIND_DENSE, LAYER_INFO_BYTES, layerAt, MATRIX_INFO_BYTES, matrixAt, matrixCount, setBuffers, setLoaded, setLookupTable, setName, setSizes, setTables } from './model';
import {
  fail, failed, resetStatus, statusCode, CHECKSUM_MISMATCH, INCONSISTENT, NOT_A_CONTAINER, UNSUPPORTED_VERSION, D_DUPLICATE_ID, D_IDENTIFIER,
  D_METADATA, D_NAME, D_NONE, D_NO_LAYERS, D_READOUT, D_REQUIRED_FIELD, D_SCALE, D_SIZE, D_SIZE_ZERO,
} from './status';
import { verifyLayer } from './verify-layer';
import { verifyMatrix } from './verify-matrix';

/** The container schema version this runtime reads (compiler/container/format.ts). */
export const SCHEMA_VERSION: i64 = 1;

const SLOT_SCHEMA_VERSION = 0;
const SLOT_CHECKSUM = 1;
const SLOT_NAME = 2;
const SLOT_DESCRIPTION = 3;
const SLOT_SCALE = 4;
const SLOT_STATE = 5;
const SLOT_INPUT_NAME = 6;
const SLOT_INPUT_SIZE = 7;
const SLOT_OUTPUT_NAME = 8;
const SLOT_OUTPUT_SIZE = 9;
const SLOT_MATRICES = 10;
const SLOT_LAYERS = 11;
const SLOT_READOUT = 12;
const SLOT_METADATA = 13;

const HEADER_BYTES: i64 = 8;
const MAX_CONTAINER_BYTES: i64 = 0x7fffffff;
/** Input vectors per infer_batch: up to 64, within 4 MiB of input + output buffers (as codegen/layout.ts). */
const BATCH_BUFFER_BUDGET: u64 = 4 * 1024 * 1024;
const DEFAULT_MAX_BATCH: u64 = 64;

/** Verifies and prepares the `length` bytes at `at` (16-byte aligned, followed by readable slack); returns the status. */
export function loadContainer(at: usize, length: i64): i32 {
  resetStatus();
  setLoaded(false);
  const ok = verifyAndPrepare(at, length);
  setLoaded(ok);
  return statusCode();
}

function verifyAndPrepare(at: usize, length: i64): bool {
  if (length < HEADER_BYTES || length > MAX_CONTAINER_BYTES) return fail(NOT_A_CONTAINER, D_SIZE, 0);
  if (load<u32>(at, 4) != 0x4e4e4250) return fail(NOT_A_CONTAINER, D_IDENTIFIER, 4); // "PBNN", little-endian
  const claims = reserve(<u64>(length >> 5) + 1);
  if (claims == 0) return false;
  openBuffer(at, length, claims);
  const root = follow(0);
  return root >= 0 && table(root) && checksum(root) && schemaVersion(root) && model(root);
}

function checksum(root: i64): bool {
  const position = field(root, SLOT_CHECKSUM, 4);
  if (position < 0) return false;
  if (position == 0) return fail(INCONSISTENT, D_REQUIRED_FIELD, root);
  const actual = crc32WithHole(bufferBase(), <usize>bufferLength(), bufferBase() + <usize>position);
  return u32At(position) == actual ? true : fail(CHECKSUM_MISMATCH, D_NONE, position);
}

function schemaVersion(root: i64): bool {
  const version = fieldU32(root, SLOT_SCHEMA_VERSION, 0);
  if (failed()) return false;
  return version >= 1 && version <= SCHEMA_VERSION ? true : fail(UNSUPPORTED_VERSION, D_NONE, fieldAt(root, SLOT_SCHEMA_VERSION));
}

function model(root: i64): bool {
  const name = fieldString(root, SLOT_NAME);
  if (name < 0) return false;
  if (name == 0 || !validModelName(name, lastLength)) return fail(INCONSISTENT, D_NAME, fieldAt(root, SLOT_NAME));
  const nameLength = lastLength;
  if (fieldString(root, SLOT_DESCRIPTION) < 0) return false;
  const scale = fieldF64(root, SLOT_SCALE, 0);
  if (failed()) return false;
  if (!(isFinite(scale) && scale > 0)) return fail(INCONSISTENT, D_SCALE, fieldAt(root, SLOT_SCALE));
  const state = requiredSize(root, SLOT_STATE);
  if (state < 0 || !requiredString(root, SLOT_INPUT_NAME)) return false;
  const inputSize = requiredSize(root, SLOT_INPUT_SIZE);
  if (inputSize < 0 || !requiredString(root, SLOT_OUTPUT_NAME)) return false;
  const outputSize = requiredSize(root, SLOT_OUTPUT_SIZE);
  if (outputSize < 0) return false;

  const matrixTable = tables(root, SLOT_MATRICES, MATRIX_INFO_BYTES);
  if (failed()) return false;
  const matrixTotal = <i32>lastTableCount;
  setTables(matrixTable, matrixTotal, 0, 0, -1);
  for (let i: i32 = 0; i < matrixTotal; i++) {
    const m = matrixAt(i);
    if (!verifyMatrix(m, scale)) return false;
    if (duplicateId(i)) return fail(INCONSISTENT, D_DUPLICATE_ID, m.tablePos);
  }
  const layerTable = tables(root, SLOT_LAYERS, LAYER_INFO_BYTES);
  if (failed()) return false;
  const layerCount = <i32>lastTableCount;
  if (layerCount == 0) return fail(INCONSISTENT, D_NO_LAYERS, fieldAt(root, SLOT_LAYERS));
  setTables(matrixTable, matrixTotal, layerTable, layerCount, -1);
  for (let l: i32 = 0; l < layerCount; l++) {
    if (!verifyLayer(layerAt(l), l, matrixTotal, state, inputSize)) return false;
  }

  const readout = fieldU32(root, SLOT_READOUT, -1);
  if (failed()) return false;
  if (readout < 0) {
    if (outputSize != state) return fail(INCONSISTENT, D_READOUT, fieldAt(root, SLOT_OUTPUT_SIZE));
  } else {
    if (readout >= <i64>matrixTotal) return fail(INCONSISTENT, D_READOUT, fieldAt(root, SLOT_READOUT));
    const m = matrixAt(<i32>readout);
    if (m.rows != outputSize || m.cols != state) return fail(INCONSISTENT, D_READOUT, fieldAt(root, SLOT_READOUT));
  }
  if (!metadata(root)) return false;

  setTables(matrixTable, matrixTotal, layerTable, layerCount, <i32>readout);
  setName(bufferBase() + <usize>name, <i32>nameLength);
  return reserveBuffers(state, inputSize, outputSize);
}

/** [A-Za-z0-9_.-]{1,64} */
function validModelName(start: i64, count: i64): bool {
  if (count < 1 || count > 64) return false;
  for (let k: i64 = 0; k < count; k++) {
    const c = u8At(start + k);
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x5f || c == 0x2e || c == 0x2d;
    if (!ok) return false;
  }
  return true;
}

function requiredSize(root: i64, slot: i32): i64 {
  const size = fieldU32(root, slot, 0);
  if (failed()) return -1;
  if (size < 1) {
    fail(INCONSISTENT, D_SIZE_ZERO, fieldAt(root, slot));
    return -1;
  }
  return size;
}

function requiredString(root: i64, slot: i32): bool {
  const at = fieldString(root, slot);
  if (at < 0) return false;
  return at > 0 ? true : fail(INCONSISTENT, D_REQUIRED_FIELD, root);
}

let lastTableCount: i64 = 0;

/**
 * A vector of tables: checks every element table first (as the TypeScript verifier does), and
 * returns an arena array of info records (`recordBytes` each) holding each table's position.
 */
function tables(root: i64, slot: i32, recordBytes: u64): usize {
  lastTableCount = 0;
  const elements = fieldVector(root, slot, 4, 4);
  if (elements <= 0) return 0;
  const count = lastLength;
  const records = reserve(<u64>count * recordBytes);
  if (records == 0) return 0;
  for (let i: i64 = 0; i < count; i++) {
    const at = follow(elements + 4 * i);
    if (at < 0 || !table(at)) return 0;
    store<i64>(records + <usize>(<u64>i * recordBytes), at); // tablePos is each record's first field
  }
  lastTableCount = count;
  return records;
}

/** Whether matrix i's id equals an earlier one's. Quadratic in the matrix count, which models keep small. */
function duplicateId(i: i32): bool {
  const m = matrixAt(i);
  for (let j: i32 = 0; j < i; j++) {
    const other = matrixAt(j);
    if (other.idLength == m.idLength && memory.compare(bufferBase() + <usize>other.idStart, bufferBase() + <usize>m.idStart, <usize>m.idLength) == 0) return true;
  }
  return false;
}

function metadata(root: i64): bool {
  const json = fieldString(root, SLOT_METADATA);
  if (json <= 0) return json == 0;
  const count = lastLength;
  const stack = reserve(<u64>count + 1);
  if (stack == 0) return false;
  return isJson(bufferBase() + <usize>json, <usize>count, stack) ? true : fail(INCONSISTENT, D_METADATA, json);
}

/** Scratch of one product's kernel: its batch-1 table, or at `group` > 1 its batch-inner scratch (as a specialized module's scratch:lut). */
function scratchBytes(rows: i32, cols: i32, group: i32): i32 {
  const bytes = tableBytes(chooseKernel(rows, cols, true), cols);
  return bytes > 0 && group > 1 ? max(bytes, batchScratchBytes(rows, cols, group)) : bytes;
}

/** The largest scratch any lookup kernel takes. */
function lookupTableBytes(group: i32): i32 {
  let bytes: i32 = 0;
  for (let i: i32 = 0; i < matrixCount; i++) {
    const m = matrixAt(i);
    if (m.kind == KIND_DENSE) bytes = max(bytes, scratchBytes(<i32>m.rows, <i32>m.cols, group));
    else if (m.kind == KIND_BLOCK_DIAGONAL) bytes = max(bytes, scratchBytes(m.blockRows, m.blockCols, group));
  }
  return bytes;
}

/** The largest padded x of a banded product run over diagonals. */
function diagonalBytes(): i32 {
  let bytes: i32 = 0;
  for (let i: i32 = 0; i < matrixCount; i++) {
    const m = matrixAt(i);
    if (m.diagonals) bytes = max(bytes, diagonalScratchBytes(<i32>m.rows, m.lower, m.upper));
  }
  return bytes;
}

/** State, pre-activation, residual and cached-product vectors (a batch group of each), the batch buffers, then the lookup tables. */
function reserveBuffers(state: i64, inputSize: i64, outputSize: i64): bool {
  const perVector = <u64>(inputSize + outputSize) << 2;
  const batch = max<u64>(1, min<u64>(DEFAULT_MAX_BATCH, BATCH_BUFFER_BUDGET / perVector));
  // Batch-inner groups only where a lookup kernel runs (the rule of codegen/kernel-selection.ts's batchGroup).
  const group: u64 = lookupTableBytes(1) > 0 ? min<u64>(batch, <u64>BATCH_GROUP) : 1;
  const x = reserve(group * <u64>state << 2);
  const z = reserve(group * <u64>state << 2);
  const r = reserve(group * <u64>inputSize << 2);
  if (failed()) return false;
  const input = reserve(batch * <u64>inputSize << 2);
  const output = reserve(batch * <u64>outputSize << 2);
  if (failed()) return false;
  for (let i: i32 = 0; i < matrixCount; i++) {
    const m = matrixAt(i);
    if (m.inputUses >= 2) {
      m.product = reserve(group * <u64>state << 2);
      if (failed()) return false;
    }
  }
  const tables = max(lookupTableBytes(<i32>group), diagonalBytes());
  if (tables > 0) {
    setLookupTable(reserve(<u64>tables));
    if (failed()) return false;
  }
  setBuffers(x, z, r, input, output);
  setSizes(<i32>state, <i32>inputSize, <i32>outputSize, <i32>batch, <i32>group);
  return true;
}
