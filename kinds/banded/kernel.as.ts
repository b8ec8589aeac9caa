/**
 * Banded products over rows (AssemblyScript), for bands the plan does not run over diagonals
 * (diagonals.as.ts): row i covers columns [max(0, i - lower), min(cols, i + upper + 1)), its
 * signs in canonical order. lower and upper come clamped to the matrix.
 */
import { accumulateRow, signedSum } from '../../runtime-as/signed-sum';

@inline export function matvecBanded(
  z: usize, v: usize, rows: i32, cols: i32, lower: i32, upper: i32, signs: usize, coef: f32,
): void {
  let bit: usize = 0;
  for (let i: i32 = 0; i < rows; i++) {
    const start = max(0, i - lower);
    const end = min(cols, i + upper + 1);
    if (end > start) {
      accumulateRow(z, i, coef, signedSum(v + (<usize>start << 2), end - start, signs, bit));
      bit += <usize>(end - start);
    }
  }
}
