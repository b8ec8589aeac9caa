/** Block-diagonal matrices in code generation: a kernel per block shape, the blocks in turn. */
import type { Structure } from '../../core/ir.js';
import type { KindModule } from '../common/kind.js';
import { kernelArgument, pointer } from '../common/kind.js';

function blockShape(structure: Structure): { blockRows: number; blockCols: number } {
  if (structure.kind !== 'block-diagonal') throw new Error(`a ${structure.kind} structure in the block-diagonal kind module`);
  return structure;
}

export const blockDiagonal: KindModule = {
  imports: ["import { matvecBlockDiagonalBatch, matvecBlockDiagonalBlocks } from './kinds/block-diagonal/kernel.as';"],
  emitProduct({ planned, lut, activationBits }) {
    const { rows } = planned.matrix;
    const { blockRows, blockCols } = blockShape(planned.matrix.structure);
    if (planned.kernel.simd === 'bit-serial') return `matvecBitSerialBatch(z, v, ${rows}, ${blockRows}, ${blockCols}, signs, coef, ${activationBits}, ${pointer(lut)}, count)`;
    return `matvecBlockDiagonalBatch(z, v, ${rows}, ${blockRows}, ${blockCols}, signs, coef, ${kernelArgument(planned)}, ${pointer(lut)}, count)`;
  },
  emitChunks({ planned }, range) {
    if (planned.kernel.simd === 'bit-serial') return undefined;
    const { blockRows, blockCols } = blockShape(planned.matrix.structure);
    const blocks = planned.matrix.rows / blockRows;
    const { count, bounds } = range(blocks, 1, blocks);
    return { count, call: (lut) => `matvecBlockDiagonalBlocks(z, v, ${blockRows}, ${blockCols}, signs, coef, ${kernelArgument(planned)}, ${pointer(lut)}, ${bounds})` };
  },
};
