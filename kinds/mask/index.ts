/** `mask` matrices: an explicit row-major bitmap; flip-and-add over the prepared row starts and runs. */
import { type KindModule, perInput, pointer, type RowSegmentVisitor } from '../common/kind.js';

/** The description's payload (`data` or `file`) is the compiler's to read (DescriptionContext.readBitmap). */
export type MaskDescription = { readonly kind: 'mask'; readonly encoding: 'bits' };

const BYTE_POPCOUNT = (() => {
  const table = new Uint8Array(256);
  for (let v = 1; v < 256; v++) table[v] = (v & 1) + table[v >> 1];
  return table;
})();

const maskBit = (bitmap: Uint8Array, bit: number): boolean => ((bitmap[bit >>> 3] >> (bit & 7)) & 1) === 1;

function forEachMaskSegment(bitmap: Uint8Array, rows: number, cols: number, visit: RowSegmentVisitor): void {
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let j = 0;
    while (j < cols) {
      // Skip zero bytes quickly when aligned; the bitmap is row-major over rows * cols bits.
      const bit = base + j;
      if ((bit & 7) === 0 && j + 8 <= cols && bitmap[bit >>> 3] === 0) {
        j += 8;
        continue;
      }
      if (!maskBit(bitmap, bit)) {
        j++;
        continue;
      }
      const start = j;
      while (j < cols && maskBit(bitmap, base + j)) j++;
      visit(i, start, j, k);
      k += j - start;
    }
  }
}

export const mask: KindModule<'mask', MaskDescription> = {
  kind: 'mask',
  nnz: (s) => s.bitmap.reduce((sum, byte) => sum + BYTE_POPCOUNT[byte], 0),
  forEachRowSegment: (s, rows, cols, visit) => forEachMaskSegment(s.bitmap, rows, cols, visit),
  metadataBytes: (s) => s.bitmap.length,
  describe: (s) => `mask: ${s.bitmap.length}-byte bitmap`,
  check(_description, rows, cols, { path, id, limit }) {
    const tooBig = limit('maxMaskBits', rows * cols, path, `matrix "${id}" mask size rows * cols`);
    return tooBig === undefined ? [] : [tooBig];
  },
  build: (description, rows, cols, { id, readBitmap }) => ({
    kind: 'mask',
    bitmap: readBitmap(description, rows * cols, `matrix "${id}" mask (${rows} x ${cols} bits)`),
  }),
  toContainer: (s) => ({ mask: s.bitmap }),
  fromContainer: (fields) => ({ kind: 'mask', bitmap: fields.mask ?? new Uint8Array(0) }),
  imports: ["import { matvecSegments } from './kinds/mask/kernel.as';"],
  emitProduct({ planned, table, segments }) {
    return perInput(planned, (z, v) => `matvecSegments(${z}, ${v}, ${planned.matrix.rows}, ${pointer(table)}, ${pointer(segments)}, signs, coef)`);
  },
  emitChunks: () => undefined,
};
