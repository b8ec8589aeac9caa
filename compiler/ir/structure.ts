/**
 * Closed-form walks over a structure's existing entries, through the structure's kind module
 * (kinds/<kind>/index.ts). Everything that touches entries (the reference evaluator, the loader,
 * reports, baselines) goes through these row segments, so no stage ever needs a dense rows x
 * cols array.
 */
import type { Structure } from '../../core/ir.js';
import { kindOf, type RowSegmentVisitor } from '../../kinds/index.js';

export type { RowSegmentVisitor } from '../../kinds/index.js';

/** Number of existing entries. Cheap for closed forms; a popcount for masks. */
export function structureNnz(structure: Structure, rows: number, cols: number): number {
  return kindOf(structure).nnz(structure, rows, cols);
}

/** Calls `visit` for every run of existing entries, row by row, in canonical order. */
export function forEachRowSegment(structure: Structure, rows: number, cols: number, visit: RowSegmentVisitor): void {
  kindOf(structure).forEachRowSegment(structure, rows, cols, visit);
}

/** Bytes of the closed-form description, as the container stores it (for reports). */
export function structureMetadataBytes(structure: Structure): number {
  return kindOf(structure).metadataBytes(structure);
}

/** Sign of canonical entry k: -1 when its bit is set, +1 otherwise. */
export function signAt(signs: Uint8Array, k: number): 1 | -1 {
  return (signs[Math.floor(k / 8)] >> (k % 8)) & 1 ? -1 : 1;
}
