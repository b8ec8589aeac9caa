/** Dense matrices: every entry exists; lookup-table or bit-serial kernels over all rows. */
import { forEachFixedRun, type KindModule, kernelArgument, pointer } from '../common/kind.js';

export type DenseDescription = { readonly kind: 'dense' };

export const dense: KindModule<'dense', DenseDescription> = {
  kind: 'dense',
  nnz: (_s, rows, cols) => rows * cols,
  forEachRowSegment: (_s, rows, cols, visit) => forEachFixedRun(rows, cols, () => 0, visit),
  metadataBytes: () => 0,
  describe: () => 'dense',
  check: () => [],
  build: () => ({ kind: 'dense' }),
  toContainer: () => ({}),
  fromContainer: () => ({ kind: 'dense' }),
  imports: ["import { matvecDenseBatch, matvecDenseRows } from './kinds/dense/kernel.as';"],
  emitProduct({ planned, lut, activationBits }) {
    const { rows, cols } = planned.matrix;
    if (planned.kernel.simd === 'bit-serial') return `matvecBitSerialBatch(z, v, ${rows}, ${rows}, ${cols}, signs, coef, ${activationBits}, ${pointer(lut)}, count)`;
    return `matvecDenseBatch(z, v, ${rows}, ${cols}, signs, coef, ${kernelArgument(planned)}, ${pointer(lut)}, count)`;
  },
  emitChunks({ planned }, _s, range) {
    if (planned.kernel.simd === 'bit-serial') return undefined;
    const { rows, cols } = planned.matrix;
    const { count, bounds } = range(Math.ceil(rows / 4), 4, rows);
    return { count, call: (lut) => `matvecDenseRows(z, v, ${rows}, ${cols}, signs, coef, ${kernelArgument(planned)}, ${pointer(lut)}, ${bounds}, prepare)` };
  },
};
