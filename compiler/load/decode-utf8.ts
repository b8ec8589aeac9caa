/**
 * model.json is UTF-8 (RFC 8259), strictly: Node's 'utf8' decoding turns every invalid byte into
 * U+FFFD, which a pattern-checked `name` refuses but a `description` or `metadata` would carry
 * into the container silently. The first invalid byte is an error with its offset and line:column.
 */
import { fail } from '../../core/diagnostics/diagnostic.js';
import { pathAt } from './json-structure.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeUtf8Strict(bytes: Uint8Array, file: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
    let line = 1;
    for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
    const column = strict.decode(bytes.subarray(lineStart, offset)).length + 1;
    // The valid prefix decodes exactly, so its length is the bad byte's offset in the lossy text.
    const jsonPath = pathAt(new TextDecoder().decode(bytes), strict.decode(bytes.subarray(0, offset)).length);
    const shown = Array.from(bytes.subarray(offset, offset + 4), (b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
    return fail({
      code: 'PB111',
      file,
      jsonPath,
      position: { line, column },
      byteOffset: offset,
      message: 'the file is not valid UTF-8',
      expected: 'UTF-8 text (RFC 8259)',
      found: `bytes ${shown}`,
      fix: 'write the model as UTF-8 (Python: open(path, "w", encoding="utf-8"), or json.dump with ensure_ascii=True)',
    });
  }
}

/** Offset of the first byte that does not continue a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte -> sequence length and the allowed range of the second byte (no overlongs, no surrogates, <= U+10FFFF).
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (c === undefined || c < min || c > max) return i;
    }
    i += length;
  }
  return bytes.length;
}
