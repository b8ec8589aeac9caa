/**
 * A structure kind on the TypeScript side: everything the compiler, the report and the code
 * generator need to know about one kind, in one module (kinds/<kind>/index.ts). The kind's
 * AssemblyScript kernels are in kinds/<kind>/kernel.as.ts, its loader side (container
 * verification, nnz, kernel choice, preparation) in kinds/<kind>/load.as.ts.
 */
import { KERNELS } from '../../core/constants.js';
import type { Diagnostic, JsonPath } from '../../core/diagnostics/diagnostic.js';
import type { Block, Structure, StructureKind } from '../../core/ir.js';
import type { KernelName, PlannedMatrix } from '../../core/plan.js';

export type StructureOf<K extends StructureKind> = Extract<Structure, { readonly kind: K }>;

/** Visits the existing entries of one row as maximal runs [colStart, colEnd); `k` = canonical index of colStart. */
export type RowSegmentVisitor = (row: number, colStart: number, colEnd: number, k: number) => void;

/** What a model.json structure description is checked with (the compiler provides it). */
export interface CheckContext {
  readonly file: string;
  /** JSON path of the description (`$.matrices.<id>.structure`). */
  readonly path: JsonPath;
  /** The matrix id, for messages. */
  readonly id: string;
  /** A PB401 diagnostic when `value` exceeds the named limit, else undefined. */
  limit(name: 'maxBlocksPerMatrix' | 'maxMaskBits', value: number, path: JsonPath, what: string): Diagnostic | undefined;
}

/** What a checked description is built into IR with (the compiler's loader provides it). */
export interface BuildContext {
  readonly id: string;
  /** Reads a bitmap payload of `bits` bits (its padding bits checked) from the description's `data` or `file`. */
  readBitmap(description: unknown, bits: number, what: string): Uint8Array;
}

/** The structure fields of a Matrix table in the container (schema/pibinn.fbs); absent ones are 0 / missing. */
export interface ContainerStructure {
  readonly blockRows?: number;
  readonly blockCols?: number;
  readonly lower?: number;
  readonly upper?: number;
  readonly blocks?: readonly Block[];
  readonly mask?: Uint8Array;
}

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

/** Splits `units` of `size` rows (`total` rows in all) into chunks: their count and the `first, end` arguments of chunk `chunk`. */
export type ChunkRange = (units: number, size: number, total: number) => { count: number; bounds: string };

export interface KindModule<K extends StructureKind = StructureKind, D = unknown> {
  readonly kind: K;
  /** Number of existing entries (spec section 3.1). */
  nnz(structure: StructureOf<K>, rows: number, cols: number): number;
  /** Calls `visit` for every run of existing entries, row by row, in canonical order. */
  forEachRowSegment(structure: StructureOf<K>, rows: number, cols: number, visit: RowSegmentVisitor): void;
  /** Bytes of the closed-form description as the container stores it (for the report). */
  metadataBytes(structure: StructureOf<K>): number;
  /** The structure in words, with its parameters (for the report). */
  describe(structure: StructureOf<K>, rows: number): string;
  /** Checks of the model.json description a schema cannot express (tiling, overlap, limits). */
  check(description: D, rows: number, cols: number, context: CheckContext): Diagnostic[];
  /** The IR structure of a checked description. */
  build(description: D, rows: number, cols: number, context: BuildContext): StructureOf<K>;
  /** The container's structure fields, and back. */
  toContainer(structure: StructureOf<K>): ContainerStructure;
  fromContainer(fields: Required<Pick<ContainerStructure, 'blockRows' | 'blockCols' | 'lower' | 'upper'>> & ContainerStructure): StructureOf<K>;
  /** Import lines of the emitted calls, relative to the generated module at the source root. */
  readonly imports: readonly string[];
  /** The statement `z_b += coef * M v_b` for b < count, with z, v, coef, count and signs in scope. */
  emitProduct(emit: ProductEmit, structure: StructureOf<K>): string;
  /** The product of one input in chunks of rows, or undefined when the kernel has no row-range form. */
  emitChunks(emit: ProductEmit, structure: StructureOf<K>, range: ChunkRange): ProductChunks | undefined;
}

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

/** Visits full-width runs: `rows` rows of `width` columns from column `colOf(row)`. */
export function forEachFixedRun(rows: number, width: number, colOf: (row: number) => number, visit: RowSegmentVisitor): void {
  if (width <= 0) return;
  for (let i = 0, k = 0; i < rows; i++, k += width) {
    const c0 = colOf(i);
    visit(i, c0, c0 + width, k);
  }
}
