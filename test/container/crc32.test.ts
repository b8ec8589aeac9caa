import { describe, expect, it } from 'vitest';
import { crc32 } from '../../compiler/util/crc32.js';
import { pseudoRandomBytes } from './models.js';

describe('crc32', () => {
  it('gives the standard CRC-32 (IEEE) check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('agrees with an independent bitwise implementation at every length mod 4', () => {
    const bitwise = (bytes: Uint8Array): number => {
      let c = 0xffffffff;
      for (const byte of bytes) {
        c ^= byte;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const bytes = pseudoRandomBytes(1031, 7);
    for (const length of [1, 2, 3, 4, 5, 63, 1031]) expect(crc32(bytes.subarray(0, length)), `length ${length}`).toBe(bitwise(bytes.subarray(0, length)));
  });

  it('continues across pieces', () => {
    const bytes = pseudoRandomBytes(1000, 3);
    expect(crc32(bytes.subarray(333), crc32(bytes.subarray(0, 333)))).toBe(crc32(bytes));
  });
});
