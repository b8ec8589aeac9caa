/**
 * Verifies one Matrix table: closed-form structure valid for the matrix, nnz equal to what the
 * structure implies, sign payload of exactly ceil(nnz / 8) bytes, 16-byte aligned, padding bits 0.
 */
import { structureNnz } from '../ir/structure.js';
import type { Block, Structure, StructureKind } from '../../core/ir.js';
import type { CheckedTable, VectorRange } from './checked-buffer.js';
import { SIGN_ENCODING_NAMES, SIGNS_ALIGNMENT, STRUCTURE_KIND_NAMES } from './format.js';

/** Field slots of Matrix, in schema declaration order. */
const SLOT = {
  id: 0,
  rows: 1,
  cols: 2,
  nnz: 3,
  structureKind: 4,
  blockRows: 5,
  blockCols: 6,
  lower: 7,
  upper: 8,
  blocks: 9,
  mask: 10,
  signs: 11,
  gain: 12,
  encoding: 13,
  quantizationError: 14,
} as const;

const BLOCK_STRUCT_BYTES = 16;
const MATRIX_ID = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The structure fields each kind uses; every other structure field must be 0 or absent. */
const KIND_FIELDS: Readonly<Record<StructureKind, readonly (keyof typeof SLOT)[]>> = {
  dense: [],
  'block-diagonal': ['blockRows', 'blockCols'],
  banded: ['lower', 'upper'],
  blocks: ['blocks'],
  mask: ['mask'],
};
const STRUCTURE_SCALARS = [['blockRows', 'block_rows'], ['blockCols', 'block_cols'], ['lower', 'lower'], ['upper', 'upper']] as const;
const STRUCTURE_VECTORS = [['blocks', 'blocks'], ['mask', 'mask']] as const;

export interface VerifiedMatrix {
  readonly id: string;
  readonly rows: number;
  readonly cols: number;
}

export function verifyMatrix(t: CheckedTable): VerifiedMatrix {
  const id = t.string(SLOT.id, 'id');
  if (id === undefined || !MATRIX_ID.test(id)) {
    t.invalid(['id'], t.at(SLOT.id), 'invalid matrix id', 'an id matching [A-Za-z_][A-Za-z0-9_]{0,63}', JSON.stringify(id ?? null));
  }
  const rows = t.u32(SLOT.rows, 'rows', 0);
  const cols = t.u32(SLOT.cols, 'cols', 0);
  if (rows < 1 || cols < 1) t.invalid(['rows'], t.at(SLOT.rows), `matrix "${id}" has an empty dimension`, 'rows >= 1 and cols >= 1', `${rows} x ${cols}`);
  const structure = verifyStructure(t, rows, cols);
  const nnz = t.u64(SLOT.nnz, 'nnz', 0);
  verifySigns(t, nnz);
  const expectedNnz = impliedNnz(t, structure, rows, cols, nnz);
  if (nnz !== expectedNnz) t.invalid(['nnz'], t.at(SLOT.nnz), `nnz of matrix "${id}" disagrees with its ${structure.kind} structure`, `${expectedNnz}`, `${nnz}`);
  verifyQuantization(t);
  return { id, rows, cols };
}

function verifyStructure(t: CheckedTable, rows: number, cols: number): Structure {
  const code = t.u8(SLOT.structureKind, 'structure_kind', 0);
  const kind = STRUCTURE_KIND_NAMES.get(code);
  if (kind === undefined) return t.invalid(['structure_kind'], t.at(SLOT.structureKind), 'structure kind out of range', `one of ${[...STRUCTURE_KIND_NAMES.keys()].join(', ')}`, `${code}`);
  const used = KIND_FIELDS[kind];
  for (const [key, name] of STRUCTURE_SCALARS) {
    const value = t.u32(SLOT[key], name, 0);
    if (!used.includes(key) && value !== 0) t.invalid([name], t.at(SLOT[key]), `field "${name}" is set for a ${kind} structure`, '0', `${value}`);
  }
  for (const [key, name] of STRUCTURE_VECTORS) {
    if (!used.includes(key) && t.vector(SLOT[key], name, 1, 1) !== undefined) t.invalid([name], t.at(SLOT[key]), `field "${name}" is present for a ${kind} structure`, 'absent');
  }
  switch (kind) {
    case 'dense':
      return { kind };
    case 'block-diagonal': {
      const blockRows = t.u32(SLOT.blockRows, 'block_rows', 0);
      const blockCols = t.u32(SLOT.blockCols, 'block_cols', 0);
      if (blockRows < 1 || blockCols < 1 || rows % blockRows !== 0 || cols % blockCols !== 0 || rows / blockRows !== cols / blockCols) {
        t.invalid(['block_rows'], t.at(SLOT.blockRows), 'block-diagonal blocks do not tile the matrix', `blocks dividing ${rows} x ${cols} into equally many block rows and columns`, `${blockRows} x ${blockCols}`);
      }
      return { kind, blockRows, blockCols };
    }
    case 'banded':
      return { kind, lower: t.u32(SLOT.lower, 'lower', 0), upper: t.u32(SLOT.upper, 'upper', 0) };
    case 'blocks':
      return { kind, blocks: verifyBlocks(t, rows, cols) };
    case 'mask': {
      const mask = requireVector(t, SLOT.mask, 'mask', 1);
      const bits = rows * cols;
      verifyPaddedBits(t, 'mask', mask, bits);
      return { kind, bitmap: t.buffer.bytes.subarray(mask.start, mask.start + mask.length) };
    }
  }
}

function verifyBlocks(t: CheckedTable, rows: number, cols: number): Block[] {
  const range = requireVector(t, SLOT.blocks, 'blocks', BLOCK_STRUCT_BYTES, 4);
  const blocks: Block[] = [];
  for (let i = 0; i < range.length; i++) {
    const at = range.start + BLOCK_STRUCT_BYTES * i;
    const b = { row0: t.buffer.u32(at), col0: t.buffer.u32(at + 4), rows: t.buffer.u32(at + 8), cols: t.buffer.u32(at + 12) };
    if (b.row0 + b.rows > rows || b.col0 + b.cols > cols) {
      t.invalid(['blocks', i], at, 'block lies outside the matrix', `inside ${rows} x ${cols}`, `[${b.row0}, ${b.col0}, ${b.rows}, ${b.cols}]`);
    }
    blocks.push(b);
  }
  const overlap = findOverlap(blocks);
  if (overlap !== undefined) {
    const [first, second] = overlap;
    t.invalid(['blocks', second], range.start + BLOCK_STRUCT_BYTES * second, `blocks ${first} and ${second} overlap`, 'disjoint rectangles');
  }
  return blocks;
}

/**
 * Indices of two overlapping blocks, if any. Sweeps blocks by first row, keeping the blocks that
 * cover the current row sorted by column: those are pairwise column-disjoint, so a new block only
 * needs comparing with its two neighbours in that order.
 */
function findOverlap(blocks: readonly Block[]): [number, number] | undefined {
  const order = blocks
    .map((_, i) => i)
    .filter((i) => blocks[i].rows > 0 && blocks[i].cols > 0)
    .sort((a, b) => blocks[a].row0 - blocks[b].row0 || a - b);
  let active: number[] = [];
  for (const i of order) {
    const block = blocks[i];
    active = active.filter((j) => blocks[j].row0 + blocks[j].rows > block.row0);
    let lo = 0;
    let hi = active.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (blocks[active[mid]].col0 < block.col0) lo = mid + 1;
      else hi = mid;
    }
    const before = lo > 0 ? active[lo - 1] : undefined;
    const after = lo < active.length ? active[lo] : undefined;
    if (before !== undefined && blocks[before].col0 + blocks[before].cols > block.col0) return [before, i];
    if (after !== undefined && blocks[after].col0 < block.col0 + block.cols) return [after, i];
    active.splice(lo, 0, i);
  }
  return undefined;
}

/**
 * The nnz the structure implies. Banded rows at or beyond cols + lower are empty and every row
 * before them has an entry, so only those rows are walked, after checking there are no more of
 * them than the claimed nnz (itself bounded by the sign payload inside the buffer): the walk
 * stays proportional to the buffer size whatever `rows` says.
 */
function impliedNnz(t: CheckedTable, structure: Structure, rows: number, cols: number, claimedNnz: number): number {
  if (structure.kind !== 'banded') return structureNnz(structure, rows, cols);
  const rowsWithEntries = Math.min(rows, cols + structure.lower);
  if (rowsWithEntries > claimedNnz) {
    t.invalid(['nnz'], t.at(SLOT.nnz), 'nnz is smaller than the number of banded rows that have entries', `at least ${rowsWithEntries}`, `${claimedNnz}`);
  }
  return structureNnz(structure, rowsWithEntries, cols);
}

function verifySigns(t: CheckedTable, nnz: number): void {
  const signs = requireVector(t, SLOT.signs, 'signs', 1, SIGNS_ALIGNMENT);
  verifyPaddedBits(t, 'signs', signs, nnz);
}

/** A bit payload must hold exactly ceil(bits / 8) bytes with the unused high bits of the last byte 0. */
function verifyPaddedBits(t: CheckedTable, name: string, range: VectorRange, bits: number): void {
  const bytes = Math.ceil(bits / 8);
  if (range.length !== bytes) t.invalid([name], range.start - 4, `${name} has the wrong length`, `${bytes} bytes for ${bits} bits`, `${range.length} bytes`);
  const used = bits % 8;
  if (used !== 0 && t.buffer.u8(range.start + bytes - 1) >> used !== 0) {
    t.invalid([name], range.start + bytes - 1, `padding bits of ${name} are not zero`, `the top ${8 - used} bits of the last byte 0`, `0x${t.buffer.u8(range.start + bytes - 1).toString(16)}`);
  }
}

function verifyQuantization(t: CheckedTable): void {
  const gain = t.f64(SLOT.gain, 'gain', 1);
  if (!(Number.isFinite(gain) && gain > 0)) t.invalid(['gain'], t.at(SLOT.gain), 'gain must be finite and positive', '> 0', `${gain}`);
  const code = t.u8(SLOT.encoding, 'encoding', 0);
  const encoding = SIGN_ENCODING_NAMES.get(code);
  if (encoding === undefined) t.invalid(['encoding'], t.at(SLOT.encoding), 'sign encoding out of range', `one of ${[...SIGN_ENCODING_NAMES.keys()].join(', ')}`, `${code}`);
  const error = t.optionalF64(SLOT.quantizationError, 'quantization_error');
  if ((error !== undefined) !== (encoding !== 'bits')) {
    t.invalid(['quantization_error'], t.at(SLOT.quantizationError), 'quantization_error must be present exactly for values encodings', encoding === 'bits' ? 'absent' : 'present', error === undefined ? 'absent' : `${error}`);
  }
  if (error !== undefined && !(Number.isFinite(error) && error >= 0)) t.invalid(['quantization_error'], t.at(SLOT.quantizationError), 'quantization error must be finite and >= 0', '>= 0', `${error}`);
}

function requireVector(t: CheckedTable, slot: number, name: string, elementSize: number, align = 1): VectorRange {
  const range = t.vector(slot, name, elementSize, align);
  if (range === undefined) return t.invalid([name], t.pos, `required field "${name}" is missing`);
  return range;
}
