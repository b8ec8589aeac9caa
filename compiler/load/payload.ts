/**
 * Payload access for masks and signs, inline or in external files, with every count checked
 * from the JSON, the .npy header or the file size before anything proportional is allocated.
 * Byte payloads (packed bits) are read whole: they are the O(nnz / 8) output anyway. Number
 * payloads are streamed in 1 MiB chunks, so a big float file never sits in memory.
 */
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fail, PibinnError, type Diagnostic, type JsonPath } from '../../core/diagnostics/diagnostic.js';
import { describeNonRegular } from '../io/regular-file.js';
import { readAt, readNpyHeader, typedView, type NpyData, type NpyDtype } from '../io/npy.js';
import { decodeBase64Exact } from './base64.js';
import type { RawBytesPayload, RawNumbersPayload } from '../validate/raw-model.js';
import { resolvePayloadPath } from './safe-path.js';

export interface PayloadContext {
  /** model.json as named to the user. */
  readonly modelFile: string;
  /** The directory payload paths are relative to. */
  readonly baseDir: string;
}

/** Where a payload element lives, for diagnostics: a JSON path in the model or a byte in a file. */
export type PayloadLocation = Pick<Diagnostic, 'file' | 'jsonPath' | 'byteOffset'>;

export interface BytePayload {
  readonly bytes: Uint8Array;
  where(byteIndex: number): PayloadLocation;
}

/** A forward-only reader over exactly `length` numbers. */
export interface ValueStream {
  readonly length: number;
  /** The next value; call at most `length` times. */
  next(): number;
  where(index: number): PayloadLocation;
  close(): void;
}

const CHUNK_BYTES = 1 << 20;
/** Bytes before a .npy header's dictionary: magic, version, and a 2-byte (format 1) or 4-byte length. */
const NPY_PREAMBLE_V1 = 10;
const NPY_PREAMBLE_V2 = 12;

/** Reads a packed-bytes payload (base64, uint8 .npy or raw bytes) of exactly `expectedBytes` bytes. */
export function readBytePayload(payload: RawBytesPayload, path: JsonPath, expectedBytes: number, what: string, ctx: PayloadContext): BytePayload {
  if (payload.data !== undefined) {
    const bytes = decodeBase64Exact(payload.data, expectedBytes, ctx.modelFile, [...path, 'data'], what);
    return { bytes, where: () => ({ file: ctx.modelFile, jsonPath: [...path, 'data'] }) };
  }
  const file = openPayloadFile(payload.file, [...path, 'file'], ctx, 'uint8');
  try {
    if (file.dtype !== 'uint8') {
      fail({ code: 'PB305', file: file.label, byteOffset: file.headerOffset, message: `${what}: packed bits must be a uint8 array`, expected: "dtype '|u1'", found: file.dtype, fix: 'save numpy.packbits(..., bitorder="little") as uint8' });
    }
    checkCount(file, expectedBytes, what, `${expectedBytes} bytes (packed bits)`);
    const bytes = readAt(file.fd, file.dataOffset, expectedBytes);
    if (bytes.length !== expectedBytes) truncated(file, bytes.length);
    return { bytes, where: (i) => ({ file: file.label, byteOffset: file.dataOffset + i }) };
  } finally {
    closeSync(file.fd);
  }
}

/** Opens a numbers payload (inline array, .npy of any allowed dtype, or raw float32) of exactly `expectedCount` values. */
export function openValueStream(payload: RawNumbersPayload, path: JsonPath, expectedCount: number, what: string, ctx: PayloadContext): ValueStream {
  if (payload.data !== undefined) {
    const data = payload.data;
    if (data.length !== expectedCount) {
      fail({ code: 'PB306', file: ctx.modelFile, jsonPath: [...path, 'data'], message: `${what}: wrong number of values`, expected: `${expectedCount}`, found: `${data.length}` });
    }
    let position = 0;
    return { length: data.length, next: () => data[position++], where: (i) => ({ file: ctx.modelFile, jsonPath: [...path, 'data', i] }), close: () => {} };
  }
  const file = openPayloadFile(payload.file, [...path, 'file'], ctx, 'float32');
  // Every dtype a .npy header can give us (float32, float64, int8, uint8, bool) is a valid value type.
  try {
    checkCount(file, expectedCount, what, `${expectedCount} values`);
  } catch (error) {
    closeSync(file.fd);
    throw error;
  }
  return new FileValueStream(file, expectedCount);
}

interface PayloadFile {
  readonly fd: number;
  /** Path as shown to the user: the model's directory joined with the given relative path. */
  readonly label: string;
  readonly dtype: NpyDtype;
  readonly itemSize: number;
  readonly dataOffset: number;
  /** Elements in the file (from the .npy header, or the size of a raw file). */
  readonly count: number;
  /** Bytes after the last whole element (negative when the file is shorter than its header says). */
  readonly strayBytes: number;
  /** Where the count and dtype come from, for diagnostics: the .npy header's dictionary, or a raw file's end. */
  readonly headerOffset: number;
}

/** Opens a payload file: .npy by header, anything else as raw little-endian bytes (uint8 for bits, float32 for values). */
function openPayloadFile(given: string, jsonPath: JsonPath, ctx: PayloadContext, rawDtype: 'uint8' | 'float32'): PayloadFile {
  const real = resolvePayloadPath(given, ctx.baseDir, ctx.modelFile, jsonPath);
  const label = join(dirname(ctx.modelFile), given);
  let fd: number;
  try {
    // Checked before opening: a FIFO would block the open, a directory would fail only at the first read.
    const kind = describeNonRegular(statSync(real));
    if (kind !== undefined) {
      fail({ code: 'PB310', file: ctx.modelFile, jsonPath, message: `payload file ${label} is ${kind}`, expected: 'a regular file (.npy, or raw little-endian bytes)', found: kind, fix: 'point "file" at the payload file itself' });
    }
    fd = openSync(real, 'r');
  } catch (error) {
    if (error instanceof PibinnError) throw error;
    return fail({ code: 'PB303', file: ctx.modelFile, jsonPath, message: `cannot open payload file ${label} (${(error as NodeJS.ErrnoException).code})` });
  }
  try {
    const { size } = fstatSync(fd);
    if (extname(given).toLowerCase() === '.npy') {
      const header = readNpyHeader(fd, label);
      const headerOffset = header.version[0] === 1 ? NPY_PREAMBLE_V1 : NPY_PREAMBLE_V2;
      return { fd, label, dtype: header.dtype, itemSize: header.itemSize, dataOffset: header.dataOffset, count: header.count, strayBytes: size - header.dataOffset - header.count * header.itemSize, headerOffset };
    }
    const itemSize = rawDtype === 'float32' ? 4 : 1;
    return { fd, label, dtype: rawDtype, itemSize, dataOffset: 0, count: Math.floor(size / itemSize), strayBytes: size % itemSize, headerOffset: size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** The element count must match exactly, and the file must hold exactly that much data. */
function checkCount(file: PayloadFile, expected: number, what: string, expectedText: string): void {
  if (file.count !== expected) {
    fail({ code: 'PB306', file: file.label, byteOffset: file.headerOffset, message: `${what}: the file holds ${file.count} elements`, expected: expectedText, found: `${file.count} elements` });
  }
  if (file.strayBytes < 0) truncated(file, file.strayBytes + file.count * file.itemSize);
  if (file.strayBytes > 0) {
    fail({ code: 'PB306', file: file.label, byteOffset: file.dataOffset + file.count * file.itemSize, message: `${what}: ${file.strayBytes} bytes beyond the last whole element`, expected: expectedText, found: `${file.strayBytes} extra bytes` });
  }
}

function truncated(file: PayloadFile, dataBytes: number): never {
  return fail({ code: 'PB304', file: file.label, byteOffset: file.dataOffset + dataBytes, message: 'the file is truncated', expected: `${file.count * file.itemSize} data bytes`, found: `${dataBytes}` });
}

class FileValueStream implements ValueStream {
  private readonly chunk = new Uint8Array(CHUNK_BYTES);
  private view: NpyData = new Float32Array(0);
  private chunkStart = 0;
  private chunkEnd = 0;
  private position = 0;

  constructor(
    private readonly file: PayloadFile,
    readonly length: number,
  ) {}

  next(): number {
    if (this.position === this.chunkEnd) this.refill();
    return this.view[this.position++ - this.chunkStart];
  }

  where(index: number): PayloadLocation {
    return { file: this.file.label, byteOffset: this.file.dataOffset + index * this.file.itemSize };
  }

  close(): void {
    closeSync(this.file.fd);
  }

  private refill(): void {
    const { fd, itemSize, dataOffset, dtype } = this.file;
    const count = Math.min(CHUNK_BYTES / itemSize, this.length - this.position);
    const bytes = readAt(fd, dataOffset + this.position * itemSize, count * itemSize, this.chunk);
    if (bytes.length !== count * itemSize) truncated(this.file, this.position * itemSize + bytes.length);
    this.view = typedView(dtype, this.chunk.buffer, 0, count);
    this.chunkStart = this.position;
    this.chunkEnd = this.position + count;
  }
}
