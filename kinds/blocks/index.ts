/** `blocks` matrices in code generation: flip-and-add over the prepared block table. */
import type { KindModule } from '../common/kind.js';
import { perInput, pointer } from '../common/kind.js';

export const blocks: KindModule = {
  imports: ["import { matvecBlocks } from './kinds/blocks/kernel.as';"],
  emitProduct({ planned, table }) {
    const count = planned.table === undefined ? 0 : planned.table.length / 20;
    return perInput(planned, (z, v) => `matvecBlocks(${z}, ${v}, ${pointer(table)}, ${count}, signs, coef)`);
  },
  emitChunks: () => undefined,
};
