/** Turns a validated structure description into the IR's closed form (reading a mask's bitmap). */
import type { JsonPath } from '../../core/diagnostics/diagnostic.js';
import type { Structure } from '../../core/ir.js';
import { toBlocks } from '../validate/structure-checks.js';
import { checkPaddingBits } from './padding.js';
import { readBytePayload, type PayloadContext } from './payload.js';
import type { RawMatrix } from '../validate/raw-model.js';

export function buildStructure(id: string, matrix: RawMatrix, ctx: PayloadContext): Structure {
  const s = matrix.structure;
  switch (s.kind) {
    case 'dense':
      return { kind: 'dense' };
    case 'block-diagonal':
      return { kind: 'block-diagonal', blockRows: s.blockRows, blockCols: s.blockCols };
    case 'banded':
      return { kind: 'banded', lower: s.lower, upper: s.upper };
    case 'blocks':
      return { kind: 'blocks', blocks: toBlocks(s.blocks) };
    case 'mask': {
      const path: JsonPath = ['matrices', id, 'structure'];
      const bits = matrix.rows * matrix.cols;
      const what = `matrix "${id}" mask (${matrix.rows} x ${matrix.cols} bits)`;
      const payload = readBytePayload(s, path, Math.ceil(bits / 8), what, ctx);
      checkPaddingBits(payload, bits, what);
      return { kind: 'mask', bitmap: payload.bytes };
    }
  }
}
