/**
 * SIMD or scalar: a module with a SIMD opcode does not even validate on an engine without SIMD,
 * so the build is chosen before compiling, with a `WebAssembly.validate` probe.
 */
import { SIMD_PROBE } from '../codegen/emit-loader.js';
import type { Build } from './session.js';

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
