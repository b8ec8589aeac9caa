/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of .pibinn containers.
 * Hand-written on purpose: the same bytes must give the same value in Node, in browsers and in
 * the AssemblyScript runtime verifier, and Node's zlib.crc32 exists neither in browsers nor in
 * older Node releases. Slicing-by-4 keeps an 8 MiB sign payload at a few milliseconds.
 */

const TABLES = buildTables();

function buildTables(): Uint32Array[] {
  const base = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    base[n] = c >>> 0;
  }
  const tables = [base];
  for (let t = 1; t < 4; t++) {
    const previous = tables[t - 1];
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) table[n] = (previous[n] >>> 8) ^ base[previous[n] & 0xff];
    tables.push(table);
  }
  return tables;
}

/**
 * CRC-32 of `bytes`, continuing from `previous` (the CRC-32 of the bytes before them), so a
 * buffer can be checksummed in pieces: crc32(b, crc32(a)) === crc32(a followed by b).
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const [t0, t1, t2, t3] = TABLES;
  let c = ~previous >>> 0;
  let i = 0;
  const fourByteEnd = bytes.length - (bytes.length % 4);
  for (; i < fourByteEnd; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = t3[c & 0xff] ^ t2[(c >>> 8) & 0xff] ^ t1[(c >>> 16) & 0xff] ^ t0[c >>> 24];
  }
  for (; i < bytes.length; i++) c = t0[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
