/**
 * Products of an explicit mask (AssemblyScript), walked through its row segments: `rowStarts`
 * holds rows + 1 u32 indices into `segments`, whose entries are (col0, length) u32 pairs; signs
 * stay in canonical order.
 */
import { constU32 } from '../../runtime-as/constants';
import { accumulateRow, signedSum } from '../../runtime-as/signed-sum';

@inline export function matvecSegments(
  z: usize, v: usize, rows: i32, rowStarts: usize, segments: usize, signs: usize, coef: f32,
): void {
  let bit: usize = 0;
  for (let i: i32 = 0; i < rows; i++) {
    const first = constU32(rowStarts + (<usize>i << 2));
    const last = constU32(rowStarts + (<usize>i << 2) + 4);
    let sum: f32 = 0;
    for (let s = first; s < last; s++) {
      const segment = segments + (<usize>s << 3);
      const length = <i32>constU32(segment + 4);
      sum += signedSum(v + (<usize>constU32(segment) << 2), length, signs, bit);
      bit += <usize>length;
    }
    accumulateRow(z, i, coef, sum);
  }
}
