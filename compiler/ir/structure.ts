/**
 * Closed-form walks over a structure's existing entries. Everything that touches entries (the
 * reference evaluator, validators, reports, codegen) goes through these row segments, so no
 * stage ever needs a dense rows x cols array.
 */
import type { Block, Structure } from '../../core/ir.js';

/** Visits the existing entries of one row as maximal runs [colStart, colEnd); `k` = canonical index of colStart. */
export type RowSegmentVisitor = (row: number, colStart: number, colEnd: number, k: number) => void;

/** Number of existing entries. Cheap for closed forms; a popcount for masks. */
export function structureNnz(structure: Structure, rows: number, cols: number): number {
  switch (structure.kind) {
    case 'dense':
      return rows * cols;
    case 'block-diagonal':
      return rows * structure.blockCols;
    case 'banded':
      return bandedNnz(rows, cols, structure.lower, structure.upper);
    case 'blocks':
      return structure.blocks.reduce((sum, b) => sum + b.rows * b.cols, 0);
    case 'mask':
      return popcount(structure.bitmap);
  }
}

/** Entries in the band -p <= j - i <= q, summed row by row in closed form per row (O(rows)). */
function bandedNnz(rows: number, cols: number, lower: number, upper: number): number {
  let nnz = 0;
  for (let i = 0; i < rows; i++) nnz += bandRowLength(i, cols, lower, upper);
  return nnz;
}

function bandRowLength(row: number, cols: number, lower: number, upper: number): number {
  const start = Math.max(0, row - lower);
  const end = Math.min(cols, row + upper + 1);
  return Math.max(0, end - start);
}

const BYTE_POPCOUNT = (() => {
  const table = new Uint8Array(256);
  for (let v = 1; v < 256; v++) table[v] = (v & 1) + table[v >> 1];
  return table;
})();

export function popcount(bytes: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < bytes.length; i++) count += BYTE_POPCOUNT[bytes[i]];
  return count;
}

/** Calls `visit` for every run of existing entries, row by row, in canonical order. */
export function forEachRowSegment(structure: Structure, rows: number, cols: number, visit: RowSegmentVisitor): void {
  switch (structure.kind) {
    case 'dense':
      for (let i = 0, k = 0; i < rows; i++, k += cols) if (cols > 0) visit(i, 0, cols, k);
      return;
    case 'block-diagonal': {
      const { blockRows, blockCols } = structure;
      for (let i = 0, k = 0; i < rows; i++, k += blockCols) {
        const c0 = Math.floor(i / blockRows) * blockCols;
        visit(i, c0, c0 + blockCols, k);
      }
      return;
    }
    case 'banded': {
      const { lower, upper } = structure;
      for (let i = 0, k = 0; i < rows; i++) {
        const start = Math.max(0, i - lower);
        const end = Math.min(cols, i + upper + 1);
        if (end > start) {
          visit(i, start, end, k);
          k += end - start;
        }
      }
      return;
    }
    case 'blocks':
      forEachBlocksSegment(structure.blocks, rows, visit);
      return;
    case 'mask':
      forEachMaskSegment(structure.bitmap, rows, cols, visit);
      return;
  }
}

/** Sweeps rows keeping the blocks active on the current row sorted by column (blocks never overlap). */
function forEachBlocksSegment(blocks: readonly Block[], rows: number, visit: RowSegmentVisitor): void {
  const byRow = [...blocks].sort((a, b) => a.row0 - b.row0);
  let next = 0;
  let active: Block[] = [];
  let k = 0;
  for (let i = 0; i < rows; i++) {
    let changed = false;
    while (next < byRow.length && byRow[next].row0 === i) {
      active.push(byRow[next++]);
      changed = true;
    }
    const before = active.length;
    active = active.filter((b) => i < b.row0 + b.rows);
    if (changed || active.length !== before) active.sort((a, b) => a.col0 - b.col0);
    for (const b of active) {
      visit(i, b.col0, b.col0 + b.cols, k);
      k += b.cols;
    }
  }
}

function forEachMaskSegment(bitmap: Uint8Array, rows: number, cols: number, visit: RowSegmentVisitor): void {
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let j = 0;
    while (j < cols) {
      // Skip zero bytes quickly when aligned; the bitmap is row-major over rows * cols bits.
      const bit = base + j;
      if ((bit & 7) === 0 && j + 8 <= cols && bitmap[bit >>> 3] === 0) {
        j += 8;
        continue;
      }
      if (!maskBit(bitmap, bit)) {
        j++;
        continue;
      }
      const start = j;
      while (j < cols && maskBit(bitmap, base + j)) j++;
      visit(i, start, j, k);
      k += j - start;
    }
  }
}

function maskBit(bitmap: Uint8Array, bit: number): boolean {
  return ((bitmap[Math.floor(bit / 8)] >> (bit % 8)) & 1) === 1;
}

/** Sign of canonical entry k: -1 when its bit is set, +1 otherwise. */
export function signAt(signs: Uint8Array, k: number): 1 | -1 {
  return (signs[Math.floor(k / 8)] >> (k % 8)) & 1 ? -1 : 1;
}

/** Bytes of the closed-form description, as the container stores it (for reports). */
export function structureMetadataBytes(structure: Structure): number {
  switch (structure.kind) {
    case 'dense':
      return 0;
    case 'block-diagonal':
    case 'banded':
      return 8; // two u32
    case 'blocks':
      return 16 * structure.blocks.length; // four u32 per rectangle
    case 'mask':
      return structure.bitmap.length;
  }
}
