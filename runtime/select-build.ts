/**
 * SIMD or scalar: a module with a SIMD opcode does not even validate on an engine without SIMD,
 * so the build is chosen before compiling, with a `WebAssembly.validate` probe.
 */
import type { Build } from './session.js';

/** Smallest module using a SIMD opcode (i8x16.splat + popcnt): valid only where SIMD is. Generated loaders embed it too. */
export const SIMD_PROBE: readonly number[] = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11];

const PROBE = new Uint8Array(SIMD_PROBE);

/** True when this engine validates WebAssembly SIMD. */
export function simdSupported(): boolean {
  return WebAssembly.validate(PROBE);
}

/** 'auto' (the default) means SIMD where the engine has it. */
export type BuildChoice = Build | 'auto';

export function selectBuild(choice: BuildChoice = 'auto'): Build {
  if (choice === 'auto') return simdSupported() ? 'simd' : 'scalar';
  if (choice !== 'simd' && choice !== 'scalar') throw new TypeError(`unknown build ${String(choice)}: expected 'simd', 'scalar' or 'auto'`);
  return choice;
}
