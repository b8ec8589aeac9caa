/** Block-diagonal matrices: equal blocks along the diagonal, a kernel per block shape. */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { forEachFixedRun, type KindModule, kernelArgument, pointer } from '../common/kind.js';

export type BlockDiagonalDescription = { readonly kind: 'block-diagonal'; readonly blockRows: number; readonly blockCols: number };

export const blockDiagonal: KindModule<'block-diagonal', BlockDiagonalDescription> = {
  kind: 'block-diagonal',
  nnz: (s, rows) => rows * s.blockCols,
  forEachRowSegment: (s, rows, _cols, visit) => forEachFixedRun(rows, s.blockCols, (i) => Math.floor(i / s.blockRows) * s.blockCols, visit),
  metadataBytes: () => 8, // two u32
  describe: (s, rows) => `block-diagonal: ${rows / s.blockRows} blocks of ${s.blockRows}x${s.blockCols}`,
  check({ blockRows: r, blockCols: c }, rows, cols, { file, path }): Diagnostic[] {
    if (rows % r === 0 && cols % c === 0 && rows / r === cols / c) return [];
    return [{
      code: 'PB203',
      severity: 'error',
      file,
      jsonPath: path,
      message: `${r} x ${c} blocks do not tile a ${rows} x ${cols} matrix along its diagonal`,
      expected: 'rows % blockRows == 0, cols % blockCols == 0 and rows / blockRows == cols / blockCols',
      found: `${rows} / ${r} = ${rows / r}, ${cols} / ${c} = ${cols / c}`,
      fix: 'use blockRows = rows / k and blockCols = cols / k for a common block count k, or a "blocks" structure',
    }];
  },
  build: ({ blockRows, blockCols }) => ({ kind: 'block-diagonal', blockRows, blockCols }),
  toContainer: ({ blockRows, blockCols }) => ({ blockRows, blockCols }),
  fromContainer: ({ blockRows, blockCols }) => ({ kind: 'block-diagonal', blockRows, blockCols }),
  imports: ["import { matvecBlockDiagonalBatch, matvecBlockDiagonalBlocks } from './kinds/block-diagonal/kernel.as';"],
  emitProduct({ planned, lut, activationBits }, { blockRows, blockCols }) {
    const { rows } = planned.matrix;
    if (planned.kernel.simd === 'bit-serial') return `matvecBitSerialBatch(z, v, ${rows}, ${blockRows}, ${blockCols}, signs, coef, ${activationBits}, ${pointer(lut)}, count)`;
    return `matvecBlockDiagonalBatch(z, v, ${rows}, ${blockRows}, ${blockCols}, signs, coef, ${kernelArgument(planned)}, ${pointer(lut)}, count)`;
  },
  emitChunks({ planned }, { blockRows, blockCols }, range) {
    if (planned.kernel.simd === 'bit-serial') return undefined;
    const blocks = planned.matrix.rows / blockRows;
    const { count, bounds } = range(blocks, 1, blocks);
    return { count, call: (lut) => `matvecBlockDiagonalBlocks(z, v, ${blockRows}, ${blockCols}, signs, coef, ${kernelArgument(planned)}, ${pointer(lut)}, ${bounds})` };
  },
};
