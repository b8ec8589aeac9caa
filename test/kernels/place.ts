/** Test-side staging of kernel arguments in a module's linear memory, and the kernel library to stage them for. */
import { compileAssemblyScript, type Flavor } from '../../codegen/compile-as.js';
import { KERNELS } from '../../core/constants.js';
import type { KernelName } from '../../core/plan.js';
import { RUNTIME_DIR, runtimeSources } from '../../codegen/runtime-sources.js';

export type Place = (...arrays: (Float32Array | Uint8Array)[]) => number[];

/** The kernel library's kernel codes (kernel_choice) by name. */
export const KERNEL_NAMES: ReadonlyMap<number, KernelName> = new Map([
  [KERNELS.FLIP_ADD, 'flip-add'], [KERNELS.LUT4, 'lut4'], [KERNELS.LUT8, 'lut8'], [KERNELS.DIAGONAL, 'diagonal'], [KERNELS.BIT_SERIAL, 'bit-serial'],
]);

/**
 * The kernel library (runtime-as/index.ts) in one flavour, its memory grown by `pages`, and
 * `place`, which stages arrays above everything the module itself uses (placeArrays).
 */
export async function kernelLibrary<T extends { memory: WebAssembly.Memory }>(flavor: Flavor, pages: number): Promise<{ exports: T; place: Place }> {
  const bytes = await compileAssemblyScript(runtimeSources(), `${RUNTIME_DIR}/index.ts`, flavor, [], 'runtime-as/index.ts');
  const exports = (await WebAssembly.instantiate(bytes, {})).instance.exports as unknown as T;
  const base = exports.memory.buffer.byteLength;
  exports.memory.grow(pages);
  return { exports, place: (...arrays) => placeArrays(exports.memory, base, arrays) };
}

/**
 * Copies the arrays into `memory` from `base` on (16-aligned, 16 bytes of slack after each, so
 * kernels reading past an end hit no neighbour) and returns their addresses.
 */
export function placeArrays(memory: WebAssembly.Memory, base: number, arrays: readonly (Float32Array | Uint8Array)[]): number[] {
  let at = base;
  return arrays.map((a) => {
    const address = at;
    new Uint8Array(memory.buffer, address, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    at = (address + a.byteLength + 16 + 15) & ~15;
    return address;
  });
}
