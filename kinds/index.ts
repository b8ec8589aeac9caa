/**
 * The structure kinds' registrations on the TypeScript side: one module per kind. A new kind
 * adds its folder (index.ts, kernel.as.ts, load.as.ts), a line here and in kinds/load.as.ts, and
 * its IR type in core/ir.ts and enum value in schema/pibinn.fbs.
 */
import type { StructureKind } from '../core/ir.js';
import { banded, type BandedDescription } from './banded/index.js';
import { blockDiagonal, type BlockDiagonalDescription } from './block-diagonal/index.js';
import { blocks, type BlocksDescription } from './blocks/index.js';
import type { KindModule } from './common/kind.js';
import { dense, type DenseDescription } from './dense/index.js';
import { mask, type MaskDescription } from './mask/index.js';

const KINDS: { readonly [K in StructureKind]: KindModule<K, never> } = { dense, 'block-diagonal': blockDiagonal, banded, blocks, mask };

/** The import lines of every kind's kernels, for a generated module. */
export const KERNEL_IMPORTS: readonly string[] = Object.values(KINDS).flatMap((kind) => kind.imports);

/** A model.json structure description (the compiler adds the mask's payload reference). */
export type StructureDescription = DenseDescription | BlockDiagonalDescription | BandedDescription | BlocksDescription | MaskDescription;

/**
 * The module of a structure's kind, typed for that structure: the one place where the kind
 * selects its module (each module only ever sees structures of its own kind).
 */
export function kindOf<S extends { readonly kind: StructureKind }>(structure: S): KindModule<S['kind'], StructureDescription> {
  return KINDS[structure.kind] as unknown as KindModule<S['kind'], StructureDescription>;
}

export type { BuildContext, CheckContext, ChunkRange, ContainerStructure, KindModule, ProductChunks, ProductEmit, RowSegmentVisitor } from './common/kind.js';
