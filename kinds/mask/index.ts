/** `mask` matrices in code generation: flip-and-add over the prepared row starts and runs. */
import type { KindModule } from '../common/kind.js';
import { perInput, pointer } from '../common/kind.js';

export const mask: KindModule = {
  imports: ["import { matvecSegments } from './kinds/mask/kernel.as';"],
  emitProduct({ planned, table, segments }) {
    return perInput(planned, (z, v) => `matvecSegments(${z}, ${v}, ${planned.matrix.rows}, ${pointer(table)}, ${pointer(segments)}, signs, coef)`);
  },
  emitChunks: () => undefined,
};
