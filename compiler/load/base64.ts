/** Strict standard base64 (RFC 4648, with padding): Node's decoder silently skips junk, so we check first. */
import { fail, type JsonPath } from '../../core/diagnostics/diagnostic.js';

const ALPHABET = /^[A-Za-z0-9+/]*$/;

/** Decodes `text`, which must encode exactly `expectedBytes` bytes (checked before decoding). */
export function decodeBase64Exact(text: string, expectedBytes: number, file: string, jsonPath: JsonPath, what: string): Uint8Array {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const body = text.slice(0, text.length - padding);
  if (!ALPHABET.test(body)) {
    const index = [...body].findIndex((ch) => !/[A-Za-z0-9+/]/.test(ch));
    fail({ code: 'PB301', file, jsonPath, message: `invalid base64 character at position ${index}`, expected: 'A-Z a-z 0-9 + / and trailing = padding', found: JSON.stringify(body[index]), fix: 'encode with standard base64 (Python base64.b64encode)' });
  }
  if (text.length % 4 !== 0) {
    fail({ code: 'PB301', file, jsonPath, message: 'base64 length is not a multiple of 4 (missing padding?)', expected: 'a multiple of 4 characters', found: `${text.length}`, fix: 'encode with standard, padded base64 (Python base64.b64encode)' });
  }
  const decodedBytes = (text.length / 4) * 3 - padding;
  if (decodedBytes !== expectedBytes) {
    fail({ code: 'PB306', file, jsonPath, message: `${what}: base64 payload decodes to the wrong number of bytes`, expected: `${expectedBytes} bytes`, found: `${decodedBytes}` });
  }
  const decoded = Buffer.from(text, 'base64');
  return new Uint8Array(decoded.buffer.slice(decoded.byteOffset, decoded.byteOffset + decoded.length));
}
