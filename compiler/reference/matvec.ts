/**
 * Matrix-vector products straight from the packed sign bits and the closed-form structure:
 * M[i][j] = s_ij * scale * gain on existing entries, 0 elsewhere. No dense array is ever built,
 * so the cost is O(nnz) time and O(1) extra memory.
 */
import type { IRMatrix } from '../../core/ir.js';
import { forEachRowSegment } from '../ir/structure.js';

/** out = M x, with out.length = rows and x.length = cols. */
export function matvec(m: IRMatrix, scale: number, x: ArrayLike<number>, out: Float64Array): void {
  checkLengths(m, 'matvec', x.length, m.cols, out.length, m.rows);
  const { signs } = m;
  out.fill(0);
  // Each row's signed sum is accumulated in float64 and scaled once per row: one rounding for
  // the scale instead of nnz. Agrees with the independent evaluator behind the conformance
  // fixtures to ~3e-16 relative.
  forEachRowSegment(m.structure, m.rows, m.cols, (row, colStart, colEnd, k) => {
    let byte = Math.floor(k / 8);
    let bit = k % 8;
    let sum = 0;
    for (let j = colStart; j < colEnd; j++) {
      sum += (signs[byte] >> bit) & 1 ? -x[j] : x[j];
      if (++bit === 8) {
        bit = 0;
        byte++;
      }
    }
    out[row] += sum;
  });
  const factor = scale * m.gain;
  for (let i = 0; i < out.length; i++) out[i] *= factor;
}

/** out = M^T x, with out.length = cols and x.length = rows. */
export function matvecTransposed(m: IRMatrix, scale: number, x: ArrayLike<number>, out: Float64Array): void {
  checkLengths(m, 'matvecTransposed', x.length, m.rows, out.length, m.cols);
  const { signs } = m;
  out.fill(0);
  forEachRowSegment(m.structure, m.rows, m.cols, (row, colStart, colEnd, k) => {
    const xi = x[row];
    let byte = Math.floor(k / 8);
    let bit = k % 8;
    for (let j = colStart; j < colEnd; j++) {
      out[j] += (signs[byte] >> bit) & 1 ? -xi : xi;
      if (++bit === 8) {
        bit = 0;
        byte++;
      }
    }
  });
  const factor = scale * m.gain;
  for (let i = 0; i < out.length; i++) out[i] *= factor;
}

/** Callers are internal stages working on a validated IR, so a mismatch is a programming error. */
function checkLengths(m: IRMatrix, op: string, xLength: number, xExpected: number, outLength: number, outExpected: number): void {
  if (xLength !== xExpected || outLength !== outExpected) {
    throw new RangeError(
      `${op}(${m.id}: ${m.rows}x${m.cols}): vector lengths x=${xLength}, out=${outLength}; expected x=${xExpected}, out=${outExpected}`,
    );
  }
}
