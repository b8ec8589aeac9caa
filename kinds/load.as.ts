/**
 * The structure kinds' registrations on the generic runtime's side (AssemblyScript): each
 * operation the loader, the planner and the executor need, dispatched to kinds/<kind>/load.as.ts.
 * A new kind adds its folder and one line per function here.
 */
import { STRUCTURE_KIND_BANDED, STRUCTURE_KIND_BLOCK_DIAGONAL, STRUCTURE_KIND_BLOCKS, STRUCTURE_KIND_DENSE, STRUCTURE_KIND_MASK } from '../runtime-as/generated/constants';
import { MatrixInfo } from '../runtime-as/generic/model';
import { bandedChoose, bandedImpliedNnz, bandedPrepare, bandedProduct, bandedUsesSlot, bandedVerify } from './banded/load.as';
import { blockDiagonalChoose, blockDiagonalImpliedNnz, blockDiagonalProduct, blockDiagonalUsesSlot, blockDiagonalVerify } from './block-diagonal/load.as';
import { blocksChoose, blocksImpliedNnz, blocksPrepare, blocksProduct, blocksUsesSlot, blocksVerify } from './blocks/load.as';
import { denseChoose, denseImpliedNnz, denseProduct } from './dense/load.as';
import { maskChoose, maskImpliedNnz, maskPrepare, maskProduct, maskUsesSlot, maskVerify } from './mask/load.as';

export const LAST_STRUCTURE_KIND = STRUCTURE_KIND_MASK;

/** Whether the kind uses the Matrix field `slot`; every other structure field must be 0 or absent. */
export function usesSlot(kind: i32, slot: i32): bool {
  if (kind == STRUCTURE_KIND_BLOCK_DIAGONAL) return blockDiagonalUsesSlot(slot);
  if (kind == STRUCTURE_KIND_BANDED) return bandedUsesSlot(slot);
  if (kind == STRUCTURE_KIND_BLOCKS) return blocksUsesSlot(slot);
  if (kind == STRUCTURE_KIND_MASK) return maskUsesSlot(slot);
  return false;
}

/** Checks the kind's own fields of the Matrix table at `t` and records them in m. */
export function verifyStructure(m: MatrixInfo, t: i64): bool {
  if (m.kind == STRUCTURE_KIND_BLOCK_DIAGONAL) return blockDiagonalVerify(m, t);
  if (m.kind == STRUCTURE_KIND_BANDED) return bandedVerify(m, t);
  if (m.kind == STRUCTURE_KIND_BLOCKS) return blocksVerify(m, t);
  if (m.kind == STRUCTURE_KIND_MASK) return maskVerify(m, t);
  return true;
}

/** The number of entries the structure implies (exact when at most `claimed`, else some larger number). */
export function impliedNnz(m: MatrixInfo, t: i64, claimed: u64): u64 {
  if (m.kind == STRUCTURE_KIND_DENSE) return denseImpliedNnz(m);
  if (m.kind == STRUCTURE_KIND_BLOCK_DIAGONAL) return blockDiagonalImpliedNnz(m);
  if (m.kind == STRUCTURE_KIND_BANDED) return bandedImpliedNnz(m, t, claimed);
  if (m.kind == STRUCTURE_KIND_BLOCKS) return blocksImpliedNnz(m, claimed);
  return maskImpliedNnz(m);
}

/** The plan's kernel for the matrix's products (m.kernel, reason, bit layout, table shape, scratch at batch 1). */
export function chooseKernelOf(m: MatrixInfo): void {
  if (m.kind == STRUCTURE_KIND_DENSE) denseChoose(m);
  else if (m.kind == STRUCTURE_KIND_BLOCK_DIAGONAL) blockDiagonalChoose(m);
  else if (m.kind == STRUCTURE_KIND_BANDED) bandedChoose(m);
  else if (m.kind == STRUCTURE_KIND_BLOCKS) blocksChoose(m);
  else maskChoose(m);
}

/** What the chosen kernel reads besides the canonical signs: re-laid signs, block or row tables. */
export function prepare(m: MatrixInfo): bool {
  if (m.kind == STRUCTURE_KIND_BANDED) return bandedPrepare(m);
  if (m.kind == STRUCTURE_KIND_BLOCKS) return blocksPrepare(m);
  if (m.kind == STRUCTURE_KIND_MASK) return maskPrepare(m);
  return true;
}

/** z_b += coef * M v_b for b < count (z_b at z + b * rows f32, v_b at v + b * cols f32). */
export function product(m: MatrixInfo, z: usize, v: usize, coef: f32, count: i32, lut: usize, bits: i32): void {
  if (m.kind == STRUCTURE_KIND_DENSE) denseProduct(m, z, v, coef, count, lut, bits);
  else if (m.kind == STRUCTURE_KIND_BLOCK_DIAGONAL) blockDiagonalProduct(m, z, v, coef, count, lut, bits);
  else if (m.kind == STRUCTURE_KIND_BANDED) bandedProduct(m, z, v, coef, count, lut);
  else if (m.kind == STRUCTURE_KIND_BLOCKS) blocksProduct(m, z, v, coef, count);
  else maskProduct(m, z, v, coef, count);
}
