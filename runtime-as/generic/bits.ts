/** Bit payload helpers of the loader: checking a payload's length and padding, copying bit runs. */
import { DETAIL_PADDING_BITS, DETAIL_PAYLOAD_LENGTH, STATUS_INCONSISTENT } from '../generated/constants';
import { u8At } from './flatbuffer';
import { fail } from './status';

/**
 * A bit payload (field `slot`, first byte at `start`, `count` bytes) holds exactly
 * ceil(bits / 8) bytes, with the unused high bits of the last byte 0.
 */
export function paddedBits(start: i64, count: i64, bits: u64, slot: i32): bool {
  const bytes = (bits + 7) >> 3;
  if (<u64>count != bytes) return fail(STATUS_INCONSISTENT, DETAIL_PAYLOAD_LENGTH, start - 4, slot, -1, <f64>bytes, <f64>count);
  const used = <u32>(bits & 7);
  if (used != 0 && u8At(start + count - 1) >> used != 0) return fail(STATUS_INCONSISTENT, DETAIL_PADDING_BITS, start + count - 1, slot);
  return true;
}

/** Sets bits toBit .. toBit + count - 1 of `to` (zeroed) where bits fromBit .. of `from` are set. */
export function copyBits(from: usize, fromBit: u64, to: usize, toBit: u64, count: u64): void {
  for (let k: u64 = 0; k < count; k++) {
    const s = fromBit + k;
    if (((load<u8>(from + <usize>(s >> 3)) >> <u8>(s & 7)) & 1) != 0) {
      const d = toBit + k;
      const p = to + <usize>(d >> 3);
      store<u8>(p, load<u8>(p) | <u8>(1 << <u8>(d & 7)));
    }
  }
}
