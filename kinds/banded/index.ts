/** Banded matrices: entries with -lower <= j - i <= upper; over diagonals or flip-and-add over rows. */
import { type KindModule, perInput, pointer, type RowSegmentVisitor } from '../common/kind.js';

export type BandedDescription = { readonly kind: 'banded'; readonly lower: number; readonly upper: number };

/** Rows per pass of the diagonal kernel (diagonals.as.ts): a chunk starts on a pass boundary. */
const PASS_ROWS = 32;

function forEachBandRun(rows: number, cols: number, lower: number, upper: number, visit: RowSegmentVisitor): void {
  for (let i = 0, k = 0; i < rows; i++) {
    const start = Math.max(0, i - lower);
    const end = Math.min(cols, i + upper + 1);
    if (end > start) {
      visit(i, start, end, k);
      k += end - start;
    }
  }
}

export const banded: KindModule<'banded', BandedDescription> = {
  kind: 'banded',
  nnz(s, rows, cols) {
    let nnz = 0;
    forEachBandRun(rows, cols, s.lower, s.upper, (_i, start, end) => (nnz += end - start));
    return nnz;
  },
  forEachRowSegment: (s, rows, cols, visit) => forEachBandRun(rows, cols, s.lower, s.upper, visit),
  metadataBytes: () => 8, // two u32
  describe: (s) => `banded: lower ${s.lower}, upper ${s.upper}`,
  check: () => [],
  build: ({ lower, upper }) => ({ kind: 'banded', lower, upper }),
  toContainer: ({ lower, upper }) => ({ lower, upper }),
  fromContainer: ({ lower, upper }) => ({ kind: 'banded', lower, upper }),
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
  emitChunks({ planned }, _s, range) {
    if (planned.kernel.simd !== 'diagonal') return undefined;
    const { rows, cols } = planned.matrix;
    const { count, bounds } = range(Math.ceil(rows / PASS_ROWS), PASS_ROWS, rows);
    return { count, call: (lut) => `matvecBandedDiagonalRows(z, v, ${rows}, ${cols}, ${planned.lower}, ${planned.upper}, signs, coef, ${pointer(lut)}, ${bounds}, prepare)` };
  },
};
