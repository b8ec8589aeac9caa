/**
 * Runs a .pibinn container through the prebuilt generic runtime (runtime-as/generic/): the
 * container is verified inside WebAssembly, so a device or page can take a new model without new
 * code. Each loaded container gets its own instance (and memory); the compiled module is shared.
 */
import type { Build, PibinnModel } from './session.js';
import { wrapModule } from './session.js';
import { type BuildChoice, selectBuild } from './select-build.js';
import { readSource, type ByteSource } from './source.js';
import { PibinnError } from '../core/diagnostics/diagnostic.js';
import { engineDiagnostic } from '../engine/diagnostic.js';
import { type EngineExports, prebuiltModule } from '../engine/exports.js';
import { loadBytes } from '../engine/load.js';

export interface ContainerOptions {
  /** 'simd', 'scalar' or 'auto' (default: SIMD where the engine validates it). */
  build?: BuildChoice;
  /** The generic runtime's .wasm bytes for that build, instead of the prebuilt ones bundled here. */
  runtime?: ArrayBuffer | ArrayBufferView;
  /** Names the container in error messages (default: the URL, or "container.pibinn"). */
  file?: string;
  /** Bytes of linear memory the runtime may grow to for this model (default: defaultMemoryLimit). */
  memoryLimit?: number;
}

/** The prebuilt runtime modules, compiled once per build and shared by every loaded container. */
export { prebuiltModule as prebuiltRuntime } from '../engine/exports.js';

/**
 * The memory a container may make the runtime grow to, unless the caller says otherwise: 64 MiB
 * plus 32 times the container's size. An honest model needs its signs, their prepared copies and
 * a few vectors per batch group; a tiny container claiming a state of 2^27 floats is refused
 * before any memory grows instead of taking a gigabyte of the page.
 */
export function defaultMemoryLimit(containerBytes: number): number {
  return Math.min(2 ** 31, 64 * 2 ** 20 + 32 * containerBytes);
}

/** Loads a container (bytes or a URL) into the generic runtime; throws a PibinnError when it is rejected. */
export async function loadContainer(source: ByteSource, options: ContainerOptions = {}): Promise<PibinnModel> {
  const file = options.file ?? (typeof source === 'string' || source instanceof URL ? String(source) : 'container.pibinn');
  const build = selectBuild(options.build);
  const bytes = await readSource(source, 'the container');
  const module = options.runtime === undefined ? await prebuiltModule(build) : await WebAssembly.compile(toArrayBufferBytes(options.runtime));
  const exports = (await WebAssembly.instantiate(module, {})).exports as EngineExports;
  const status = loadBytes(exports, bytes, { memoryLimit: options.memoryLimit ?? defaultMemoryLimit(bytes.length) });
  if (status.code !== 0) throw new PibinnError(engineDiagnostic(status, bytes, file));
  const name = new TextDecoder().decode(new Uint8Array(exports.memory.buffer, exports.model_name_ptr(), exports.model_name_length()));
  return wrapModule(exports, name, 'generic', build);
}

function toArrayBufferBytes(bytes: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.slice();
}
