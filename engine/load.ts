/**
 * Loading a container into a generic-runtime instance: the options that shape its plan, the
 * copy into linear memory, and the verdict, as a status or as a PibinnError whose diagnostic
 * names the field that failed (engine/diagnostic.ts).
 */
import { OPTIONS } from '../core/constants.js';
import { PibinnError } from '../core/diagnostics/diagnostic.js';
import { engineDiagnostic, type EngineStatus, statusOf } from './diagnostic.js';
import type { EngineExports } from './exports.js';

/** Plan options (OPTIONS in core/constants.ts); absent ones keep the runtime's defaults. */
export interface EngineOptions {
  /** Largest lookup table a product may build, in bytes (0: flip-and-add only). */
  readonly tableBytesLimit?: number;
  /** k of k-bit activations: dense and block-diagonal products run bit-serially. */
  readonly activationBits?: number;
  readonly maxBatch?: number;
  /** Bytes of linear memory the runtime may grow to. */
  readonly memoryLimit?: number;
}

const OPTION_OF: Readonly<Record<keyof EngineOptions, number>> = {
  tableBytesLimit: OPTIONS.TABLE_BYTES_LIMIT,
  activationBits: OPTIONS.ACTIVATION_BITS,
  maxBatch: OPTIONS.MAX_BATCH,
  memoryLimit: OPTIONS.MEMORY_LIMIT,
};

/** The largest container the runtime's i32 ABI takes. */
const MAX_CONTAINER_BYTES = 0x7fffffff;

/** Sets the options, copies `bytes` in and loads them; the status (0 = loaded). */
export function loadBytes(engine: EngineExports, bytes: Uint8Array, options: EngineOptions = {}): EngineStatus {
  for (const name of Object.keys(OPTION_OF) as (keyof EngineOptions)[]) {
    const value = options[name];
    if (value !== undefined && engine.set_option(OPTION_OF[name], value) !== 0) return statusOf(engine);
  }
  if (bytes.length > MAX_CONTAINER_BYTES) return { ...statusOf(engine), code: 1, detail: 1, offset: 0 };
  // An empty container still gets a buffer, so `load` itself says it is not a container.
  const at = engine.alloc_container(Math.max(bytes.length, 1));
  if (at === 0) return statusOf(engine);
  new Uint8Array(engine.memory.buffer, at, bytes.length).set(bytes);
  engine.load(at, bytes.length);
  return statusOf(engine);
}

/** loadBytes, throwing a PibinnError (PB5xx, PB401) naming the failed field when the container is refused. */
export function loadOrThrow(engine: EngineExports, bytes: Uint8Array, file: string, options: EngineOptions = {}): void {
  const status = loadBytes(engine, bytes, options);
  if (status.code !== 0) throw new PibinnError(engineDiagnostic(status, bytes, file));
}
