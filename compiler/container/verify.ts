/**
 * The container verifier: the generic runtime's `load` (runtime-as/generic/), run through
 * WebAssembly (engine/), the only gate between untrusted bytes and the reader. One set of rules
 * in one place: a container `pibinn-compile check` accepts is exactly one every runtime accepts,
 * and a refusal names the same field and byte offset in TypeScript as in a C host.
 */
import { instantiateEngine } from '../../engine/instantiate.js';
import { loadOrThrow } from '../../engine/load.js';

/** Throws a PibinnError (PB5xx, or PB401 past the runtime's limits) unless `bytes` is a valid container. */
export function verifyContainer(bytes: Uint8Array, file: string): void {
  loadOrThrow(instantiateEngine('scalar'), bytes, file);
}
