/**
 * Reads of the constant region (sign bits, structure tables, parameter vectors, self-test
 * vectors). Here they are plain linear-memory loads. The MCU code generator (codegen/mcu/)
 * compiles the same kernels with this file replaced by mcu/as/constants.ts, whose functions with
 * the same signatures read a constant array the host keeps outside linear memory (in flash), so
 * read-only weights never take RAM.
 */

/** 8 bytes at any byte address (signs are read with unaligned 64-bit loads). */
@inline export function constU64(address: usize): u64 {
  return load<u64>(address);
}

@inline export function constU32(address: usize): u32 {
  return load<u32>(address);
}

@inline export function constF32(address: usize): f32 {
  return load<f32>(address);
}

/** n f32 values from the constant region to linear memory (non-overlapping). */
@inline export function copyConstants(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}
