/** Banded matrices in code generation: over diagonals (diagonal-major signs) or flip-and-add over rows. */
import type { KindModule } from '../common/kind.js';
import { perInput, pointer } from '../common/kind.js';

/** Rows per pass of the diagonal kernel (diagonals.as.ts): a chunk starts on a pass boundary. */
const PASS_ROWS = 32;

export const banded: KindModule = {
  imports: [
    "import { matvecBanded } from './kinds/banded/kernel.as';",
    "import { matvecBandedDiagonalRows, matvecBandedDiagonals } from './kinds/banded/diagonals.as';",
  ],
  emitProduct({ planned, lut }) {
    const { rows, cols } = planned.matrix;
    // The band as the plan clamped it to the matrix: the same entries, within i32.
    const band = `${rows}, ${cols}, ${planned.lower}, ${planned.upper}`;
    if (planned.kernel.simd === 'diagonal') return perInput(planned, (z, v) => `matvecBandedDiagonals(${z}, ${v}, ${band}, signs, coef, ${pointer(lut)})`);
    return perInput(planned, (z, v) => `matvecBanded(${z}, ${v}, ${band}, signs, coef)`);
  },
  emitChunks({ planned }, range) {
    if (planned.kernel.simd !== 'diagonal') return undefined;
    const { rows, cols } = planned.matrix;
    const { count, bounds } = range(Math.ceil(rows / PASS_ROWS), PASS_ROWS, rows);
    return { count, call: (lut) => `matvecBandedDiagonalRows(z, v, ${rows}, ${cols}, ${planned.lower}, ${planned.upper}, signs, coef, ${pointer(lut)}, ${bounds}, prepare)` };
  },
};
