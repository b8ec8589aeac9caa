/**
 * What a structure kind contributes to code generation (TypeScript): the AssemblyScript calls a
 * specialized module makes for one matrix's products, from the plan's decisions. The kind's
 * kernels are in kinds/<kind>/kernel.as.ts, its loader side (verification, nnz, kernel choice,
 * preparation) in kinds/<kind>/load.as.ts.
 */
import { KERNELS } from '../../core/constants.js';
import type { KernelName, PlannedMatrix } from '../../core/plan.js';

/** The constants one matrix's emitted calls need. */
export interface ProductEmit {
  readonly planned: PlannedMatrix;
  /** Address of the table scratch its kernel uses (0 when none). */
  readonly lut: number;
  /** Addresses of its prepared table and segments in the module's constant region (0 if none). */
  readonly table: number;
  readonly segments: number;
  readonly activationBits?: number;
}

/** A product split into chunks of rows for the threaded build: their count and the call for `chunk`. */
export interface ProductChunks {
  readonly count: number;
  /** The call, with `chunk` (0 .. count - 1) and `prepare` (false: `lut` already holds this product's tables) in scope. */
  call(lut: number): string;
}

export interface KindModule {
  /** Import lines of the emitted calls, relative to the generated module at the source root. */
  readonly imports: readonly string[];
  /** The statement `z_b += coef * M v_b` for b < count, with z, v, coef, count and signs in scope. */
  emitProduct(emit: ProductEmit): string;
  /** The product of one input in chunks of rows, or undefined when the kernel has no row-range form. */
  emitChunks(emit: ProductEmit, range: ChunkRange): ProductChunks | undefined;
}

/** Splits `units` of `size` rows (`total` rows in all) into chunks: their count and the `first, end` arguments of chunk `chunk`. */
export type ChunkRange = (units: number, size: number, total: number) => { count: number; bounds: string };

const KERNEL_CODES: Readonly<Record<KernelName, number>> = {
  'flip-add': KERNELS.FLIP_ADD, lut4: KERNELS.LUT4, lut8: KERNELS.LUT8, diagonal: KERNELS.DIAGONAL, 'bit-serial': KERNELS.BIT_SERIAL,
};

/** The kernel argument: a constant, or one per flavour that the compiler folds (`ASC_FEATURE_SIMD`). */
export function kernelArgument(planned: PlannedMatrix): string {
  const { simd, scalar } = planned.kernel;
  return simd === scalar ? String(KERNEL_CODES[simd]) : `(ASC_FEATURE_SIMD ? ${KERNEL_CODES[simd]} : ${KERNEL_CODES[scalar]})`;
}

export function pointer(address: number): string {
  return `<usize>${address}`;
}

/** A batch-1 call repeated for each of `count` inputs (z_b, v_b in place of z, v). */
export function perInput(planned: PlannedMatrix, call: (z: string, v: string) => string): string {
  const { rows, cols } = planned.matrix;
  return `for (let b: i32 = 0; b < count; b++) ${call(`z + (<usize>(b * ${rows}) << 2)`, `v + (<usize>(b * ${cols}) << 2)`)}`;
}
