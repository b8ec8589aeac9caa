/**
 * Verifies one Matrix table and prepares what its kernel reads: id, dimensions, structure kind
 * and its fields (kinds/<kind>/load.as.ts, through kinds/load.as.ts), nnz equal to what the
 * structure implies, a sign payload of exactly ceil(nnz / 8) bytes with zero padding, gain,
 * encoding and quantization error; then the plan's kernel choice and the kernel's data.
 */
import {
  DETAIL_COUNT, DETAIL_ENCODING, DETAIL_FLOAT32_RANGE, DETAIL_GAIN, DETAIL_MATRIX_ID, DETAIL_NNZ, DETAIL_QUANTIZATION_ERROR, DETAIL_REQUIRED_FIELD,
  DETAIL_SIZE_ZERO, DETAIL_STRUCTURE_FIELD, DETAIL_STRUCTURE_KIND, MATRIX_SLOT_BLOCK_ROWS, MATRIX_SLOT_BLOCKS, MATRIX_SLOT_COLS, MATRIX_SLOT_ENCODING,
  MATRIX_SLOT_GAIN, MATRIX_SLOT_ID, MATRIX_SLOT_MASK, MATRIX_SLOT_NNZ, MATRIX_SLOT_QUANTIZATION_ERROR, MATRIX_SLOT_ROWS, MATRIX_SLOT_SIGNS,
  MATRIX_SLOT_STRUCTURE_KIND, MATRIX_SLOT_UPPER, SIGN_ENCODING_DENSE_VALUES, STATUS_INCONSISTENT, STATUS_LIMIT_EXCEEDED,
} from '../generated/constants';
import { chooseKernelOf, impliedNnz, LAST_STRUCTURE_KIND, prepare, usesSlot, verifyStructure } from '../../kinds/load.as';
import { paddedBits } from './bits';
import { bufferBase, f64At, field, fieldAt, fieldF64, fieldString, fieldU32, fieldU64, fieldU8, fieldVector, lastLength, u8At } from './flatbuffer';
import { MatrixInfo } from './model';
import { fail, failed, setSubject } from './status';

const MAX_SAFE_INTEGER: u64 = 9007199254740991;
/** Sign bit indices are 32-bit in the kernels. */
const MAX_NNZ: u64 = 0x7fffffff;

@inline function isIdStart(c: u32): bool {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f;
}

@inline function isIdChar(c: u32): bool {
  return isIdStart(c) || (c >= 0x30 && c <= 0x39);
}

/** Verifies the matrix whose table position is in m.tablePos, chooses its kernel and prepares its data. */
export function verifyMatrix(m: MatrixInfo, scale: f64): bool {
  const t = m.tablePos;
  if (!verifyId(m, t) || !verifyShape(m, t)) return false;

  const nnz = fieldU64(t, MATRIX_SLOT_NNZ, 0);
  if (failed()) return false;
  if (nnz > MAX_SAFE_INTEGER) return fail(STATUS_INCONSISTENT, DETAIL_NNZ, fieldAt(t, MATRIX_SLOT_NNZ), MATRIX_SLOT_NNZ, -1, NaN, <f64>nnz);
  const signs = fieldVector(t, MATRIX_SLOT_SIGNS, 1, 16);
  if (signs < 0) return false;
  if (signs == 0) return fail(STATUS_INCONSISTENT, DETAIL_REQUIRED_FIELD, t, MATRIX_SLOT_SIGNS);
  if (!paddedBits(signs, lastLength, nnz, MATRIX_SLOT_SIGNS)) return false;
  const implied = impliedNnz(m, t, nnz);
  if (failed()) return false;
  if (implied != nnz) return fail(STATUS_INCONSISTENT, DETAIL_NNZ, fieldAt(t, MATRIX_SLOT_NNZ), MATRIX_SLOT_NNZ, -1, <f64>implied, <f64>nnz);
  if (!verifyCoefficients(m, t, scale)) return false;
  if (nnz > MAX_NNZ) return fail(STATUS_LIMIT_EXCEEDED, DETAIL_COUNT, fieldAt(t, MATRIX_SLOT_NNZ), MATRIX_SLOT_NNZ, -1, <f64>MAX_NNZ, <f64>nnz);

  m.nnz = nnz;
  m.signs = bufferBase() + <usize>signs;
  m.signBytes = (nnz + 7) >> 3;
  chooseKernelOf(m);
  return prepare(m);
}

/** [A-Za-z_][A-Za-z0-9_]{0,63}; failures from here on name the matrix. */
function verifyId(m: MatrixInfo, t: i64): bool {
  const id = fieldString(t, MATRIX_SLOT_ID);
  if (id < 0) return false;
  const length = lastLength;
  const at = fieldAt(t, MATRIX_SLOT_ID);
  if (id == 0 || length < 1 || length > 64 || !isIdStart(u8At(id))) return fail(STATUS_INCONSISTENT, DETAIL_MATRIX_ID, at, MATRIX_SLOT_ID);
  for (let k: i64 = 1; k < length; k++) if (!isIdChar(u8At(id + k))) return fail(STATUS_INCONSISTENT, DETAIL_MATRIX_ID, at, MATRIX_SLOT_ID);
  m.idStart = id;
  m.idLength = length;
  setSubject(id, length);
  return true;
}

/** Dimensions, structure kind, no stray structure fields, the kind's own fields. */
function verifyShape(m: MatrixInfo, t: i64): bool {
  const rows = fieldU32(t, MATRIX_SLOT_ROWS, 0);
  const cols = fieldU32(t, MATRIX_SLOT_COLS, 0);
  if (failed()) return false;
  if (rows < 1) return fail(STATUS_INCONSISTENT, DETAIL_SIZE_ZERO, fieldAt(t, MATRIX_SLOT_ROWS), MATRIX_SLOT_ROWS, -1, 1, <f64>rows);
  if (cols < 1) return fail(STATUS_INCONSISTENT, DETAIL_SIZE_ZERO, fieldAt(t, MATRIX_SLOT_COLS), MATRIX_SLOT_COLS, -1, 1, <f64>cols);
  m.rows = rows;
  m.cols = cols;
  const kind = <i32>fieldU8(t, MATRIX_SLOT_STRUCTURE_KIND, 0);
  if (failed()) return false;
  if (kind > LAST_STRUCTURE_KIND) return fail(STATUS_INCONSISTENT, DETAIL_STRUCTURE_KIND, fieldAt(t, MATRIX_SLOT_STRUCTURE_KIND), MATRIX_SLOT_STRUCTURE_KIND, -1, NaN, <f64>kind);
  m.kind = kind;
  for (let slot = MATRIX_SLOT_BLOCK_ROWS; slot <= MATRIX_SLOT_UPPER; slot++) {
    const value = fieldU32(t, slot, 0);
    if (failed()) return false;
    if (!usesSlot(kind, slot) && value != 0) return fail(STATUS_INCONSISTENT, DETAIL_STRUCTURE_FIELD, fieldAt(t, slot), slot, -1, 0, <f64>value);
  }
  for (let slot = MATRIX_SLOT_BLOCKS; slot <= MATRIX_SLOT_MASK; slot++) {
    if (usesSlot(kind, slot)) continue;
    const present = fieldVector(t, slot, 1, 1);
    if (present < 0) return false;
    if (present > 0) return fail(STATUS_INCONSISTENT, DETAIL_STRUCTURE_FIELD, fieldAt(t, slot), slot);
  }
  return verifyStructure(m, t);
}

/** Gain, encoding and quantization error; the coefficient the kernels multiply by, in float32. */
function verifyCoefficients(m: MatrixInfo, t: i64, scale: f64): bool {
  const gain = fieldF64(t, MATRIX_SLOT_GAIN, 1);
  if (failed()) return false;
  if (!(isFinite(gain) && gain > 0)) return fail(STATUS_INCONSISTENT, DETAIL_GAIN, fieldAt(t, MATRIX_SLOT_GAIN), MATRIX_SLOT_GAIN, -1, NaN, gain);
  const encoding = fieldU8(t, MATRIX_SLOT_ENCODING, 0);
  if (failed()) return false;
  if (encoding > <u32>SIGN_ENCODING_DENSE_VALUES) return fail(STATUS_INCONSISTENT, DETAIL_ENCODING, fieldAt(t, MATRIX_SLOT_ENCODING), MATRIX_SLOT_ENCODING, -1, NaN, <f64>encoding);
  const error = field(t, MATRIX_SLOT_QUANTIZATION_ERROR, 8);
  if (error < 0) return false;
  const at = fieldAt(t, MATRIX_SLOT_QUANTIZATION_ERROR);
  if ((error > 0) != (encoding != 0)) return fail(STATUS_INCONSISTENT, DETAIL_QUANTIZATION_ERROR, at, MATRIX_SLOT_QUANTIZATION_ERROR);
  if (error > 0 && !(isFinite(f64At(error)) && f64At(error) >= 0)) return fail(STATUS_INCONSISTENT, DETAIL_QUANTIZATION_ERROR, error, MATRIX_SLOT_QUANTIZATION_ERROR, -1, NaN, f64At(error));
  const coef = <f32>(scale * gain);
  if (!isFinite(coef)) return fail(STATUS_INCONSISTENT, DETAIL_FLOAT32_RANGE, fieldAt(t, MATRIX_SLOT_GAIN), MATRIX_SLOT_GAIN, -1, <f64>f32.MAX_VALUE, scale * gain);
  m.coef = coef;
  return true;
}
