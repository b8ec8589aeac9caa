/**
 * The parts of a container that never change between schema versions: the root offset, the file
 * identifier at bytes 4..7, and the Model fields schema_version (slot 0) and checksum (slot 1).
 * Both the writer (to patch the checksum) and the verifier locate them through this code.
 */
import { crc32 } from '../util/crc32.js';
import { CheckedBuffer, type CheckedTable } from './checked-buffer.js';
import { CONTAINER_FILE_IDENTIFIER, MAX_CONTAINER_BYTES, MODEL_SLOT_CHECKSUM } from './format.js';

const HEADER_BYTES = 8; // root uoffset + file identifier

/** Checks size and identifier, then returns the root Model table with its vtable checked. */
export function openContainerRoot(buffer: CheckedBuffer): CheckedTable {
  if (buffer.length < HEADER_BYTES || buffer.length > MAX_CONTAINER_BYTES) {
    buffer.reject('PB501', [], 0, 'not a pibinn container: wrong size', `between ${HEADER_BYTES} bytes and 2 GiB`, `${buffer.length} bytes`);
  }
  const identifier = String.fromCharCode(...buffer.bytes.subarray(4, HEADER_BYTES));
  if (identifier !== CONTAINER_FILE_IDENTIFIER) {
    buffer.reject('PB501', [], 4, 'not a pibinn container: wrong file identifier', JSON.stringify(CONTAINER_FILE_IDENTIFIER), JSON.stringify(identifier));
  }
  return buffer.table(buffer.follow(0, []), []);
}

/** Absolute byte offset of the 4-byte checksum field (always written, even when 0). */
export function checksumFieldPosition(root: CheckedTable): number {
  return root.requiredField(MODEL_SLOT_CHECKSUM, 4, 'checksum');
}

const ZERO_CHECKSUM = new Uint8Array(4);

/** CRC-32 of the whole buffer with the checksum field's own 4 bytes taken as zero. */
export function containerChecksum(bytes: Uint8Array, fieldPosition: number): number {
  let crc = crc32(bytes.subarray(0, fieldPosition));
  crc = crc32(ZERO_CHECKSUM, crc);
  return crc32(bytes.subarray(fieldPosition + 4), crc);
}

/** Writes the checksum of a freshly built container into its checksum field. */
export function sealContainer(bytes: Uint8Array, file: string): void {
  const position = checksumFieldPosition(openContainerRoot(new CheckedBuffer(bytes, file)));
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(position, containerChecksum(bytes, position), true);
}
