/**
 * Synchronous instances of the prebuilt generic runtime, for the compiler (Node): verifying and
 * planning a container is a plain function call there.
 */
import type { Flavor } from '../core/flavor.js';
import { decodeBase64, type EngineExports } from './exports.js';
import { WASM_BASE64 as SCALAR_BASE64 } from './prebuilt/generic-scalar.js';
import { WASM_BASE64 as SIMD_BASE64 } from './prebuilt/generic-simd.js';

/** The prebuilt runtime's bytes. */
export function prebuiltBytes(flavor: Flavor): Uint8Array<ArrayBuffer> {
  return decodeBase64(flavor === 'simd' ? SIMD_BASE64 : SCALAR_BASE64);
}

const compiled = new Map<Flavor, WebAssembly.Module>();

/** A new instance of the prebuilt runtime (its own memory), the module compiled once per flavour. */
export function instantiateEngine(flavor: Flavor): EngineExports {
  let module = compiled.get(flavor);
  if (module === undefined) {
    module = new WebAssembly.Module(prebuiltBytes(flavor));
    compiled.set(flavor, module);
  }
  return new WebAssembly.Instance(module, {}).exports as EngineExports;
}
