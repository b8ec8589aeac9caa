/**
 * Bytes from what a caller may hand over: bytes, a URL fetched with `fetch` (browsers, Deno,
 * workers), or, once the Node build installed a file reader (host-node.ts), a path or file: URL.
 */
import { PibinnError } from '../core/diagnostics/diagnostic.js';

/** Bytes, or a URL (object or string) to fetch; in Node also a file path. */
export type ByteSource = ArrayBuffer | ArrayBufferView | URL | string;

export type FileReader = (path: string | URL) => Promise<Uint8Array>;

let fileReader: FileReader | undefined;

/** Installs the host's file reader (Node); paths and file: URLs are read with it. */
export function useFileReader(reader: FileReader): void {
  fileReader = reader;
}

const USE_NODE_BUILD = "in Node, import 'pibinn' (its \"node\" export reads paths and file: URLs) or 'pibinn/node', or pass the bytes";

export async function readSource(source: ByteSource, what: string): Promise<Uint8Array> {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  const url = toUrl(source);
  if (url === undefined || url.protocol === 'file:') {
    const file = url ?? String(source);
    if (fileReader === undefined) {
      throw readError(String(source), url === undefined ? `cannot read ${what}: "${source}" is not a URL, and there is no page URL to resolve it against` : `cannot fetch ${what} from a file: URL`,
        `${USE_NODE_BUILD}; in a browser, give a URL (relative to the page, or absolute)`);
    }
    return fileReader(file).catch((error: { code?: string; message: string }) => {
      throw readError(String(source), `cannot read ${what} (${error.code ?? error.message})`, 'check the path and its permissions');
    });
  }
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw readError(url.href, `cannot fetch ${what}: ${(error as Error).message}`, 'check the URL and that the server is reachable');
  }
  if (!response.ok) throw readError(url.href, `cannot fetch ${what}: HTTP ${response.status}`, 'check the URL and that the server serves the file');
  return new Uint8Array(await response.arrayBuffer());
}

/** A URL, resolved against the page where there is one; undefined for a plain path (Node). */
function toUrl(source: URL | string): URL | undefined {
  if (source instanceof URL) return source;
  // A Windows path such as C:\m.pibinn parses as a URL with scheme "c:".
  if (/^[A-Za-z]:[\\/]/.test(source)) return undefined;
  try {
    return new URL(source, globalThis.location?.href);
  } catch {
    return undefined;
  }
}

function readError(file: string, message: string, fix: string): PibinnError {
  return new PibinnError({ code: 'PB002', severity: 'error', file, message, fix });
}
