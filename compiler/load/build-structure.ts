/** Turns a validated structure description into the IR's closed form (reading a mask's bitmap). */
import type { Structure } from '../../core/ir.js';
import { kindOf } from '../../kinds/index.js';
import type { RawBytesPayload, RawMatrix } from '../validate/raw-model.js';
import { checkPaddingBits } from './padding.js';
import { readBytePayload, type PayloadContext } from './payload.js';

export function buildStructure(id: string, matrix: RawMatrix, ctx: PayloadContext): Structure {
  const readBitmap = (description: unknown, bits: number, what: string): Uint8Array => {
    const read = readBytePayload(description as RawBytesPayload, ['matrices', id, 'structure'], Math.ceil(bits / 8), what, ctx);
    checkPaddingBits(read, bits, what);
    return read.bytes;
  };
  return kindOf(matrix.structure).build(matrix.structure, matrix.rows, matrix.cols, { id, readBitmap });
}
