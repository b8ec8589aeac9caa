/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the same function as
 * compiler/util/crc32.ts, for the container checksum: computed over the whole buffer with the
 * checksum field's own 4 bytes taken as zero.
 */

const TABLE: usize = memory.data(1024, 4);
let tableReady = false;

function fillTable(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = (c & 1) != 0 ? 0xedb88320 ^ (c >> 1) : c >> 1;
    store<u32>(TABLE + (<usize>n << 2), c);
  }
  tableReady = true;
}

@inline function step(c: u32, byte: u32): u32 {
  return load<u32>(TABLE + (<usize>((c ^ byte) & 0xff) << 2)) ^ (c >> 8);
}

/** CRC-32 of [at, at + length) with the 4 bytes at `hole` (inside that range) read as zero. */
export function crc32WithHole(at: usize, length: usize, hole: usize): u32 {
  if (!tableReady) fillTable();
  let c: u32 = 0xffffffff;
  for (let p = at; p < hole; p++) c = step(c, load<u8>(p));
  for (let k = 0; k < 4; k++) c = step(c, 0);
  for (let p = hole + 4; p < at + length; p++) c = step(c, load<u8>(p));
  return ~c;
}
