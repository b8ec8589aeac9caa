/**
 * NumPy `.npy` files (format 1.0, 2.0 and 3.0; C order; little-endian): reading whole arrays,
 * reading only the header of a big file so its data can be streamed, and writing arrays.
 * Errors are PB304 (malformed file) / PB305 (dtype we do not take), located by byte offset.
 */
import { readSync } from 'node:fs';
import { fail } from '../../core/diagnostics/diagnostic.js';

export type NpyDtype = 'float32' | 'float64' | 'int8' | 'uint8' | 'bool';
export type NpyData = Float32Array | Float64Array | Int8Array | Uint8Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** `bool` arrays come as Uint8Array of 0 / 1. */
  data: NpyData;
}

export interface NpyHeader {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** Product of the shape (1 for a 0-d array). */
  readonly count: number;
  readonly itemSize: number;
  /** Byte offset of the first element. */
  readonly dataOffset: number;
  readonly version: readonly [major: number, minor: number];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy itself refuses headers above 10 000 bytes by default; we allow more but not unbounded. */
const MAX_HEADER_BYTES = 1 << 20;
const PREAMBLE_V1 = 10; // magic 6 + version 2 + u16 length
const PREAMBLE_V2 = 12; // magic 6 + version 2 + u32 length

const ITEM_SIZE: Record<NpyDtype, number> = { float32: 4, float64: 8, int8: 1, uint8: 1, bool: 1 };
const DESCR_OF: Record<NpyDtype, string> = { float32: '<f4', float64: '<f8', int8: '|i1', uint8: '|u1', bool: '|b1' };

/** Reads and parses only the header, from an open file descriptor. */
export function readNpyHeader(fd: number, file: string): NpyHeader {
  const { headerEnd } = readPreamble(readAt(fd, 0, PREAMBLE_V2), file);
  return parseNpyHeader(readAt(fd, 0, headerEnd), file);
}

/** Parses the header at the start of `bytes` (which must hold at least the whole header). */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  const { major, preamble, headerEnd: dataOffset } = readPreamble(bytes, file);
  if (bytes.length < dataOffset) fail({ code: 'PB304', file, byteOffset: bytes.length, message: 'the file ends inside the .npy header', expected: `${dataOffset} header bytes` });
  const decoder = new TextDecoder(major === 3 ? 'utf-8' : 'latin1');
  const text = decoder.decode(bytes.subarray(preamble, dataOffset));
  const dict = parseHeaderDict(text, file, preamble);
  const { dtype, shape } = interpretHeader(dict, file, preamble);
  let count = 1;
  for (const dim of shape) count *= dim;
  if (!Number.isSafeInteger(count * ITEM_SIZE[dtype])) {
    fail({ code: 'PB304', file, byteOffset: preamble, message: 'the shape describes more data than any file can hold', found: `shape (${shape.join(', ')})` });
  }
  return { dtype, shape, count, itemSize: ITEM_SIZE[dtype], dataOffset, version: [major, bytes[7]] };
}

/** Parses a whole .npy file held in memory; the data is copied into an aligned typed array. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const header = parseNpyHeader(bytes, file);
  const dataBytes = bytes.length - header.dataOffset;
  const expectedBytes = header.count * header.itemSize;
  if (dataBytes !== expectedBytes) {
    fail({
      code: 'PB304',
      file,
      byteOffset: header.dataOffset,
      message: dataBytes < expectedBytes ? 'the file is truncated' : 'the file has bytes after the array data',
      expected: `${expectedBytes} data bytes for shape (${header.shape.join(', ')})`,
      found: `${dataBytes}`,
      fix: 'rewrite the file with numpy.save',
    });
  }
  // An explicit copy into a fresh buffer: `Buffer#slice` returns a view into Node's shared pool,
  // whose `.buffer` does not start at the data.
  const copy = new Uint8Array(expectedBytes);
  copy.set(bytes.subarray(header.dataOffset, header.dataOffset + expectedBytes));
  return { dtype: header.dtype, shape: [...header.shape], data: typedView(header.dtype, copy.buffer, 0, header.count) };
}

/** A typed view of `count` elements of `dtype` (host byte order, little-endian on every supported host). */
export function typedView(dtype: NpyDtype, buffer: ArrayBufferLike, byteOffset: number, count: number): NpyData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, count);
    case 'float64':
      return new Float64Array(buffer, byteOffset, count);
    case 'int8':
      return new Int8Array(buffer, byteOffset, count);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, byteOffset, count);
  }
}

/**
 * Encodes an array as a format 1.0 .npy file (header padded so the data starts on a 64-byte
 * boundary, as numpy does). `dtype` defaults from the array type; pass 'bool' to write a Uint8Array of 0 / 1 as bool.
 */
export function encodeNpy(data: NpyData, shape: readonly number[], dtype: NpyDtype = dtypeOf(data)): Uint8Array {
  const count = shape.reduce((p, d) => p * d, 1);
  if (count !== data.length) throw new RangeError(`encodeNpy: shape (${shape.join(', ')}) holds ${count} elements, data has ${data.length}`);
  if (ITEM_SIZE[dtype] !== data.BYTES_PER_ELEMENT) throw new RangeError(`encodeNpy: dtype ${dtype} does not fit a ${data.constructor.name}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${DESCR_OF[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const headerLength = Math.ceil((PREAMBLE_V1 + dict.length + 1) / 64) * 64 - PREAMBLE_V1;
  const out = new Uint8Array(PREAMBLE_V1 + headerLength + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = headerLength & 0xff;
  out[9] = headerLength >> 8;
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  for (let i = 0; i < header.length; i++) out[PREAMBLE_V1 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), PREAMBLE_V1 + headerLength);
  return out;
}

function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int8Array) return 'int8';
  return 'uint8';
}

/** Validates magic and version; returns the preamble length and where the header ends (= where the data starts). */
function readPreamble(bytes: Uint8Array, file: string): { major: number; preamble: number; headerEnd: number } {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      fail({ code: 'PB304', file, byteOffset: i, message: 'not a .npy file (bad magic string)', expected: '\\x93NUMPY', fix: 'write the array with numpy.save' });
    }
  }
  if (bytes.length < PREAMBLE_V1) fail({ code: 'PB304', file, byteOffset: bytes.length, message: 'the file ends inside the .npy preamble' });
  const major = bytes[6];
  if (major !== 1 && major !== 2 && major !== 3) {
    fail({ code: 'PB304', file, byteOffset: 6, message: 'unsupported .npy format version', expected: '1.x, 2.x or 3.x', found: `${major}.${bytes[7]}` });
  }
  const preamble = major === 1 ? PREAMBLE_V1 : PREAMBLE_V2;
  if (bytes.length < preamble) fail({ code: 'PB304', file, byteOffset: bytes.length, message: 'the file ends inside the .npy preamble' });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > MAX_HEADER_BYTES) {
    fail({ code: 'PB304', file, byteOffset: 8, message: 'the .npy header is implausibly long', expected: `at most ${MAX_HEADER_BYTES} bytes`, found: `${headerLength}` });
  }
  return { major, preamble, headerEnd: preamble + headerLength };
}

type PyValue = string | boolean | number[];

/** Parses the header's Python dict literal: string keys; string, bool or int-tuple values. */
function parseHeaderDict(text: string, file: string, base: number): Map<string, PyValue> {
  let pos = 0;
  const bad = (what: string): never =>
    fail({ code: 'PB304', file, byteOffset: base + pos, message: `malformed .npy header: ${what}`, found: JSON.stringify(text.trim().slice(0, 120)) });
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const expect = (ch: string) => {
    skipSpace();
    if (text[pos] !== ch) bad(`expected '${ch}'`);
    pos++;
  };
  const parseString = (): string => {
    skipSpace();
    const quote = text[pos];
    if (quote !== "'" && quote !== '"') bad('expected a quoted string');
    const end = text.indexOf(quote, pos + 1);
    if (end < 0) bad('unterminated string');
    const s = text.slice(pos + 1, end);
    pos = end + 1;
    return s;
  };
  const parseValue = (): PyValue => {
    skipSpace();
    if (text.startsWith('True', pos)) return (pos += 4), true;
    if (text.startsWith('False', pos)) return (pos += 5), false;
    if (text[pos] === '(') return parseTuple();
    return parseString();
  };
  const parseTuple = (): number[] => {
    expect('(');
    const dims: number[] = [];
    for (;;) {
      skipSpace();
      if (text[pos] === ')') break;
      const match = /^\d+L?/.exec(text.slice(pos, pos + 24));
      if (!match) bad('expected a non-negative integer in the shape');
      const dim = Number(match![0].replace('L', ''));
      if (!Number.isSafeInteger(dim)) bad('shape dimension too large');
      dims.push(dim);
      pos += match![0].length;
      skipSpace();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== ')') bad("expected ',' or ')' in the shape");
    }
    pos++;
    return dims;
  };

  const dict = new Map<string, PyValue>();
  expect('{');
  for (;;) {
    skipSpace();
    if (text[pos] === '}') break;
    const key = parseString();
    expect(':');
    dict.set(key, parseValue());
    skipSpace();
    if (text[pos] === ',') pos++;
    else if (text[pos] !== '}') bad("expected ',' or '}'");
  }
  pos++;
  skipSpace();
  if (pos !== text.length) bad('unexpected text after the dict');
  return dict;
}

function interpretHeader(dict: Map<string, PyValue>, file: string, base: number): { dtype: NpyDtype; shape: number[] } {
  const malformed = (message: string, found?: string): never => fail({ code: 'PB304', file, byteOffset: base, message: `malformed .npy header: ${message}`, found });
  for (const key of dict.keys()) {
    if (key !== 'descr' && key !== 'fortran_order' && key !== 'shape') malformed(`unexpected key '${key}'`);
  }
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') return malformed("'descr' must be a string (structured dtypes are not supported)", String(descr));
  if (typeof fortran !== 'boolean') return malformed("'fortran_order' must be True or False");
  if (!Array.isArray(shape)) return malformed("'shape' must be a tuple of integers");
  if (fortran) {
    fail({ code: 'PB304', file, byteOffset: base, message: 'the array is stored in Fortran order', expected: 'C order', found: 'fortran_order: True', fix: 'save numpy.ascontiguousarray(a)' });
  }
  return { dtype: dtypeFromDescr(descr, file, base), shape };
}

function dtypeFromDescr(descr: string, file: string, base: number): NpyDtype {
  const order = descr[0];
  const kind = descr.slice(1);
  const singleByte: Record<string, NpyDtype> = { i1: 'int8', u1: 'uint8', b1: 'bool' };
  const multiByte: Record<string, NpyDtype> = { f4: 'float32', f8: 'float64' };
  if (kind in singleByte && '|<>='.includes(order)) return singleByte[kind];
  if (kind in multiByte && order === '<') return multiByte[kind];
  return fail({
    code: 'PB305',
    file,
    byteOffset: base,
    message: kind in multiByte ? 'the array is not little-endian' : 'unsupported .npy dtype',
    expected: "one of '<f4', '<f8', '|i1', '|u1', '|b1'",
    found: `'${descr}'`,
    fix: "convert with a.astype('<f4') (or the payload's dtype) before numpy.save",
  });
}

/** Reads up to `length` bytes at `position` into `into` (or a new array); short only at end of file. */
export function readAt(fd: number, position: number, length: number, into: Uint8Array = new Uint8Array(length)): Uint8Array {
  let filled = 0;
  while (filled < length) {
    const n = readSync(fd, into, filled, length - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return into.subarray(0, filled);
}
