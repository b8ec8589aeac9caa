/** The structure kinds' registrations on the code generator's side: one module per kind. */
import type { StructureKind } from '../core/ir.js';
import { banded } from './banded/index.js';
import { blockDiagonal } from './block-diagonal/index.js';
import { blocks } from './blocks/index.js';
import { dense } from './dense/index.js';
import type { KindModule } from './common/kind.js';
import { mask } from './mask/index.js';

export const KINDS: Readonly<Record<StructureKind, KindModule>> = { dense, 'block-diagonal': blockDiagonal, banded, blocks, mask };

export type { ChunkRange, KindModule, ProductChunks, ProductEmit } from './common/kind.js';
