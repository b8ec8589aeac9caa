import { fail } from '../../core/diagnostics/diagnostic.js';
import type { BytePayload } from './payload.js';

/** The bits after the first `bitCount` of a packed payload must be 0 (so equal models have equal bytes). */
export function checkPaddingBits(payload: BytePayload, bitCount: number, what: string): void {
  const used = bitCount % 8;
  if (used === 0) return;
  const last = payload.bytes.length - 1;
  const stray = payload.bytes[last] >> used;
  if (stray !== 0) {
    fail({
      ...payload.where(last),
      code: 'PB307',
      message: `${what}: padding bits ${used}..7 of the last byte (byte ${last}) are not zero`,
      expected: `0x${(payload.bytes[last] & ((1 << used) - 1)).toString(16).padStart(2, '0')}`,
      found: `0x${payload.bytes[last].toString(16).padStart(2, '0')}`,
      fix: `only the first ${bitCount} bits carry data; clear the rest`,
    });
  }
}
