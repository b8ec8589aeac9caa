/** Bytes from what a caller may hand over: bytes, or a URL fetched with `fetch` (browsers, Deno, workers). */
import { PibinnError } from '../core/diagnostics/diagnostic.js';

/** Bytes, or a URL (object or string) to fetch. */
export type ByteSource = ArrayBuffer | ArrayBufferView | URL | string;

export async function readSource(source: ByteSource, what: string): Promise<Uint8Array> {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  const url = source instanceof URL ? source : new URL(source, globalThis.location?.href);
  if (url.protocol === 'file:') {
    throw new PibinnError([{
      code: 'PB002', severity: 'error', file: url.href, message: `cannot fetch ${what} from a file: URL`,
      fix: "in Node, use the helpers of 'pibinn/node' (loadContainerFile, loadSpecializedFiles) or pass the bytes",
    }]);
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new PibinnError([{ code: 'PB002', severity: 'error', file: url.href, message: `cannot fetch ${what}: HTTP ${response.status}`, fix: 'check the URL and that the server serves the file' }]);
  }
  return new Uint8Array(await response.arrayBuffer());
}
