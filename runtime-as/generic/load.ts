/**
 * `load`: verifies a container in place (identifier and root, checksum, schema version, then
 * every table and model rule), prepares each matrix for the kernel its plan chooses, then builds
 * the execution plan (plan.ts). The model becomes runnable only when everything succeeded.
 */
import {
  DETAIL_CHECKSUM, DETAIL_DUPLICATE_ID, DETAIL_IDENTIFIER, DETAIL_METADATA, DETAIL_NAME, DETAIL_NO_LAYERS, DETAIL_MATRIX_INDEX, DETAIL_READOUT, DETAIL_READOUT_FIT, DETAIL_SCHEMA_VERSION, DETAIL_REQUIRED_FIELD,
  DETAIL_SCALE, DETAIL_SIZE, DETAIL_SIZE_ZERO, ERROR_TABLE_LAYER, ERROR_TABLE_MATRIX, ERROR_TABLE_MODEL, MODEL_SLOT_CHECKSUM, MODEL_SLOT_DESCRIPTION,
  MODEL_SLOT_INPUT_NAME, MODEL_SLOT_INPUT_SIZE, MODEL_SLOT_LAYERS, MODEL_SLOT_MATRICES, MODEL_SLOT_METADATA_JSON, MODEL_SLOT_NAME, MODEL_SLOT_OUTPUT_NAME,
  MODEL_SLOT_OUTPUT_SIZE, MODEL_SLOT_READOUT, MODEL_SLOT_SCALE, MODEL_SLOT_SCHEMA_VERSION, MODEL_SLOT_STATE, STATUS_CHECKSUM_MISMATCH,
  STATUS_INCONSISTENT, STATUS_NOT_A_CONTAINER, STATUS_UNSUPPORTED_VERSION,
} from '../generated/constants';
import { arenaMark, arenaReset, reserve } from './arena';
import { crc32WithHole } from './crc32';
import { bufferBase, bufferLength, fieldAt, fieldF64, fieldString, fieldU32, fieldVector, field, follow, lastLength, openBuffer, table, u32At, u8At } from './flatbuffer';
import { isJson } from './json-check';
import { LAYER_INFO_BYTES, LayerInfo, MATRIX_INFO_BYTES, matrixAt, setLoaded, setModel, setName } from './model';
import { buildPlan } from './plan';
import { enterTable, fail, failAbout, failed, resetStatus, statusCode } from './status';
import { verifyLayer } from './verify-layer';
import { verifyMatrix } from './verify-matrix';

/** The container schema version this runtime reads (compiler/container/format.ts). */
export const SCHEMA_VERSION: i64 = 1;

const HEADER_BYTES: i64 = 8;
const MAX_CONTAINER_BYTES: i64 = 0x7fffffff;

/** Verifies, prepares and plans the `length` bytes at `at` (16-byte aligned, followed by readable slack); returns the status. */
export function loadContainer(at: usize, length: i64): i32 {
  resetStatus();
  setLoaded(false);
  const ok = verifyModel(at, length) && buildPlan();
  setLoaded(ok);
  return statusCode();
}

function verifyModel(at: usize, length: i64): bool {
  if (length < HEADER_BYTES || length > MAX_CONTAINER_BYTES) return fail(STATUS_NOT_A_CONTAINER, DETAIL_SIZE, 0, -1, -1, <f64>HEADER_BYTES, <f64>length);
  if (load<u32>(at, 4) != 0x4e4e4250) return fail(STATUS_NOT_A_CONTAINER, DETAIL_IDENTIFIER, 4); // "PBNN", little-endian
  const claims = reserve(<u64>(length >> 5) + 1);
  if (claims == 0) return false;
  openBuffer(at, length, claims);
  const root = follow(0);
  return root >= 0 && table(root) && checksum(root) && schemaVersion(root) && model(root);
}

function checksum(root: i64): bool {
  const position = field(root, MODEL_SLOT_CHECKSUM, 4);
  if (position < 0) return false;
  if (position == 0) return fail(STATUS_INCONSISTENT, DETAIL_REQUIRED_FIELD, root, MODEL_SLOT_CHECKSUM);
  const actual = crc32WithHole(bufferBase(), <usize>bufferLength(), bufferBase() + <usize>position);
  const stored = u32At(position);
  return stored == actual ? true : fail(STATUS_CHECKSUM_MISMATCH, DETAIL_CHECKSUM, position, MODEL_SLOT_CHECKSUM, -1, <f64>actual, <f64>stored);
}

function schemaVersion(root: i64): bool {
  const version = fieldU32(root, MODEL_SLOT_SCHEMA_VERSION, 0);
  if (failed()) return false;
  if (version >= 1 && version <= SCHEMA_VERSION) return true;
  return fail(STATUS_UNSUPPORTED_VERSION, DETAIL_SCHEMA_VERSION, fieldAt(root, MODEL_SLOT_SCHEMA_VERSION), MODEL_SLOT_SCHEMA_VERSION, -1, <f64>SCHEMA_VERSION, <f64>version);
}

function model(root: i64): bool {
  const name = fieldString(root, MODEL_SLOT_NAME);
  if (name < 0) return false;
  if (name == 0 || !validModelName(name, lastLength)) return fail(STATUS_INCONSISTENT, DETAIL_NAME, fieldAt(root, MODEL_SLOT_NAME), MODEL_SLOT_NAME);
  const nameLength = lastLength;
  if (fieldString(root, MODEL_SLOT_DESCRIPTION) < 0) return false;
  const scale = fieldF64(root, MODEL_SLOT_SCALE, 0);
  if (failed()) return false;
  if (!(isFinite(scale) && scale > 0)) return fail(STATUS_INCONSISTENT, DETAIL_SCALE, fieldAt(root, MODEL_SLOT_SCALE), MODEL_SLOT_SCALE, -1, NaN, scale);
  const state = requiredSize(root, MODEL_SLOT_STATE);
  if (state < 0 || !requiredString(root, MODEL_SLOT_INPUT_NAME)) return false;
  const inputSize = requiredSize(root, MODEL_SLOT_INPUT_SIZE);
  if (inputSize < 0 || !requiredString(root, MODEL_SLOT_OUTPUT_NAME)) return false;
  const outputSize = requiredSize(root, MODEL_SLOT_OUTPUT_SIZE);
  if (outputSize < 0) return false;

  const matrixTable = tables(root, MODEL_SLOT_MATRICES, MATRIX_INFO_BYTES);
  if (failed()) return false;
  const matrixCount = <i32>lastTableCount;
  setModel(<i32>state, <i32>inputSize, <i32>outputSize, matrixTable, matrixCount, 0, 0, -1);
  for (let i: i32 = 0; i < matrixCount; i++) {
    enterTable(ERROR_TABLE_MATRIX, i);
    if (!verifyMatrix(matrixAt(i), scale)) return false;
  }
  enterTable(ERROR_TABLE_MODEL, -1);
  if (!uniqueIds(matrixCount)) return false;
  const layerTable = tables(root, MODEL_SLOT_LAYERS, LAYER_INFO_BYTES);
  if (failed()) return false;
  const layerCount = <i32>lastTableCount;
  if (layerCount == 0) return fail(STATUS_INCONSISTENT, DETAIL_NO_LAYERS, fieldAt(root, MODEL_SLOT_LAYERS), MODEL_SLOT_LAYERS);
  for (let l: i32 = 0; l < layerCount; l++) {
    enterTable(ERROR_TABLE_LAYER, l);
    if (!verifyLayer(layerAtTable(layerTable, l), matrixCount, state, inputSize)) return false;
  }
  enterTable(ERROR_TABLE_MODEL, -1);
  const readout = verifyReadout(root, matrixCount, state, outputSize);
  if (readout < -1 || !metadata(root)) return false;

  setModel(<i32>state, <i32>inputSize, <i32>outputSize, matrixTable, matrixCount, layerTable, layerCount, <i32>readout);
  setName(bufferBase() + <usize>name, <i32>nameLength);
  return true;
}

@inline function layerAtTable(layerTable: usize, l: i32): LayerInfo {
  return changetype<LayerInfo>(layerTable + <usize>l * <usize>LAYER_INFO_BYTES);
}

/** The readout's matrix index (output_size x state), -1 without one (output = state), -2 on failure. */
function verifyReadout(root: i64, matrixCount: i32, state: i64, outputSize: i64): i64 {
  const readout = fieldU32(root, MODEL_SLOT_READOUT, -1);
  if (failed()) return -2;
  const at = fieldAt(root, MODEL_SLOT_READOUT);
  if (readout < 0) {
    if (outputSize == state) return -1;
    fail(STATUS_INCONSISTENT, DETAIL_READOUT, fieldAt(root, MODEL_SLOT_OUTPUT_SIZE), MODEL_SLOT_OUTPUT_SIZE, -1, <f64>state, <f64>outputSize);
    return -2;
  }
  if (readout >= <i64>matrixCount) {
    fail(STATUS_INCONSISTENT, DETAIL_MATRIX_INDEX, at, MODEL_SLOT_READOUT, -1, <f64>matrixCount, <f64>readout);
    return -2;
  }
  const m = matrixAt(<i32>readout);
  if (m.rows != outputSize || m.cols != state) {
    failAbout(m.idStart, m.idLength, STATUS_INCONSISTENT, DETAIL_READOUT_FIT, at, MODEL_SLOT_READOUT);
    return -2;
  }
  return readout;
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
    fail(STATUS_INCONSISTENT, DETAIL_SIZE_ZERO, fieldAt(root, slot), slot, -1, 1, <f64>size);
    return -1;
  }
  return size;
}

function requiredString(root: i64, slot: i32): bool {
  const at = fieldString(root, slot);
  if (at < 0) return false;
  return at > 0 ? true : fail(STATUS_INCONSISTENT, DETAIL_REQUIRED_FIELD, root, slot);
}

let lastTableCount: i64 = 0;

/**
 * A vector of tables: checks every element table first, and returns an arena array of info
 * records (`recordBytes` each) holding each table's position.
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

/** No two matrix ids equal: an open-addressing hash set of the ids, linear in their total length. */
function uniqueIds(count: i32): bool {
  const mark = arenaMark();
  let capacity: u32 = 16;
  while (capacity < <u32>count * 2) capacity <<= 1;
  const slots = reserve(<u64>capacity << 2); // matrix index + 1, 0 = empty
  if (slots == 0) return false;
  for (let i: i32 = 0; i < count; i++) {
    const m = matrixAt(i);
    let h = idHash(m.idStart, m.idLength) & (capacity - 1);
    while (true) {
      const p = slots + (<usize>h << 2);
      const other = load<i32>(p) - 1;
      if (other < 0) {
        store<i32>(p, i + 1);
        break;
      }
      const o = matrixAt(other);
      if (o.idLength == m.idLength && memory.compare(bufferBase() + <usize>o.idStart, bufferBase() + <usize>m.idStart, <usize>m.idLength) == 0) {
        enterTable(ERROR_TABLE_MATRIX, i);
        return failAbout(m.idStart, m.idLength, STATUS_INCONSISTENT, DETAIL_DUPLICATE_ID, m.tablePos);
      }
      h = (h + 1) & (capacity - 1);
    }
  }
  arenaReset(mark);
  return true;
}

/** FNV-1a over the id's bytes. */
function idHash(start: i64, length: i64): u32 {
  let h: u32 = 2166136261;
  for (let k: i64 = 0; k < length; k++) h = (h ^ u8At(start + k)) * 16777619;
  return h;
}

function metadata(root: i64): bool {
  const json = fieldString(root, MODEL_SLOT_METADATA_JSON);
  if (json <= 0) return json == 0;
  const count = lastLength;
  const stack = reserve(<u64>count + 1);
  if (stack == 0) return false;
  return isJson(bufferBase() + <usize>json, <usize>count, stack) ? true : fail(STATUS_INCONSISTENT, DETAIL_METADATA, json, MODEL_SLOT_METADATA_JSON);
}
