/**
 * Section sizes of a WebAssembly binary, for the report's code / data split. Reads only the
 * section headers (id + LEB128 size) of a module this project just built and validated.
 */
const CODE_SECTION = 10;
const DATA_SECTION = 11;
const HEADER_BYTES = 8; // magic + version

export interface WasmSectionSizes {
  readonly codeBytes: number;
  readonly dataBytes: number;
}

export function wasmSectionSizes(bytes: Uint8Array): WasmSectionSizes {
  let codeBytes = 0;
  let dataBytes = 0;
  let offset = HEADER_BYTES;
  while (offset < bytes.length) {
    const id = bytes[offset++];
    const { value: size, next } = readUnsignedLeb128(bytes, offset);
    offset = next + size;
    if (id === CODE_SECTION) codeBytes += size;
    if (id === DATA_SECTION) dataBytes += size;
  }
  return { codeBytes, dataBytes };
}

function readUnsignedLeb128(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[offset++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: offset };
    shift += 7;
  }
}
