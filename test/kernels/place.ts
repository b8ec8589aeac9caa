/** Test-side staging of kernel arguments in a module's linear memory. */

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
