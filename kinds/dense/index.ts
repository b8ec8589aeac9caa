/** Dense matrices in code generation: a lookup-table or bit-serial kernel over all rows. */
import type { KindModule } from '../common/kind.js';
import { kernelArgument, pointer } from '../common/kind.js';

export const dense: KindModule = {
  imports: ["import { matvecDenseBatch, matvecDenseRows } from './kinds/dense/kernel.as';"],
  emitProduct({ planned, lut, activationBits }) {
    const { rows, cols } = planned.matrix;
    if (planned.kernel.simd === 'bit-serial') return `matvecBitSerialBatch(z, v, ${rows}, ${rows}, ${cols}, signs, coef, ${activationBits}, ${pointer(lut)}, count)`;
    return `matvecDenseBatch(z, v, ${rows}, ${cols}, signs, coef, ${kernelArgument(planned)}, ${pointer(lut)}, count)`;
  },
  emitChunks({ planned }, range) {
    if (planned.kernel.simd === 'bit-serial') return undefined;
    const { rows, cols } = planned.matrix;
    const { count, bounds } = range(Math.ceil(rows / 4), 4, rows);
    return { count, call: (lut) => `matvecDenseRows(z, v, ${rows}, ${cols}, signs, coef, ${kernelArgument(planned)}, ${pointer(lut)}, ${bounds}, prepare)` };
  },
};
