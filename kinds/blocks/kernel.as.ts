/**
 * Products of a list of rectangles (AssemblyScript), from the block table the runtime prepares:
 * per block row0, col0, rows, cols and its first sign bit (u32 each); signs block by block,
 * row-major within each block.
 */
import { constU32 } from '../../runtime-as/constants';
import { accumulateRow, signedSum } from '../../runtime-as/signed-sum';

/** Bytes per entry of the block table. */
export const BLOCK_ENTRY_BYTES: usize = 20;

@inline export function matvecBlocks(z: usize, v: usize, table: usize, count: i32, signs: usize, coef: f32): void {
  for (let b: i32 = 0; b < count; b++) {
    const entry = table + <usize>b * BLOCK_ENTRY_BYTES;
    const row0 = <i32>constU32(entry);
    const x = v + (<usize>constU32(entry + 4) << 2);
    const rows = <i32>constU32(entry + 8);
    const cols = <i32>constU32(entry + 12);
    let bit = <usize>constU32(entry + 16);
    for (let r: i32 = 0; r < rows; r++, bit += <usize>cols) {
      accumulateRow(z, row0 + r, coef, signedSum(x, cols, signs, bit));
    }
  }
}
