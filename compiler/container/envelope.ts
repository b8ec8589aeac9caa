/**
 * The parts of a container that never change between schema versions: the root offset, the file
 * identifier at bytes 4..7, and the Model fields schema_version (slot 0) and checksum (slot 1).
 * The writer seals its containers here (tests reseal edited ones); the runtime checks them.
 */
import { fail } from '../../core/diagnostics/diagnostic.js';
import { MODEL_SLOTS } from '../../core/generated/schema.js';
import { crc32 } from '../util/crc32.js';

const ZERO_CHECKSUM = new Uint8Array(4);

/** CRC-32 of the whole buffer with the checksum field's own 4 bytes taken as zero. */
export function containerChecksum(bytes: Uint8Array, fieldPosition: number): number {
  let crc = crc32(bytes.subarray(0, fieldPosition));
  crc = crc32(ZERO_CHECKSUM, crc);
  return crc32(bytes.subarray(fieldPosition + 4), crc);
}

/** Byte offset of the root table's checksum field, read with every offset bounds-checked. */
export function checksumFieldPosition(bytes: Uint8Array, file: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const inside = (pos: number, size: number): boolean => pos >= 0 && pos + size <= bytes.length;
  const broken = (what: string): never => fail({ code: 'PB502', file, message: `cannot locate the checksum field: ${what}`, fix: 'rebuild the container with pibinn-compile' });
  if (!inside(0, 8)) broken('the buffer is shorter than the 8-byte header');
  const root = view.getUint32(0, true);
  if (!inside(root, 4)) broken('the root offset points outside the buffer');
  const vtable = root - view.getInt32(root, true);
  if (!inside(vtable, 4)) broken('the root vtable lies outside the buffer');
  const entry = 4 + 2 * MODEL_SLOTS.checksum;
  const offset = entry + 2 <= view.getUint16(vtable, true) && inside(vtable + entry, 2) ? view.getUint16(vtable + entry, true) : 0;
  if (offset === 0 || !inside(root + offset, 4)) broken('the root table has no checksum field');
  return root + offset;
}

/** Writes the checksum of a container into its checksum field. */
export function sealContainer(bytes: Uint8Array, file: string): void {
  const position = checksumFieldPosition(bytes, file);
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(position, containerChecksum(bytes, position), true);
}
