/**
 * Runs a .pibinn container through the prebuilt generic runtime (runtime-as/generic/): the
 * container is verified inside WebAssembly, so a device or page can take a new model without new
 * code. Each loaded container gets its own instance (and memory); the compiled module is shared.
 */
import type { Build, PibinnModel } from './session.js';
import { wrapModule } from './session.js';
import { type BuildChoice, selectBuild } from './select-build.js';
import { readSource, type ByteSource } from './source.js';
import { statusError } from './status.js';

export interface ContainerOptions {
  /** 'simd', 'scalar' or 'auto' (default: SIMD where the engine validates it). */
  build?: BuildChoice;
  /** The generic runtime's .wasm bytes for that build, instead of the prebuilt ones bundled here. */
  runtime?: ArrayBuffer | ArrayBufferView;
  /** Names the container in error messages (default: the URL, or "container.pibinn"). */
  file?: string;
}

interface GenericExports extends WebAssembly.Exports {
  memory: WebAssembly.Memory;
  alloc_container(length: number): number;
  load(ptr: number, length: number): number;
  error_code(): number;
  error_detail(): number;
  error_offset(): number;
  model_name_ptr(): number;
  model_name_length(): number;
}

/** The prebuilt runtime modules, compiled once per build and shared by every loaded container. */
const compiled = new Map<Build, Promise<WebAssembly.Module>>();

export async function prebuiltRuntime(build: Build): Promise<WebAssembly.Module> {
  let module = compiled.get(build);
  if (module === undefined) {
    module = (build === 'simd' ? import('./prebuilt/generic-simd.js') : import('./prebuilt/generic-scalar.js')).then((m) => WebAssembly.compile(decodeBase64(m.WASM_BASE64)));
    compiled.set(build, module);
  }
  return module;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Largest container the runtime's i32 ABI and 2 GiB memory limit accept. */
const MAX_CONTAINER_BYTES = 0x7fffffff;

/** Loads a container (bytes or a URL) into the generic runtime; throws a PibinnError when it is rejected. */
export async function loadContainer(source: ByteSource, options: ContainerOptions = {}): Promise<PibinnModel> {
  const file = options.file ?? (typeof source === 'string' || source instanceof URL ? String(source) : 'container.pibinn');
  const build = selectBuild(options.build);
  const bytes = await readSource(source, 'the container');
  const module = options.runtime === undefined ? await prebuiltRuntime(build) : await WebAssembly.compile(toArrayBufferBytes(options.runtime));
  const exports = (await WebAssembly.instantiate(module, {})).exports as GenericExports;
  if (bytes.length > MAX_CONTAINER_BYTES) throw statusError({ code: 1, detail: 1, offset: 0 }, file);
  const at = exports.alloc_container(bytes.length);
  if (at === 0) throw statusError(currentStatus(exports), file);
  new Uint8Array(exports.memory.buffer, at, bytes.length).set(bytes);
  if (exports.load(at, bytes.length) !== 0) throw statusError(currentStatus(exports), file);
  const name = new TextDecoder().decode(new Uint8Array(exports.memory.buffer, exports.model_name_ptr(), exports.model_name_length()));
  return wrapModule(exports, name, 'generic', build);
}

function currentStatus(exports: GenericExports) {
  return { code: exports.error_code(), detail: exports.error_detail(), offset: exports.error_offset() };
}

function toArrayBufferBytes(bytes: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.slice();
}
