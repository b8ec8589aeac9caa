/**
 * Bounds-checked access to an untrusted FlatBuffer. The npm `flatbuffers` runtime trusts its
 * input (an out-of-range read yields undefined or garbage), so the verifier walks the buffer
 * through these primitives instead: every table, vtable, field, vector and string is checked to
 * lie inside the buffer and to be aligned relative to the buffer start, exactly as the C++
 * `flatbuffers::Verifier` does. Every object may be referenced only once, which the writer
 * guarantees and which keeps verification linear in the buffer size (no aliasing tricks).
 */
import { fail, type JsonPath } from '../../core/diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../../core/diagnostics/codes.js';

const TEXT = new TextDecoder('utf-8', { fatal: true });

const FIXES: Partial<Record<DiagnosticCode, string>> = {
  PB505: 'the container breaks a model rule; rebuild it from its model.json with pibinn-compile',
  PB506: 'rebuild the container from its model.json with this version of pibinn-compile, or use a newer reader',
};

/** A vector's element range: elements start at `start` (absolute byte offset), `length` of them. */
export interface VectorRange {
  readonly start: number;
  readonly length: number;
}

export class CheckedBuffer {
  readonly length: number;
  private readonly view: DataView;
  private readonly claimed = new Set<number>();

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.length = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws a located container diagnostic. */
  reject(code: DiagnosticCode, path: JsonPath, byteOffset: number, message: string, expected?: string, found?: string): never {
    return fail({
      code,
      file: this.file,
      jsonPath: path,
      byteOffset,
      message,
      expected,
      found,
      fix: FIXES[code] ?? 'the file is damaged or not a .pibinn container; rebuild it from its model.json with pibinn-compile',
    });
  }

  /** Requires [pos, pos + size) inside the buffer and pos aligned to `align` (relative to the start). */
  require(pos: number, size: number, align: number, path: JsonPath, what: string): void {
    if (pos < 0 || size < 0 || pos + size > this.length) {
      this.reject('PB502', path, Math.max(0, Math.min(pos, this.length)), `${what} lies outside the buffer`, `bytes ${pos}..${pos + size} within ${this.length}`, `a buffer of ${this.length} bytes`);
    }
    if (pos % align !== 0) {
      this.reject('PB503', path, pos, `${what} is misaligned`, `an offset that is a multiple of ${align}`, `${pos}`);
    }
  }

  u8(pos: number): number {
    return this.view.getUint8(pos);
  }
  u16(pos: number): number {
    return this.view.getUint16(pos, true);
  }
  u32(pos: number): number {
    return this.view.getUint32(pos, true);
  }
  i32(pos: number): number {
    return this.view.getInt32(pos, true);
  }
  f64(pos: number): number {
    return this.view.getFloat64(pos, true);
  }
  /** A uint64 as a number; values above 2^53 cannot be exact and are rejected. */
  u64(pos: number, path: JsonPath): number {
    const value = this.view.getBigUint64(pos, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      this.reject('PB505', path, pos, 'count too large to be exact', `at most ${Number.MAX_SAFE_INTEGER}`, value.toString());
    }
    return Number(value);
  }

  /** Marks the object starting at `pos` as referenced; a second reference is rejected. */
  claim(pos: number, path: JsonPath): void {
    if (this.claimed.has(pos)) this.reject('PB505', path, pos, 'object referenced twice', 'each table, vector and string referenced once', `a second reference to byte ${pos}`);
    this.claimed.add(pos);
  }

  /** The table at `pos`, with its vtable checked. */
  table(pos: number, path: JsonPath): CheckedTable {
    this.require(pos, 4, 4, path, 'table');
    this.claim(pos, path);
    const vtable = pos - this.i32(pos);
    this.require(vtable, 4, 2, path, 'vtable');
    const vtableSize = this.u16(vtable);
    const tableSize = this.u16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) this.reject('PB502', path, vtable, 'invalid vtable size', 'an even size >= 4', `${vtableSize}`);
    this.require(vtable, vtableSize, 2, path, 'vtable');
    if (tableSize < 4) this.reject('PB502', path, vtable + 2, 'invalid table size', 'at least 4', `${tableSize}`);
    this.require(pos, tableSize, 4, path, 'table');
    return new CheckedTable(this, pos, vtable, vtableSize, tableSize, path);
  }

  /** The uoffset at `pos` (already bounds-checked) resolved to an absolute position inside the buffer. */
  follow(pos: number, path: JsonPath): number {
    const offset = this.u32(pos);
    if (offset === 0 || offset > 0x7fffffff || pos + offset >= this.length) {
      this.reject('PB502', path, pos, 'offset points outside the buffer', `a target inside ${this.length} bytes`, `offset ${offset} from byte ${pos}`);
    }
    return pos + offset;
  }

  /** The vector at `pos`: a uint32 length followed by `length * elementSize` bytes aligned to `align`. */
  vector(pos: number, elementSize: number, align: number, path: JsonPath): VectorRange {
    this.require(pos, 4, 4, path, 'vector length');
    this.claim(pos, path);
    const length = this.u32(pos);
    this.require(pos + 4, length * elementSize, align, path, 'vector data');
    return { start: pos + 4, length };
  }

  /** The string at `pos`: a byte vector followed by a 0 terminator, valid UTF-8. */
  string(pos: number, path: JsonPath): string {
    const { start, length } = this.vector(pos, 1, 1, path);
    this.require(start + length, 1, 1, path, 'string terminator');
    if (this.u8(start + length) !== 0) this.reject('PB502', path, start + length, 'string is not 0-terminated', '0', `${this.u8(start + length)}`);
    try {
      return TEXT.decode(this.bytes.subarray(start, start + length));
    } catch {
      return this.reject('PB505', path, start, 'string is not valid UTF-8', 'UTF-8 text', 'invalid byte sequence');
    }
  }
}

/** A table whose vtable has been checked; fields are located by slot (declaration index). */
export class CheckedTable {
  constructor(
    readonly buffer: CheckedBuffer,
    readonly pos: number,
    private readonly vtable: number,
    private readonly vtableSize: number,
    private readonly tableSize: number,
    readonly path: JsonPath,
  ) {}

  /** Absolute position of the field in `slot`, or undefined when absent; checks it fits and is aligned. */
  field(slot: number, size: number, name: string): number | undefined {
    const entry = 4 + 2 * slot;
    if (entry + 2 > this.vtableSize) return undefined;
    const offset = this.buffer.u16(this.vtable + entry);
    if (offset === 0) return undefined;
    const path = [...this.path, name];
    if (offset + size > this.tableSize) this.buffer.reject('PB502', path, this.pos + offset, 'field lies outside its table', `field end <= table size ${this.tableSize}`, `${offset + size}`);
    this.buffer.require(this.pos + offset, size, size, path, 'field');
    return this.pos + offset;
  }

  /** A required field: absence is an inconsistency. */
  requiredField(slot: number, size: number, name: string): number {
    const pos = this.field(slot, size, name);
    if (pos === undefined) this.buffer.reject('PB505', [...this.path, name], this.pos, `required field "${name}" is missing`);
    return pos;
  }

  u8(slot: number, name: string, fallback: number): number {
    const pos = this.field(slot, 1, name);
    return pos === undefined ? fallback : this.buffer.u8(pos);
  }
  u32(slot: number, name: string, fallback: number): number {
    const pos = this.field(slot, 4, name);
    return pos === undefined ? fallback : this.buffer.u32(pos);
  }
  optionalU32(slot: number, name: string): number | undefined {
    const pos = this.field(slot, 4, name);
    return pos === undefined ? undefined : this.buffer.u32(pos);
  }
  u64(slot: number, name: string, fallback: number): number {
    const pos = this.field(slot, 8, name);
    return pos === undefined ? fallback : this.buffer.u64(pos, [...this.path, name]);
  }
  f64(slot: number, name: string, fallback: number): number {
    const pos = this.field(slot, 8, name);
    return pos === undefined ? fallback : this.buffer.f64(pos);
  }
  optionalF64(slot: number, name: string): number | undefined {
    const pos = this.field(slot, 8, name);
    return pos === undefined ? undefined : this.buffer.f64(pos);
  }

  /** Absolute position of the object an offset field points to, or undefined when absent. */
  target(slot: number, name: string): number | undefined {
    const pos = this.field(slot, 4, name);
    return pos === undefined ? undefined : this.buffer.follow(pos, [...this.path, name]);
  }

  string(slot: number, name: string): string | undefined {
    const pos = this.target(slot, name);
    return pos === undefined ? undefined : this.buffer.string(pos, [...this.path, name]);
  }

  vector(slot: number, name: string, elementSize: number, align: number): VectorRange | undefined {
    const pos = this.target(slot, name);
    return pos === undefined ? undefined : this.buffer.vector(pos, elementSize, align, [...this.path, name]);
  }

  /** Byte offset of field `slot` for diagnostics: the field when present, else the table. */
  at(slot: number): number {
    const entry = 4 + 2 * slot;
    const offset = entry + 2 <= this.vtableSize ? this.buffer.u16(this.vtable + entry) : 0;
    return offset === 0 ? this.pos : this.pos + offset;
  }

  /** Rejects the table as inconsistent with the model rules, pointing at `field` (a name, index or path). */
  invalid(field: JsonPath, byteOffset: number, message: string, expected?: string, found?: string): never {
    return this.buffer.reject('PB505', [...this.path, ...field], byteOffset, message, expected, found);
  }

  /** A vector of tables, each element checked as a table. */
  tables(slot: number, name: string): CheckedTable[] {
    const range = this.vector(slot, name, 4, 4);
    if (range === undefined) return [];
    const tables: CheckedTable[] = [];
    for (let i = 0; i < range.length; i++) {
      const path = [...this.path, name, i];
      const element = range.start + 4 * i;
      tables.push(this.buffer.table(this.buffer.follow(element, path), path));
    }
    return tables;
  }
}
